"""
FastLZ level 1
==============

The LZ77 codec of Ariya Hidayat's FastLZ at level 1, in the form Solady's
``LibZip.flzCompress`` / ``flzDecompress`` implement on chain: what makes it
the batch codec is that an L1 contract can decompress one block's frame for a
few gas per byte (``contracts/src/lib/FastLZ.sol``), which zlib's Huffman
stages and brotli's dictionaries cannot offer. The length of its output is
also what the OP Stack's Fjord L1 data fee measures (``ovm.evm.l2``; op-geth's
``FlzCompressLen`` counts the same bytes).

The stream
----------

A compressed stream is a sequence of instructions and nothing else (no header,
no length, no checksum). The top three bits of an instruction's first byte
``c`` say what it is:

=============  =====================================  ==================================
``c >> 5``     bytes                                  meaning
=============  =====================================  ==================================
0              ``c``, then ``c + 1`` literal bytes     copy 1 to 32 bytes from the input
1 to 6         ``c``, ``d``                            match of ``(c >> 5) + 2`` bytes (3–8)
7              ``c``, ``e``, ``d``                     match of ``e + 9`` bytes (9–264)
=============  =====================================  ==================================

A match copies from ``((c & 31) << 8 | d) + 1`` bytes back in the output (1 to
8192), one byte at a time in order, so a match may overlap the bytes it
produces (a distance of 1 repeats the last byte). A reference to before the
start of the output, or an instruction cut short by the end of the input, is
an error; so is output beyond the caller's bound.

The compressor
--------------

Level 1's greedy parse, which ``flzCompress`` also follows, so the two give
the same bytes for the same input. A table of 8192 positions is indexed by a
multiplicative hash of the three bytes at each position (read little-endian,
times 2654435769, bits 19 to 31; an empty entry holds position 0). Scanning from position 2, each position is
looked up and then entered under its hash; the first one whose three bytes
equal those at the position found there, fewer than 8192 bytes back, starts a
match. The match covers those three bytes and every following byte that
agrees, compared up to 4 bytes before the end of the input; a comparison that
reaches that point without a difference gives a match one byte shorter than
what agreed (level 1's quirk, kept for identical output). The last two
positions of a match are entered in the table and the scan resumes after it;
no match starts in the last 14 bytes. Matches longer than 264 bytes are sent
as 262-byte pieces, and literals in runs of at most 32.
"""

from __future__ import annotations

MAX_LITERAL_RUN = 32
LONG_MATCH_KIND = 7
LONG_MATCH_BASE = 9
MAX_MATCH_LENGTH = LONG_MATCH_BASE + 255
MATCH_PIECE = 262  # what the compressor sends per instruction of an over-long match
MAX_DISTANCE = 8192

HASH_BITS = 13
HASH_MULTIPLIER = 2654435769
HASH_SHIFT = 32 - HASH_BITS
HASH_MASK = (1 << HASH_BITS) - 1
FIRST_MATCH_POSITION = 2
SEARCH_MARGIN = 14  # no match starts within this many bytes of the end
COMPARE_MARGIN = 4  # matches are not extended into the last bytes

DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024


class FastLZError(ValueError):
    """A compressed stream is malformed or decompresses to more than allowed."""


# --- compression --------------------------------------------------------------


def compress(data: bytes) -> bytes:
    """Compress ``data`` as LibZip's ``flzCompress`` does (the same bytes)."""
    data = bytes(data)
    out = bytearray()
    anchor = 0
    search_end = len(data) - SEARCH_MARGIN
    if search_end > FIRST_MATCH_POSITION:
        anchor = _compress_matches(data, search_end, out)
    _emit_literals(out, data, anchor, len(data))
    return bytes(out)


def _compress_matches(data: bytes, search_end: int, out: bytearray) -> int:
    """The greedy parse up to ``search_end``: emits literals and matches into ``out``
    and returns where the trailing literals start."""
    triples = _triples(data)
    hashes = [((triple * HASH_MULTIPLIER) >> HASH_SHIFT) & HASH_MASK for triple in triples]
    table = [0] * (1 << HASH_BITS)
    compare_end = len(data) - COMPARE_MARGIN
    anchor, position = 0, FIRST_MATCH_POSITION
    while position < search_end:
        key = hashes[position]
        candidate = table[key]
        table[key] = position
        if position - candidate >= MAX_DISTANCE or triples[position] != triples[candidate]:
            position += 1
            continue
        length = _match_length(data, candidate, position, compare_end)
        _emit_literals(out, data, anchor, position)
        _emit_match(out, length, position - candidate)
        position += length
        table[hashes[position - 2]] = position - 2
        table[hashes[position - 1]] = position - 1
        anchor = position
    return anchor


def _triples(data: bytes) -> list[int]:
    """The three bytes at each position as a little-endian integer."""
    return [a | b << 8 | c << 16 for a, b, c in zip(data, data[1:], data[2:])]


def _match_length(data: bytes, candidate: int, position: int, compare_end: int) -> int:
    """How many bytes the match at ``position`` copies from ``candidate``: level 1's
    count (see the module docstring), which may fall one short near the end."""
    agreed = _common_prefix(data, candidate + 3, position + 3, compare_end - position - 3)
    if position + 3 + agreed == compare_end:
        return agreed + 2
    return agreed + 3


def _common_prefix(data: bytes, left: int, right: int, limit: int) -> int:
    """How many bytes agree from ``left`` and ``right`` on, up to ``limit``: compared
    in doubling slices, then byte by byte inside the first slice that differs."""
    agreed, step = 0, 8
    while agreed < limit:
        size = min(step, limit - agreed)
        if data[left + agreed : left + agreed + size] != data[right + agreed : right + agreed + size]:
            while data[left + agreed] == data[right + agreed]:
                agreed += 1
            return agreed
        agreed += size
        step = min(step * 2, 1024)
    return agreed


def _emit_literals(out: bytearray, data: bytes, start: int, end: int) -> None:
    """Literal runs of at most 32 bytes for ``data[start:end]``."""
    for run_start in range(start, end, MAX_LITERAL_RUN):
        run = data[run_start : min(run_start + MAX_LITERAL_RUN, end)]
        out.append(len(run) - 1)
        out += run


def _emit_match(out: bytearray, length: int, distance: int) -> None:
    """Match instructions copying ``length`` bytes from ``distance`` back."""
    offset = distance - 1
    high, low = offset >> 8, offset & 0xFF
    while length > MAX_MATCH_LENGTH:
        out += bytes((LONG_MATCH_KIND << 5 | high, MATCH_PIECE - LONG_MATCH_BASE, low))
        length -= MATCH_PIECE
    if length >= LONG_MATCH_BASE:
        out += bytes((LONG_MATCH_KIND << 5 | high, length - LONG_MATCH_BASE, low))
    else:
        out += bytes(((length - 2) << 5 | high, low))


# --- decompression ------------------------------------------------------------


def decompress(data: bytes, max_size: int = DEFAULT_MAX_OUTPUT) -> bytes:
    """Decompress a level-1 stream; more than ``max_size`` bytes of output, or any
    malformed instruction, raises ``FastLZError``."""
    data = bytes(data)
    out = bytearray()
    position, end = 0, len(data)
    while position < end:
        control = data[position]
        kind = control >> 5
        if kind == 0:
            position = _copy_literals(data, position, control + 1, out, max_size)
        else:
            position = _copy_match(data, position, kind, out, max_size)
    return bytes(out)


def _copy_literals(data: bytes, position: int, run: int, out: bytearray, max_size: int) -> int:
    """Appends the literal run whose control byte is at ``position``; returns the next position."""
    start, stop = position + 1, position + 1 + run
    if stop > len(data):
        raise FastLZError(f"literal run of {run} bytes at {position} ends after the input")
    _check_size(len(out) + run, max_size)
    out += data[start:stop]
    return stop


def _copy_match(data: bytes, position: int, kind: int, out: bytearray, max_size: int) -> int:
    """Appends the match whose control byte is at ``position``; returns the next position."""
    size = 3 if kind == LONG_MATCH_KIND else 2
    if position + size > len(data):
        raise FastLZError(f"match instruction at {position} is cut short by the end of the input")
    if kind == LONG_MATCH_KIND:
        length, low = data[position + 1] + LONG_MATCH_BASE, data[position + 2]
    else:
        length, low = kind + 2, data[position + 1]
    distance = ((data[position] & 0x1F) << 8 | low) + 1
    start = len(out) - distance
    if start < 0:
        raise FastLZError(f"match at {position} refers {distance} bytes back, before the start of the output")
    _check_size(len(out) + length, max_size)
    if distance >= length:
        out += out[start : start + length]
    else:
        out += (out[start:] * (length // distance + 1))[:length]
    return position + size


def _check_size(size: int, max_size: int) -> None:
    if size > max_size:
        raise FastLZError(f"decompressed data exceeds {max_size} bytes")
