"""
The chain store
===============

``ChainStore``, the one way into the node's database: it opens the LMDB
environment (and locks its directory), and every public method is one LMDB
transaction over the tables that ``blocks``, ``flat_state``, ``pending`` and
``logs`` read and write — a block, its receipts, its state diff and undo
record, its transactions leaving ``pending`` and the new head all in the
write transaction of ``commit_block``.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

import lmdb

from ...chain.block import Block
from ...chain.header import Header
from ...chain.receipt import Receipt, ReceiptDetails
from ...evm.blobs import BlobSidecar, encode_network_form
from ...evm.transactions import DepositTransaction, Transaction, encode_transaction, transaction_hash
from ...primitives import rlp
from ...state import State, StateDiff
from . import address_index, blocks, flat_state
from .address_index import TxPage, TxPlace
from .blocks import ReceiptRecord, TxLocation
from .logs import LogRecord, Topics, find_logs
from .pending import include_pending, keep_pending, pending_in_arrival_order, read_sidecar
from .schema import (
    LOCK_FILE,
    MAP_SIZE,
    META_GENESIS,
    META_HEAD,
    META_NEXT_SNAPSHOT,
    META_STATE_ROOT,
    META_TIME_OFFSET,
    NUMBER_BYTES,
    Position,
    StoreError,
    Tables,
    be_int,
    number_key,
)


def _lock_directory(path: Path) -> IO:
    lock = open(path / LOCK_FILE, "a+b")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreError(f"{path}: the data directory is in use by another process") from None
    return lock


class ChainStore:
    """Blocks, receipts, indexes, flat state, undo records and pending transactions
    in one LMDB environment. Open with ``ChainStore.open(path)``."""

    def __init__(self, path: Path, env: lmdb.Environment, tables: Tables, lock: IO) -> None:
        self.path = path
        self._env = env
        self._db = tables
        self._lock = lock

    @classmethod
    def open(
        cls, path: str | Path, *, fsync: bool = False, map_size: int = MAP_SIZE
    ) -> "ChainStore":
        """Open (or create) the store in directory ``path``; see the package
        docstring for what ``fsync`` trades."""
        path = Path(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the data directory: {exc.strerror}") from None
        lock = _lock_directory(path)
        try:
            env = lmdb.open(
                str(path), map_size=map_size, max_dbs=len(Tables._fields),
                sync=fsync, metasync=fsync, readahead=False,
            )  # fmt: skip
            env.reader_check()  # free reader slots of killed processes
            tables = Tables(*(env.open_db(name.encode()) for name in Tables._fields))
        except lmdb.Error as exc:
            lock.close()
            raise StoreError(f"{path}: cannot open the database: {exc}") from None
        return cls(path, env, tables, lock)

    def close(self) -> None:
        if self._lock.closed:
            return
        self._env.sync(True)
        self._env.close()
        self._lock.close()

    def __enter__(self) -> "ChainStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[lmdb.Transaction]:
        """One write transaction: committed if the block ends normally, else aborted."""
        try:
            with self._env.begin(write=True) as txn:
                yield txn
        except lmdb.Error as exc:
            raise StoreError(f"{self.path}: write failed: {exc}") from exc

    def _read(self) -> lmdb.Transaction:
        return self._env.begin()

    # -- chain head and meta --------------------------------------------------

    def is_empty(self) -> bool:
        """No genesis written yet."""
        with self._read() as txn:
            return blocks.head_hash(txn, self._db) is None

    def genesis_hash(self) -> bytes | None:
        with self._read() as txn:
            return txn.get(META_GENESIS, db=self._db.meta)

    def head(self) -> Block | None:
        with self._read() as txn:
            head = blocks.head_hash(txn, self._db)
            return None if head is None else blocks.read_block(txn, self._db, head)

    def state_root(self) -> bytes | None:
        """The root of the flat state: the head's, or after dev changes a newer one."""
        with self._read() as txn:
            return txn.get(META_STATE_ROOT, db=self._db.meta)

    def position(self) -> Position:
        with self._read() as txn:
            return self._position(txn)

    def time_offset(self) -> int:
        """Seconds added to the clock for new blocks' timestamps (``evm_increaseTime``)."""
        with self._read() as txn:
            return be_int(txn.get(META_TIME_OFFSET, b"", db=self._db.meta))

    def set_time_offset(self, seconds: int) -> None:
        with self._write() as txn:
            txn.put(META_TIME_OFFSET, rlp.int_to_be(seconds), db=self._db.meta)

    def _head_header(self, txn) -> Header:
        head = blocks.head_hash(txn, self._db)
        if head is None:
            raise StoreError(f"{self.path}: the store has no genesis block")
        return blocks.read_header(txn, self._db, head)

    def _position(self, txn) -> Position:
        number = self._head_header(txn).number
        last = flat_state.last_undo_position(txn, self._db)
        return last if last is not None and last.number == number else Position(number)

    # -- blocks ---------------------------------------------------------------

    def canonical_hash(self, number: int) -> bytes | None:
        with self._read() as txn:
            return blocks.hash_of(txn, self._db, number)

    def header(self, ref: int | bytes) -> Header | None:
        with self._read() as txn:
            block_hash = blocks.hash_of(txn, self._db, ref)
            return None if block_hash is None else blocks.read_header(txn, self._db, block_hash)

    def body(self, ref: int | bytes) -> tuple[Transaction, ...] | None:
        with self._read() as txn:
            block_hash = blocks.hash_of(txn, self._db, ref)
            return None if block_hash is None else blocks.read_body(txn, self._db, block_hash)

    def block(self, ref: int | bytes) -> Block | None:
        with self._read() as txn:
            block_hash = blocks.hash_of(txn, self._db, ref)
            return None if block_hash is None else blocks.read_block(txn, self._db, block_hash)

    # -- receipts, transactions, logs -----------------------------------------

    def receipts(self, block_hash: bytes) -> list[ReceiptRecord] | None:
        with self._read() as txn:
            return blocks.read_receipts(txn, self._db, block_hash)

    def receipt(self, tx_hash: bytes) -> ReceiptRecord | None:
        with self._read() as txn:
            return blocks.read_receipt(txn, self._db, tx_hash)

    def tx_location(self, tx_hash: bytes) -> TxLocation | None:
        with self._read() as txn:
            return blocks.read_tx_location(txn, self._db, tx_hash)

    def logs(
        self,
        from_number: int,
        to_number: int,
        addresses: set[bytes] | None = None,
        topics: Topics = (),
    ) -> list[LogRecord]:
        """Matching logs of the canonical blocks ``from_number..to_number``: headers'
        blooms first, then the receipts of the blocks that may match."""
        with self._read() as txn:
            return find_logs(txn, self._db, from_number, to_number, addresses, topics)

    # -- transactions by address ------------------------------------------------

    def address_transactions(self, address: bytes, start: int, descending: bool, page_size: int) -> TxPage:
        """A page of the transactions ``address`` took part in, from block ``start``
        down (``descending``) or up; a page never splits a block (``address_index``)."""
        with self._read() as txn:
            return address_index.search(txn, self._db, address, start, descending, page_size)

    def sent_transaction(self, sender: bytes, nonce: int) -> TxPlace | None:
        """Where the transaction ``sender`` sent with ``nonce`` is, if mined."""
        with self._read() as txn:
            return address_index.sent_with_nonce(txn, self._db, sender, nonce)

    # -- state ------------------------------------------------------------------

    def load_state(self, before_block: int | None = None) -> State:
        """The head state; with ``before_block``, the state that block ran on (every
        undo record from that block on applied in memory: slow, for tracing)."""
        with self._read() as txn:
            if before_block is not None:
                head = self._head_header(txn).number
                if not 0 <= before_block <= head + 1:
                    raise StoreError(f"no state before block {before_block}: the head is block {head}")
            try:
                rows = flat_state.state_rows(txn, self._db, before_block)
            except StoreError as exc:
                raise StoreError(f"{self.path}: {exc}") from None
        return flat_state.build_state(*rows)

    # -- writes -----------------------------------------------------------------

    def commit_genesis(self, block: Block, diff: StateDiff) -> None:
        """Write block 0 and its state into an empty store."""
        with self._write() as txn:
            if blocks.head_hash(txn, self._db) is not None:
                raise StoreError(f"{self.path}: the store already has a genesis block")
            blocks.put_block(txn, self._db, block, [], [])
            flat_state.apply_diff(txn, self._db, diff)
            meta = self._db.meta
            txn.put(META_GENESIS, block.hash, db=meta)
            txn.put(META_HEAD, block.hash, db=meta)
            txn.put(META_STATE_ROOT, block.header.state_root, db=meta)

    def commit_block(
        self,
        block: Block,
        receipts: Sequence[Receipt],
        details: Sequence[ReceiptDetails],
        diff: StateDiff,
        touched: Sequence[Iterable[bytes]] = (),
    ) -> None:
        """Append ``block`` on the head, with its receipts and the state diff it
        made, in one transaction; its transactions leave ``pending``. Each
        transaction is indexed under its sender, recipient, created contract
        and the accounts in ``touched`` (one collection per transaction, if
        given: the accounts its execution touched)."""
        if not len(block.transactions) == len(receipts) == len(details):
            raise StoreError(
                f"block {block.number}: {len(block.transactions)} transactions, "
                f"{len(receipts)} receipts, {len(details)} receipt details"
            )
        db = self._db
        with self._write() as txn:
            self._check_extends_head(txn, block)
            blocks.put_block(txn, db, block, receipts, details)
            old_values = flat_state.apply_diff(txn, db, diff)
            flat_state.put_undo(txn, db, Position(block.number), old_values)
            for entry in details:
                include_pending(txn, db, entry.transaction_hash)
            self._index_addresses(txn, block, receipts, details, touched)
            txn.put(META_HEAD, block.hash, db=db.meta)
            txn.put(META_STATE_ROOT, block.header.state_root, db=db.meta)

    def _index_addresses(self, txn, block: Block, receipts: Sequence[Receipt],
                         details: Sequence[ReceiptDetails], touched: Sequence[Iterable[bytes]]) -> None:
        for i, (tx, receipt, entry) in enumerate(zip(block.transactions, receipts, details)):
            nonce = receipt.deposit_nonce if isinstance(tx, DepositTransaction) else tx.nonce
            addresses = [entry.to, entry.contract_address, *(touched[i] if touched else ())]
            address_index.index_transaction(txn, self._db, block.number, i, entry.sender, nonce, addresses)

    def _check_extends_head(self, txn, block: Block) -> None:
        head = self._head_header(txn)
        head_block_hash = blocks.head_hash(txn, self._db)
        if block.number != head.number + 1 or block.header.parent_hash != head_block_hash:
            raise StoreError(
                f"block {block.number} (parent 0x{block.header.parent_hash.hex()}) does not extend "
                f"the head, block {head.number} (0x{head_block_hash.hex()})"
            )

    def commit_dev_change(self, diff: StateDiff, state_root: bytes) -> None:
        """Persist a change made to the head state by hand (no block), undoably."""
        with self._write() as txn:
            position = self._position(txn)
            old_values = flat_state.apply_diff(txn, self._db, diff)
            next_position = position._replace(changes=position.changes + 1)
            flat_state.put_undo(txn, self._db, next_position, old_values)
            txn.put(META_STATE_ROOT, state_root, db=self._db.meta)

    # -- rewinding --------------------------------------------------------------

    def rewind(self, to_number: int) -> None:
        """Undo every block above ``to_number`` and every dev change after it,
        and delete those blocks, in one transaction."""
        with self._write() as txn:
            self._rewind(txn, Position(to_number))

    def snapshot(self) -> int:
        """Record the current position; return its id (``evm_snapshot``)."""
        with self._write() as txn:
            meta = self._db.meta
            snapshot_id = be_int(txn.get(META_NEXT_SNAPSHOT, b"", db=meta)) + 1
            txn.put(META_NEXT_SNAPSHOT, rlp.int_to_be(snapshot_id), db=meta)
            txn.put(number_key(snapshot_id), self._position(txn).key(), db=self._db.snapshots)
            return snapshot_id

    def revert_to_snapshot(self, snapshot_id: int) -> bool:
        """Rewind to a snapshot's position and forget it and every later snapshot
        (``evm_revert``); False if there is no such snapshot."""
        if not 0 < snapshot_id < 1 << (8 * NUMBER_BYTES):
            return False
        with self._write() as txn:
            key = txn.get(number_key(snapshot_id), db=self._db.snapshots)
            if key is None:
                return False
            self._rewind(txn, Position.from_key(key))
            self._drop_snapshots(txn, lambda sid, _: sid >= snapshot_id)
            return True

    def _rewind(self, txn, target: Position) -> None:
        db = self._db
        head = self._head_header(txn).number
        if not 0 <= target.number <= head:
            raise StoreError(f"cannot rewind to block {target.number}: the head is block {head}")
        flat_state.undo_to(txn, db, target)
        for number in range(head, target.number, -1):
            blocks.delete_block(txn, db, number)
        new_head = txn.get(number_key(target.number), db=db.canonical)
        txn.put(META_HEAD, new_head, db=db.meta)
        target_key = target.key()
        self._drop_snapshots(txn, lambda _, position: position > target_key)

    def _drop_snapshots(self, txn, doomed) -> None:
        """Delete the snapshots for which ``doomed(id, position key)`` holds."""
        snapshots = list(txn.cursor(db=self._db.snapshots))
        for key, position in snapshots:
            if doomed(be_int(key), position):
                txn.delete(key, db=self._db.snapshots)

    # -- pending transactions ---------------------------------------------------

    def put_pending(self, tx: Transaction, sidecar: BlobSidecar | None = None) -> bytes:
        """Keep a transaction the node acknowledged but has not included, with the
        blobs it came with; return its hash."""
        tx_hash = transaction_hash(tx)
        raw = encode_transaction(tx) if sidecar is None else encode_network_form(tx, sidecar)
        with self._write() as txn:
            keep_pending(txn, self._db, tx_hash, raw)
        return tx_hash

    def delete_pending(self, tx_hash: bytes) -> bool:
        with self._write() as txn:
            return txn.delete(tx_hash, db=self._db.pending)

    def pending(self) -> list[Transaction]:
        """The pending transactions in the order they arrived."""
        with self._read() as txn:
            return pending_in_arrival_order(txn, self._db)

    def sidecar(self, tx_hash: bytes) -> BlobSidecar | None:
        """The blobs of a blob transaction, pending or included, if the node has them."""
        with self._read() as txn:
            return read_sidecar(txn, self._db, tx_hash)
