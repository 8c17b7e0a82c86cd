"""
The replica's pipeline: L2 from L1 alone
=========================================

A replica walks L1 block by block from the rollup's anchor and rebuilds every
L2 block from what L1 holds:

1. **Batches.** Each ``BatchAppended`` event of the inbox in an L1 block points
   at the transaction that carried the batch, in its calldata or its blobs
   (``ovm.rollup.inbox``). Its frames (one per L2 block) join a queue.
2. **Blocks.** The next L2 block is derived from its frame: the origin it
   names must follow the parent's (``epochs``) and be canonical; the block is
   the origin's preamble (the L1-info deposit, and on an epoch's first block
   the origin's deposits) followed by the frame's transactions, at the frame's
   timestamp. A frame that breaks a rule is dropped.
3. **The sequencing window.** If L1 has gone ``sequencing_window`` blocks past
   the parent's origin and no frame for the next block was posted, the replica
   derives the next epoch's first block by itself, with the deposits and
   nothing else: a sequencer that posts nothing cannot hold back deposits or
   forced withdrawals.
4. **Outputs.** Every output the proposer posted for a block the replica has
   derived is compared with the replica's own.
5. **Reorgs.** The hashes of the L1 blocks read are kept; when one is no longer
   canonical, the replica goes back to the last L1 block that still is, rewinds
   the L2 blocks derived from anything later, and reads L1 again from there.

``Replica.step`` does one round of this and returns; the node calls it in a
loop. Given a ``progress_dir``, each round is recorded there (``progress``)
and a restarted replica carries on from it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ...evm.l2 import RecordedOrigin, recorded_origin
from ...evm.transactions import InvalidTransaction, decode_transaction
from ..batch import BatchError, BlockFrameData, decode_batch
from ..config import RollupConfig
from ..inbox import batch_data
from ..l1.client import L1Client
from ..l1.data import L1Block
from ..l1.contract import Contract
from ..output import OutputRoots
from . import progress
from .deposits import ReorgDuringRead
from .epochs import L1View, preamble

log = logging.getLogger("ovm.replica")

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
class ReplicaStatus:
    l1_head: int = 0
    l1_derived: int = 0  # the last L1 block read
    l2_head: int = 0
    outputs_checked: list[OutputCheck] = field(default_factory=list)
    frames_dropped: int = 0
    forced_blocks: int = 0

    @property
    def outputs_match(self) -> bool:
        return all(check.matches for check in self.outputs_checked)


class Replica:
    def __init__(
        self,
        chain,
        client: L1Client,
        inbox: Contract,
        bridge: Contract,
        scc: Contract,
        config: RollupConfig,
        progress_dir: Path | None = None,
    ) -> None:
        self.chain = chain
        self.client = client
        self.inbox = inbox
        self.scc = scc
        self.config = config
        self.view = L1View(client, bridge)
        self.outputs = OutputRoots(chain)
        self.status = ReplicaStatus()
        self._frames: dict[int, BlockFrameData] = {}
        self._read: dict[int, bytes] = {}  # L1 number -> hash, of the blocks read
        self._derived_from: dict[int, int] = {}  # L2 number -> L1 block its data came from
        self._next_l1 = config.l1_anchor.number
        self._progress_dir = progress_dir
        if progress_dir is not None:
            self._resume(progress.load(progress_dir, config.l1_anchor.hash))

    @property
    def next_l1(self) -> int:
        """The next L1 block the replica reads."""
        return self._next_l1

    def _resume(self, saved: progress.Progress) -> None:
        """Carry on from a saved round (``progress``), trimmed to the chain's head."""
        head = self.chain.head.number
        self._derived_from = {n: l1 for n, l1 in saved.derived_from.items() if n <= head}
        self._read = dict(saved.read)
        self._next_l1 = saved.resume_point(head, self.config.l1_anchor.number)
        self.status.outputs_checked = [OutputCheck(*check) for check in saved.outputs_checked if check[1] <= head]

    def _save(self) -> None:
        """Record this round, so that a restart reads L1 again only from the oldest
        L1 block whose frames are not all derived yet."""
        if self._progress_dir is None:
            return
        resume = self._first_unconsumed_l1()
        head = self.chain.head.number
        derived = {n: l1 for n, l1 in self._derived_from.items() if n <= head}
        checks = [(c.index, c.l2_block, c.proposed, c.derived) for c in self.status.outputs_checked]
        progress.save(self._progress_dir, progress.Progress(
            self.config.l1_anchor.hash, head, resume, self._read, derived, checks,
        ))

    def _first_unconsumed_l1(self) -> int:
        """The oldest L1 block whose frames are not all derived: the next one to
        read, or an older one holding a queued frame (a batch sent again lands
        after the batches that follow it)."""
        queued = [self._derived_from[n] for n in self._frames if n in self._derived_from]
        return min([self._next_l1, *queued])

    # -- one round ----------------------------------------------------------------

    def step(self) -> ReplicaStatus:
        """Read the L1 blocks that arrived, derive what they allow, check outputs."""
        self._undo_reorg()
        head = self.client.block_number()
        self.status.l1_head = head
        last = min(head, self._next_l1 + MAX_L1_BLOCKS_PER_STEP - 1)
        try:
            for number in range(self._next_l1, last + 1):
                self._read_l1_block(self.client.block(number))
                self._derive_available()
                self._force_past_window()
        except ReorgDuringRead as reorg:
            log.info("%s; starting over from the last canonical block", reorg)
        self._check_outputs()
        self.status.l2_head = self.chain.head.number
        self._forget_old()
        self._save()
        return self.status

    def _forget_old(self) -> None:
        """Keep only the recent L1 hashes and L2 sources (a reorg deeper than that is
        not expected), so that a long-running replica does not grow."""
        for number in sorted(self._read)[:-progress.KEPT_L1_BLOCKS]:
            del self._read[number]
        for number in sorted(self._derived_from)[:-progress.KEPT_L2_BLOCKS]:
            del self._derived_from[number]

    def _read_l1_block(self, block: L1Block) -> None:
        expected_parent = self._read.get(block.number - 1)
        if expected_parent is not None and block.parent_hash != expected_parent:
            raise ReorgDuringRead(f"L1 block {block.number} does not follow the block read before it")
        for frame in self._batches_in(block):
            if frame.number > self.chain.head.number:
                self._frames.setdefault(frame.number, frame)
                self._derived_from.setdefault(frame.number, block.number)
        self._read[block.number] = block.hash
        self._next_l1 = block.number + 1
        self.status.l1_derived = block.number

    def _batches_in(self, block: L1Block) -> list[BlockFrameData]:
        frames: list[BlockFrameData] = []
        logs = self.client.logs(address=self.inbox.address, from_block=block.number, to_block=block.number)
        for entry in sorted(logs, key=lambda item: item.log_index):
            if entry.block_hash != block.hash:
                raise ReorgDuringRead(f"L1 block {block.number} changed while reading its logs")
            event = self.inbox.decode(entry)
            if event is None or event.name != "BatchAppended":
                continue
            data = batch_data(self.client, self.inbox, event, self.config.batcher.address)
            if data is None:
                continue
            try:
                frames.extend(decode_batch(data))
            except BatchError as exc:
                log.warning("dropped a malformed batch in L1 block %d: %s", block.number, exc)
        return frames

    # -- deriving blocks ------------------------------------------------------------

    def _derive_available(self) -> None:
        while True:
            frame = self._frames.pop(self.chain.head.number + 1, None)
            if frame is None:
                return
            if not self._derive_from_frame(frame):
                self.status.frames_dropped += 1

    def _derive_from_frame(self, frame: BlockFrameData) -> bool:
        """Build the block a frame describes; False (and nothing built) if the
        frame breaks a rule."""
        chain = self.chain
        parent = recorded_origin(chain.state)
        origin = self._frame_origin(frame, parent)
        if origin is None or frame.timestamp <= chain.head.header.timestamp:
            log.warning("dropped the frame of L2 block %d: it breaks the epoch rules", frame.number)
            return False
        sequence_number = 0 if parent.unset or origin.number != parent.number else parent.sequence_number + 1
        try:
            user_txs = [decode_transaction(raw) for raw in frame.transactions]
        except InvalidTransaction as exc:
            log.warning("dropped the frame of L2 block %d: %s", frame.number, exc)
            return False
        deposits = self.view.deposits(origin) if sequence_number == 0 else []
        txs = preamble(origin, sequence_number, deposits, self.config.batcher.address) + user_txs
        chain.build_block(txs, frame.timestamp)
        self.outputs.record_head()
        return True

    def _frame_origin(self, frame: BlockFrameData, parent: RecordedOrigin) -> L1Block | None:
        number = frame.l1_origin_number
        if parent.unset:
            allowed = number == self.config.l1_anchor.number
        else:
            allowed = number in (parent.number, parent.number + 1)
        if not allowed or number not in self._read:
            return None
        origin = self.view.block(number)
        if origin.hash != frame.l1_origin_hash or origin.timestamp > frame.timestamp:
            return None
        if not parent.unset and number == parent.number + 1 and origin.parent_hash != parent.hash:
            return None
        return origin

    def _force_past_window(self) -> None:
        """Derive deposit-only blocks for epochs the sequencer left unposted."""
        chain = self.chain
        while True:
            parent = recorded_origin(chain.state)
            if parent.unset:
                return
            if self.status.l1_derived < parent.number + self.config.sequencing_window:
                return
            if chain.head.number + 1 in self._frames:
                return
            origin = self.view.block(parent.number + 1)
            timestamp = max(chain.head.header.timestamp + 1, origin.timestamp)
            deposits = self.view.deposits(origin)
            chain.build_block(preamble(origin, 0, deposits, self.config.batcher.address), timestamp)
            self.outputs.record_head()
            self._derived_from[chain.head.number] = self.status.l1_derived
            self.status.forced_blocks += 1
            log.info("derived L2 block %d from L1 alone (sequencing window passed)", chain.head.number)

    # -- outputs ----------------------------------------------------------------------

    def _check_outputs(self) -> None:
        checked = len(self.status.outputs_checked)
        count = self.scc.call("outputCount")
        for index in range(checked, count):
            root, _, l2_block = self.scc.call("getOutput", index)
            if l2_block > self.chain.head.number:
                return
            derived = self.outputs.at(l2_block).root
            check = OutputCheck(index, l2_block, bytes(root), derived)
            if not check.matches:
                log.error("output %d for L2 block %d does not match the replica's", index, l2_block)
            self.status.outputs_checked.append(check)

    # -- reorgs -----------------------------------------------------------------------

    def _undo_reorg(self) -> None:
        """If an L1 block already read left the canonical chain, go back."""
        if not self._read:
            return
        last = max(self._read)
        if self.client.block_hash(last) == self._read[last]:
            return
        ancestor = last - 1
        while ancestor in self._read and self.client.block_hash(ancestor) != self._read[ancestor]:
            ancestor -= 1
        self._rewind_to_l1(ancestor)

    def _rewind_to_l1(self, ancestor: int) -> None:
        for number in [n for n in self._read if n > ancestor]:
            del self._read[number]
        self._next_l1 = min(self._first_unconsumed_l1(), ancestor + 1)  # queued frames are read again
        self._frames.clear()
        self.view.forget()
        keep = self.chain.head.number
        for l2_number in sorted(self._derived_from):
            if self._derived_from[l2_number] > ancestor:
                keep = min(keep, l2_number - 1)
                break
        self._derived_from = {n: l1 for n, l1 in self._derived_from.items() if n <= keep}
        if keep < self.chain.head.number:
            self.chain.rewind(keep)
            self.outputs.forget_after(keep)
        self.status.outputs_checked = [c for c in self.status.outputs_checked if c.l2_block <= keep]
        log.info("L1 reorg: back to L1 block %d and L2 block %d", ancestor, keep)
