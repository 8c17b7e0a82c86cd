"""
Sequencer
=========

Block production on the node's event loop, in one of two modes:

- **Interval** (the default): every ``block_time`` seconds (2.0, as OP Stack
  chains) a block is built from the mempool's ``pending_for_block`` — an
  empty one when nothing is pending, as the OP Stack does, so time on L2
  moves on. The loop is an asyncio task (``start``/``stop``); a slow block
  delays the next tick instead of being followed by a burst. Block
  timestamps are the chain's (``Blockchain.next_timestamp``: the clock, and at
  least a second after the parent).
- **Instant**: ``submit`` builds the block that includes the transaction
  before it returns, so its receipt exists when ``eth_sendRawTransaction``
  answers (tools rely on that). A transaction queued behind a nonce gap waits
  for the one that fills it. If the block refused the transaction (its sender
  could no longer pay, say), ``submit`` raises ``AdmissionError`` with the
  reason, so the client is answered rather than left waiting for a receipt.

``mine`` (``evm_mine``) builds blocks now in either mode. Each block, once
committed, goes to the ``new_blocks`` listeners (``newHeads`` and ``logs``
subscriptions and filters); included transactions leave the pool, and those
the block refused are dropped from it.

Building runs on the event loop, like the RPC handlers, so the chain and the
pool are never used from two places at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Callable, Sequence

from ..evm.transactions import Transaction, transaction_hash
from ..primitives.types import Hash32
from ..safety import AdmissionError
from .chain import Blockchain, BuiltBlock
from .mempool import Listeners, Mempool

log = logging.getLogger("ovm.sequencer")

DEFAULT_BLOCK_TIME = 2.0

# The transactions that open a block at a timestamp, before the mempool's
# (a rollup's L1-info and deposit transactions).
Preamble = Callable[[int], Sequence[Transaction]]


class Sequencer:
    """Orders the mempool's transactions into blocks (see the module docstring)."""

    def __init__(
        self,
        chain: Blockchain,
        mempool: Mempool,
        *,
        block_time: float = DEFAULT_BLOCK_TIME,
        instant: bool = False,
        preamble: Preamble | None = None,
    ) -> None:
        if block_time <= 0:
            raise ValueError(f"block time must be positive, got {block_time}")
        self.chain = chain
        self.mempool = mempool
        self.block_time = block_time
        self.instant = instant
        self.preamble = preamble
        self.new_blocks: Listeners[BuiltBlock] = Listeners()
        self._task: asyncio.Task | None = None

    # -- transactions ---------------------------------------------------------------

    def submit(self, tx_or_raw: bytes | Transaction) -> Hash32:
        """Accept a transaction (``eth_sendRawTransaction``) and return its hash; in
        instant mode, mine it first. Raises ``AdmissionError``."""
        tx_hash = self.mempool.add(tx_or_raw)
        if self.instant:
            _raise_if_refused(self._mine_pending(), tx_hash)
        return tx_hash

    # -- blocks ---------------------------------------------------------------------

    def mine(self, count: int = 1, timestamp: int | None = None) -> list[BuiltBlock]:
        """Build ``count`` blocks now (``evm_mine``); the first at ``timestamp`` if given."""
        if count < 1:
            raise ValueError(f"block count must be at least 1, got {count}")
        return [self._produce(timestamp if i == 0 else None) for i in range(count)]

    def _produce(self, timestamp: int | None = None) -> BuiltBlock:
        chain = self.chain
        txs = self.mempool.pending_for_block(chain.next_base_fee(), chain.config.gas_limit)
        return self._build(txs, timestamp)

    def _build(self, txs: list[Transaction], timestamp: int | None) -> BuiltBlock:
        if self.preamble is not None:
            if timestamp is None:
                timestamp = self.chain.next_timestamp()
            txs = [*self.preamble(timestamp), *txs]
        built = self.chain.build_block(txs, timestamp)
        self.mempool.remove_included(tx for tx, _, _ in built.included)
        self.mempool.drop(transaction_hash(tx) for tx, _ in built.rejected)
        for tx, error in built.rejected:
            tx_hash = transaction_hash(tx).hex()
            log.info("block %d refused 0x%s: %s", built.block.number, tx_hash, error)
        self.new_blocks.notify(built)
        return built

    def _mine_pending(self) -> list[BuiltBlock]:
        """Build blocks until nothing is pending (instant mode); never an empty one."""
        chain, blocks = self.chain, []
        while txs := self.mempool.pending_for_block(chain.next_base_fee(), chain.config.gas_limit):
            built = self._build(txs, None)
            blocks.append(built)
            if not built.included:
                break
        return blocks

    # -- the interval loop ------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        """Start producing blocks: the interval loop, or in instant mode mine what
        the pool already holds (transactions restored after a restart)."""
        if self.instant:
            self._mine_pending()
            return
        if self._task is not None:
            raise RuntimeError("the sequencer is already running")
        self._task = asyncio.create_task(self._run(), name="ovm-sequencer")

    async def stop(self) -> None:
        """Stop the interval loop (after the block being built, if any)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time() + self.block_time
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            try:
                self._produce()
            except Exception:
                log.exception("building a block failed")
            next_at = max(next_at + self.block_time, loop.time())


def _raise_if_refused(blocks: list[BuiltBlock], tx_hash: Hash32) -> None:
    for built in blocks:
        for tx, error in built.rejected:
            if transaction_hash(tx) == tx_hash:
                raise AdmissionError(str(error))
