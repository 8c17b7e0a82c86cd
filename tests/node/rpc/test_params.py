"""
Parameter converters
====================

Each converter on good input, lenient input as geth's clients send it, and
bad input with its precise reason.
"""

from __future__ import annotations

import pytest

from ovm.node.rpc import params as P

ADDRESS = "0x" + "aB" * 20
HASH = "0x" + "11" * 32


@pytest.mark.parametrize("value, expected", [("0x0", 0), ("0x01", 1), ("0XfF", 255), (7, 7)])
def test_quantity_is_lenient(value, expected):
    assert P.quantity(value) == expected


@pytest.mark.parametrize(
    "value, reason",
    [
        ("12", "hex string without 0x prefix for a quantity"),
        ("0x", "empty hex string for a quantity"),
        ("0xg1", "invalid hex string for a quantity"),
        (True, "expected a hex string for a quantity, got a boolean"),
        (None, "got null"),
        (-1, "negative number for a quantity"),
        ("0x1" + "0" * 64, "a quantity exceeds 256 bits"),
        (1.5, "got a number"),
    ],
)
def test_quantity_errors(value, reason):
    with pytest.raises(P.ParamError, match=reason):
        P.quantity(value)


def test_uint64_bound():
    assert P.uint64("0xffffffffffffffff") == 2**64 - 1
    with pytest.raises(P.ParamError, match="exceeds 64 bits"):
        P.uint64("0x10000000000000000")


def test_data_address_and_hash():
    assert P.data("0x") == b"" and P.data("0x00ff") == b"\x00\xff"
    with pytest.raises(P.ParamError, match="odd length"):
        P.data("0x123")
    assert P.address(ADDRESS) == bytes.fromhex("ab" * 20)  # checksum case is not enforced
    with pytest.raises(P.ParamError, match="hex string has length 38, want 40 for an address"):
        P.address("0x" + "ab" * 19)
    assert P.hash32(HASH) == bytes.fromhex("11" * 32)
    with pytest.raises(P.ParamError, match="want 64 for a 32-byte hash"):
        P.hash32("0x11")


def test_storage_slot_takes_quantities_and_words():
    assert P.storage_slot("0x0") == 0
    assert P.storage_slot("0x" + "00" * 31 + "05") == 5
    with pytest.raises(P.ParamError, match="exceeds 32 bytes"):
        P.storage_slot("0x" + "00" * 33)


def test_block_ids():
    assert P.block_id("latest") == "latest"
    assert P.block_id("0x10") == 16
    assert P.block_id({"blockNumber": "0x2"}) == 2
    assert P.block_id({"blockHash": HASH, "requireCanonical": True}) == bytes.fromhex("11" * 32)
    with pytest.raises(P.ParamError, match="invalid block tag 'newest'"):
        P.block_id("newest")
    with pytest.raises(P.ParamError, match="mutually exclusive"):
        P.block_id({"blockHash": HASH, "blockNumber": "0x1"})
    with pytest.raises(P.ParamError, match="needs blockHash or blockNumber"):
        P.block_id({})


def test_call_object():
    call = P.call_object({"from": ADDRESS, "to": None, "input": "0x01", "data": "0x01",
                          "gas": "0x5208", "value": "0x1", "maxFeePerGas": "0x2",
                          "accessList": [{"address": ADDRESS, "storageKeys": [HASH]}]})
    assert call.sender == bytes.fromhex("ab" * 20) and call.to is None
    assert (call.data, call.gas, call.value, call.max_fee_per_gas) == (b"\x01", 21000, 1, 2)
    assert call.access_list == ((bytes.fromhex("ab" * 20), (bytes.fromhex("11" * 32),)),)
    with pytest.raises(P.ParamError, match='both "data" and "input" are set and not equal'):
        P.call_object({"input": "0x01", "data": "0x02"})
    with pytest.raises(P.ParamError, match="both gasPrice and"):
        P.call_object({"gasPrice": "0x1", "maxFeePerGas": "0x1"})
    with pytest.raises(P.ParamError, match="unknown field 'gasLimit'"):
        P.call_object({"gasLimit": "0x1"})
    with pytest.raises(P.ParamError, match="to: hex string has length 2"):
        P.call_object({"to": "0x00"})


def test_state_overrides():
    overrides = P.state_overrides({ADDRESS: {"balance": "0x10", "code": "0x60", "stateDiff": {HASH: HASH}}})
    word = int("11" * 32, 16)
    assert overrides == {bytes.fromhex("ab" * 20): {"balance": 16, "code": b"\x60", "stateDiff": {word: word}}}
    with pytest.raises(P.ParamError, match="has both 'state' and 'stateDiff'"):
        P.state_overrides({ADDRESS: {"state": {}, "stateDiff": {}}})
    with pytest.raises(P.ParamError, match="unknown override field 'movePrecompileToAddress'"):
        P.state_overrides({ADDRESS: {"movePrecompileToAddress": ADDRESS}})
    assert P.state_overrides(None) == {}


def test_log_filter():
    flt = P.log_filter({"fromBlock": "0x0", "address": ADDRESS, "topics": [HASH, None, [HASH, HASH], []]})
    assert flt.from_block == 0 and flt.to_block == "latest"
    assert flt.addresses == (bytes.fromhex("ab" * 20),)
    topic = bytes.fromhex("11" * 32)
    assert flt.topics == ((topic,), None, (topic, topic), None)
    with pytest.raises(P.ParamError, match="cannot specify both blockHash and fromBlock/toBlock"):
        P.log_filter({"blockHash": HASH, "fromBlock": "0x1"})
    with pytest.raises(P.ParamError, match="at most 4 positions"):
        P.log_filter({"topics": [None] * 5})
    with pytest.raises(P.ParamError, match=r"topics\[0\]"):
        P.log_filter({"topics": ["0x12"]})


def test_lists_ids_and_booleans():
    assert P.list_of(P.storage_slot)(["0x1", "0x2"]) == [1, 2]
    with pytest.raises(P.ParamError, match=r"\[1\]: hex string without 0x prefix"):
        P.list_of(P.storage_slot)(["0x1", "2"])
    assert P.identifier("0x0aB") == "0xab"
    assert P.boolean(False) is False
    with pytest.raises(P.ParamError, match="expected a boolean, got a string"):
        P.boolean("true")
