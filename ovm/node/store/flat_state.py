"""
Flat state and undo records
===========================

The state as the store keeps it, within one LMDB transaction: account rows,
code by hash and storage slots (``address ‖ slot``), and the undo record each
write of state leaves at its position (see "Positions and undo records" in the
package docstring). ``apply_diff`` writes a diff and returns the old values
for its undo record, ``undo_to`` rewinds the rows to a position, and
``state_rows`` reads them (rewound in memory to an older block if asked)
for ``build_state``.
"""

from __future__ import annotations

from itertools import takewhile
from typing import Iterable

from ...primitives import rlp
from ...primitives.crypto import EMPTY_KECCAK
from ...state import State, StateDiff
from .codecs import decode_account_row, encode_account_row
from .schema import ADDRESS_BYTES, META_STATE_ROOT, Position, StoreError, Tables, be_int, slot_key

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
