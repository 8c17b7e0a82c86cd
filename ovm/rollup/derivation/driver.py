"""
The derivation driver: L2 from L1, step by step
===============================================

``Derivation`` walks L1 block by block from the rollup's anchor, pulling
through an ``L1Source``, and hands each L2 block the rules make to a
``SafeChain`` (the replica's chain, or the sequencer's checked against it):

1. **Frames.** The frames of the batches in each L1 block read
   (``source.frames``) join a bounded queue (``batches.FrameQueue``); after
   each one, every block whose frame is there is derived (``batches.frame_block``:
   a frame that breaks a rule is dropped).
2. **The sequencing window.** After each L1 block, while the window of the
   safe head's origin has passed and no frame made the next block, that block
   is forced (``batches.forced_block``: deposits only).
3. **Outputs.** Every output proposed for a block derived is compared with the
   chain's own. An output index re-used after a deletion (the
   StateCommitmentChain moves its count back; later proposals take those
   indexes again) is checked again: the ``OutputsDeleted`` events of the L1
   blocks read, and a count that went down, forget the checks from there.
4. **Finality.** After each L1 block read, the safe head is noted; the L2
   blocks derived from L1 data that L1 has finalized are final
   (``finality``, ``finalized_head``).
5. **Reorgs.** The hashes of the latest L1 blocks read are kept; when one is no
   longer canonical, the driver goes back to the last L1 block that still is,
   has the chain rewind the L2 blocks derived from anything later, and reads
   L1 again from there (frames queued from older blocks too).

``step`` does one round of this and returns; the services call it
periodically. Given a ``progress_dir``, each round is recorded there
(``progress``) and a restart carries on from it. Deposits derived, forced
blocks and reorgs are logged at INFO on ``ovm.derivation``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ...chain import Block
from ...evm.transactions import DepositTransaction
from ..l1.data import BlockRef, L1Block
from . import progress
from .attributes import BlockAttributes, L2Parent, Rules, parent_of, recorded_origin
from .batches import Drop, FrameQueue, QueuedFrame, Undecided, forced_block, frame_block
from .deposits import ReorgDuringRead, capped, user_deposits
from .finality import Finality
from .source import L1Source
from .writer import SafeChain

log = logging.getLogger("ovm.derivation")

MAX_L1_BLOCKS_PER_STEP = 64


@dataclass
class OutputCheck:
    index: int
    l2_block: int
    proposed: bytes
    derived: bytes

    @property
    def matches(self) -> bool:
        return self.proposed == self.derived


@dataclass
class DerivationStatus:
    l1_head: int = 0
    l1_derived: int = 0  # the last L1 block read
    l2_safe: int = 0
    outputs_checked: list[OutputCheck] = field(default_factory=list)
    frames_dropped: int = 0
    forced_blocks: int = 0
    deposits_derived: int = 0

    @property
    def outputs_match(self) -> bool:
        return all(check.matches for check in self.outputs_checked)


class _ReadL1:
    """The rules' view of L1 (``batches.KnownL1``): blocks up to the last one read."""

    def __init__(self, driver: Derivation) -> None:
        self.driver = driver

    def block(self, number: int) -> L1Block | None:
        driver = self.driver
        if number >= driver.next_l1:
            return None
        block = driver._blocks.get(number)
        if block is None:
            block = driver.source.block(number)
            if block is None:
                raise ReorgDuringRead(f"L1 block {number} disappeared")
            driver._blocks[number] = block
        return block

    def deposits(self, block: L1Block) -> list[DepositTransaction]:
        return self.driver.source.deposits(block)


class Derivation:
    """Derives the L2 chain from L1 (see the module docstring)."""

    def __init__(
        self,
        source: L1Source,
        chain: SafeChain,
        rules: Rules,
        anchor: BlockRef,
        progress_dir: Path | None = None,
    ) -> None:
        self.source = source
        self.chain = chain
        self.rules = rules
        self.anchor = anchor
        self.status = DerivationStatus()
        self.queue = FrameQueue()
        self.l1 = _ReadL1(self)
        self._read: dict[int, bytes] = {}  # L1 number -> hash, of the latest blocks read
        self._blocks: dict[int, L1Block] = {}  # the same blocks, whole
        self._derived_from: dict[int, int] = {}  # L2 number -> L1 block its data came from
        self._next_l1 = anchor.number
        self.finality = Finality()
        self._progress_dir = progress_dir
        if progress_dir is not None:
            self._resume(progress.load(progress_dir, anchor.hash))
        self.status.l2_safe = self.chain.safe_block().number

    @property
    def next_l1(self) -> int:
        """The next L1 block to read."""
        return self._next_l1

    @property
    def safe_head(self) -> int:
        return self.status.l2_safe

    @property
    def finalized_head(self) -> int:
        """The last L2 block derived from L1 data that L1 has finalized."""
        return min(self.finality.finalized_l2, self.status.l2_safe)

    @property
    def caught_up(self) -> bool:
        """Whether the last round read L1 up to its head."""
        return self.status.l1_head > 0 and self._next_l1 > self.status.l1_head

    # -- progress ---------------------------------------------------------------------

    def _resume(self, saved: progress.Progress) -> None:
        """Carry on from a saved round (``progress``), trimmed to the chain's safe head."""
        head = self.chain.restore_safe(saved.l2_head)
        self._derived_from = {n: l1 for n, l1 in saved.derived_from.items() if n <= head}
        self._read = dict(saved.read)
        self._next_l1 = saved.resume_point(head, self.anchor.number)
        self.status.outputs_checked = [OutputCheck(*check) for check in saved.outputs_checked if check[1] <= head]
        if saved.finality is not None:
            self.finality = Finality.from_json(saved.finality, head)

    def _save(self) -> None:
        """Record this round, so that a restart reads L1 again only from the oldest
        L1 block whose frames are not all derived yet."""
        if self._progress_dir is None:
            return
        head = self.safe_head
        derived = {n: l1 for n, l1 in self._derived_from.items() if n <= head}
        checks = [(c.index, c.l2_block, c.proposed, c.derived) for c in self.status.outputs_checked]
        progress.save(self._progress_dir, progress.Progress(
            self.anchor.hash, head, self._first_unconsumed_l1(), self._read, derived, checks,
            self.finality.to_json(),
        ))

    def _first_unconsumed_l1(self) -> int:
        """The oldest L1 block whose frames are not all derived: the next one to
        read, or an older one holding a queued frame (a batch sent again lands
        after the batches that follow it)."""
        queued = self.queue.oldest_inclusion()
        return self._next_l1 if queued is None else min(self._next_l1, queued)

    def _forget_old(self) -> None:
        """Keep only the recent L1 blocks and L2 sources (a reorg deeper than that is
        not expected), so that a long-running driver does not grow."""
        for number in sorted(self._read)[: -progress.KEPT_L1_BLOCKS]:
            del self._read[number]
        for number in sorted(self._blocks)[: -progress.KEPT_L1_BLOCKS]:
            del self._blocks[number]
        for number in sorted(self._derived_from)[: -progress.KEPT_L2_BLOCKS]:
            del self._derived_from[number]

    # -- one round ----------------------------------------------------------------------

    def step(self) -> DerivationStatus:
        """Read the L1 blocks that arrived, derive what they allow, check outputs."""
        self._undo_reorg()
        head = self.source.head_number()
        self.status.l1_head = head
        last = min(head, self._next_l1 + MAX_L1_BLOCKS_PER_STEP - 1)
        try:
            for number in range(self._next_l1, last + 1):
                block = self.source.block(number)
                if block is None:
                    break
                self._read_l1_block(block)
                self._force_past_window()
                self.finality.derived(number, self.safe_head)
        except ReorgDuringRead as reorg:
            log.info("%s; starting over from the last canonical block", reorg)
        self.finality.finalize(self.source.finalized_number())
        self._check_outputs()
        self.status.l2_safe = self.chain.safe_block().number
        self._forget_old()
        self._save()
        return self.status

    def _read_l1_block(self, block: L1Block) -> None:
        expected_parent = self._read.get(block.number - 1)
        if expected_parent is not None and block.parent_hash != expected_parent:
            raise ReorgDuringRead(f"L1 block {block.number} does not follow the block read before it")
        frames = self.source.frames(block)
        deleted = self.source.outputs_deleted(block)
        self._read[block.number] = block.hash
        self._blocks[block.number] = block
        self._next_l1 = block.number + 1
        self.status.l1_derived = block.number
        if deleted is not None:
            self._forget_checks_from(deleted)
        for frame in frames:
            dropped = self.queue.add(QueuedFrame(frame, block.number), self.safe_head)
            if dropped is not None:
                self.status.frames_dropped += 1
                log.warning("dropped the frame of L2 block %d from L1 block %d: %s", frame.number,
                            block.number, dropped)
            self._derive_available()
        self._derive_available()

    # -- deriving blocks ----------------------------------------------------------------

    def parent(self) -> L2Parent:
        """The safe head, as the rules see it."""
        block = self.chain.safe_block()
        return parent_of(block, self._origin_deposits(block))

    def _origin_deposits(self, block: Block) -> tuple[DepositTransaction, ...]:
        """The deposits of ``block``'s origin (only needed if it carried some)."""
        origin = recorded_origin(block.transactions)
        if origin is None or not user_deposits(block.transactions):
            return ()
        l1_block = self.l1.block(origin.number) or self.source.block(origin.number)
        if l1_block is None or l1_block.hash != origin.hash:
            raise ReorgDuringRead(f"the L1 origin of L2 block {block.number} is no longer canonical")
        return capped(self.source.deposits(l1_block), self.rules.deposit_budget)

    def _derive_available(self) -> None:
        while True:
            parent = self.parent()
            made = False
            for queued in self.queue.candidates(parent.number + 1):
                result = frame_block(self.rules, parent, queued, self.l1)
                if isinstance(result, Undecided):
                    return
                self.queue.remove(queued)
                if isinstance(result, Drop):
                    self.status.frames_dropped += 1
                    log.warning("dropped the frame of L2 block %d from L1 block %d: %s", queued.frame.number,
                                queued.inclusion, result.reason)
                    continue
                self._apply(result, queued.inclusion)
                made = True
                break
            if not made:
                return

    def _force_past_window(self) -> None:
        """Derive deposit-only blocks for epochs the sequencer left unposted."""
        while True:
            parent = self.parent()
            if self.queue.candidates(parent.number + 1):
                return  # a frame waits for an L1 block not read yet
            attributes = forced_block(self.rules, parent, self._next_l1 - 1, self.l1)
            if attributes is None:
                return
            self._apply(attributes, self._next_l1 - 1)
            self.status.forced_blocks += 1
            log.info("derived L2 block %d from L1 alone (sequencing window passed): origin %d, %d deposits",
                     attributes.number, attributes.origin.number, len(attributes.deposits))

    def _apply(self, attributes: BlockAttributes, from_l1: int) -> None:
        self.chain.apply(attributes)
        self._derived_from[attributes.number] = from_l1
        self.queue.forget_through(attributes.number)
        self.status.l2_safe = attributes.number
        if attributes.deposits:
            self.status.deposits_derived += len(attributes.deposits)
            log.info("derived %d deposit(s) into L2 block %d (origin %d)", len(attributes.deposits),
                     attributes.number, attributes.origin.number)

    # -- outputs ------------------------------------------------------------------------

    def _forget_checks_from(self, index: int) -> None:
        checks = self.status.outputs_checked
        if index < len(checks):
            log.info("outputs from index %d were deleted: they will be checked again", index)
            del checks[index:]

    def _check_outputs(self) -> None:
        count = self.source.output_count()
        self._forget_checks_from(count)
        checks = self.status.outputs_checked
        for index in range(len(checks), count):
            output = self.source.output(index)
            if output.l2_block > self.safe_head:
                return
            check = OutputCheck(index, output.l2_block, output.root, self.chain.output_root(output.l2_block))
            if not check.matches:
                log.error("output %d for L2 block %d does not match the derived chain's", index, output.l2_block)
            checks.append(check)

    # -- reorgs -------------------------------------------------------------------------

    def _undo_reorg(self) -> None:
        """If an L1 block already read left the canonical chain, go back."""
        if not self._read:
            return
        last = max(self._read)
        if self._canonical_hash(last) == self._read[last]:
            return
        ancestor = last - 1
        while ancestor in self._read and self._canonical_hash(ancestor) != self._read[ancestor]:
            ancestor -= 1
        self._rewind_to_l1(ancestor)

    def _canonical_hash(self, number: int) -> bytes | None:
        block = self.source.block(number)
        return None if block is None else block.hash

    def _rewind_to_l1(self, ancestor: int) -> None:
        for number in [n for n in self._read if n > ancestor]:
            del self._read[number]
        for number in [n for n in self._blocks if n > ancestor]:
            del self._blocks[number]
        self._next_l1 = min(self._first_unconsumed_l1(), ancestor + 1)  # queued frames are read again
        self.queue.clear()
        keep = self.safe_head
        for l2_number in sorted(self._derived_from):
            if self._derived_from[l2_number] > ancestor:
                keep = min(keep, l2_number - 1)
                break
        self._derived_from = {n: l1 for n, l1 in self._derived_from.items() if n <= keep}
        self.chain.rewind(keep)
        self.finality.rewind(ancestor, keep)
        self.status.l2_safe = self.chain.safe_block().number
        self.status.outputs_checked = [c for c in self.status.outputs_checked if c.l2_block <= keep]
        log.info("L1 reorg: back to L1 block %d and L2 block %d", ancestor, keep)
