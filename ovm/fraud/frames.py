"""
Call frames in the commitment
=============================

What a call leaves behind while its callee runs, and how a halted callee's
exit finds it again (``docs/fraud-proofs.md``, "Call frames"):

- ``SuspendedFrame``: the caller as it was right after the call step took
  the call's gas and popped its operands (its message, code, pc *on* the
  call instruction, gas, stack and memory);
- ``push_caller``: ``Machine.callers`` is a hash chain,
  ``keccak256(abi.encode(below, keccak256(abi.encode(SuspendedFrame))))``,
  0 with no caller suspended;
- the child's ``Message`` carries its calldata as a view of the caller's
  memory tree, its depth, its static flag, the substate it restores if it
  fails (``entry_substate``) and where its output goes in the caller's
  memory (``ret_offset``, ``ret_size``).

Both sides use these: the step machine (``ovm.fraud.call_steps``) to build
commitments and witnesses, the reference verifier (``ovm.fraud.verifier_calls``)
to check them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..primitives.crypto import keccak256
from ..trie import SecureTrie
from .commitment import ByteView, Record
from .merkle import WORD_TREE_DEPTH, ZERO
from .mpt import MptWitness, mpt_witness

CALL, CALLCODE, DELEGATECALL, STATICCALL = 0xF1, 0xF2, 0xF4, 0xFA
CALL_OPS = frozenset((CALL, CALLCODE, DELEGATECALL, STATICCALL))
RETURNDATASIZE, RETURNDATACOPY = 0x3D, 0x3E
EMPTY_MEMORY = ZERO[WORD_TREE_DEPTH]
"""The root of an empty memory's word tree (a new frame's)."""
PRESENT = b"\x01"
"""The value of a member of a set (warm addresses, touched accounts) in its MPT."""


@dataclass(frozen=True)
class SuspendedFrame(Record):
    """A caller while its callee runs: what the exit step restores."""

    message: bytes
    code_hash: bytes
    pc: int
    gas: int
    stack_size: int
    stack: bytes
    memory_size: int
    memory: bytes


def push_caller(below: bytes, frame: SuspendedFrame) -> bytes:
    """``Machine.callers`` once ``frame`` is suspended over the chain ``below``."""
    return keccak256(below + frame.hash())


def view_of(value: tuple) -> ByteView:
    """A ``ByteView`` from its ABI tuple ``(root, offset, size)``."""
    return ByteView(bytes(value[0]), value[1], value[2])


def canonical_view(view: ByteView) -> bool:
    """An empty view is written ``(0, 0, 0)``, so that a witness has one form."""
    return view.size > 0 or (view.root == bytes(32) and view.offset == 0)


def set_insert_witness(members, key: bytes) -> MptWitness:
    """The witness for adding ``key`` (an address) to the set of ``members``
    as the substate holds it (a secure-key MPT of ``PRESENT``): the warm
    addresses, the touched accounts."""
    trie = SecureTrie()
    for member in members:
        trie.set(member, PRESENT)
    return mpt_witness(trie, key, PRESENT)
