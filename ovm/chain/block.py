"""
Blocks
======

A block is its header and its transactions. Its RLP encoding is Shanghai's
``[header, transactions, ommers, withdrawals]``; on this L2 there are never
ommers or withdrawals, so both lists are empty and the header holds their
empty roots (``EMPTY_OMMERS_HASH``, ``EMPTY_TRIE_ROOT``). A legacy transaction
sits in the list as an RLP list, a typed one as its network form in a byte
string (``transaction_item``).

Transactions and receipts are committed the same way: a trie from
``rlp(index)`` to each one's encoding (``ordered_trie_root``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..evm.transactions import (
    InvalidTransaction,
    Transaction,
    decode_transaction_item,
    encode_transaction,
    transaction_item,
)
from ..primitives import rlp
from ..trie import EMPTY_TRIE_ROOT, trie_root
from .header import (
    EMPTY_OMMERS_HASH,
    Header,
    InvalidHeader,
    block_hash,
    header_from_item,
    header_item,
)

BLOCK_FIELD_COUNT = 4


class InvalidBlock(ValueError):
    """A block that cannot be decoded, or whose body its header does not commit to."""


@dataclass(frozen=True, slots=True)
class Block:
    header: Header
    transactions: tuple[Transaction, ...]

    @property
    def hash(self) -> bytes:
        return block_hash(self.header)

    @property
    def number(self) -> int:
        return self.header.number


def ordered_trie_root(encodings: Sequence[bytes]) -> bytes:
    """The root of the trie that maps ``rlp(i)`` to ``encodings[i]``."""
    return trie_root([(rlp.encode(rlp.int_to_be(i)), value) for i, value in enumerate(encodings)])


def transactions_root(transactions: Sequence[Transaction]) -> bytes:
    return ordered_trie_root([encode_transaction(tx) for tx in transactions])


# --- encoding -------------------------------------------------------------------


def _body_items(transactions: Sequence[Transaction]) -> list:
    return [[transaction_item(tx) for tx in transactions], [], []]


def encode_body(transactions: Sequence[Transaction]) -> bytes:
    """The body as a node stores it beside the header: ``[transactions, ommers, withdrawals]``."""
    return rlp.encode(_body_items(transactions))


def encode_block(block: Block) -> bytes:
    return rlp.encode([header_item(block.header), *_body_items(block.transactions)])


# --- decoding -------------------------------------------------------------------


def _rlp_list(data: bytes, name: str, length: int) -> list:
    try:
        item = rlp.decode(data)
    except rlp.DecodingError as exc:
        raise InvalidBlock(f"malformed RLP: {exc}") from None
    if not isinstance(item, list) or len(item) != length:
        raise InvalidBlock(f"{name}: expected a list of {length} items")
    return item


def _transactions_from_items(
    items: rlp.Item, ommers: rlp.Item, withdrawals: rlp.Item
) -> tuple[Transaction, ...]:
    if not isinstance(items, list):
        raise InvalidBlock("transactions: expected a list")
    if ommers != [] or withdrawals != []:
        raise InvalidBlock("an L2 block has no ommers and no withdrawals")
    transactions = []
    for i, item in enumerate(items):
        try:
            transactions.append(decode_transaction_item(item))
        except InvalidTransaction as exc:
            raise InvalidBlock(f"transactions[{i}]: {exc}") from None
    return tuple(transactions)


def decode_body(data: bytes) -> tuple[Transaction, ...]:
    """The transactions of an encoded body (inverse of ``encode_body``)."""
    return _transactions_from_items(*_rlp_list(data, "body", BLOCK_FIELD_COUNT - 1))


def _check_commitments(header: Header, transactions: tuple[Transaction, ...]) -> None:
    if header.ommers_hash != EMPTY_OMMERS_HASH:
        raise InvalidBlock("ommers hash is not that of an empty list")
    if header.withdrawals_root != EMPTY_TRIE_ROOT:
        raise InvalidBlock("withdrawals root is not that of an empty list")
    if header.transactions_root != transactions_root(transactions):
        raise InvalidBlock("transactions root does not match the transactions")


def decode_block(data: bytes) -> Block:
    """Decode a block and check that its header commits to its body."""
    header_field, *body = _rlp_list(data, "block", BLOCK_FIELD_COUNT)
    try:
        header = header_from_item(header_field)
    except InvalidHeader as exc:
        raise InvalidBlock(f"header: {exc}") from None
    transactions = _transactions_from_items(*body)
    _check_commitments(header, transactions)
    return Block(header, transactions)
