"""
Batches: which frame makes the next block
=========================================

Pure rules over data: a frame the batcher posted (with the L1 block it was
included in), the parent L2 block (``attributes.L2Parent``) and the L1 blocks
derivation has read (``KnownL1``) give the next block's attributes, or the
reason the frame is dropped, or "undecided" (an L1 block it depends on is not
read yet). The rules follow the OP Stack's batch queue, in this order:

1. the frame is for the block after the parent, and its timestamp is after
   the parent's;
2. it was included at most ``sequencing_window`` L1 blocks after its origin;
3. its origin follows the parent's (``epochs``: the same, or the next L1 block
   while no deposits are pending; the anchor after the genesis) — an origin
   not read yet leaves the frame undecided;
4. the origin is canonical (its hash), and not newer than the frame;
5. the maximum sequencer drift (``epochs``): past it a frame carries no
   transactions, and keeps the parent's origin only if the next L1 block is
   newer than it or deposits are pending (undecided until that block is read);
6. its transactions decode (and none is a deposit: the batch format refuses them).

**The sequencing window.** When derivation has read L1 up to
``sequencing_window`` blocks past the parent's origin (the anchor, after the
genesis) and no frame made the next block, the block is *forced*
(``forced_block``): no batch transactions, the deposits due, and the next
origin — or the same one while deposits are pending. Its timestamp is a second
after the parent's, or the origin's if that is later. So a sequencer that posts
nothing cannot hold back deposits or forced withdrawals.

**The queue.** Frames wait in a ``FrameQueue`` until their parent is derived.
Derivation tries frames as soon as they are read, so frames posted in order
never wait; only those beyond a gap do (a lost batch being sent again). The
queue holds frames for at most ``MAX_FRAMES_AHEAD`` L2 blocks above the
parent, at most ``MAX_CANDIDATES`` frames per block (the first ones read) and
at most ``MAX_QUEUED_BYTES`` of transactions; a frame beyond any bound is
dropped on arrival. Frames for one block are tried in the order they were
read, and the first valid one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from ...evm.transactions import DepositTransaction, InvalidTransaction, decode_transaction
from ..batch import BlockFrameData
from ..l1.data import L1Block
from .attributes import BlockAttributes, L2Parent, Rules
from .deposits import ReorgDuringRead
from .epochs import block_attributes, continues_epoch, follows, within_drift

MAX_FRAMES_AHEAD = 1024  # L2 blocks above the parent
MAX_CANDIDATES = 4  # frames per L2 block
MAX_QUEUED_BYTES = 64 * 2**20  # of transactions


class KnownL1(Protocol):
    """The L1 data the rules read."""

    def block(self, number: int) -> L1Block | None:
        """The canonical L1 block at ``number`` if derivation has read that far, else None."""

    def deposits(self, block: L1Block) -> Sequence[DepositTransaction]:
        """The deposits the bridge's events in ``block`` make, in log order."""


@dataclass
class L1Snapshot:
    """``KnownL1`` from data alone: L1 blocks by number, deposits by block hash."""

    blocks: dict[int, L1Block] = field(default_factory=dict)
    deposit_lists: dict[bytes, tuple[DepositTransaction, ...]] = field(default_factory=dict)

    def block(self, number: int) -> L1Block | None:
        return self.blocks.get(number)

    def deposits(self, block: L1Block) -> Sequence[DepositTransaction]:
        return self.deposit_lists.get(block.hash, ())


@dataclass(frozen=True, slots=True)
class QueuedFrame:
    """A frame and the L1 block it was included in."""

    frame: BlockFrameData
    inclusion: int

    @property
    def size(self) -> int:
        return sum(len(tx) for tx in self.frame.transactions)


@dataclass(frozen=True, slots=True)
class Drop:
    reason: str


@dataclass(frozen=True, slots=True)
class Undecided:
    reason: str


# --- a frame --------------------------------------------------------------------------


def frame_origin(rules: Rules, parent: L2Parent, queued: QueuedFrame, l1: KnownL1) -> L1Block | Drop | Undecided:
    """The origin of the block ``queued`` describes, if the frame may make the
    block after ``parent`` (rules 1 to 5 of the module docstring)."""
    frame = queued.frame
    if frame.number != parent.number + 1:
        return Drop(f"it is for L2 block {frame.number}, not {parent.number + 1}")
    if frame.timestamp <= parent.timestamp:
        return Drop(f"its timestamp {frame.timestamp} is not after the parent's {parent.timestamp}")
    if queued.inclusion > frame.l1_origin_number + rules.sequencing_window:
        return Drop(f"it was included in L1 block {queued.inclusion}, past the sequencing window of its "
                    f"origin {frame.l1_origin_number}")
    expected = _origin_numbers(rules, parent)
    if frame.l1_origin_number not in expected:
        return Drop(f"its origin {frame.l1_origin_number} does not follow the parent's")
    origin = l1.block(frame.l1_origin_number)
    if origin is None:
        return Undecided(f"L1 block {frame.l1_origin_number} is not read yet")
    if origin.hash != frame.l1_origin_hash:
        return Drop(f"its origin {frame.l1_origin_number} is not the canonical L1 block")
    if not follows(parent, origin):
        return Drop(f"its origin {origin.number} cannot follow the parent's (a reorg, or deposits still pending)")
    if origin.timestamp > frame.timestamp:
        return Drop(f"its origin {origin.number} is newer than the block")
    return _check_drift(rules, parent, frame, origin, l1)


def _origin_numbers(rules: Rules, parent: L2Parent) -> tuple[int, ...]:
    if parent.origin is None:
        return (rules.anchor,)
    return (parent.origin.number, parent.origin.number + 1)


def _check_drift(
    rules: Rules, parent: L2Parent, frame: BlockFrameData, origin: L1Block, l1: KnownL1
) -> L1Block | Drop | Undecided:
    if within_drift(rules, origin, frame.timestamp):
        return origin
    if frame.transactions:
        return Drop(f"it carries transactions {frame.timestamp - origin.timestamp} s past its origin, "
                    f"over the maximum sequencer drift of {rules.max_sequencer_drift} s")
    if not continues_epoch(parent, origin) or parent.pending:
        return origin
    following = l1.block(origin.number + 1)
    if following is None:
        return Undecided(f"past the drift: L1 block {origin.number + 1} is not read yet")
    if frame.timestamp >= following.timestamp:
        return Drop(f"past the drift it keeps origin {origin.number} though L1 block {following.number} "
                    "could have been its origin")
    return origin


def frame_block(rules: Rules, parent: L2Parent, queued: QueuedFrame, l1: KnownL1) -> BlockAttributes | Drop | Undecided:
    """The block ``queued`` makes after ``parent``, or why not (all the rules)."""
    origin = frame_origin(rules, parent, queued, l1)
    if not isinstance(origin, L1Block):
        return origin
    try:
        batch = [decode_transaction(raw) for raw in queued.frame.transactions]
    except InvalidTransaction as exc:
        return Drop(f"a transaction does not decode: {exc}")
    deposits = () if continues_epoch(parent, origin) else l1.deposits(origin)
    return block_attributes(rules, parent, origin, queued.frame.timestamp, deposits, batch)


# --- the sequencing window ------------------------------------------------------------


def window_passed(rules: Rules, parent: L2Parent, l1_read: int) -> bool:
    """Whether derivation, having read L1 up to ``l1_read``, must force the next block
    if no frame made it."""
    base = rules.anchor if parent.origin is None else parent.origin.number
    return l1_read >= base + rules.sequencing_window


def forced_block(rules: Rules, parent: L2Parent, l1_read: int, l1: KnownL1) -> BlockAttributes | None:
    """The block derivation builds after ``parent`` by itself once the sequencing
    window has passed (None before that): see the module docstring."""
    if not window_passed(rules, parent, l1_read):
        return None
    if parent.origin is None:
        number = rules.anchor
    elif parent.pending:
        number = parent.origin.number
    else:
        number = parent.origin.number + 1
    origin = l1.block(number)
    if origin is None or not follows(parent, origin):
        raise ReorgDuringRead(f"the L1 origin of L2 block {parent.number} is no longer canonical")
    if continues_epoch(parent, origin):
        return block_attributes(rules, parent, origin, parent.timestamp + 1)
    timestamp = max(parent.timestamp + 1, origin.timestamp)
    return block_attributes(rules, parent, origin, timestamp, l1.deposits(origin))


# --- the queue ------------------------------------------------------------------------


class FrameQueue:
    """Frames waiting for their parent, by L2 block number (see the module docstring)."""

    def __init__(self) -> None:
        self._frames: dict[int, list[QueuedFrame]] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return sum(len(frames) for frames in self._frames.values())

    def add(self, queued: QueuedFrame, parent_number: int) -> str | None:
        """Queue a frame read from L1; returns why it was dropped instead, if it was."""
        number = queued.frame.number
        if number <= parent_number:
            return None  # a block already derived: nothing to do, nothing to count
        if number > parent_number + MAX_FRAMES_AHEAD:
            return f"L2 block {number} is more than {MAX_FRAMES_AHEAD} blocks ahead of {parent_number}"
        waiting = self._frames.setdefault(number, [])
        if len(waiting) >= MAX_CANDIDATES:
            return f"L2 block {number} already has {MAX_CANDIDATES} frames waiting"
        if self._bytes + queued.size > MAX_QUEUED_BYTES:
            return f"the queue already holds {self._bytes} bytes of transactions"
        waiting.append(queued)
        self._bytes += queued.size
        return None

    def candidates(self, number: int) -> list[QueuedFrame]:
        return list(self._frames.get(number, ()))

    def remove(self, queued: QueuedFrame) -> None:
        waiting = self._frames.get(queued.frame.number, [])
        if queued in waiting:
            waiting.remove(queued)
            self._bytes -= queued.size
        if not waiting:
            self._frames.pop(queued.frame.number, None)

    def forget_through(self, number: int) -> None:
        """Drop the frames of blocks up to ``number`` (derived already)."""
        for stale in [n for n in self._frames if n <= number]:
            self._bytes -= sum(q.size for q in self._frames.pop(stale))

    def oldest_inclusion(self) -> int | None:
        """The oldest L1 block a waiting frame came from."""
        return min((q.inclusion for frames in self._frames.values() for q in frames), default=None)

    def clear(self) -> None:
        self._frames.clear()
        self._bytes = 0
