"""
Sequencer
=========

Block production on the node's event loop, in one of two modes:

- **Interval** (the default): every ``block_time`` seconds (2.0, as OP Stack
  chains) a block is built from the mempool's ``pending_for_block`` — an
  empty one when nothing is pending, as the OP Stack does, so time on L2
  moves on. The loop is a ``Periodic`` task (``start``/``stop``); a slow block
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

A rollup opens every block with transactions of its own (``preamble``: the
L1-info deposit and deposits), which come before the pool's and take their
gas first; the hook may also say that the block takes nothing from the pool
(the rollup's sequencer drift), that it has a timestamp of its own, that
another block should follow at once (the rollup catching up with L1: at most
``MAX_CATCH_UP`` blocks per tick), or that no block can be built now
(``SkipBlock``). And a rollup's derivation may replace blocks the sequencer
built (``rewind``, then ``adopt``): the user transactions of the dropped
blocks go back to the pool.

Building runs on the event loop, like the RPC handlers, so the chain and the
pool are never used from two places at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Sequence

from ..evm.transactions import DepositTransaction, Transaction, transaction_hash
from ..primitives.types import Hash32
from ..safety import AdmissionError
from .chain import Blockchain, BuiltBlock
from .mempool import Listeners, Mempool
from .periodic import Periodic

log = logging.getLogger("ovm.sequencer")

DEFAULT_BLOCK_TIME = 2.0
MAX_CATCH_UP = 16  # blocks per tick while the preamble asks for more



@dataclass(frozen=True, slots=True)
class BlockStart:
    """The transactions that open a block, before the pool's (a rollup's L1-info
    and deposit transactions); whether the pool's may follow; the block's
    timestamp, if not the one proposed; and whether another block should be
    built right after this one."""

    transactions: Sequence[Transaction]
    include_pool: bool = True
    timestamp: int | None = None
    again: bool = False


class SkipBlock(Exception):
    """The preamble cannot open a block now: none is built this time."""


# What opens the block at a timestamp.
Preamble = Callable[[int], BlockStart]


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
        self._again = False  # the last preamble asked for another block at once
        self._loop = Periodic("ovm-sequencer", block_time, self.tick, on_error=self._failed)

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
        """Build the next block: the preamble's transactions, then the pool's."""
        chain = self.chain
        start = BlockStart(())
        if self.preamble is not None:
            if timestamp is None:
                timestamp = chain.next_timestamp()
            start = self.preamble(timestamp)
            timestamp = timestamp if start.timestamp is None else start.timestamp
        self._again = start.again
        txs = list(start.transactions)
        if start.include_pool:
            gas = chain.config.gas_limit - sum(tx.gas for tx in txs)
            txs += self.mempool.pending_for_block(chain.next_base_fee(), max(0, gas))
        return self._build(txs, timestamp)

    def _build(self, txs: Sequence[Transaction], timestamp: int | None) -> BuiltBlock:
        built = self.chain.build_block(txs, timestamp)
        self.mempool.remove_included(tx for tx, _, _ in built.included)
        self.mempool.drop(transaction_hash(tx) for tx, _ in built.rejected)
        for tx, error in built.rejected:
            tx_hash = transaction_hash(tx).hex()
            log.info("block %d refused 0x%s: %s", built.block.number, tx_hash, error)
        self.new_blocks.notify(built)
        return built

    def _mine_pending(self) -> list[BuiltBlock]:
        """Build blocks until nothing is pending (instant mode); never one without a
        pool transaction to try."""
        chain, blocks = self.chain, []
        while self.mempool.pending_for_block(chain.next_base_fee(), chain.config.gas_limit):
            try:
                built = self._produce()
            except SkipBlock as skip:
                log.info("no block for now: %s", skip)
                break
            blocks.append(built)
            if not any(not isinstance(tx, DepositTransaction) for tx, _, _ in built.included):
                break
        return blocks

    # -- blocks replaced ------------------------------------------------------------

    def rewind(self, number: int) -> int:
        """Drop the blocks above ``number``; their user transactions go back to the
        pool (those the pool refuses now are dropped). Returns how many went back."""
        chain = self.chain
        dropped = [chain.block(n) for n in range(number + 1, chain.head.number + 1)]
        chain.rewind(number)
        back = 0
        for block in dropped:
            for tx in block.transactions:
                if isinstance(tx, DepositTransaction):
                    continue
                try:
                    self.mempool.add(tx)
                    back += 1
                except AdmissionError as exc:
                    log.info("transaction 0x%s of a dropped block is not pending again: %s",
                             transaction_hash(tx).hex(), exc)
        return back

    def adopt(self, txs: Sequence[Transaction], timestamp: int) -> BuiltBlock:
        """Build the block of exactly ``txs`` at ``timestamp`` (one a rollup derived),
        and announce it as any block."""
        return self._build(txs, timestamp)

    # -- the interval loop ------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._loop.running

    async def start(self) -> None:
        """Start producing blocks: the interval loop, or in instant mode mine what
        the pool already holds (transactions restored after a restart)."""
        if self.instant:
            self._mine_pending()
            return
        if self._loop.running:
            raise RuntimeError("the sequencer is already running")
        self._loop.start()

    async def stop(self) -> None:
        """Stop the interval loop (after the block being built, if any)."""
        await self._loop.stop()

    def tick(self) -> None:
        """One round of the interval loop: a block, or a few while the preamble
        asks for more."""
        try:
            for _ in range(MAX_CATCH_UP):
                self._produce()
                if not self._again:
                    break
        except SkipBlock as skip:
            log.info("no block this time: %s", skip)

    @staticmethod
    def _failed(exc: Exception) -> None:
        log.error("building a block failed", exc_info=exc)


def _raise_if_refused(blocks: list[BuiltBlock], tx_hash: Hash32) -> None:
    for built in blocks:
        for tx, error in built.rejected:
            if transaction_hash(tx) == tx_hash:
                raise AdmissionError(str(error))
