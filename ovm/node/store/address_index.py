"""
Transactions by address
=======================

An index of every transaction an address took part in, for an explorer's
address page (Otterscan's ``ots_searchTransactions*``): its sender, its
recipient, the contract it created, and every account its execution touched
(EIP-161's sense: the target of every call frame that did not fail, a created
contract, a self-destruct's beneficiary), so a contract called from another
contract or a payee of an internal value transfer finds the transaction too.

Two tables, written in the block's commit and deleted with it:

* ``address_txs``: address ‖ number (8) ‖ tx index (4) → the transaction's
  nonce (8 bytes) when the address is its sender, else empty. Keys sort by
  address, then block order, so an address's history is one cursor range;
  the nonce in the value answers "the sender's transaction with nonce n"
  without reading bodies.
* ``tx_addresses``: number ‖ tx index → the addresses indexed for it
  (20 bytes each), so that deleting a block deletes exactly its entries.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from .schema import ADDRESS_BYTES, INDEX_BYTES, NUMBER_BYTES, Tables, be_int, number_key

PLACE_BYTES = NUMBER_BYTES + INDEX_BYTES


class TxPlace(NamedTuple):
    """Where a transaction is: block number and index in the block."""

    number: int
    index: int


class TxPage(NamedTuple):
    """One page of an address's transactions, in the order searched, and
    whether the index holds more beyond it in that direction."""

    places: list[TxPlace]
    more: bool


def _place_key(number: int, index: int) -> bytes:
    return number_key(number) + index.to_bytes(INDEX_BYTES, "big")


def _place(key: bytes) -> TxPlace:
    return TxPlace(be_int(key[ADDRESS_BYTES:ADDRESS_BYTES + NUMBER_BYTES]), be_int(key[ADDRESS_BYTES + NUMBER_BYTES:]))


def index_transaction(
    txn, db: Tables, number: int, index: int, sender: bytes, nonce: int | None, addresses: Iterable[bytes]
) -> None:
    """Index one transaction under its sender (with ``nonce``) and ``addresses``."""
    place = _place_key(number, index)
    others = {address for address in addresses if address is not None} - {sender}
    txn.put(sender + place, b"" if nonce is None else number_key(nonce), db=db.address_txs)
    for address in others:
        txn.put(address + place, b"", db=db.address_txs)
    txn.put(place, sender + b"".join(sorted(others)), db=db.tx_addresses)


def unindex_block(txn, db: Tables, number: int, count: int) -> None:
    """Delete the entries of block ``number``'s ``count`` transactions."""
    for index in range(count):
        place = _place_key(number, index)
        addresses = txn.pop(place, db=db.tx_addresses) or b""
        for start in range(0, len(addresses), ADDRESS_BYTES):
            txn.delete(addresses[start:start + ADDRESS_BYTES] + place, db=db.address_txs)


def search(txn, db: Tables, address: bytes, start: int, descending: bool, page_size: int) -> TxPage:
    """The address's transactions from block ``start`` on (down to genesis when
    ``descending``, else up to the head), at least ``page_size`` of them unless
    the history ends first, and always every one of the last block reached: a
    page never splits a block, so the next page starts at the block after it."""
    cursor = txn.cursor(db=db.address_txs)
    places: list[TxPlace] = []
    entries = _backwards(cursor, address, start) if descending else _forwards(cursor, address, start)
    for place in entries:
        if len(places) >= page_size and place.number != places[-1].number:
            return TxPage(places, True)
        places.append(place)
    return TxPage(places, False)


def _forwards(cursor, address: bytes, start: int):
    if not cursor.set_range(address + _place_key(start, 0)):
        return
    for key in cursor.iternext(values=False):
        if key[:ADDRESS_BYTES] != address:
            return
        yield _place(key)


def _backwards(cursor, address: bytes, start: int):
    """Entries of ``address`` in blocks ``start`` and below, newest first."""
    after = address + _place_key(start + 1, 0)
    positioned = cursor.set_range(after)
    if positioned:
        positioned = cursor.prev()
    else:
        positioned = cursor.last()
    if not positioned:
        return
    for key in cursor.iterprev(values=False):
        if key[:ADDRESS_BYTES] != address:
            return
        yield _place(key)


def sent_with_nonce(txn, db: Tables, sender: bytes, nonce: int) -> TxPlace | None:
    """The place of the transaction ``sender`` sent with ``nonce``, if indexed."""
    wanted = number_key(nonce)
    cursor = txn.cursor(db=db.address_txs)
    if not cursor.set_range(sender):
        return None
    for key, value in cursor:
        if key[:ADDRESS_BYTES] != sender:
            return None
        if value == wanted:
            return _place(key)
    return None
