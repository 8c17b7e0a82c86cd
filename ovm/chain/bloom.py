"""
Logs bloom
==========

The 2048-bit bloom filter of a receipt or block (yellow paper, section 4.3.1):
each log's address and each of its topics set three bits, taken from the low
11 bits of the first three big-endian byte pairs of their keccak-256. Bit ``b``
is bit ``b`` of the filter read as one big-endian 256-byte number, so a bloom
is built as a Python ``int`` and stored as 256 bytes.

A filter (``eth_getLogs``) asks ``bloom_contains`` to skip blocks that cannot
hold a matching log; a hit can be a false positive, a miss never is wrong.
"""

from __future__ import annotations

from typing import Iterable

from ..primitives.crypto import keccak256
from ..state import Log

BLOOM_BYTES = 256
BLOOM_BITS_MASK = BLOOM_BYTES * 8 - 1
EMPTY_BLOOM = bytes(BLOOM_BYTES)


def _bits(data: bytes) -> int:
    """The three bits ``data`` sets, as a 2048-bit mask."""
    digest = keccak256(data)
    mask = 0
    for i in (0, 2, 4):
        mask |= 1 << (((digest[i] << 8) | digest[i + 1]) & BLOOM_BITS_MASK)
    return mask


def _to_int(bloom: bytes) -> int:
    if len(bloom) != BLOOM_BYTES:
        raise ValueError(f"a bloom is {BLOOM_BYTES} bytes, got {len(bloom)}")
    return int.from_bytes(bloom, "big")


def logs_bloom(logs: Iterable[Log]) -> bytes:
    """The bloom of ``logs``: every address and topic added."""
    mask = 0
    for log in logs:
        mask |= _bits(log.address)
        for topic in log.topics:
            mask |= _bits(topic)
    return mask.to_bytes(BLOOM_BYTES, "big")


def bloom_add(bloom: bytes, data: bytes) -> bytes:
    """``bloom`` with ``data`` (an address or a topic) added."""
    return (_to_int(bloom) | _bits(data)).to_bytes(BLOOM_BYTES, "big")


def bloom_contains(bloom: bytes, data: bytes) -> bool:
    """Whether ``data`` may have been added (all three of its bits are set)."""
    bits = _bits(data)
    return _to_int(bloom) & bits == bits


def combine_blooms(blooms: Iterable[bytes]) -> bytes:
    """The union of ``blooms``: a block's bloom from its receipts' blooms."""
    mask = 0
    for bloom in blooms:
        mask |= _to_int(bloom)
    return mask.to_bytes(BLOOM_BYTES, "big")
