"""
The sequencer's side of the rules
=================================

How the sequencer opens each block it builds, with the same rules derivation
checks (``epochs``, ``deposits``, ``batches``). ``BlockOpener.open(timestamp)``
reads its chain's head as the parent and returns the L1-info deposit and the
deposits due, and whether the block may take transactions from the pool:

- **Normally**, the origin advances to the next L1 block once that one is
  ``confirmations`` deep and not newer than the block, unless deposits are
  pending (``epochs.sequencer_origin``). Past the maximum sequencer drift the
  block takes nothing from the pool, and the next L1 block is taken as soon as
  it exists, however shallow, as the OP Stack's sequencer does, so that the
  drift does not last.
- **Catching up.** An origin advances one L1 block per L2 block at most, so a
  sequencer that fell behind L1 (it started late, or derivation replaced its
  blocks) stays behind when L2 blocks come no faster than L1 blocks. While
  the next L1 block after the origin is more than one block deep, the opener
  asks for another block at once (``BlockStart.again``).
- **Recovering.** A batch must land within the sequencing window of its
  origin. When L1 is already ``sequencing_window - recover_margin`` blocks past
  the parent's origin (half the window by default), a block built now would likely be posted too late, and
  derivation would force the block instead; so the sequencer builds exactly
  that forced block (``batches.forced_block``: deposits only, its timestamp),
  at once, until its origin is recent again. Whether its frame lands in time
  or derivation forces the block, the block is the same.

If the head's origin has left L1 (a reorg), no block is built
(``SkipBlock``) until derivation has dropped the blocks built on it
(``writer.SequencerChain.drop_reorged``).
"""

from __future__ import annotations

from ...evm.transactions import DepositTransaction
from ...node.sequencer import BlockStart, SkipBlock
from ..l1.data import L1Block
from .attributes import L2Parent, Rules, parent_of, recorded_origin
from .batches import forced_block
from .deposits import ReorgDuringRead, capped, user_deposits
from .epochs import block_attributes, continues_epoch, sequencer_origin, within_drift
from .source import L1Source


class _SourceView:
    """``batches.KnownL1`` over the source: every block up to its head."""

    def __init__(self, source: L1Source) -> None:
        self.source = source

    def block(self, number: int) -> L1Block | None:
        return self.source.block(number)

    def deposits(self, block: L1Block) -> list[DepositTransaction]:
        return self.source.deposits(block)


class BlockOpener:
    """The sequencer's ``Preamble`` hook (see the module docstring)."""

    def __init__(
        self, chain, source: L1Source, rules: Rules, confirmations: int = 1, recover_margin: int | None = None
    ) -> None:
        self.chain = chain
        self.source = source
        self.rules = rules
        self.confirmations = confirmations
        if recover_margin is None:  # half the window, leaving room for origins ``confirmations`` deep
            window = rules.sequencing_window
            recover_margin = max(0, min(window // 2, window - confirmations - 2))
        self.recover_margin = recover_margin

    def open(self, timestamp: int) -> BlockStart:
        parent, current = self._parent()
        l1_head = self.source.head_number()
        if self._must_recover(parent, l1_head):
            return self._recovering(parent)
        following = self._following(parent, current, timestamp, l1_head)
        origin = sequencer_origin(parent, current, following, timestamp)
        deposits = () if continues_epoch(parent, origin) else self.source.deposits(origin)
        attributes = block_attributes(self.rules, parent, origin, timestamp, deposits)
        behind = l1_head - self.confirmations > origin.number + 1
        return BlockStart(attributes.preamble, include_pool=within_drift(self.rules, origin, timestamp),
                          again=behind)

    def _parent(self) -> tuple[L2Parent, L1Block]:
        """The head as the rules see it, and the L1 block of its origin (the anchor
        after the genesis)."""
        head = self.chain.head
        origin = recorded_origin(head.transactions)
        current = self._l1_block(self.rules.anchor if origin is None else origin.number)
        if origin is not None and current.hash != origin.hash:
            raise SkipBlock(f"the L1 origin of L2 block {head.number} left L1 (a reorg)")
        deposits = ()
        if origin is not None and user_deposits(head.transactions):
            deposits = capped(self.source.deposits(current), self.rules.deposit_budget)
        return parent_of(head, deposits), current

    def _must_recover(self, parent: L2Parent, l1_head: int) -> bool:
        base = self.rules.anchor if parent.origin is None else parent.origin.number
        return l1_head >= base + self.rules.sequencing_window - self.recover_margin

    def _recovering(self, parent: L2Parent) -> BlockStart:
        """The block derivation would force after ``parent``, built now."""
        base = self.rules.anchor if parent.origin is None else parent.origin.number
        try:
            forced = forced_block(self.rules, parent, base + self.rules.sequencing_window, _SourceView(self.source))
        except ReorgDuringRead as reorg:
            raise SkipBlock(str(reorg)) from None
        return BlockStart(forced.preamble, include_pool=False, timestamp=forced.timestamp, again=True)

    def _following(self, parent: L2Parent, current: L1Block, timestamp: int, l1_head: int) -> L1Block | None:
        """The next L1 block, if the sequencer may take it as an origin now."""
        if parent.origin is None:
            return None
        number = current.number + 1
        deep = l1_head - self.confirmations >= number
        needed = not within_drift(self.rules, current, timestamp) and l1_head >= number
        return self.source.block(number) if deep or needed else None

    def _l1_block(self, number: int) -> L1Block:
        block = self.source.block(number)
        if block is None:
            raise SkipBlock(f"L1 block {number} is not there (a reorg)")
        return block
