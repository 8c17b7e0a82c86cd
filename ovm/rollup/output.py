"""
Output roots
============

What the proposer commits to L1 for an L2 block, and what a withdrawal proof
is checked against::

    output root = keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)

``OutputRoots`` computes them for the blocks a node builds, as each block is
built (the message passer's storage root is cheapest to read right then), and
for older blocks from the store's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..primitives.crypto import keccak256
from ..state import State
from .artifacts import PREDEPLOYS

MESSAGE_PASSER = PREDEPLOYS["L2ToL1MessagePasser"]
OUTPUT_VERSION = b"\x00" * 32


@dataclass(frozen=True, slots=True)
class Output:
    """An L2 block's output: its root and the three values it commits to."""

    block_number: int
    block_hash: bytes
    state_root: bytes
    message_passer_storage_root: bytes

    @property
    def root(self) -> bytes:
        return output_root(self.state_root, self.message_passer_storage_root, self.block_hash)


def output_root(state_root: bytes, message_passer_storage_root: bytes, block_hash: bytes) -> bytes:
    return keccak256(OUTPUT_VERSION + state_root + message_passer_storage_root + block_hash)


def output_of(state: State, block_number: int, block_hash: bytes) -> Output:
    """The output of the block whose post-state ``state`` is."""
    return Output(block_number, block_hash, state.state_root(), state.storage_root(MESSAGE_PASSER))


class OutputRoots:
    """Outputs of a chain's blocks: remembered as blocks are built, else
    recomputed from the store's history (slow, but only for old blocks).

    Read from worker threads (the proposer, JSON-RPC) while the event loop
    replaces blocks (rewind, then build), so every read and write of what is
    remembered happens under the chain's lock together with the chain reads it
    comes from: an output is never one block's hash with another's state, and
    never remembered after its block was rewound."""

    def __init__(self, chain) -> None:
        self.chain = chain
        self._known: dict[int, Output] = {}

    def record_head(self) -> Output:
        """Remember the output of the chain's head (call right after a block is built)."""
        chain = self.chain
        with chain.lock:
            output = output_of(chain.state, chain.head.number, chain.head.hash)
            self._known[output.block_number] = output
        return output

    def forget_after(self, number: int) -> None:
        """Drop outputs of blocks above ``number`` (the chain was rewound)."""
        with self.chain.lock:
            for known in [n for n in self._known if n > number]:
                del self._known[known]

    def at(self, number: int) -> Output:
        chain = self.chain
        with chain.lock:
            output = self._known.get(number)
            if output is not None:
                return output
            block = chain.block(number)
            if block is None:
                raise LookupError(f"no L2 block {number}")
            if number == chain.head.number:
                return self.record_head()
            state = chain.store.load_state(before_block=number + 1)
            output = output_of(state, number, block.hash)
            self._known[number] = output
        return output
