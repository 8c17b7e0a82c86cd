"""
Mempool
=======

The transactions the node has accepted and not yet put in a block, kept per
sender by nonce. From the sender's state nonce on, the unbroken run of nonces
is *pending* (executable, in this order); whatever lies beyond a missing nonce
is *queued* until the gap is filled. Admission (``ovm.safety.admission``)
refuses a gap of more than ``PoolLimits.max_nonce_gap``.

Ordering for a block (``pending_for_block``), as geth's miner does it: each
sender offers its lowest pending nonce; the offer with the highest effective
tip, ``min(max priority fee, max fee - base fee)``, goes first (earliest
arrival breaks ties), then that sender offers its next nonce. A sender whose
next transaction pays less than the base fee or no longer fits the block's gas
is done for this block. The gas budget counts each transaction's gas limit,
so the builder never meets a transaction that does not fit.

Replacement: a transaction with the nonce of one already in the pool replaces
it only if both its fee cap and its tip are at least ``price_bump`` percent
(10, as geth) above the old one's, and strictly above; otherwise it is refused
with "replacement transaction underpriced". Resending the same transaction is
"already known".

Delegated accounts (EIP-7702, geth's pool rules): anyone may drain an
account whose code is a delegation designator without its nonce moving, so
the pool keeps at most one executable transaction from such a sender, or from
one that a pooled set-code transaction authorizes: another is refused ("in-flight
transaction limit reached for delegated accounts"; a replacement is fine), and
so is one with a gapped nonce ("gapped-nonce tx from delegated accounts"). A
set-code transaction whose authority already has more than one transaction in
the pool is refused ("authority already reserved").

Limits: ``max_transactions`` in all and ``max_per_sender`` per sender, each
with its own error ("txpool is full", "account limit exceeded"). A full pool
refuses new transactions rather than evicting cheaper ones: every transaction
the node has acknowledged stays until it is included, replaced by its sender,
or found invalid against a newer state. The defaults are generous because dev
tools and benchmarks send long nonce runs from one account.

Durability: a transaction is persisted through the chain
(``remember_pending``) before ``add`` returns its hash, and forgotten when it
is replaced or dropped; the block that includes it forgets it in the block's
own commit. After a restart ``restore`` admits the persisted ones again, so
every acknowledged transaction is either in a block or back in the pool.

The ``new_pending`` listeners hear of each transaction as it becomes pending
(``eth_subscribe("newPendingTransactions")``, pending-transaction filters).

The pool is not locked: the node uses it from its event loop only.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, Protocol, TypeVar

from ..chain import ChainConfig
from ..evm.blobs import BlobSidecar, encode_network_form
from ..evm.delegation import is_designator, recover_authority
from ..evm.gas import TX_BASE
from ..evm.transactions import (
    AccessListTransaction,
    BlobTransaction,
    DepositTransaction,
    LegacyTransaction,
    Transaction,
    authorizations,
    max_fee_per_gas,
    transaction_hash,
)
from ..primitives.types import Address, Hash32
from ..safety import (
    DEFAULT_DEPLOYMENT_POLICY,
    MAX_NONCE_GAP,
    MAX_TX_SIZE,
    AdmissionError,
    DeploymentPolicy,
    admit,
)
from ..state import State

log = logging.getLogger("ovm.mempool")

T = TypeVar("T")


class Listeners(Generic[T]):
    """Callbacks for one kind of event; a failing callback is logged and skipped."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Callable[[], None]:
        """Add ``callback``; returns the function that removes it again."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback)

    def notify(self, event: T) -> None:
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:
                log.exception("listener %r failed", callback)


class PoolChain(Protocol):
    """What the pool needs of the chain (``ovm.node.chain.Blockchain``)."""

    chain_id: int
    config: ChainConfig
    state: State

    def next_base_fee(self) -> int: ...

    def remember_pending(self, tx: Transaction, sidecar: BlobSidecar | None = None) -> bytes: ...

    def forget_pending(self, tx_hash: bytes) -> bool: ...

    def pending_transactions(self) -> list[Transaction]: ...

    def sidecar(self, tx_hash: bytes) -> BlobSidecar | None: ...


@dataclass(frozen=True, slots=True)
class PoolLimits:
    max_transactions: int = 8192
    max_per_sender: int = 2048
    max_nonce_gap: int = MAX_NONCE_GAP
    max_tx_size: int = MAX_TX_SIZE
    price_bump: int = 10  # percent, for a replacement


def tip_cap(tx: Transaction) -> int:
    """The most a transaction offers the block producer per gas above the base fee."""
    if isinstance(tx, (LegacyTransaction, AccessListTransaction)):
        return tx.gas_price
    return tx.max_priority_fee_per_gas


@dataclass(frozen=True, slots=True)
class PooledTransaction:
    tx: Transaction
    sender: Address
    hash: Hash32
    arrival: int
    fee_cap: int
    tip_cap: int
    sidecar: BlobSidecar | None = None  # the blobs of a blob transaction (L1 mode)
    authorities: tuple[Address, ...] = ()  # who signed a set-code transaction's authorizations

    @property
    def nonce(self) -> int:
        return self.tx.nonce

    def effective_tip(self, base_fee: int) -> int:
        return min(self.tip_cap, self.fee_cap - base_fee)


class Mempool:
    """See the module docstring."""

    def __init__(
        self,
        chain: PoolChain,
        limits: PoolLimits = PoolLimits(),
        deployment_policy: DeploymentPolicy = DEFAULT_DEPLOYMENT_POLICY,
        refused_senders: frozenset[Address] | set[Address] = frozenset(),
    ) -> None:
        self.chain = chain
        self.limits = limits
        self.deployment_policy = deployment_policy
        # A sequencer's own policy (a censoring one, to try the rollup's forced exit).
        self.refused_senders = frozenset(refused_senders)
        self.new_pending: Listeners[PooledTransaction] = Listeners()
        self._by_hash: dict[Hash32, PooledTransaction] = {}
        self._by_sender: dict[Address, dict[int, PooledTransaction]] = {}
        self._authorizing: dict[Address, set[Hash32]] = {}  # authority -> pooled set-code transactions
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        return len(self._by_hash)

    def __contains__(self, tx_hash: object) -> bool:
        return tx_hash in self._by_hash

    def get(self, tx_hash: Hash32) -> PooledTransaction | None:
        return self._by_hash.get(tx_hash)

    def is_pending(self, tx_hash: Hash32) -> bool:
        """Whether the transaction is in the pool and executable (not queued behind a gap)."""
        entry = self._by_hash.get(tx_hash)
        return entry is not None and entry.nonce < self.pending_nonce(entry.sender)

    # -- nonces -------------------------------------------------------------------

    def _state_nonce(self, address: Address) -> int:
        return self.chain.state.get_nonce(address)

    def pending_nonce(self, address: Address) -> int:
        """The nonce after the sender's pending run (for ``eth_getTransactionCount``
        at "pending")."""
        nonce = self._state_nonce(address)
        txs = self._by_sender.get(address, {})
        while nonce in txs:
            nonce += 1
        return nonce

    def _pending_run(self, address: Address) -> Iterator[PooledTransaction]:
        """The sender's pending transactions, in nonce order."""
        txs = self._by_sender.get(address, {})
        nonce = self._state_nonce(address)
        while nonce in txs:
            yield txs[nonce]
            nonce += 1

    # -- adding -------------------------------------------------------------------

    def add(self, tx_or_raw: bytes | Transaction) -> Hash32:
        """Admit a transaction, persist it and return its hash; raises ``AdmissionError``."""
        entry = self._admit(tx_or_raw)
        self.chain.remember_pending(entry.tx, entry.sidecar)
        self._insert(entry)
        return entry.hash

    def restore(self) -> int:
        """Admit again the transactions persisted before a restart, in arrival
        order; those no longer valid are forgotten. Returns how many are back."""
        restored = 0
        for tx in self.chain.pending_transactions():
            try:
                self._insert(self._admit(self._with_blobs(tx)))
                restored += 1
            except AdmissionError as exc:
                log.info("dropping persisted transaction 0x%s: %s", transaction_hash(tx).hex(), exc)
                self.chain.forget_pending(transaction_hash(tx))
        return restored

    def _with_blobs(self, tx: Transaction) -> bytes | Transaction:
        """A persisted blob transaction in its network form, with the blobs it came with."""
        if not isinstance(tx, BlobTransaction):
            return tx
        sidecar = self.chain.sidecar(transaction_hash(tx))
        return tx if sidecar is None else encode_network_form(tx, sidecar)

    def _admit(self, tx_or_raw: bytes | Transaction) -> PooledTransaction:
        chain, limits = self.chain, self.limits
        admitted = admit(
            tx_or_raw,
            chain.state,
            chain_id=chain.chain_id,
            base_fee=chain.next_base_fee(),
            block_gas_limit=chain.config.gas_limit,
            max_tx_size=limits.max_tx_size,
            max_nonce_gap=limits.max_nonce_gap,
            pool_nonce=self.pending_nonce,
            deployment_policy=self.deployment_policy,
            l2_rules=chain.fork.l2,
            max_transaction_gas=chain.fork.max_transaction_gas,
            code_delegation=chain.fork.code_delegation,
            transaction_types=chain.fork.transaction_types - {DepositTransaction.TYPE},
        )
        if admitted.hash in self._by_hash:
            raise AdmissionError("already known")
        if admitted.sender in self.refused_senders:
            raise AdmissionError(f"transaction refused by the sequencer: sender 0x{admitted.sender.hex()}")
        tx = admitted.tx
        arrival = next(self._arrivals)
        authorities = tuple(
            authority for authority in map(recover_authority, authorizations(tx)) if authority is not None
        )
        entry = PooledTransaction(
            tx, admitted.sender, admitted.hash, arrival, max_fee_per_gas(tx), tip_cap(tx), admitted.sidecar,
            authorities,
        )
        self._check_delegation_limit(entry)
        self._check_authorities(entry)
        old = self._by_sender.get(entry.sender, {}).get(tx.nonce)
        if old is None:
            self._check_room(entry.sender)
        else:
            self._check_replacement(old, entry)
        return entry

    def _check_delegation_limit(self, entry: PooledTransaction) -> None:
        """geth's ``checkDelegationLimit``: one executable transaction at a time
        from a delegated sender or one a pooled authorization names."""
        sender = entry.sender
        if not (is_designator(self.chain.state.get_code(sender)) or self._authorizing.get(sender)):
            return
        pending = {pooled.nonce for pooled in self._pending_run(sender)}
        if not pending:
            if entry.nonce != self.pending_nonce(sender):
                raise AdmissionError("gapped-nonce tx from delegated accounts")
            return
        if entry.nonce not in pending:
            raise AdmissionError("in-flight transaction limit reached for delegated accounts")

    def _check_authorities(self, entry: PooledTransaction) -> None:
        """geth's ``validateAuth``: no authority of a set-code transaction may
        already have more than one transaction in the pool."""
        for authority in entry.authorities:
            if len(self._by_sender.get(authority, ())) > 1:
                raise AdmissionError("authority already reserved")

    def _check_room(self, sender: Address) -> None:
        limits = self.limits
        if len(self._by_hash) >= limits.max_transactions:
            raise AdmissionError(f"txpool is full: {limits.max_transactions} transactions")
        if len(self._by_sender.get(sender, ())) >= limits.max_per_sender:
            raise AdmissionError(
                f"account limit exceeded: address 0x{sender.hex()} has "
                f"{limits.max_per_sender} transactions in the pool"
            )

    def _check_replacement(self, old: PooledTransaction, new: PooledTransaction) -> None:
        bump = 100 + self.limits.price_bump
        fee_needed = max(old.fee_cap * bump // 100, old.fee_cap + 1)
        tip_needed = max(old.tip_cap * bump // 100, old.tip_cap + 1)
        if new.fee_cap < fee_needed or new.tip_cap < tip_needed:
            raise AdmissionError(
                f"replacement transaction underpriced: needs maxFeePerGas >= {fee_needed} "
                f"and maxPriorityFeePerGas >= {tip_needed}"
            )

    def _insert(self, entry: PooledTransaction) -> None:
        txs = self._by_sender.setdefault(entry.sender, {})
        old = txs.get(entry.nonce)
        if old is not None:
            del self._by_hash[old.hash]
            self._note_authorities(old, add=False)
            self.chain.forget_pending(old.hash)
        txs[entry.nonce] = entry
        self._by_hash[entry.hash] = entry
        self._note_authorities(entry, add=True)
        self._announce_from(entry)

    def _announce_from(self, entry: PooledTransaction) -> None:
        """Tell listeners about ``entry`` and the queued ones after it, if it made them pending."""
        txs = self._by_sender[entry.sender]
        for nonce in range(entry.nonce, self.pending_nonce(entry.sender)):
            self.new_pending.notify(txs[nonce])

    # -- block production ---------------------------------------------------------

    def pending_for_block(self, base_fee: int, gas_limit: int) -> list[Transaction]:
        """Candidates for the next block, best tip first, each sender's in nonce
        order: as many as could possibly fit (``gas_limit`` / 21,000). Blocks are
        packed by the gas transactions really use, as geth packs them, so the
        builder decides which fit and leaves the rest pending (deferred)."""
        runs = {sender: self._pending_run(sender) for sender in self._by_sender}
        offers: list[tuple[int, int, Address, PooledTransaction]] = []
        for run in runs.values():
            self._offer(offers, run, base_fee)
        chosen: list[Transaction] = []
        most = gas_limit // TX_BASE
        while offers and len(chosen) < most:
            _, _, sender, entry = heapq.heappop(offers)
            chosen.append(entry.tx)
            self._offer(offers, runs[sender], base_fee)
        return chosen

    @staticmethod
    def _offer(offers: list, run: Iterator[PooledTransaction], base_fee: int) -> None:
        entry = next(run, None)
        if entry is not None and entry.fee_cap >= base_fee:
            offer = (-entry.effective_tip(base_fee), entry.arrival, entry.sender, entry)
            heapq.heappush(offers, offer)

    def remove_included(self, txs: Iterable[Transaction]) -> None:
        """Take out the transactions a block included (the block's commit already
        forgot them), then drop those the new state made stale."""
        for tx in txs:
            entry = self._by_hash.get(transaction_hash(tx))
            if entry is not None:
                self._remove(entry)
        self._drop_stale()

    def drop(self, tx_hashes: Iterable[Hash32]) -> None:
        """Take out and forget transactions that turned out invalid (a block refused them)."""
        for tx_hash in tx_hashes:
            entry = self._by_hash.get(tx_hash)
            if entry is not None:
                self._remove(entry)
                self.chain.forget_pending(tx_hash)

    def _drop_stale(self) -> None:
        """Drop and forget transactions whose nonce the state has passed."""
        for sender, txs in list(self._by_sender.items()):
            state_nonce = self._state_nonce(sender)
            stale = [entry.hash for nonce, entry in txs.items() if nonce < state_nonce]
            self.drop(stale)

    def _note_authorities(self, entry: PooledTransaction, add: bool) -> None:
        for authority in entry.authorities:
            hashes = self._authorizing.setdefault(authority, set())
            if add:
                hashes.add(entry.hash)
                continue
            hashes.discard(entry.hash)
            if not hashes:
                del self._authorizing[authority]

    def _remove(self, entry: PooledTransaction) -> None:
        del self._by_hash[entry.hash]
        self._note_authorities(entry, add=False)
        txs = self._by_sender[entry.sender]
        del txs[entry.nonce]
        if not txs:
            del self._by_sender[entry.sender]

    # -- inspection ---------------------------------------------------------------

    def content(self) -> dict[str, dict[Address, dict[int, PooledTransaction]]]:
        """``txpool_content``: pending and queued transactions by sender and nonce."""
        pending: dict[Address, dict[int, PooledTransaction]] = {}
        queued: dict[Address, dict[int, PooledTransaction]] = {}
        for sender, txs in self._by_sender.items():
            run = {entry.nonce: entry for entry in self._pending_run(sender)}
            rest = {nonce: entry for nonce, entry in txs.items() if nonce not in run}
            for group, part in ((pending, run), (queued, rest)):
                if part:
                    group[sender] = dict(sorted(part.items()))
        return {"pending": pending, "queued": queued}
