"""
Blocks
======

A block is its header, its transactions and its withdrawals (EIP-4895). Its
RLP encoding is Shanghai's ``[header, transactions, ommers, withdrawals]``.
After the merge a block has no ommers, so that list is empty and the header
holds its empty hash (``EMPTY_OMMERS_HASH``); an L2 block has no withdrawals
either. A legacy transaction sits in the list as an RLP list, a typed one as
its network form in a byte string (``transaction_item``).

Transactions, receipts and withdrawals are committed the same way: a trie
from ``rlp(index)`` to each one's encoding (``ordered_trie_root``).

``InvalidBlock`` says which rule a block breaks (``Rule``), so that an
importer can tell a malformed block from a wrong header field, a bad
transaction or a wrong result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Sequence

from ..evm.transactions import (
    InvalidTransaction,
    Transaction,
    decode_transaction_item,
    encode_transaction,
    transaction_item,
)
from ..evm.forks import Fork
from ..primitives import rlp
from ..state import State
from ..trie import trie_root
from .header import (
    EMPTY_OMMERS_HASH,
    Header,
    InvalidHeader,
    block_hash,
    header_from_item,
    header_item,
)
from .withdrawal import InvalidWithdrawal, Withdrawal, withdrawal_from_item, withdrawal_item

BLOCK_FIELD_COUNT = 4


class Rule(StrEnum):
    """The rule an invalid block breaks."""

    ENCODING = "encoding"  # not a well-formed block
    PARENT = "parent"  # its parent is not known
    NUMBER = "number"
    TIMESTAMP = "timestamp"
    GAS_LIMIT = "gas limit"
    GAS_USED = "gas used"
    BASE_FEE = "base fee"
    BLOB_GAS = "blob gas"  # blob gas used, excess blob gas
    EXTRA_DATA = "extra data"
    PROOF_OF_WORK = "proof of work"  # difficulty and nonce are 0 after the merge
    OMMERS = "ommers"
    TRANSACTION = "transaction"  # a transaction that cannot be decoded or included
    TRANSACTIONS_ROOT = "transactions root"
    WITHDRAWALS_ROOT = "withdrawals root"
    STATE_ROOT = "state root"
    RECEIPTS_ROOT = "receipts root"
    LOGS_BLOOM = "logs bloom"
    HEADER = "header"  # any other header field that differs from the block's execution


class InvalidBlock(ValueError):
    """A block that cannot be decoded or that breaks a rule of the chain (``rule``)."""

    def __init__(self, message: str, rule: Rule = Rule.ENCODING) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class Block:
    header: Header
    transactions: tuple[Transaction, ...]
    withdrawals: tuple[Withdrawal, ...] = ()

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


def withdrawals_root(withdrawals: Sequence[Withdrawal]) -> bytes:
    return ordered_trie_root([rlp.encode(withdrawal_item(w)) for w in withdrawals])


def header_withdrawals_root(fork: Fork | None, state: State, withdrawals: Sequence[Withdrawal]) -> bytes:
    """The ``withdrawalsRoot`` a header carries after a block left ``state``:
    the root of its withdrawals, or, on an L2 fork that says so (Isthmus),
    the storage root of the account it names (the L2ToL1MessagePasser)."""
    account = fork.l2.withdrawals_root_account if fork is not None and fork.l2 is not None else None
    return withdrawals_root(withdrawals) if account is None else state.storage_root(account)


# --- encoding -------------------------------------------------------------------


def _body_items(transactions: Sequence[Transaction], withdrawals: Sequence[Withdrawal] = ()) -> list[rlp.Item]:
    return [[transaction_item(tx) for tx in transactions], [], [withdrawal_item(w) for w in withdrawals]]


def encode_body(transactions: Sequence[Transaction]) -> bytes:
    """An L2 block's body as a node stores it beside the header:
    ``[transactions, ommers, withdrawals]``, the last two empty."""
    return rlp.encode(_body_items(transactions))


def encode_block(block: Block) -> bytes:
    return rlp.encode(
        [header_item(block.header), *_body_items(block.transactions, block.withdrawals)]
    )


# --- decoding -------------------------------------------------------------------


def _rlp_list(data: bytes, name: str, length: int) -> list[rlp.Item]:
    try:
        item = rlp.decode(data)
    except rlp.DecodingError as exc:
        raise InvalidBlock(f"malformed RLP: {exc}") from None
    if not isinstance(item, list) or len(item) != length:
        raise InvalidBlock(f"{name}: expected a list of {length} items")
    return item


def _transactions_from_items(items: rlp.Item) -> tuple[Transaction, ...]:
    if not isinstance(items, list):
        raise InvalidBlock("transactions: expected a list")
    transactions = []
    for i, item in enumerate(items):
        try:
            transactions.append(decode_transaction_item(item))
        except InvalidTransaction as exc:
            raise InvalidBlock(f"transactions[{i}]: {exc}", Rule.TRANSACTION) from None
    return tuple(transactions)


def _withdrawals_from_items(items: rlp.Item) -> tuple[Withdrawal, ...]:
    if not isinstance(items, list):
        raise InvalidBlock("withdrawals: expected a list")
    withdrawals = []
    for i, item in enumerate(items):
        try:
            withdrawals.append(withdrawal_from_item(item))
        except InvalidWithdrawal as exc:
            raise InvalidBlock(f"withdrawals[{i}]: {exc}") from None
    return tuple(withdrawals)


def _check_no_ommers(ommers: rlp.Item) -> None:
    if not isinstance(ommers, list):
        raise InvalidBlock("ommers: expected a list")
    if ommers:
        raise InvalidBlock(f"a block after the merge has no ommers, this one has {len(ommers)}", Rule.OMMERS)


def decode_body(data: bytes) -> tuple[Transaction, ...]:
    """The transactions of an L2 block's encoded body (inverse of ``encode_body``)."""
    transactions, ommers, withdrawals = _rlp_list(data, "body", BLOCK_FIELD_COUNT - 1)
    _check_no_ommers(ommers)
    if withdrawals != []:
        raise InvalidBlock("an L2 block has no withdrawals")
    return _transactions_from_items(transactions)


def check_commitments(block: Block) -> None:
    """The header commits to the block's ommers (none), transactions and withdrawals."""
    header = block.header
    if header.ommers_hash != EMPTY_OMMERS_HASH:
        raise InvalidBlock("ommers hash is not that of an empty list", Rule.OMMERS)
    if header.transactions_root != transactions_root(block.transactions):
        raise InvalidBlock("transactions root does not match the transactions", Rule.TRANSACTIONS_ROOT)
    if header.withdrawals_root != withdrawals_root(block.withdrawals):
        raise InvalidBlock("withdrawals root does not match the withdrawals", Rule.WITHDRAWALS_ROOT)


def parse_block(data: bytes) -> Block:
    """Decode a block's structure, without checking that its header commits to
    its body (an importer checks that after executing it, as the Cancun spec
    orders the checks)."""
    header_field, transactions, ommers, withdrawals = _rlp_list(data, "block", BLOCK_FIELD_COUNT)
    try:
        header = header_from_item(header_field)
    except InvalidHeader as exc:
        raise InvalidBlock(f"header: {exc}") from None
    _check_no_ommers(ommers)
    return Block(header, _transactions_from_items(transactions), _withdrawals_from_items(withdrawals))


def decode_block(data: bytes) -> Block:
    """Decode a block and check that its header commits to its body."""
    block = parse_block(data)
    check_commitments(block)
    return block
