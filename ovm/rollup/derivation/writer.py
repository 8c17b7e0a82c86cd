"""
Writing derived blocks: the one place that changes a chain
==========================================================

The driver (``driver.Derivation``) decides what the next safe L2 block is;
a ``SafeChain`` makes it so, and moves back when L1 reorganises:

- ``ReplicaChain``: the replica's chain is its safe chain. ``apply`` builds
  the block; ``rewind`` deletes the blocks after a point.
- ``SequencerChain``: the sequencer has built blocks ahead of what L1 holds
  (unsafe ones); its *safe head* is the last of them derivation agrees with.
  ``apply`` compares the derived block with the sequencer's block at that
  height (timestamp and every transaction): the same, the safe head moves on;
  different (a frame that broke a rule, a batch that missed the sequencing
  window, an origin L1 reorganised away), the sequencer's blocks from that
  height are dropped, their user transactions go back to the pool, and the
  derived block takes their place (``Sequencer.rewind``, ``Sequencer.adopt``).
  So the sequencer never keeps a chain a replica derives differently.
  ``rewind`` (an L1 reorg) only moves the safe head back: the blocks after it
  are checked again as L1 is read again; ``drop_reorged`` drops the unsafe
  blocks whose origin left L1, so that the sequencer builds again on L1 as it
  is.

Changes to the sequencer's chain run through ``call``, which the services set
to run them on the node's event loop, where the sequencer builds: the chain
and the pool are never changed from two places at once.
"""

from __future__ import annotations

import logging
from typing import Callable, Protocol, TypeVar

from ...chain import Block
from ...evm.transactions import DepositTransaction, encode_transaction
from ...node.sequencer import Sequencer
from ..output import OutputRoots
from .attributes import BlockAttributes, recorded_origin
from .source import L1Source

log = logging.getLogger("ovm.derivation")

T = TypeVar("T")


class DerivationFailed(Exception):
    """A derived block could not be built as the rules say (a bug, not bad L1 data)."""


class SafeChain(Protocol):
    """Where derived blocks go (see the module docstring)."""

    def safe_block(self) -> Block: ...

    def restore_safe(self, number: int) -> int: ...

    def apply(self, attributes: BlockAttributes) -> None: ...

    def rewind(self, number: int) -> None: ...

    def output_root(self, number: int) -> bytes: ...


def _check_deposits_included(built, attributes: BlockAttributes) -> None:
    """Every deposit of the attributes is in the block (the rules size them to fit)."""
    lost = [tx for tx, _ in built.rejected if isinstance(tx, DepositTransaction)]
    lost += [tx for tx in built.deferred if isinstance(tx, DepositTransaction)]
    if lost:
        raise DerivationFailed(f"L2 block {attributes.number} left out {len(lost)} deposits")


def same_block(block: Block, attributes: BlockAttributes) -> bool:
    """Whether ``block`` is the block ``attributes`` describe."""
    if block.header.timestamp != attributes.timestamp:
        return False
    expected = attributes.transactions
    return len(block.transactions) == len(expected) and all(
        encode_transaction(a) == encode_transaction(b) for a, b in zip(block.transactions, expected)
    )


class ReplicaChain:
    """A replica's chain: every block derived (see the module docstring)."""

    def __init__(self, chain, outputs: OutputRoots) -> None:
        self.chain = chain
        self.outputs = outputs

    def safe_block(self) -> Block:
        return self.chain.head

    def restore_safe(self, number: int) -> int:
        return self.chain.head.number

    def apply(self, attributes: BlockAttributes) -> None:
        built = self.chain.build_block(attributes.transactions, attributes.timestamp)
        self.outputs.record_head()
        _check_deposits_included(built, attributes)

    def rewind(self, number: int) -> None:
        if number < self.chain.head.number:
            self.chain.rewind(number)
            self.outputs.forget_after(number)

    def output_root(self, number: int) -> bytes:
        return self.outputs.at(number).root


def _direct(change: Callable[[], T]) -> T:
    return change()


class SequencerChain:
    """The sequencer's chain seen from derivation (see the module docstring).
    ``on_rewind(number)`` hears of every rewind of the sequencer's chain (the
    batcher then posts again from there)."""

    def __init__(
        self,
        sequencer: Sequencer,
        outputs: OutputRoots,
        *,
        on_rewind: Callable[[int], None] = lambda number: None,
        call: Callable[[Callable[[], T]], T] = _direct,
    ) -> None:
        self.sequencer = sequencer
        self.chain = sequencer.chain
        self.outputs = outputs
        self.on_rewind = on_rewind
        self.call = call
        self.safe = 0
        self.replaced = 0  # blocks of the sequencer's that derivation replaced

    def safe_block(self) -> Block:
        return self.chain.block(self.safe)

    def restore_safe(self, number: int) -> int:
        self.safe = min(number, self.chain.head.number)
        return self.safe

    def apply(self, attributes: BlockAttributes) -> None:
        existing = self.chain.block(attributes.number)
        if existing is None or not same_block(existing, attributes):
            self.call(lambda: self._replace(attributes))
        self.safe = attributes.number

    def _replace(self, attributes: BlockAttributes) -> None:
        """Drop the sequencer's blocks from ``attributes.number`` and build the derived one."""
        head = self.chain.head.number
        keep = attributes.number - 1
        self._rewind_chain(keep)
        built = self.sequencer.adopt(attributes.transactions, attributes.timestamp)
        _check_deposits_included(built, attributes)
        if head > keep:
            self.replaced += head - keep
            log.warning("L2 blocks %d..%d replaced by the block derivation makes from L1 (%s)",
                        keep + 1, head, "forced" if not attributes.batch else "from a batch")

    def _rewind_chain(self, keep: int) -> None:
        if keep < self.chain.head.number:
            self.sequencer.rewind(keep)
            self.outputs.forget_after(keep)
            self.on_rewind(keep)

    def rewind(self, number: int) -> None:
        self.safe = min(self.safe, number)

    def output_root(self, number: int) -> bytes:
        return self.outputs.at(number).root

    def drop_reorged(self, source: L1Source) -> None:
        """Drop the unsafe blocks whose L1 origin is no longer canonical."""
        if self._origin_canonical(self.chain.head, source):
            return
        number = self.chain.head.number
        while number > self.safe and not self._origin_canonical(self.chain.block(number), source):
            number -= 1
        keep = number
        self.call(lambda: self._rewind_chain(keep))
        log.warning("L1 reorg: the sequencer's L2 blocks after %d are dropped (their origin left L1)", keep)

    @staticmethod
    def _origin_canonical(block: Block, source: L1Source) -> bool:
        origin = recorded_origin(block.transactions)
        if origin is None:
            return True
        canonical = source.block(origin.number)
        return canonical is not None and canonical.hash == origin.hash
