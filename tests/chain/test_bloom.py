"""
Logs bloom
==========

The bit layout against go-ethereum's published vectors, the bloom of a known
receipt, membership, and the union of blooms.
"""

from __future__ import annotations

import pytest

from ovm.chain.bloom import EMPTY_BLOOM, bloom_add, bloom_contains, combine_blooms, logs_bloom
from ovm.primitives.crypto import keccak256
from ovm.state import Log

from chain_vectors import GETH_RECEIPT_BLOOM, GETH_RECEIPT_LOGS


def test_bits_of_empty_input():
    # keccak256(b"") = c5d2 4601 86f7 ...: bits 0x5d2, 0x601 and 0x6f7 (low 11 bits of each pair).
    bloom = bloom_add(EMPTY_BLOOM, b"")
    expected = bytearray(256)
    expected[255 - 0x5D2 // 8] |= 1 << (0x5D2 % 8)
    expected[255 - 0x601 // 8] |= 1 << (0x601 % 8)
    expected[255 - 0x6F7 // 8] |= 1 << (0x6F7 % 8)
    assert bloom == bytes(expected)


def test_go_ethereum_extensive_vector():
    # go-ethereum core/types/bloom9_test.go, TestBloomExtensively.
    bloom = EMPTY_BLOOM
    for i in range(100):
        bloom = bloom_add(bloom, f"xxxxxxxxxx data {i} yyyyyyyyyyyyyy".encode())
    assert (
        keccak256(bloom).hex() == "c8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263"
    )


def test_bloom_of_a_known_receipt():
    assert logs_bloom(GETH_RECEIPT_LOGS) == GETH_RECEIPT_BLOOM


def test_membership():
    bloom = EMPTY_BLOOM
    for word in (b"testtest", b"test", b"hallo", b"other"):
        bloom = bloom_add(bloom, word)
    for word in (b"testtest", b"test", b"hallo", b"other"):
        assert bloom_contains(bloom, word)
    for word in (b"tes", b"lo"):
        assert not bloom_contains(bloom, word)


def test_logs_bloom_holds_addresses_and_topics_not_data():
    log = Log(b"\x11" * 20, (b"\x22" * 32,), b"\x33" * 32)
    bloom = logs_bloom([log])
    assert bloom_contains(bloom, log.address)
    assert bloom_contains(bloom, log.topics[0])
    assert not bloom_contains(bloom, log.data)
    assert logs_bloom([]) == EMPTY_BLOOM


def test_union_of_blooms():
    first = logs_bloom(GETH_RECEIPT_LOGS[:1])
    second = logs_bloom(GETH_RECEIPT_LOGS[1:])
    assert combine_blooms([first, second]) == GETH_RECEIPT_BLOOM
    assert combine_blooms([]) == EMPTY_BLOOM


def test_wrong_size_bloom_is_an_error():
    with pytest.raises(ValueError, match="256 bytes"):
        bloom_contains(b"\x00" * 255, b"x")
