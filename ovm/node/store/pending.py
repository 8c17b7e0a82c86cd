"""
Pending transactions
====================

The transactions the node acknowledged but has not included, within one LMDB
transaction: each kept by hash in its network form (blobs included) behind its
arrival number, so that they come back in arrival order; when a block
includes one it leaves ``pending``, and a blob transaction's network form
moves to ``sidecars``, where its blobs stay available.
"""

from __future__ import annotations

from ...evm.blobs import BlobSidecar, decode_network_form
from ...evm.transactions import BlobTransaction, Transaction, decode_transaction
from ...primitives import rlp
from .schema import META_NEXT_ARRIVAL, NUMBER_BYTES, Tables, be_int


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
