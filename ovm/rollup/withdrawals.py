"""
Withdrawals
===========

An L2 withdrawal (``L2Bridge.withdrawETH``, or the message passer's own
``initiateWithdrawal(target, gasLimit, data)``) is recorded by the message
passer as the OP Stack records it: the ``MessagePassed`` event and
``sentMessages[withdrawalHash] = true``, where the hash is OP's
``Hashing.hashWithdrawal`` of ``(nonce, sender, target, value, gasLimit,
data)`` (``data`` always empty here). To pay it on L1 in one step,
``L1Bridge.finalizeWithdrawal(proof)`` takes (``contracts/README.md``)::

    abi.encode((nonce, sender, target, value, gasLimit, data), outputIndex,
               (bytes32(0), stateRoot, messagePasserStorageRoot, blockHash),
               bytes[] storageProof)

where the output at ``outputIndex`` commits to an L2 block at or after the
withdrawal, and ``storageProof`` is ``eth_getProof`` of the message passer's
slot ``keccak256(abi.encode(withdrawalHash, 0))`` at that block.

``finalization_proof`` finds the pieces over JSON-RPC (any L2 node that serves
historical ``eth_getProof``) and assembles the proof; a rollup node builds
the same proof from its own chain for ``optimism_withdrawalProof``. The same
pieces are what OP's two steps take (``proveWithdrawalTransaction``, then
``finalizeWithdrawalTransaction``), which viem's OP Stack actions send
(``WithdrawalIndex`` finds a withdrawal by its hash, ``local_proof`` proves
it). The output is found by a binary search over the StateCommitmentChain
(outputs claim increasing L2 blocks), so no lookup scans the chain or the
outputs from the start.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError

from ..primitives.crypto import keccak256
from .l1.client import L1Client
from .l1.contract import Contract
from .output import MESSAGE_PASSER, OutputRoots, output_root

MESSAGE_PASSED = keccak256(b"MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)")
WITHDRAWAL_TYPES = ("uint256", "address", "address", "uint256", "uint256", "bytes")


class WithdrawalError(Exception):
    """A withdrawal cannot be found or finalized yet (the message says why)."""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A withdrawal as ``MessagePassed`` records it (``l2_sender``, ``l1_recipient``
    and ``amount`` are OP's ``sender``, ``target`` and ``value``), and its L2 block."""

    nonce: int
    l2_sender: bytes
    l1_recipient: bytes
    amount: int
    gas_limit: int
    data: bytes
    hash: bytes
    l2_block: int

    @property
    def storage_slot(self) -> bytes:
        return keccak256(self.hash + bytes(32))

    @property
    def preimage_hash(self) -> bytes:
        """The hash its fields give (``Withdrawals.hash``): what L1 pays against."""
        return withdrawal_hash(self.fields)

    @property
    def fields(self) -> tuple:
        """``(nonce, sender, target, value, gasLimit, data)``: the ``Withdrawals.Withdrawal`` tuple."""
        return (self.nonce, self.l2_sender, self.l1_recipient, self.amount, self.gas_limit, self.data)


def withdrawal_hash(fields: tuple) -> bytes:
    """OP's ``Hashing.hashWithdrawal`` of ``(nonce, sender, target, value, gasLimit, data)``."""
    return keccak256(encode(list(WITHDRAWAL_TYPES), list(fields)))


@dataclass(frozen=True, slots=True)
class Proof:
    """What ``finalizeWithdrawal`` needs: the output and the storage proof under it."""

    withdrawal: Withdrawal
    output_index: int
    output_l2_block: int
    state_root: bytes
    storage_root: bytes
    block_hash: bytes
    nodes: tuple[bytes, ...]

    def encoded(self) -> bytes:
        """The ``finalizeWithdrawal(proof)`` argument."""
        return encode(
            [f"({','.join(WITHDRAWAL_TYPES)})", "uint256", "(bytes32,bytes32,bytes32,bytes32)", "bytes[]"],
            [self.withdrawal.fields, self.output_index,
             (bytes(32), self.state_root, self.storage_root, self.block_hash), list(self.nodes)],
        )  # fmt: skip


def withdrawals_in_receipt(receipt: dict) -> list[Withdrawal]:
    """The withdrawals an L2 transaction's receipt (JSON-RPC form) records."""
    found = []
    for entry in receipt["logs"]:
        if bytes.fromhex(entry["address"][2:]) != MESSAGE_PASSER:
            continue
        topics = [bytes.fromhex(t[2:]) for t in entry["topics"]]
        withdrawal = withdrawal_from_log(topics, bytes.fromhex(entry["data"][2:]), int(receipt["blockNumber"], 16))
        if withdrawal is not None:
            found.append(withdrawal)
    return found


def finalizable_output(scc: Contract, withdrawal: Withdrawal) -> tuple[int, int, bytes]:
    """``(index, l2_block, root)`` of the earliest final output covering the
    withdrawal, found by a binary search (outputs claim increasing L2 blocks)."""
    low, high = 0, scc.call("outputCount")
    while low < high:
        middle = (low + high) // 2
        _, _, l2_block = scc.call("getOutput", middle)
        if l2_block < withdrawal.l2_block:
            low = middle + 1
        else:
            high = middle
    if low == scc.call("outputCount"):
        raise WithdrawalError(f"no output covers L2 block {withdrawal.l2_block} yet")
    root, _, l2_block = scc.call("getOutput", low)
    if not scc.call("isFinalized", low):
        raise WithdrawalError(
            f"the output covering L2 block {withdrawal.l2_block} (index {low}) is still in its challenge period"
        )
    return low, l2_block, bytes(root)


def finalization_proof(l2: L1Client, scc: Contract, withdrawal: Withdrawal) -> bytes:
    """The ``finalizeWithdrawal`` argument for ``withdrawal``, from an L2 node over JSON-RPC."""
    index, l2_block, proposed = finalizable_output(scc, withdrawal)
    block = l2.request("eth_getBlockByNumber", hex(l2_block), False)
    proof = l2.request("eth_getProof", "0x" + MESSAGE_PASSER.hex(), ["0x" + withdrawal.storage_slot.hex()], hex(l2_block))
    state_root = bytes.fromhex(block["stateRoot"][2:])
    storage_root = bytes.fromhex(proof["storageHash"][2:])
    block_hash = bytes.fromhex(block["hash"][2:])
    if proposed != output_root(state_root, storage_root, block_hash):
        raise WithdrawalError(f"output {index} does not match the L2 node's block {l2_block}")
    nodes = tuple(bytes.fromhex(node[2:]) for node in proof["storageProof"][0]["proof"])
    return Proof(withdrawal, index, l2_block, state_root, storage_root, block_hash, nodes).encoded()


def local_proof(chain, outputs: OutputRoots, scc: Contract, withdrawal: Withdrawal) -> Proof:
    """The proof of ``withdrawal`` from a node's own chain (``chain``: a ``Blockchain``)."""
    index, l2_block, proposed = finalizable_output(scc, withdrawal)
    try:
        output = outputs.at(l2_block)
    except LookupError:
        raise WithdrawalError(f"this node has no L2 block {l2_block} (output {index}) yet") from None
    if output.root != proposed:
        raise WithdrawalError(f"output {index} does not match this node's block {l2_block}")
    account = chain.account_proof(MESSAGE_PASSER, [int.from_bytes(withdrawal.storage_slot, "big")], l2_block)
    [slot] = account.storage_proof
    if slot.value != 1:
        raise WithdrawalError(f"withdrawal 0x{withdrawal.hash.hex()} is not recorded at L2 block {l2_block}")
    return Proof(withdrawal, index, l2_block, output.state_root, output.message_passer_storage_root,
                 output.block_hash, tuple(slot.proof))


@dataclass(frozen=True, slots=True)
class Located:
    withdrawal: Withdrawal
    tx_hash: bytes
    block_hash: bytes


class WithdrawalIndex:
    """Withdrawals of a node's chain by hash, read from the chain's own logs
    (in-process, bloom-filtered, no RPC range cap) as the chain grows. An entry
    whose block left the chain (a rewind) makes the index start over."""

    SCAN_BLOCKS = 10_000  # blocks read per lock hold

    def __init__(self, chain) -> None:
        self.chain = chain
        self._lock = threading.Lock()
        self._found: dict[bytes, Located] = {}
        self._next = 0

    def find(self, withdrawal_hash: bytes) -> Located | None:
        with self._lock:
            located = self._found.get(withdrawal_hash)
            if located is not None and not self._canonical(located):
                self._found, self._next = {}, 0
                located = None
            if located is None:
                self._scan()
                located = self._found.get(withdrawal_hash)
            return located

    def _canonical(self, located: Located) -> bool:
        block = self.chain.block(located.withdrawal.l2_block)
        return block is not None and block.hash == located.block_hash

    def _scan(self) -> None:
        head = self.chain.head.number
        while self._next <= head:
            last = min(head, self._next + self.SCAN_BLOCKS - 1)
            for record in self.chain.logs(self._next, last, {MESSAGE_PASSER}, [{MESSAGE_PASSED}]):
                withdrawal = withdrawal_from_log(record.log.topics, record.log.data, record.block_number)
                if withdrawal is not None:
                    self._found[withdrawal.hash] = Located(withdrawal, record.tx_hash, record.block_hash)
            self._next = last + 1


def withdrawal_from_log(topics, data: bytes, block_number: int) -> Withdrawal | None:
    """The withdrawal a message passer's ``MessagePassed`` log records (None for another log)."""
    if len(topics) != 4 or topics[0] != MESSAGE_PASSED:
        return None
    try:
        value, gas_limit, payload, hash_ = decode(["uint256", "uint256", "bytes", "bytes32"], data)
    except DecodingError:
        return None
    return Withdrawal(
        nonce=int.from_bytes(topics[1], "big"),
        l2_sender=topics[2][12:],
        l1_recipient=topics[3][12:],
        amount=value,
        gas_limit=gas_limit,
        data=payload,
        hash=hash_,
        l2_block=block_number,
    )
