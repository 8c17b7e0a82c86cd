"""
FastLZ level 1
==============

ovm.primitives.fastlz: the exact bytes Solady's LibZip.flzCompress writes (vectors
taken from it; tests/contracts/test_batch_reader.py compares the two live),
round trips on random, structured and real batch data with fixed seeds, the
stream's limits (runs, lengths, distances), and malformed streams, each with
its error and never beyond the output bound.
"""

from __future__ import annotations

import random

import pytest
from l2_blocks import make_blocks

from ovm.rollup.batch import encode_block
from ovm.primitives.fastlz import MAX_DISTANCE, MAX_LITERAL_RUN, MAX_MATCH_LENGTH, FastLZError, compress, decompress

# Inputs and LibZip.flzCompress's output for them (solady 0.1.26, on anvil).
LIBZIP_VECTORS = [
    (b"", ""),
    (b"abc", "02616263"),
    (bytes(20), "010000e00401040000000000"),
    (b"abc" * 8, "02616263e00702046263616263"),
    (b"hello, hello, hello, world! hello, world!",
     "0668656c6c6f2c20e0050613776f726c64212068656c6c6f2c20776f726c6421"),
    (b"\x07" * 600, "010707e0fd01e0fd01e03c01040707070707"),
]


def instructions(stream: bytes) -> list[tuple[str, int, int]]:
    """The instructions of a well-formed stream: ("literal", run, 0) or ("match", length, distance)."""
    parsed, position = [], 0
    while position < len(stream):
        control = stream[position]
        kind = control >> 5
        if kind == 0:
            parsed.append(("literal", control + 1, 0))
            position += control + 2
        elif kind == 7:
            distance = ((control & 31) << 8 | stream[position + 2]) + 1
            parsed.append(("match", stream[position + 1] + 9, distance))
            position += 3
        else:
            parsed.append(("match", kind + 2, ((control & 31) << 8 | stream[position + 1]) + 1))
            position += 2
    return parsed


def random_inputs(seed: int, count: int) -> list[bytes]:
    """Random bytes of many sizes over alphabets from 1 to 256 symbols, some with long runs."""
    rng = random.Random(seed)
    inputs = []
    for _ in range(count):
        size = rng.choice((rng.randrange(0, 40), rng.randrange(0, 2000), rng.randrange(0, 30_000)))
        alphabet = rng.choice((1, 2, 4, 16, 256))
        data = bytes(rng.randrange(alphabet) for _ in range(size))
        if rng.random() < 0.3 and data:
            at = rng.randrange(len(data))
            data = data[:at] + bytes([rng.randrange(256)]) * rng.randrange(300, 3000) + data[at:]
        inputs.append(data)
    return inputs


@pytest.mark.parametrize("data, expected", LIBZIP_VECTORS)
def test_compress_writes_what_libzip_writes(data, expected):
    assert compress(data).hex() == expected
    assert decompress(bytes.fromhex(expected)) == data


def test_round_trips_random_inputs():
    for data in random_inputs(seed=1, count=300):
        assert decompress(compress(data)) == data


def test_round_trips_every_short_length():
    """Lengths around the compressor's margins (no match within 14 bytes of the end)."""
    rng = random.Random(2)
    for size in range(0, 70):
        for alphabet in (1, 2, 256):
            data = bytes(rng.randrange(alphabet) for _ in range(size))
            assert decompress(compress(data)) == data


def test_round_trips_real_block_frames():
    for mix in ("mixed", "eth", "erc20"):
        for block in make_blocks(seed=3, count=3, txs_per_block=60, mix=mix):
            payload = encode_block(block)
            compressed = compress(payload)
            assert decompress(compressed) == payload
            assert len(compressed) < len(payload)


def test_stream_stays_within_the_format_limits():
    """Runs of 1-32 literals, matches of 3-264 bytes from 1-8192 back; never a long-form match
    shorter than 9 bytes (a short form exists for those)."""
    for data in random_inputs(seed=4, count=60) + [bytes(50_000), b"ab" * 20_000]:
        for kind, size, distance in instructions(compress(data)):
            if kind == "literal":
                assert 1 <= size <= MAX_LITERAL_RUN
            else:
                assert 3 <= size <= MAX_MATCH_LENGTH and 1 <= distance <= MAX_DISTANCE


def test_matches_reach_no_further_than_8192_bytes():
    rng = random.Random(5)
    block = rng.randbytes(500)
    near, far = block + bytes(7000) + block, block + bytes(9000) + block
    assert len(compress(near)) < 700  # the second copy is one match
    assert len(compress(far)) > 1000  # the second copy is sent as literals
    assert decompress(compress(near)) == near and decompress(compress(far)) == far


def test_long_runs_are_sent_in_262_byte_pieces():
    parsed = instructions(compress(b"\x07" * 10_000))
    matches = [size for kind, size, _ in parsed if kind == "match"]
    assert matches[:-1] == [262] * (len(matches) - 1)
    assert sum(size for _, size, _ in parsed) == 10_000


def test_decoder_accepts_the_longest_match_and_overlaps():
    """A 264-byte match (the longest the format holds) at distance 1, and one at distance 3."""
    stream = bytes((2, 1, 2, 3, 0xE0, 0xFF, 0x00, 0xE0, 0x00, 0x02))
    assert decompress(stream) == b"\x01\x02\x03" + b"\x03" * 264 + b"\x03" * 9


@pytest.mark.parametrize("stream, message", [
    (bytes((0,)), "literal run of 1 bytes at 0 ends after the input"),
    (bytes((31,)) + bytes(31), "literal run of 32 bytes at 0 ends after the input"),
    (bytes((0, 1, 0x20)), "match instruction at 2 is cut short"),
    (bytes((0, 1, 0xE0, 0x05)), "match instruction at 2 is cut short"),
    (bytes((0x20, 0x00)), "match at 0 refers 1 bytes back, before the start of the output"),
    (bytes((1, 7, 7, 0x3F, 0xFF)), "match at 3 refers 8192 bytes back"),
])
def test_malformed_streams_raise(stream, message):
    with pytest.raises(FastLZError, match=message):
        decompress(stream)


def test_output_is_bounded():
    """3 input bytes make 264 output bytes: the bound stops the expansion before it happens."""
    bomb = bytes((0, 0)) + bytes((0xE0, 0xFF, 0x00)) * 100_000
    with pytest.raises(FastLZError, match="exceeds 1000000 bytes"):
        decompress(bomb, max_size=1_000_000)
    assert len(decompress(bomb, max_size=26_400_001)) == 26_400_001
    with pytest.raises(FastLZError, match="exceeds 4 bytes"):
        decompress(bytes((4,)) + b"abcde", max_size=4)
    assert decompress(bytes((4,)) + b"abcde", max_size=5) == b"abcde"


def test_garbage_only_ever_raises_fastlz_errors():
    rng = random.Random(6)
    for _ in range(2000):
        stream = rng.randbytes(rng.randrange(1, 60))
        try:
            assert len(decompress(stream, max_size=4096)) <= 4096
        except FastLZError:
            pass


def test_accepts_bytes_like_inputs():
    data = b"bytes-like " * 10
    assert compress(bytearray(data)) == compress(memoryview(data)) == compress(data)
    assert decompress(bytearray(compress(data))) == data
