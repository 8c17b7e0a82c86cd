"""
Headers
=======

The hashes of a real Cancun mainnet header and a real Prague-shaped header
(with ``requests_hash``), round trips, post-merge defaults, and one case per
decoding error.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.header import (
    EMPTY_OMMERS_HASH,
    FIELD_NAMES,
    Header,
    InvalidHeader,
    block_hash,
    decode_header,
    encode_header,
    header_item,
)
from ovm.primitives import rlp
from ovm.primitives.types import hex_to_bytes, hex_to_int
from ovm.trie import EMPTY_TRIE_ROOT

from chain_vectors import MAINNET_CANCUN_HASH, MAINNET_CANCUN_HEADER, SEPOLIA_PRAGUE_HASH, SEPOLIA_PRAGUE_HEADER

JSON_NAMES = {
    "parent_hash": "parentHash",
    "ommers_hash": "sha3Uncles",
    "coinbase": "miner",
    "state_root": "stateRoot",
    "transactions_root": "transactionsRoot",
    "receipts_root": "receiptsRoot",
    "logs_bloom": "logsBloom",
    "difficulty": "difficulty",
    "number": "number",
    "gas_limit": "gasLimit",
    "gas_used": "gasUsed",
    "timestamp": "timestamp",
    "extra_data": "extraData",
    "prev_randao": "mixHash",
    "nonce": "nonce",
    "base_fee_per_gas": "baseFeePerGas",
    "withdrawals_root": "withdrawalsRoot",
    "blob_gas_used": "blobGasUsed",
    "excess_blob_gas": "excessBlobGas",
    "parent_beacon_block_root": "parentBeaconBlockRoot",
    "requests_hash": "requestsHash",
}
BYTES_NAMES = {name for name in FIELD_NAMES if name not in {
    "difficulty", "number", "gas_limit", "gas_used", "timestamp",
    "base_fee_per_gas", "blob_gas_used", "excess_blob_gas",
}}  # fmt: skip


def header_from_rpc(block: dict) -> Header:
    """A header from an eth_getBlockByNumber result (test-side converter)."""
    values = {}
    for name, key in JSON_NAMES.items():
        if key not in block:  # a field of a later fork
            continue
        convert = hex_to_bytes if name in BYTES_NAMES else hex_to_int
        values[name] = convert(block[key])
    return Header(**values)


MAINNET = header_from_rpc(MAINNET_CANCUN_HEADER)
PRAGUE = header_from_rpc(SEPOLIA_PRAGUE_HEADER)


def test_mainnet_cancun_block_hash():
    assert MAINNET.requests_hash is None
    assert block_hash(MAINNET).hex() == MAINNET_CANCUN_HASH


def test_prague_block_hash_commits_to_the_requests_hash():
    assert block_hash(PRAGUE).hex() == SEPOLIA_PRAGUE_HASH
    assert len(rlp.decode(encode_header(PRAGUE))) == 21
    assert block_hash(dataclasses.replace(PRAGUE, requests_hash=bytes(32))) != block_hash(PRAGUE)


def test_round_trip():
    assert decode_header(encode_header(MAINNET)) == MAINNET
    assert decode_header(encode_header(PRAGUE)) == PRAGUE


def test_field_order_is_the_protocol_order():
    assert list(FIELD_NAMES) == list(JSON_NAMES)


def test_post_merge_defaults():
    header = Header(
        parent_hash=bytes(32), coinbase=bytes(20), state_root=EMPTY_TRIE_ROOT,
        number=1, gas_limit=30_000_000, timestamp=2, base_fee_per_gas=10**9,
    )  # fmt: skip
    assert header.ommers_hash == EMPTY_OMMERS_HASH
    assert (
        EMPTY_OMMERS_HASH.hex()
        == "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
    )
    assert header.nonce == bytes(8) and header.difficulty == 0
    assert header.withdrawals_root == header.transactions_root == EMPTY_TRIE_ROOT
    assert decode_header(encode_header(header)) == header


def replace_item(name: str, value) -> bytes:
    item = header_item(MAINNET)
    item[FIELD_NAMES.index(name)] = value
    return rlp.encode(item)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xc1", "malformed RLP"),
        (rlp.encode(b"header"), "expected a list"),
        (rlp.encode(header_item(MAINNET)[:-1]), "expected 20 fields \\(Cancun\\) or 21 \\(Prague\\), got 19"),
        (rlp.encode([*header_item(PRAGUE), b"\x01"]), "expected 20 fields .* got 22"),
        (rlp.encode([*header_item(MAINNET), bytes(31)]), "requests_hash: expected 32 bytes"),
        (replace_item("parent_hash", bytes(31)), "parent_hash: expected 32 bytes"),
        (replace_item("coinbase", bytes(32)), "coinbase: expected 20 bytes"),
        (replace_item("logs_bloom", bytes(32)), "logs_bloom: expected 256 bytes"),
        (replace_item("nonce", bytes(32)), "nonce: expected 8 bytes"),
        (replace_item("number", b"\x00\x01"), "number: integer has leading zero"),
        (replace_item("gas_limit", b"\x01" + bytes(8)), "gas_limit: .* out of range"),
        (replace_item("base_fee_per_gas", b"\x01" * 33), "base_fee_per_gas: .* out of range"),
        (replace_item("extra_data", []), "extra_data: expected a byte string"),
    ],
)
def test_decoding_errors(data, message):
    with pytest.raises(InvalidHeader, match=message):
        decode_header(data)


def test_hash_changes_with_any_field():
    assert block_hash(dataclasses.replace(MAINNET, extra_data=b"")) != block_hash(MAINNET)
