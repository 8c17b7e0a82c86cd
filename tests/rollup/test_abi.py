"""The ABI helpers on a hand-written ABI: canonical types, values in the project's forms, events."""

from __future__ import annotations

import pytest
from eth_abi import encode

from ovm.primitives.crypto import keccak256
from ovm.rollup.l1.abi import (
    AbiError,
    canonical_type,
    decode_arguments,
    decode_event,
    decode_result,
    encode_call,
    event_topic,
    selector,
)

STRUCT = {"type": "tuple", "components": [{"name": "a", "type": "address"}, {"name": "b", "type": "uint64"}]}
ABI = [
    {"type": "function", "name": "put", "inputs": [{"name": "items", **STRUCT, "type": "tuple[]"}],
     "outputs": []},
    {"type": "function", "name": "owners", "inputs": [], "outputs": [{"name": "", "type": "address[]"}]},
    {"type": "function", "name": "pair", "inputs": [],
     "outputs": [{"name": "", "type": "uint256"}, {"name": "", "type": "bool"}]},
    {"type": "event", "name": "Noted", "anonymous": False, "inputs": [
        {"name": "who", "type": "address", "indexed": True},
        {"name": "label", "type": "string", "indexed": True},
        {"name": "amount", "type": "uint256", "indexed": False},
    ]},
]
A, B = b"\x0a" * 20, b"\x0b" * 20


def test_structs_are_spelled_as_tuples():
    assert canonical_type({**STRUCT, "type": "tuple[]"}) == "(address,uint64)[]"
    assert selector(ABI, "put") == keccak256(b"put((address,uint64)[])")[:4]


def test_arguments_round_trip_with_addresses_as_bytes():
    calldata = encode_call(ABI, "put", [[(A, 1), (B, 2)]])
    assert decode_arguments(ABI, "put", calldata) == (((A, 1), (B, 2)),)
    with pytest.raises(AbiError, match="the input does not call put"):
        decode_arguments(ABI, "put", encode_call(ABI, "owners"))


def test_results_none_one_or_several():
    assert decode_result(ABI, "put", b"") is None
    assert decode_result(ABI, "owners", encode(["address[]"], [[A, B]])) == (A, B)
    assert decode_result(ABI, "pair", encode(["uint256", "bool"], [7, True])) == (7, True)
    with pytest.raises(AbiError, match="pair: cannot decode 3 bytes"):
        decode_result(ABI, "pair", b"abc")


def test_indexed_reference_types_stay_hashes():
    label_hash = keccak256(b"hello")
    topics = [event_topic(ABI, "Noted"), bytes(12) + A, label_hash]
    event = decode_event(ABI, topics, encode(["uint256"], [5]))
    assert (event.name, event.args) == ("Noted", {"who": A, "label": label_hash, "amount": 5})
    assert decode_event(ABI, [keccak256(b"Other()")], b"") is None
    with pytest.raises(AbiError, match="Noted: expected 2 indexed topics, got 1"):
        decode_event(ABI, topics[:2], encode(["uint256"], [5]))
