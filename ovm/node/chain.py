"""
Blockchain
==========

The node's chain over a ``ChainStore``: the head block and, in memory, the
head state; each block's fork by its timestamp (the genesis config's
``ForkSchedule``: the next block's for building and admission, a stored
block's for calls, estimates and traces on it); building and committing
blocks; reads of blocks, transactions, receipts and logs; ``eth_call`` and ``eth_estimateGas`` with state overrides
on the state of a block (run by ``ovm.node.call`` and ``ovm.node.estimate``);
EIP-1186 proofs; the state a mined transaction ran on (for tracers); the
transactions acknowledged but not yet included; and the dev controls
(snapshots, balances and code set by hand, time travel).

Dev changes (``set_balance`` and friends) change the head state without a
block. Each is persisted at once as a state diff with its own undo record
(``ChainStore.commit_dev_change``), and the store records the new state root
beside the head's: on restart the loaded state is checked against that
root, which equals the head header's root whenever no dev change followed the
head. The next block's header commits to the changed state, as on anvil.

Every method that reads or writes the head state holds ``Blockchain.lock``
(re-entrant), so the RPC server's threads and the sequencer can share a
``Blockchain``; code that reads ``chain.state`` directly from another thread
holds it too.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

from ..chain import (
    Block,
    BlockBuilder,
    ChainConfig,
    ChainFork,
    Genesis,
    Header,
    Receipt,
    ReceiptDetails,
    genesis_block,
    genesis_state,
    next_base_fee,
    next_excess_blob_gas,
)
from ..evm.blobs import BlobSidecar
from ..evm.environment import BlockEnv
from ..evm.forks import Fork
from ..evm.interpreter import CodeRunner
from ..evm.processor import Execution
from ..evm.transactions import InvalidTransaction, Transaction
from ..evm.validation import NotIncludableNow
from ..primitives.types import (
    UINT64_MAX,
    UINT256_MAX,
    ZERO_HASH,
    HexError,
    hex_to_int,
)
from ..state import State
from .call import CallRequest, CallResult, run_call
from .errors import ChainError
from .estimate import estimate_gas
from .proofs import AccountProof, prove_account
from .store import ChainStore, LogRecord, ReceiptRecord, TxLocation

HEAD_TAGS = frozenset({"latest", "pending", "safe", "finalized"})


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuiltBlock:
    block: Block
    included: list[tuple[Transaction, Receipt, ReceiptDetails]]
    rejected: list[tuple[Transaction, InvalidTransaction]]
    # Valid but not for this block (no gas left, or a sender's earlier nonce
    # did not fit): they stay pending.
    deferred: list[Transaction] = dataclasses.field(default_factory=list)


def _serialized(method: Callable) -> Callable:
    @wraps(method)
    def locked(self: "Blockchain", *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


class Blockchain:
    """The chain of one node (see the module docstring).

    ``code_runner`` runs contract code (pass a ``TranspilingRunner`` for
    speed); ``clock`` gives the time in seconds for block timestamps.
    Raises ``ChainError`` if the store holds another chain or a state that
    does not match its recorded root.
    """

    def __init__(
        self,
        store: ChainStore,
        genesis: Genesis,
        code_runner: CodeRunner | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.config: ChainConfig = genesis.config
        self.chain_id = genesis.config.chain_id
        self.code_runner = code_runner
        self._clock = clock
        self.lock = threading.RLock()
        state = genesis_state(genesis)
        block = genesis_block(genesis, state)
        self.genesis_hash = block.hash
        if store.is_empty():
            store.commit_genesis(block, state.take_diff())
            self.head, self.state = block, state
        else:
            self._check_genesis()
            self._load_head()
        self._time_offset = store.time_offset()
        self._labels: dict[str, Callable[[], int]] = {}

    def label_blocks(self, safe: Callable[[], int], finalized: Callable[[], int]) -> None:
        """Let the ``safe`` and ``finalized`` tags name other blocks than the head (a
        rollup's; read from any thread, so they must be cheap)."""
        self._labels = {"safe": safe, "finalized": finalized}

    def labelled(self, tag: str) -> int:  # the head for a tag without a label
        label, head = self._labels.get(tag), self.head.number
        return head if label is None else max(0, min(label(), head))

    def _check_genesis(self) -> None:
        stored = self.store.genesis_hash()
        if stored != self.genesis_hash:
            raise ChainError(
                f"{self.store.path} holds the chain with genesis 0x{stored.hex()}, not this "
                f"genesis (0x{self.genesis_hash.hex()}): use another data directory"
            )

    def _load_head(self) -> None:
        """Read the head block and state from the store and check the state's root."""
        head = self.store.head()
        state = self.store.load_state()
        recorded = self.store.state_root()
        if self.store.position().changes == 0 and recorded != head.header.state_root:
            raise ChainError(
                f"the store's state root 0x{recorded.hex()} is not that of its head, "
                f"block {head.number} (0x{head.header.state_root.hex()})"
            )
        root = state.state_root()
        if root != recorded:
            raise ChainError(
                f"the stored state has root 0x{root.hex()}, but the store recorded "
                f"0x{recorded.hex()} at block {head.number}"
            )
        self.head, self.state = head, state

    # -- next block ---------------------------------------------------------------

    def fork_at(self, timestamp: int) -> ChainFork:
        return self.config.forks.at(timestamp)

    def next_fork(self) -> ChainFork:
        """The fork of the next block, were it made now."""
        return self.fork_at(self.next_timestamp())

    def next_base_fee(self) -> int:
        return next_base_fee(self.head.header, self.config.base_fee_params)

    def next_blob_base_fee(self) -> int:
        """The blob base fee of the next block, were it made now (its fork's blob parameters)."""
        blobs = self.next_fork().fork.blobs
        return blobs.base_fee(next_excess_blob_gas(self.head.header, blobs))

    def next_timestamp(self) -> int:
        """Now (plus the ``increase_time`` offset), and at least a second after the head."""
        return max(int(self._clock()) + self._time_offset, self.head.header.timestamp + 1)

    @_serialized
    def build_block(self, txs: Sequence[Transaction], timestamp: int | None = None) -> BuiltBlock:
        """Run ``txs`` in order on the head state, skipping (and reporting) those
        that cannot be included, and commit the block in one store transaction.
        The included transactions leave the pending set in that commit; the
        rejected ones stay there until the caller forgets them, and the deferred
        ones (valid, but not for this block: out of gas room, or behind a
        deferred nonce) stay pending for a later block."""
        builder = BlockBuilder(
            self.head.header, self.state, self.config,
            timestamp=self.next_timestamp() if timestamp is None else timestamp,
            coinbase=self.config.fee_recipient,
            ancestor_hash=self._ancestor_hash,
            code_runner=self.code_runner,
        )  # fmt: skip
        included, rejected, deferred, touched = [], [], [], []
        with self._reloading_on_failure():
            for tx in txs:
                try:
                    receipt, details = builder.add_transaction(tx)
                except NotIncludableNow:
                    deferred.append(tx)
                    continue
                except InvalidTransaction as exc:
                    rejected.append((tx, exc))
                    continue
                included.append((tx, receipt, details))
                touched.append(frozenset(self.state.touched))  # calls' targets, for the address index
            block = builder.finish()
            diff = self.state.take_diff()
            self.store.commit_block(block, builder.receipts, builder.details, diff, touched)
        self.head = block
        return BuiltBlock(block, included, rejected, deferred)

    @contextmanager
    def _reloading_on_failure(self) -> Iterator[None]:
        """If the head state was changed but not committed, go back to the store's."""
        try:
            yield
        except BaseException:
            self._load_head()
            raise

    def _ancestor_hash(self, number: int) -> bytes:
        return self.store.canonical_hash(number) or ZERO_HASH

    # -- reads --------------------------------------------------------------------

    def block(self, ref: int | bytes) -> Block | None:
        """The canonical block with this number, or the block with this 32-byte hash."""
        return self.store.block(ref)

    def resolve_block_tag(self, tag: str | int) -> int:
        """A block number from a number, a hex quantity or a tag. ``pending`` is the head, and
        so are ``safe`` and ``finalized`` (final once sealed) unless ``label_blocks`` says otherwise."""
        if isinstance(tag, bool):
            raise ValueError(f"unknown block tag {tag!r}")
        if isinstance(tag, int):
            number = tag
        elif tag in HEAD_TAGS:
            return self.labelled(tag)
        elif tag == "earliest":
            return 0
        else:
            try:
                number = hex_to_int(tag)
            except (HexError, TypeError):
                raise ValueError(f"unknown block tag {tag!r}") from None
        if number < 0:
            raise ValueError(f"block number {number} is negative")
        return number

    def transaction(self, tx_hash: bytes) -> TxLocation | None:
        return self.store.tx_location(tx_hash)

    def receipt(self, tx_hash: bytes) -> ReceiptRecord | None:
        return self.store.receipt(tx_hash)

    def block_receipts(self, block_hash: bytes) -> list[ReceiptRecord] | None:
        return self.store.receipts(block_hash)

    def logs(
        self,
        from_number: int,
        to_number: int,
        addresses: set[bytes] | None = None,
        topics: Sequence[set[bytes] | None] = (),
    ) -> list[LogRecord]:
        """Logs of blocks ``from_number..to_number`` (inclusive) from one of
        ``addresses`` (None or empty: any) whose i-th topic is in ``topics[i]``
        (None or empty: any), as geth filters them."""
        return self.store.logs(from_number, to_number, addresses, topics)

    # -- calls ----------------------------------------------------------------------

    @_serialized
    def call(
        self, request: CallRequest, block: int | None = None, overrides: Mapping | None = None
    ) -> CallResult:
        """Run ``request`` on the state after ``block`` (default: the head) with
        ``overrides`` (geth's shape, values parsed: ``{address: {"balance": int,
        "nonce": int, "code": bytes, "state" | "stateDiff": {slot: value}}}``).

        Raises ``InvalidTransaction`` (geth's wording) if the message cannot run:
        intrinsic gas too low, fee cap below the base fee, insufficient funds.
        """
        state, env, fork = self._call_setting(block)
        return run_call(state, env, request, overrides, fork, self.code_runner)

    def _state_after(self, block: int | None) -> tuple[State, Header]:
        """The head state, or a rebuilt copy of an older block's (slow)."""
        head = self.head.number
        if block is None or block == head:
            return self.state, self.head.header
        if not 0 <= block < head:
            raise ChainError(f"block {block} not found: the head is block {head}")
        return self.store.load_state(before_block=block + 1), self.store.header(block)

    def _call_setting(self, block: int | None) -> tuple[State, BlockEnv, Fork]:
        """The state after ``block``, the environment of that block and its fork, for calls."""
        state, header = self._state_after(block)
        return (state, *self._setting(header))

    @_serialized
    def trace_call(
        self,
        request: CallRequest,
        block: int | None,
        overrides: Mapping | None,
        tracer: Callable[[Execution], T],
    ) -> T:
        """Run ``request`` as ``call`` does, but hand the prepared execution to
        ``tracer`` (which runs it, e.g. step by step) and return what it returns."""
        state, env, fork = self._call_setting(block)
        return run_call(state, env, request, overrides, fork, None, tracer)

    @_serialized
    def estimate_gas(
        self, request: CallRequest, overrides: Mapping | None = None, block: int | None = None
    ) -> int:
        """The least gas limit with which ``request`` succeeds (``estimate_gas``).
        Raises ``ExecutionReverted`` if it reverts even with the most gas,
        ``GasEstimationError`` if it fails otherwise, ``InvalidTransaction`` as
        ``call`` does."""
        state, env, fork = self._call_setting(block)
        return estimate_gas(state, env, request, overrides, fork, self.code_runner)

    # -- proofs and tracing support ---------------------------------------------------

    @_serialized
    def account_proof(
        self, address: bytes, slots: Sequence[int], block: int | None = None
    ) -> AccountProof:
        """EIP-1186 proofs of an account and some of its slots after ``block``
        (default: the head; an older block's state is rebuilt, slowly)."""
        state, _ = self._state_after(block)
        return prove_account(state, address, slots)

    def block_setting(self, block_number: int) -> tuple[BlockEnv, Fork]:
        """The environment and the fork a stored block's transactions ran in."""
        header = self.store.header(block_number)
        if header is None:
            raise ChainError(f"block {block_number} not found")
        return self._setting(header)

    def _setting(self, header: Header) -> tuple[BlockEnv, Fork]:
        fork = self.fork_at(header.timestamp).fork
        env = BlockEnv(
            coinbase=header.coinbase, number=header.number, timestamp=header.timestamp,
            gas_limit=header.gas_limit, base_fee=header.base_fee_per_gas, prev_randao=header.prev_randao,
            chain_id=self.chain_id, excess_blob_gas=header.excess_blob_gas, block_hash=self._ancestor_hash,
            blob_params=fork.blobs,
        )  # fmt: skip
        return env, fork

    def state_before(self, block_number: int, tx_index: int) -> State:
        """The state transaction ``tx_index`` of a stored block ran on: the parent's
        state from undo records, then the block's earlier transactions re-executed.
        A fresh ``State``, the caller's to change."""
        block = self.store.block(block_number)
        if block is None:
            raise ChainError(f"block {block_number} not found")
        if not 0 <= tx_index <= len(block.transactions):
            raise ChainError(f"block {block_number} has no transaction {tx_index}")
        state = self.store.load_state(before_block=block_number)
        if tx_index:
            builder = self._rebuilder(block.header, state)
            for tx in block.transactions[:tx_index]:
                builder.add_transaction(tx)
        return state

    def block_start(self, block_number: int) -> tuple[State, BlockEnv, Fork]:
        """The state a stored block's first transaction ran on (its parent's, with
        the block's system calls made), and the block's setting: a fresh ``State``
        to run the block's transactions on again, in order (``debug_traceBlock*``)."""
        block = self.store.block(block_number)
        if block is None:
            raise ChainError(f"block {block_number} not found")
        state = self.store.load_state(before_block=block_number)
        builder = self._rebuilder(block.header, state)
        return state, builder.env, builder.fork

    def _rebuilder(self, header: Header, state: State) -> BlockBuilder:
        """A builder that makes ``header``'s block again on its parent's state."""
        return BlockBuilder(
            self.store.header(header.number - 1), state, self.config,
            timestamp=header.timestamp, coinbase=header.coinbase, prev_randao=header.prev_randao,
            extra_data=header.extra_data, parent_beacon_block_root=header.parent_beacon_block_root,
            ancestor_hash=self._ancestor_hash, code_runner=self.code_runner,
        )  # fmt: skip

    # -- pending transactions ---------------------------------------------------------

    def remember_pending(self, tx: Transaction, sidecar: BlobSidecar | None = None) -> bytes:
        """Persist a transaction the node acknowledged (with its blobs); returns its
        hash. Building the block that includes it forgets it in the same commit."""
        return self.store.put_pending(tx, sidecar)

    def forget_pending(self, tx_hash: bytes) -> bool:
        return self.store.delete_pending(tx_hash)

    def pending_transactions(self) -> list[Transaction]:
        """The acknowledged transactions not in a block, in arrival order (to refill
        the mempool after a restart)."""
        return self.store.pending()

    def sidecar(self, tx_hash: bytes) -> BlobSidecar | None:
        """The blobs a blob transaction came with (kept after it is included)."""
        return self.store.sidecar(tx_hash)

    # -- dev controls -----------------------------------------------------------------

    @_serialized
    def snapshot(self) -> int:
        """Record the current block and dev changes (``evm_snapshot``)."""
        return self.store.snapshot()

    @_serialized
    def revert(self, snapshot_id: int) -> bool:
        """Go back to a snapshot, forgetting it and later ones (``evm_revert``);
        the blocks after it are deleted. False if there is no such snapshot."""
        if not self.store.revert_to_snapshot(snapshot_id):
            return False
        self._load_head()
        return True

    @_serialized
    def rewind(self, to_number: int) -> None:
        """Delete the blocks above ``to_number`` and undo their state (and any dev change)."""
        self.store.rewind(to_number)
        self._load_head()

    def set_balance(self, address: bytes, balance: int) -> None:
        _check_range("balance", balance, UINT256_MAX)
        self._dev_change(lambda state: state.set_balance(address, balance))

    def set_nonce(self, address: bytes, nonce: int) -> None:
        _check_range("nonce", nonce, UINT64_MAX)
        self._dev_change(lambda state: state.set_nonce(address, nonce))

    def set_code(self, address: bytes, code: bytes) -> None:
        self._dev_change(lambda state: state.set_code(address, code))

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        _check_range("storage slot", slot, UINT256_MAX)
        _check_range("storage value", value, UINT256_MAX)
        self._dev_change(lambda state: _set_storage_of_account(state, address, slot, value))

    @_serialized
    def _dev_change(self, change: Callable[[State], None]) -> None:
        """Change the head state by hand and persist the diff at once."""
        state = self.state
        with self._reloading_on_failure():
            state.begin_transaction()
            change(state)
            state.begin_transaction()  # the change is final: drop its journal
            diff = state.take_diff()
            self.store.commit_dev_change(diff, state.state_root())

    @_serialized
    def increase_time(self, seconds: int) -> int:
        """Move the clock of future blocks forward; returns the total offset."""
        _check_range("time increase", seconds, UINT64_MAX)
        self._time_offset += seconds
        self.store.set_time_offset(self._time_offset)
        return self._time_offset


def _set_storage_of_account(state: State, address: bytes, slot: int, value: int) -> None:
    """Set a slot, creating the account if needed: storage without an account
    would be invisible to the state root and lost on restart."""
    if not state.account_exists(address):
        state.set_nonce(address, 0)
    state.set_storage(address, slot, value)


def _check_range(name: str, value: int, limit: int) -> None:
    if not 0 <= value <= limit:
        raise ValueError(f"{name} {value} is out of range (0 to {limit})")
