"""
The batch submitter
===================

Posts the sequencer's L2 blocks to the L1 inbox: each block becomes a frame
(its number, timestamp, L1 origin and user transactions — deposits are left
out, derivation rebuilds them), consecutive frames become a batch of at most
``max_bytes``, and a batch goes out when it is full or when ``interval``
seconds passed since the oldest unposted block: in the blobs of an EIP-4844
transaction calling ``appendBlobBatch()`` (``blobs=True``; one blob holds a
batch of the default size, ``ovm.rollup.blob_data``), or as
``appendBatch(bytes)`` calldata. Blob gas has its own market, far cheaper
than calldata; L1 nodes keep blobs for a while only (about 18 days on
mainnet), long enough for replicas to sync and for the challenge period.

It keeps track of what it sent: a batch whose transaction was dropped, or
whose L1 block left the canonical chain, is sent again. It starts after the
safe head (``start``: the last L2 block derivation found on L1, once
derivation has read L1 up to its head; None until then), so a restarted
sequencer carries on where L1 stops; blocks it may have sent already go
again, which is harmless (derivation takes the first valid frame of a
block). When the sequencer's chain is rewound (derivation replaced
blocks, ``rewind``), it forgets what it sent of the dropped blocks and posts
again from there.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..evm.transactions import DepositTransaction, encode_transaction
from .batch import BatchBuilder, BlockFrameData
from .blob_data import to_blobs
from .config import RollupConfig
from .derivation.attributes import recorded_origin
from .l1.client import L1Client
from .l1.data import L1Error
from .l1.contract import Contract

log = logging.getLogger("ovm.batcher")

DEFAULT_INTERVAL = 2.0
BLOB_BATCH_GAS = 100_000  # appendBlobBatch() uses about 70,000 (a node estimates it without the blobs)
RESEND_AFTER = 10.0  # seconds without a receipt before a batch is sent again
SETTLED_DEPTH = 64  # L1 blocks after which a mined batch is no longer watched for reorgs


@dataclass
class Submission:
    first: int
    last: int
    data: bytes
    tx_hash: bytes
    sent_at: float
    l1_block: int | None = None
    l1_block_hash: bytes | None = None


def frame_of(block) -> BlockFrameData:
    """What a batch records of an L2 block."""
    origin = recorded_origin(block.transactions)
    if origin is None:
        raise ValueError(f"L2 block {block.number} does not open with its L1-info deposit")
    return BlockFrameData(
        number=block.number,
        timestamp=block.header.timestamp,
        l1_origin_number=origin.number,
        l1_origin_hash=origin.hash,
        transactions=tuple(
            encode_transaction(tx) for tx in block.transactions if not isinstance(tx, DepositTransaction)
        ),
    )


class Batcher:
    def __init__(
        self,
        chain,
        client: L1Client,
        inbox: Contract,
        config: RollupConfig,
        *,
        max_bytes: int = 120_000,
        interval: float = DEFAULT_INTERVAL,
        blobs: bool = False,
        start: Callable[[], int | None] = lambda: 0,
        clock=time.monotonic,
    ) -> None:
        if config.batcher.key is None:
            raise ValueError("the batcher needs the batcher's key in the rollup config")
        self.chain = chain
        self.client = client
        self.inbox = inbox
        self.config = config
        self.max_bytes = max_bytes
        self.interval = interval
        self.blobs = blobs
        self.start = start
        self.clock = clock
        self.submissions: list[Submission] = []
        self._posted: int | None = None  # the last L2 block sent (None: not started yet)
        self._waiting_since: float | None = None
        self._rewound_to: int | None = None
        self._rewind_lock = threading.Lock()

    @property
    def backlog(self) -> int:
        """L2 blocks not yet sent."""
        posted = self._posted or 0
        return max(0, self.chain.head.number - posted)

    def poll(self) -> None:
        """One round: settle what was sent, then send what is due."""
        if self._posted is None:
            self._posted = self.start()
            if self._posted is None:
                return
        self._apply_rewind()
        self._settle()
        self._send_due()

    def rewind(self, number: int) -> None:
        """The sequencer's blocks after ``number`` were replaced: post again from
        there (at the next round; safe to call from another thread)."""
        with self._rewind_lock:
            self._rewound_to = number if self._rewound_to is None else min(self._rewound_to, number)

    def _apply_rewind(self) -> None:
        with self._rewind_lock:
            number, self._rewound_to = self._rewound_to, None
        if number is None or self._posted is None or number >= self._posted:
            return
        self._posted = number
        self._waiting_since = None
        self.submissions = [s for s in self.submissions if s.last <= number]
        log.info("the sequencer's chain was rewound to L2 block %d: posting again from there", number)

    # -- sending --------------------------------------------------------------------

    def _send_due(self) -> None:
        head = self.chain.head.number
        if head <= self._posted:
            self._waiting_since = None
            return
        now = self.clock()
        if self._waiting_since is None:
            self._waiting_since = now
        builder = BatchBuilder(self.max_bytes)
        number = self._posted + 1
        while number <= head and builder.add(frame_of(self.chain.block(number))):
            number += 1
        full = number <= head
        if not full and now - self._waiting_since < self.interval:
            return
        self._send(builder.build(), self._posted + 1, number - 1)
        self._posted = number - 1
        self._waiting_since = now if full else None

    def _send(self, data: bytes, first: int, last: int) -> None:
        tx_hash = self._post(data)
        self.submissions.append(Submission(first, last, data, tx_hash, self.clock()))
        kind = "blobs" if self.blobs else "calldata"
        log.info("sent L2 blocks %d..%d (%d bytes, %s) in L1 tx 0x%s", first, last, len(data), kind, tx_hash.hex())

    def _post(self, data: bytes) -> bytes:
        """Send one batch to the inbox; returns the L1 transaction's hash."""
        key = self.config.batcher.key
        if self.blobs:
            return self.inbox.send(key, "appendBlobBatch", gas=BLOB_BATCH_GAS, blobs=to_blobs(data))
        return self.inbox.send(key, "appendBatch", data)

    # -- settling -------------------------------------------------------------------

    def _settle(self) -> None:
        """Record where batches were mined; send again those that were lost."""
        for submission in self.submissions:
            if submission.l1_block is not None and not self._still_canonical(submission):
                submission.l1_block = submission.l1_block_hash = None
            if submission.l1_block is None:
                self._look_for_receipt(submission)
        self._forget_settled()

    def _still_canonical(self, submission: Submission) -> bool:
        return self.client.block_hash(submission.l1_block) == submission.l1_block_hash

    def _look_for_receipt(self, submission: Submission) -> None:
        receipt = self.client.receipt(submission.tx_hash)
        if receipt is not None and self.client.block_hash(receipt.block_number) == receipt.block_hash:
            if not receipt.succeeded:
                raise L1Error(f"the inbox refused the batch of L2 blocks {submission.first}..{submission.last}")
            submission.l1_block, submission.l1_block_hash = receipt.block_number, receipt.block_hash
            return
        if self.clock() - submission.sent_at >= RESEND_AFTER or receipt is not None:
            self.client.txs.forget_nonce(self.config.batcher.address)
            submission.tx_hash = self._post(submission.data)
            submission.sent_at = self.clock()
            log.info("sent again the batch of L2 blocks %d..%d", submission.first, submission.last)

    def _forget_settled(self) -> None:
        """Batches deep enough in L1 are no longer watched."""
        l1_head = self.client.block_number()
        while self.submissions and self.submissions[0].l1_block is not None and (
            l1_head - self.submissions[0].l1_block >= SETTLED_DEPTH
        ):
            self.submissions.pop(0)
