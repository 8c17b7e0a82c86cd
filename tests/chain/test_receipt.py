"""
Receipts
========

Consensus encodings against go-ethereum's vectors (legacy and typed),
round trips, the receipts root, and one case per decoding error.
"""

from __future__ import annotations

import pytest

from ovm.chain.receipt import (
    InvalidReceipt,
    Receipt,
    decode_receipt,
    encode_receipt,
    make_receipt,
    receipts_root,
)
from ovm.primitives import rlp
from ovm.state import Log
from ovm.trie import EMPTY_TRIE_ROOT, trie_root

from chain_vectors import GETH_LEGACY_RECEIPT, GETH_RECEIPT_BLOOM, GETH_RECEIPT_LOGS


def geth_receipt(tx_type: int) -> Receipt:
    return make_receipt(tx_type, False, 1, GETH_RECEIPT_LOGS)


def test_make_receipt_computes_the_bloom():
    receipt = geth_receipt(0)
    assert receipt.bloom == GETH_RECEIPT_BLOOM
    assert receipt.status == 0
    assert make_receipt(2, True, 21000, []).status == 1


@pytest.mark.parametrize("tx_type, prefix", [(0, b""), (1, b"\x01"), (2, b"\x02")])
def test_encoding_matches_go_ethereum(tx_type, prefix):
    assert encode_receipt(geth_receipt(tx_type)) == prefix + GETH_LEGACY_RECEIPT


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3, 0x7E])
def test_round_trip(tx_type):
    receipt = make_receipt(tx_type, True, 123_456, GETH_RECEIPT_LOGS)
    assert decode_receipt(encode_receipt(receipt)) == receipt


def test_round_trip_without_logs():
    receipt = make_receipt(2, True, 21000, [])
    assert decode_receipt(encode_receipt(receipt)) == receipt


def test_receipts_root_is_an_index_keyed_trie():
    receipts = [make_receipt(0, True, 21000, []), make_receipt(2, False, 50000, GETH_RECEIPT_LOGS)]
    expected = trie_root(
        {
            rlp.encode(rlp.int_to_be(i)): encode_receipt(receipt)
            for i, receipt in enumerate(receipts)
        }
    )
    assert receipts_root(receipts) == expected
    assert receipts_root([]) == EMPTY_TRIE_ROOT


def _fields(status=b"\x01", gas=b"\x52\x08", bloom=bytes(256), logs=()) -> list:
    return [status, gas, bloom, list(logs)]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty receipt"),
        (b"\x85hello", "RLP list or a type byte"),
        (b"\x00" + rlp.encode(_fields()), "legacy receipt has no type byte"),
        (b"\x02\xc1", "malformed RLP"),
        (rlp.encode(_fields()[:3]), "expected 4 items"),
        (rlp.encode(b"abc"), "RLP list or a type byte"),
        (rlp.encode(_fields(status=b"\x02")), "expected 0 or 1"),
        (rlp.encode(_fields(status=bytes(32))), "pre-Byzantium"),
        (rlp.encode(_fields(status=[])), "status: expected a byte string"),
        (rlp.encode(_fields(gas=b"\x00\x01")), "leading zero"),
        (rlp.encode(_fields(gas=b"\x01" * 33)), "exceeds 256 bits"),
        (rlp.encode(_fields(bloom=bytes(255))), "bloom: expected 256 bytes"),
        (rlp.encode(_fields(logs=[[b"\x11" * 20, []]])), r"logs\[0\]: expected 3 items"),
        (rlp.encode(_fields(logs=[[b"\x11" * 19, [], b""]])), "address: expected 20 bytes"),
        (
            rlp.encode(_fields(logs=[[b"\x11" * 20, [b"\x01"], b""]])),
            r"topics\[0\]: expected 32 bytes",
        ),
        (rlp.encode(_fields(logs=[[b"\x11" * 20, b"", b""]])), "topics: expected a list"),
        (rlp.encode(_fields(logs=[[b"\x11" * 20, [], []]])), "data: expected a byte string"),
    ],
)
def test_decoding_errors(data, message):
    with pytest.raises(InvalidReceipt, match=message):
        decode_receipt(data)


def test_decoded_logs_are_state_logs():
    receipt = decode_receipt(GETH_LEGACY_RECEIPT)
    assert receipt.logs == GETH_RECEIPT_LOGS
    assert all(isinstance(log, Log) for log in receipt.logs)
    assert (receipt.tx_type, receipt.status, receipt.cumulative_gas_used) == (0, 0, 1)
