"""
Chain store
===========

The node's database: one LMDB environment in a data directory, with a named
sub-database per kind of record. Numbers in keys are 8-byte big-endian, so
LMDB's key order is block order.

=============  ==========================  ================================================
database       key                         value
=============  ==========================  ================================================
headers        block hash                  RLP header
bodies         block hash                  RLP body (``[transactions, [], []]``)
canonical      number                      block hash
receipts       block hash                  RLP list of ``[consensus receipt, details]``
transactions   tx hash                     block hash ‖ index (4 bytes)
accounts       address                     RLP ``[nonce, balance, code hash]``
code           code hash                   code
storage        address ‖ slot (32 bytes)   value (minimal big-endian; a zero slot is absent)
undo           position (12 bytes)         RLP ``[state root before, accounts, slots]``
pending        tx hash                     arrival number (8 bytes) ‖ network form (blobs included)
sidecars       tx hash                     network form of an included blob transaction
snapshots      snapshot id (8 bytes)       position
meta           name                        head hash, genesis hash, state root, counters
=============  ==========================  ================================================

State is kept flat (accounts, code, storage), not as trie nodes: the node
keeps the whole state in memory (``State``) and rebuilds its tries at start-up
(``load_state``), so the store only needs the values.

Positions and undo records
--------------------------

The state is at a *position* ``(number, changes)``: after block ``number`` and
``changes`` dev changes (``commit_dev_change``: a balance or code set by hand)
on top of it. Every write of state leaves an undo record at its position —
block ``n`` at ``(n, 0)``, the k-th dev change after it at ``(n, k)`` — with
the old value of every account and slot it overwrote (empty: absent) and the
state root before it. Undoing the records above a position, newest first,
brings the flat state back to that position exactly (``rewind``, snapshots);
undoing them in memory gives the state an older block ran on
(``load_state(before_block=...)``). Genesis has no record: it is the bottom.

Atomicity and durability
------------------------

Each block is committed in one LMDB write transaction: header, body,
receipts, indexes, state diff, undo record, the removal of its transactions
from ``pending`` and the new head. LMDB writes new pages copy-on-write and
makes them current by writing a meta page last, so a process killed at any
instant reopens the store at its last committed transaction.

By default the environment is opened without ``fsync`` (LMDB's ``sync=False``,
``metasync=False``): a commit returns once its pages are written to the file,
that is, to the kernel's page cache. A killed process (SIGKILL, a crash of
Python) loses nothing that committed, because the page cache belongs to the
kernel and reaches the disk after the process is gone; only a kernel crash or
power loss can lose the last commits (LMDB keeps the database consistent as
long as the file system preserves write order). ``fsync=True`` makes every
commit wait for the disk. ``close`` always syncs.

Measured on the dev machine (``python tests/node/test_store_scale.py`` prints
the figures; a 64 GiB map, sparse): ``commit_block`` of a block of 1 transfer
takes 0.13 ms without fsync and 0.5 ms with it; of 200 transfers, 5.0 ms and
5.8 ms (mostly RLP encoding of receipts and body; executing the 200 transfers
takes about 25 ms). Opening a chain of 10,000 accounts takes 0.13 s; with a
storage slot in each account, 0.4 s, most of it building the tries for the
state root.

Only one process may open a data directory at a time (an ``flock`` on
``ovm.lock`` in it); readers of the same process share the environment.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from itertools import takewhile
from pathlib import Path
from typing import IO, Iterable, Iterator, NamedTuple, Sequence

import lmdb

from ..chain.block import Block, decode_body, encode_body
from ..chain.bloom import bloom_contains
from ..chain.header import Header, decode_header, encode_header
from ..chain.receipt import Receipt, ReceiptDetails, decode_receipt, encode_receipt
from ..evm.l2 import L1Charge, L1FeeValues
from ..evm.blobs import BlobSidecar, decode_network_form, encode_network_form
from ..evm.transactions import (
    BlobTransaction,
    Transaction,
    decode_transaction,
    encode_transaction,
    transaction_hash,
)
from ..primitives import rlp
from ..primitives.crypto import EMPTY_KECCAK
from ..state import Account, Log, State, StateDiff


# --- schema and keys --------------------------------------------------------------


MAP_SIZE = 64 << 30  # sparse: the file grows with the data, not with the map
LOCK_FILE = "ovm.lock"
NUMBER_BYTES = 8
CHANGES_BYTES = 4
INDEX_BYTES = 4
SLOT_BYTES = 32
ADDRESS_BYTES = 20

META_HEAD = b"head"
META_GENESIS = b"genesis"
META_STATE_ROOT = b"state_root"
META_TIME_OFFSET = b"time_offset"
META_NEXT_SNAPSHOT = b"next_snapshot"
META_NEXT_ARRIVAL = b"next_arrival"


class StoreError(Exception):
    """The store cannot be opened, or refuses a write that would break the chain."""


class Tables(NamedTuple):
    """The named sub-databases of the environment (see the package docstring)."""

    headers: object
    bodies: object
    canonical: object
    receipts: object
    transactions: object
    accounts: object
    code: object
    storage: object
    undo: object
    pending: object
    sidecars: object
    snapshots: object
    meta: object


class Position(NamedTuple):
    """Where the state is: after block ``number`` and ``changes`` dev changes on it."""

    number: int
    changes: int = 0

    def key(self) -> bytes:
        return number_key(self.number) + self.changes.to_bytes(CHANGES_BYTES, "big")

    @classmethod
    def from_key(cls, key: bytes) -> "Position":
        return cls(be_int(key[:NUMBER_BYTES]), be_int(key[NUMBER_BYTES:]))


def number_key(number: int) -> bytes:
    return number.to_bytes(NUMBER_BYTES, "big")


def slot_key(address: bytes, slot: int) -> bytes:
    return address + slot.to_bytes(SLOT_BYTES, "big")


def be_int(data: bytes) -> int:
    return int.from_bytes(data, "big")


# --- rows and receipts ------------------------------------------------------------


def encode_account_row(account: Account) -> bytes:
    nonce, balance = rlp.int_to_be(account.nonce), rlp.int_to_be(account.balance)
    return rlp.encode([nonce, balance, account.code_hash])


def decode_account_row(data: bytes) -> tuple[int, int, bytes]:
    """``(nonce, balance, code hash)``."""
    nonce, balance, code_hash = rlp.decode(data)
    return be_int(nonce), be_int(balance), code_hash


def _optional_address(address: bytes | None) -> bytes:
    return b"" if address is None else address


def _l1_charge_item(charge: L1Charge | None) -> list:
    if charge is None:
        return []
    values = charge.values
    numbers = (charge.fee, charge.l1_gas_used, values.l1_base_fee, values.l1_blob_base_fee,
               values.base_fee_scalar, values.blob_base_fee_scalar)  # fmt: skip
    return [rlp.int_to_be(number) for number in numbers]


def _l1_charge_from_item(item: list) -> L1Charge | None:
    if not item:
        return None
    fee, gas_used, *values = (be_int(number) for number in item)
    return L1Charge(fee, gas_used, L1FeeValues(*values))


def _details_item(details: ReceiptDetails) -> list:
    price = details.blob_gas_price
    blob_gas_price = [] if price is None else [rlp.int_to_be(price)]
    return [
        details.transaction_hash,
        rlp.int_to_be(details.transaction_index),
        details.sender,
        _optional_address(details.to),
        rlp.int_to_be(details.gas_used),
        rlp.int_to_be(details.effective_gas_price),
        _optional_address(details.contract_address),
        rlp.int_to_be(details.first_log_index),
        rlp.int_to_be(details.blob_gas_used),
        blob_gas_price,
        _l1_charge_item(details.l1_charge),
    ]


def _details_from_item(item: list) -> ReceiptDetails:
    # Records written before the L1 charge was kept have ten items.
    tx_hash, index, sender, to, gas_used, price, contract, first_log, blob_gas, blob_price, *l1 = item
    return ReceiptDetails(
        transaction_hash=tx_hash,
        transaction_index=be_int(index),
        sender=sender,
        to=to or None,
        gas_used=be_int(gas_used),
        effective_gas_price=be_int(price),
        contract_address=contract or None,
        first_log_index=be_int(first_log),
        blob_gas_used=be_int(blob_gas),
        blob_gas_price=be_int(blob_price[0]) if blob_price else None,
        l1_charge=_l1_charge_from_item(l1[0]) if l1 else None,
    )


def encode_receipts(receipts: Sequence[Receipt], details: Sequence[ReceiptDetails]) -> bytes:
    pairs = zip(receipts, details, strict=True)
    return rlp.encode([[encode_receipt(receipt), _details_item(d)] for receipt, d in pairs])


def decode_receipts(data: bytes) -> list[tuple[Receipt, ReceiptDetails]]:
    return [(decode_receipt(receipt), _details_from_item(d)) for receipt, d in rlp.decode(data)]


# --- blocks -----------------------------------------------------------------------


class TxLocation(NamedTuple):
    tx: Transaction
    block_hash: bytes
    block_number: int
    index: int


class ReceiptRecord(NamedTuple):
    receipt: Receipt
    details: ReceiptDetails
    header: Header


def head_hash(txn, db: Tables) -> bytes | None:
    return txn.get(META_HEAD, db=db.meta)


def hash_of(txn, db: Tables, ref: int | bytes) -> bytes | None:
    """A block reference (number or 32-byte hash) as a stored block's hash."""
    if isinstance(ref, int):
        in_range = 0 <= ref < 1 << (8 * NUMBER_BYTES)
        return txn.get(number_key(ref), db=db.canonical) if in_range else None
    if len(ref) != 32:
        raise ValueError(f"a block hash is 32 bytes, got {len(ref)}")
    return ref if txn.get(ref, db=db.headers) is not None else None


def read_header(txn, db: Tables, block_hash: bytes) -> Header:
    return decode_header(txn.get(block_hash, db=db.headers))


def read_body(txn, db: Tables, block_hash: bytes) -> tuple[Transaction, ...]:
    return decode_body(txn.get(block_hash, db=db.bodies))


def read_block(txn, db: Tables, block_hash: bytes) -> Block:
    return Block(read_header(txn, db, block_hash), read_body(txn, db, block_hash))


def read_receipts(txn, db: Tables, block_hash: bytes) -> list[ReceiptRecord] | None:
    data = txn.get(block_hash, db=db.receipts)
    if data is None:
        return None
    header = read_header(txn, db, block_hash)
    return [ReceiptRecord(*pair, header) for pair in decode_receipts(data)]


def _location(txn, db: Tables, tx_hash: bytes) -> tuple[bytes, int] | None:
    entry = txn.get(tx_hash, db=db.transactions)
    return None if entry is None else (entry[:32], be_int(entry[32:]))


def read_receipt(txn, db: Tables, tx_hash: bytes) -> ReceiptRecord | None:
    location = _location(txn, db, tx_hash)
    if location is None:
        return None
    block_hash, index = location
    receipt, details = decode_receipts(txn.get(block_hash, db=db.receipts))[index]
    return ReceiptRecord(receipt, details, read_header(txn, db, block_hash))


def read_tx_location(txn, db: Tables, tx_hash: bytes) -> TxLocation | None:
    location = _location(txn, db, tx_hash)
    if location is None:
        return None
    block_hash, index = location
    tx = read_body(txn, db, block_hash)[index]
    return TxLocation(tx, block_hash, read_header(txn, db, block_hash).number, index)


def put_block(
    txn,
    db: Tables,
    block: Block,
    receipts: Sequence[Receipt],
    details: Sequence[ReceiptDetails],
) -> None:
    block_hash = block.hash
    txn.put(block_hash, encode_header(block.header), db=db.headers)
    txn.put(block_hash, encode_body(block.transactions), db=db.bodies)
    txn.put(number_key(block.number), block_hash, db=db.canonical)
    txn.put(block_hash, encode_receipts(receipts, details), db=db.receipts)
    for index, entry in enumerate(details):
        location = block_hash + index.to_bytes(INDEX_BYTES, "big")
        txn.put(entry.transaction_hash, location, db=db.transactions)


def delete_block(txn, db: Tables, number: int) -> None:
    block_hash = txn.pop(number_key(number), db=db.canonical)
    for _, details in decode_receipts(txn.pop(block_hash, db=db.receipts)):
        txn.delete(details.transaction_hash, db=db.transactions)
    txn.delete(block_hash, db=db.headers)
    txn.delete(block_hash, db=db.bodies)


# --- flat state and undo records --------------------------------------------------


AccountRows = dict[bytes, tuple[int, int, bytes]]


def apply_diff(txn, db: Tables, diff: StateDiff) -> tuple[list, list]:
    """Write ``diff`` to the flat state; return the old values it overwrote
    (accounts and slots, empty for absent) for the undo record."""
    old_slots: dict[bytes, bytes] = {}
    for address in diff.storage_cleared:
        _wipe_storage(txn, db, address, old_slots)
    for address, values in diff.storage.items():
        for slot, value in values.items():
            key = slot_key(address, slot)
            old = txn.get(key, b"", db=db.storage)
            old_slots.setdefault(key, old)
            if value:
                txn.put(key, rlp.int_to_be(value), db=db.storage)
            elif old:
                txn.delete(key, db=db.storage)
    old_accounts = []
    for address, account in diff.accounts.items():
        old_accounts.append([address, txn.get(address, b"", db=db.accounts)])
        if account is None:
            txn.delete(address, db=db.accounts)
            continue
        txn.put(address, encode_account_row(account), db=db.accounts)
        if account.code:
            txn.put(account.code_hash, account.code, db=db.code, overwrite=False)
    return old_accounts, [[key, old] for key, old in old_slots.items()]


def _wipe_storage(txn, db: Tables, address: bytes, old_slots: dict[bytes, bytes]) -> None:
    with txn.cursor(db=db.storage) as cursor:
        rows = cursor.iternext() if cursor.set_range(address) else ()
        wiped = list(takewhile(lambda row: row[0][:ADDRESS_BYTES] == address, rows))
    for key, value in wiped:
        old_slots.setdefault(key, value)
        txn.delete(key, db=db.storage)


def put_undo(txn, db: Tables, position: Position, old: tuple[list, list]) -> None:
    """Record the old values, with the state root before this write (still in meta)."""
    root_before = txn.get(META_STATE_ROOT, db=db.meta)
    txn.put(position.key(), rlp.encode([root_before, *old]), db=db.undo)


def last_undo_position(txn, db: Tables) -> Position | None:
    with txn.cursor(db=db.undo) as cursor:
        return Position.from_key(cursor.key()) if cursor.last() else None


def _records_from(txn, db: Tables, first_key: bytes) -> list[tuple[bytes, bytes]]:
    """The undo records at ``first_key`` and above, newest first."""
    with txn.cursor(db=db.undo) as cursor:
        records = list(cursor.iternext()) if cursor.set_range(first_key) else []
    return records[::-1]


def undo_to(txn, db: Tables, target: Position) -> None:
    """Undo every record above ``target``, newest first, and delete them; the
    state root in meta follows each record's root before."""
    records = _records_from(txn, db, target._replace(changes=target.changes + 1).key())
    for key, record in records:
        root_before, old_accounts, old_slots = rlp.decode(record)
        _restore_rows(txn, db.accounts, old_accounts)
        _restore_rows(txn, db.storage, old_slots)
        txn.delete(key, db=db.undo)
        txn.put(META_STATE_ROOT, root_before, db=db.meta)


def _restore_rows(txn, table, rows: list) -> None:
    for key, old in rows:
        if old:
            txn.put(key, old, db=table)
        else:
            txn.delete(key, db=table)


def state_rows(
    txn, db: Tables, before_block: int | None = None
) -> tuple[AccountRows, dict[bytes, bytes], dict[bytes, bytes]]:
    """Account rows, storage slots and code of the head state; with
    ``before_block``, of the state that block ran on (every undo record from
    that block on applied in memory). A missing code is a ``StoreError``
    without the store's path."""
    accounts = dict(txn.cursor(db=db.accounts))
    slots = dict(txn.cursor(db=db.storage))
    if before_block is not None:
        for _, record in _records_from(txn, db, Position(before_block).key()):
            _, old_accounts, old_slots = rlp.decode(record)
            _restore(accounts, old_accounts)
            _restore(slots, old_slots)
    rows = {address: decode_account_row(row) for address, row in accounts.items()}
    return rows, slots, _code(txn, db, {code_hash for _, _, code_hash in rows.values()})


def _code(txn, db: Tables, code_hashes: Iterable[bytes]) -> dict[bytes, bytes]:
    code = {EMPTY_KECCAK: b""}
    for code_hash in code_hashes:
        if code_hash not in code:
            found = txn.get(code_hash, db=db.code)
            if found is None:
                raise StoreError(f"code 0x{code_hash.hex()} is missing")
            code[code_hash] = found
    return code


def _restore(rows: dict[bytes, bytes], old_values: list) -> None:
    """Apply one undo record's old values to rows held in memory."""
    for key, old in old_values:
        if old:
            rows[key] = old
        else:
            rows.pop(key, None)


def build_state(accounts: AccountRows, slots: dict[bytes, bytes], code: dict[bytes, bytes]) -> State:
    """A fresh ``State`` holding these rows, with nothing left to save."""
    storage: dict[bytes, dict[int, int]] = {}
    for key, value in slots.items():
        storage.setdefault(key[:ADDRESS_BYTES], {})[be_int(key[ADDRESS_BYTES:])] = be_int(value)
    state = State()
    for address, (nonce, balance, code_hash) in accounts.items():
        state.load_account(address, nonce, balance, code[code_hash], storage.get(address, {}))
    state.take_diff()
    return state


# --- pending transactions ---------------------------------------------------------


def keep_pending(txn, db: Tables, tx_hash: bytes, raw: bytes) -> None:
    """Keep ``raw`` (a network form) under ``tx_hash`` unless it is there already."""
    arrival = be_int(txn.get(META_NEXT_ARRIVAL, b"", db=db.meta))
    entry = arrival.to_bytes(NUMBER_BYTES, "big") + raw
    if txn.put(tx_hash, entry, db=db.pending, overwrite=False):
        txn.put(META_NEXT_ARRIVAL, rlp.int_to_be(arrival + 1), db=db.meta)


def pending_in_arrival_order(txn, db: Tables) -> list[Transaction]:
    entries = sorted(value for _, value in txn.cursor(db=db.pending))
    return [_bare_transaction(entry[NUMBER_BYTES:]) for entry in entries]


def read_sidecar(txn, db: Tables, tx_hash: bytes) -> BlobSidecar | None:
    raw = txn.get(tx_hash, db=db.sidecars)
    if raw is None:
        entry = txn.get(tx_hash, db=db.pending)
        raw = None if entry is None else entry[NUMBER_BYTES:]
    if raw is None or raw[0] != BlobTransaction.TYPE:
        return None
    return decode_network_form(raw)[1]


def include_pending(txn, db: Tables, tx_hash: bytes) -> None:
    """A transaction leaves ``pending`` for a block; its blobs, if any, stay."""
    entry = txn.pop(tx_hash, db=db.pending)
    if entry is not None and entry[NUMBER_BYTES] == BlobTransaction.TYPE:
        txn.put(tx_hash, entry[NUMBER_BYTES:], db=db.sidecars)


def _bare_transaction(raw: bytes) -> Transaction:
    """A transaction from its network form, without the blobs beside it."""
    if raw[0] == BlobTransaction.TYPE:
        return decode_network_form(raw)[0]
    return decode_transaction(raw)


# --- log filters ------------------------------------------------------------------


Topics = Sequence["set[bytes] | None"]


class LogRecord(NamedTuple):
    """A log with where it is; ``log_index`` counts across the block."""

    log: Log
    block_number: int
    block_hash: bytes
    tx_hash: bytes
    tx_index: int
    log_index: int


def _bloom_may_match(bloom: bytes, addresses: set[bytes] | None, topics: Topics) -> bool:
    """Whether a block with this bloom can hold a matching log (no false negatives)."""
    if addresses and not any(bloom_contains(bloom, address) for address in addresses):
        return False
    return all(not wanted or any(bloom_contains(bloom, t) for t in wanted) for wanted in topics)


def log_matches(log: Log, addresses: set[bytes] | None, topics: Topics) -> bool:
    """geth's rule: the address is one of ``addresses`` (if any), and the log has at
    least ``len(topics)`` topics, each in its position's set (``None`` or empty: any)."""
    if addresses and log.address not in addresses:
        return False
    if len(topics) > len(log.topics):
        return False
    return all(not wanted or topic in wanted for wanted, topic in zip(topics, log.topics))


def find_logs(
    txn,
    db: Tables,
    from_number: int,
    to_number: int,
    addresses: set[bytes] | None,
    topics: Topics,
) -> list[LogRecord]:
    found: list[LogRecord] = []
    for number in range(max(from_number, 0), to_number + 1):
        block_hash = txn.get(number_key(number), db=db.canonical)
        if block_hash is None:
            break
        header = read_header(txn, db, block_hash)
        if _bloom_may_match(header.logs_bloom, addresses, topics):
            receipts = decode_receipts(txn.get(block_hash, db=db.receipts))
            found += _block_logs(number, block_hash, receipts, addresses, topics)
    return found


def _block_logs(
    number: int,
    block_hash: bytes,
    receipts: list[tuple[Receipt, ReceiptDetails]],
    addresses: set[bytes] | None,
    topics: Topics,
) -> list[LogRecord]:
    return [
        LogRecord(log, number, block_hash, details.transaction_hash,
                  details.transaction_index, details.first_log_index + i)  # fmt: skip
        for receipt, details in receipts
        for i, log in enumerate(receipt.logs)
        if log_matches(log, addresses, topics)
    ]


# --- the store --------------------------------------------------------------------


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
            return head_hash(txn, self._db) is None

    def genesis_hash(self) -> bytes | None:
        with self._read() as txn:
            return txn.get(META_GENESIS, db=self._db.meta)

    def head(self) -> Block | None:
        with self._read() as txn:
            head = head_hash(txn, self._db)
            return None if head is None else read_block(txn, self._db, head)

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
        head = head_hash(txn, self._db)
        if head is None:
            raise StoreError(f"{self.path}: the store has no genesis block")
        return read_header(txn, self._db, head)

    def _position(self, txn) -> Position:
        number = self._head_header(txn).number
        last = last_undo_position(txn, self._db)
        return last if last is not None and last.number == number else Position(number)

    # -- blocks ---------------------------------------------------------------

    def canonical_hash(self, number: int) -> bytes | None:
        with self._read() as txn:
            return hash_of(txn, self._db, number)

    def header(self, ref: int | bytes) -> Header | None:
        with self._read() as txn:
            block_hash = hash_of(txn, self._db, ref)
            return None if block_hash is None else read_header(txn, self._db, block_hash)

    def body(self, ref: int | bytes) -> tuple[Transaction, ...] | None:
        with self._read() as txn:
            block_hash = hash_of(txn, self._db, ref)
            return None if block_hash is None else read_body(txn, self._db, block_hash)

    def block(self, ref: int | bytes) -> Block | None:
        with self._read() as txn:
            block_hash = hash_of(txn, self._db, ref)
            return None if block_hash is None else read_block(txn, self._db, block_hash)

    # -- receipts, transactions, logs -----------------------------------------

    def receipts(self, block_hash: bytes) -> list[ReceiptRecord] | None:
        with self._read() as txn:
            return read_receipts(txn, self._db, block_hash)

    def receipt(self, tx_hash: bytes) -> ReceiptRecord | None:
        with self._read() as txn:
            return read_receipt(txn, self._db, tx_hash)

    def tx_location(self, tx_hash: bytes) -> TxLocation | None:
        with self._read() as txn:
            return read_tx_location(txn, self._db, tx_hash)

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
                rows = state_rows(txn, self._db, before_block)
            except StoreError as exc:
                raise StoreError(f"{self.path}: {exc}") from None
        return build_state(*rows)

    # -- writes -----------------------------------------------------------------

    def commit_genesis(self, block: Block, diff: StateDiff) -> None:
        """Write block 0 and its state into an empty store."""
        with self._write() as txn:
            if head_hash(txn, self._db) is not None:
                raise StoreError(f"{self.path}: the store already has a genesis block")
            put_block(txn, self._db, block, [], [])
            apply_diff(txn, self._db, diff)
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
    ) -> None:
        """Append ``block`` on the head, with its receipts and the state diff it
        made, in one transaction; its transactions leave ``pending``."""
        if not len(block.transactions) == len(receipts) == len(details):
            raise StoreError(
                f"block {block.number}: {len(block.transactions)} transactions, "
                f"{len(receipts)} receipts, {len(details)} receipt details"
            )
        db = self._db
        with self._write() as txn:
            self._check_extends_head(txn, block)
            put_block(txn, db, block, receipts, details)
            old_values = apply_diff(txn, db, diff)
            put_undo(txn, db, Position(block.number), old_values)
            for entry in details:
                include_pending(txn, db, entry.transaction_hash)
            txn.put(META_HEAD, block.hash, db=db.meta)
            txn.put(META_STATE_ROOT, block.header.state_root, db=db.meta)

    def _check_extends_head(self, txn, block: Block) -> None:
        head = self._head_header(txn)
        head_block_hash = head_hash(txn, self._db)
        if block.number != head.number + 1 or block.header.parent_hash != head_block_hash:
            raise StoreError(
                f"block {block.number} (parent 0x{block.header.parent_hash.hex()}) does not extend "
                f"the head, block {head.number} (0x{head_block_hash.hex()})"
            )

    def commit_dev_change(self, diff: StateDiff, state_root: bytes) -> None:
        """Persist a change made to the head state by hand (no block), undoably."""
        with self._write() as txn:
            position = self._position(txn)
            old_values = apply_diff(txn, self._db, diff)
            next_position = position._replace(changes=position.changes + 1)
            put_undo(txn, self._db, next_position, old_values)
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
        undo_to(txn, db, target)
        for number in range(head, target.number, -1):
            delete_block(txn, db, number)
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
