"""
Withdrawals
===========

An L2 withdrawal (``L2Bridge.withdrawETH``) is recorded by the message passer
(``MessagePassed`` event, ``sentMessages[withdrawalHash] = true``). To pay it
on L1, ``L1Bridge.finalizeWithdrawal(proof)`` takes (``contracts/README.md``)::

    abi.encode((nonce, l2Sender, l1Recipient, amount), outputIndex,
               (bytes32(0), stateRoot, messagePasserStorageRoot, blockHash),
               bytes[] storageProof)

where the output at ``outputIndex`` commits to an L2 block at or after the
withdrawal, and ``storageProof`` is ``eth_getProof`` of the message passer's
slot ``keccak256(abi.encode(withdrawalHash, 0))`` at that block. These
functions find the pieces over JSON-RPC (any L2 node that serves historical
``eth_getProof``) and assemble the proof.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode

from ..primitives.crypto import keccak256
from .l1.client import L1Client
from .l1.contract import Contract
from .output import MESSAGE_PASSER, output_root

MESSAGE_PASSED = keccak256(b"MessagePassed(uint256,address,address,uint256,bytes32)")


class WithdrawalError(Exception):
    """A withdrawal cannot be found or finalized yet (the message says why)."""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    nonce: int
    l2_sender: bytes
    l1_recipient: bytes
    amount: int
    hash: bytes
    l2_block: int

    @property
    def storage_slot(self) -> bytes:
        return keccak256(self.hash + bytes(32))


def withdrawals_in_receipt(receipt: dict) -> list[Withdrawal]:
    """The withdrawals an L2 transaction's receipt (JSON-RPC form) records."""
    found = []
    for entry in receipt["logs"]:
        topics = [bytes.fromhex(t[2:]) for t in entry["topics"]]
        if bytes.fromhex(entry["address"][2:]) != MESSAGE_PASSER or not topics or topics[0] != MESSAGE_PASSED:
            continue
        data = bytes.fromhex(entry["data"][2:])
        nonce = int.from_bytes(topics[1], "big")
        found.append(Withdrawal(
            nonce=nonce,
            l2_sender=topics[2][12:],
            l1_recipient=topics[3][12:],
            amount=int.from_bytes(data[:32], "big"),
            hash=data[32:64],
            l2_block=int(receipt["blockNumber"], 16),
        ))  # fmt: skip
    return found


def finalizable_output(scc: Contract, withdrawal: Withdrawal) -> tuple[int, int]:
    """``(index, l2_block)`` of the earliest final output covering the withdrawal."""
    count = scc.call("outputCount")
    for index in range(count):
        root, _, l2_block = scc.call("getOutput", index)
        if l2_block < withdrawal.l2_block:
            continue
        if not scc.call("isFinalized", index):
            raise WithdrawalError(
                f"the output covering L2 block {withdrawal.l2_block} (index {index}) "
                "is still in its challenge period"
            )
        return index, l2_block
    raise WithdrawalError(f"no output covers L2 block {withdrawal.l2_block} yet")


def finalization_proof(l2: L1Client, scc: Contract, withdrawal: Withdrawal) -> bytes:
    """The ``finalizeWithdrawal`` argument for ``withdrawal``."""
    index, l2_block = finalizable_output(scc, withdrawal)
    block = l2.request("eth_getBlockByNumber", hex(l2_block), False)
    proof = l2.request("eth_getProof", "0x" + MESSAGE_PASSER.hex(), ["0x" + withdrawal.storage_slot.hex()], hex(l2_block))
    state_root = bytes.fromhex(block["stateRoot"][2:])
    storage_root = bytes.fromhex(proof["storageHash"][2:])
    block_hash = bytes.fromhex(block["hash"][2:])
    proposed, _, _ = scc.call("getOutput", index)
    if bytes(proposed) != output_root(state_root, storage_root, block_hash):
        raise WithdrawalError(f"output {index} does not match the L2 node's block {l2_block}")
    nodes = [bytes.fromhex(node[2:]) for node in proof["storageProof"][0]["proof"]]
    return encode(
        ["(uint256,address,address,uint256)", "uint256", "(bytes32,bytes32,bytes32,bytes32)", "bytes[]"],
        [
            (withdrawal.nonce, withdrawal.l2_sender, withdrawal.l1_recipient, withdrawal.amount),
            index,
            (bytes(32), state_root, storage_root, block_hash),
            nodes,
        ],
    )
