"""Calls and logs of the rollup's contracts decoded for the explorer (``ovm.rollup.explorer.decode``)."""

from __future__ import annotations

from eth_abi import encode

from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import PREDEPLOYS
from ovm.rollup.config import RollupContracts
from ovm.rollup.explorer.decode import Decoder, json_value, known_contracts
from ovm.rollup.withdrawals import MESSAGE_PASSED

L2_BRIDGE, PASSER = PREDEPLOYS["L2Bridge"], PREDEPLOYS["L2ToL1MessagePasser"]
RECIPIENT = bytes.fromhex("70997970c51812dc3a010c7d01b50e0d17dc79c8")
L1 = RollupContracts(l1_bridge=b"\x01" * 20, batch_inbox=b"\x02" * 20, state_commitment_chain=b"\x03" * 20)


def test_a_call_to_a_predeploy_is_named_with_its_arguments():
    decoder = Decoder(known_contracts(None), "L2")
    call = decoder.call(L2_BRIDGE, keccak256(b"withdrawETHTo(address)")[:4] + encode(["address"], [RECIPIENT]))
    assert call == {"contract": "L2Bridge", "function": "withdrawETHTo", "signature": "withdrawETHTo(address)",
                    "args": [{"name": "l1Recipient", "type": "address", "value": "0x" + RECIPIENT.hex()}]}


def test_unknown_selectors_bad_arguments_and_unknown_contracts_are_left_raw():
    decoder = Decoder(known_contracts(None), "L2")
    assert decoder.call(L2_BRIDGE, b"\xde\xad\xbe\xef") == {
        "contract": "L2Bridge", "function": None, "signature": None, "args": None}
    truncated = decoder.call(L2_BRIDGE, keccak256(b"withdrawETHTo(address)")[:4] + b"\x00" * 5)
    assert truncated["function"] == "withdrawETHTo" and truncated["args"] is None
    assert decoder.call(b"\x42" * 20, b"") is None and decoder.call(None, b"\x60\x00") is None
    assert decoder.log(b"\x42" * 20, [MESSAGE_PASSED], b"") is None
    assert decoder.log(PASSER, [b"\x11" * 32], b"") == {"contract": "L2ToL1MessagePasser", "event": None, "args": None}


def test_a_message_passed_log_is_decoded_with_wei_as_decimal_text():
    decoder = Decoder(known_contracts(None), "L2")
    topics = [MESSAGE_PASSED, (7).to_bytes(32, "big"), b"\x00" * 12 + b"\xaa" * 20, b"\x00" * 12 + RECIPIENT]
    data = encode(["uint256", "uint256", "bytes", "bytes32"], [10**18, 200_000, b"", b"\x55" * 32])
    log = decoder.log(PASSER, topics, data)
    assert log["contract"] == "L2ToL1MessagePasser" and log["event"] == "MessagePassed"
    assert {a["name"]: a["value"] for a in log["args"]} == {
        "nonce": "7", "sender": "0x" + "aa" * 20, "target": "0x" + RECIPIENT.hex(),
        "value": str(10**18), "gasLimit": "200000", "data": "0x", "withdrawalHash": "0x" + "55" * 32}


def test_the_l1_contracts_are_known_on_l1_only():
    known = known_contracts(L1)
    assert {k.name for k in known if k.layer == "L1"} == {"L1Bridge", "BatchInbox", "StateCommitmentChain"}
    assert Decoder(known, "L2").name(L1.l1_bridge) is None and Decoder(known, "L1").name(L1.l1_bridge) == "L1Bridge"
    assert json_value((True, 2**255, b"\x01")) == [True, str(2**255), "0x01"]
