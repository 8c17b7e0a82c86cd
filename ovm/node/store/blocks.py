"""
Stored blocks
=============

Blocks in the store, within one LMDB transaction: headers and bodies by hash,
the canonical chain by number, receipts by block hash and each transaction's
place (block hash ‖ index) by its hash. ``put_block`` writes all of a block's
records and ``delete_block`` removes them; the rest read.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from ...chain.block import Block, decode_body, encode_body
from ...chain.header import Header, decode_header, encode_header
from ...chain.receipt import Receipt, ReceiptDetails
from ...evm.transactions import Transaction
from .address_index import unindex_block
from .codecs import decode_receipts, encode_receipts
from .schema import INDEX_BYTES, META_HEAD, NUMBER_BYTES, Tables, be_int, number_key


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
    receipts = decode_receipts(txn.pop(block_hash, db=db.receipts))
    for _, details in receipts:
        txn.delete(details.transaction_hash, db=db.transactions)
    unindex_block(txn, db, number, len(receipts))
    txn.delete(block_hash, db=db.headers)
    txn.delete(block_hash, db=db.bodies)
