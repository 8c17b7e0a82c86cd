"""
Receipts
========

The consensus receipt of a transaction — status (EIP-658), cumulative gas
used in the block, logs bloom and logs — with its encoding: a legacy
transaction's receipt is an RLP list, a typed one is ``type byte ‖ RLP list``
(EIP-2718). The receipts root commits to these encodings by index.

A deposit's receipt (type 0x7E) appends ``depositNonce``, the sender's nonce
before the deposit, and ``depositReceiptVersion`` 1 to the list, as the OP
Stack does since Canyon (specs ``protocol/deposits.md``, "Deposit Receipt").

An RPC receipt shows more than is committed: the gas this transaction used,
its effective gas price, the contract it created, blob gas, and on an L2 the
L1 data fee it paid. Those live in a separate ``ReceiptDetails``, which no
root covers and which a node can recompute from the block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..evm.l2 import L1Charge
from ..evm.transactions import DepositTransaction
from ..primitives import rlp
from ..state import Log
from .block import ordered_trie_root
from .bloom import BLOOM_BYTES, logs_bloom

LEGACY_TYPE = 0
MAX_TYPE = 0x7F  # EIP-2718: a type byte is below 0x80, which starts an RLP list or string
STATUS_FAILURE = 0
STATUS_SUCCESS = 1
RECEIPT_FIELD_COUNT = 4
LOG_FIELD_COUNT = 3
DEPOSIT_TYPE = DepositTransaction.TYPE
DEPOSIT_RECEIPT_VERSION = 1  # Canyon
DEPOSIT_RECEIPT_FIELD_COUNTS = (RECEIPT_FIELD_COUNT, RECEIPT_FIELD_COUNT + 2)


class InvalidReceipt(ValueError):
    """Bytes that are not a receipt's consensus encoding."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """``deposit_nonce`` and ``deposit_receipt_version`` are a deposit's only
    (both or neither)."""

    tx_type: int
    status: int
    cumulative_gas_used: int
    bloom: bytes
    logs: tuple[Log, ...]
    deposit_nonce: int | None = None
    deposit_receipt_version: int | None = None


@dataclass(frozen=True, slots=True)
class ReceiptDetails:
    """What an RPC receipt shows beside the consensus ``Receipt``.

    ``first_log_index`` is the block-wide index of this transaction's first
    log (``logIndex`` counts across the block). ``blob_gas_price`` is ``None``
    for a transaction without blobs; ``l1_charge`` is ``None`` but for an L2
    transaction that paid the L1 data fee (every one but a deposit).
    """

    transaction_hash: bytes
    transaction_index: int
    sender: bytes
    to: bytes | None
    gas_used: int
    effective_gas_price: int
    contract_address: bytes | None
    first_log_index: int
    blob_gas_used: int = 0
    blob_gas_price: int | None = None
    l1_charge: L1Charge | None = None


def make_receipt(
    tx_type: int,
    success: bool,
    cumulative_gas_used: int,
    logs: Iterable[Log],
    deposit_nonce: int | None = None,
) -> Receipt:
    """A receipt with its bloom computed from ``logs``; a deposit's carries
    ``deposit_nonce`` and the current deposit receipt version."""
    logs = tuple(logs)
    status = STATUS_SUCCESS if success else STATUS_FAILURE
    version = None if deposit_nonce is None else DEPOSIT_RECEIPT_VERSION
    return Receipt(
        tx_type, status, cumulative_gas_used, logs_bloom(logs), logs, deposit_nonce, version
    )


# --- encoding -------------------------------------------------------------------


def _log_item(log: Log) -> rlp.Item:
    return [log.address, list(log.topics), log.data]


def _deposit_items(receipt: Receipt) -> list[bytes]:
    """What follows the logs: a deposit's nonce and receipt version, if it has them."""
    nonce, version = receipt.deposit_nonce, receipt.deposit_receipt_version
    if nonce is None or version is None:
        return []
    return [rlp.int_to_be(nonce), rlp.int_to_be(version)]


def encode_receipt(receipt: Receipt) -> bytes:
    payload = rlp.encode(
        [
            rlp.int_to_be(receipt.status),
            rlp.int_to_be(receipt.cumulative_gas_used),
            receipt.bloom,
            [_log_item(log) for log in receipt.logs],
            *_deposit_items(receipt),
        ]
    )
    if receipt.tx_type == LEGACY_TYPE:
        return payload
    return bytes((receipt.tx_type,)) + payload


def receipts_root(receipts: Sequence[Receipt]) -> bytes:
    return ordered_trie_root([encode_receipt(receipt) for receipt in receipts])


# --- decoding -------------------------------------------------------------------


def _bytes(item: rlp.Item, name: str, size: int | None = None) -> bytes:
    if not isinstance(item, bytes):
        raise InvalidReceipt(f"{name}: expected a byte string, got a list")
    if size is not None and len(item) != size:
        raise InvalidReceipt(f"{name}: expected {size} bytes, got {len(item)}")
    return item


def _list(item: rlp.Item, name: str, length: int | None = None) -> list[rlp.Item]:
    if not isinstance(item, list):
        raise InvalidReceipt(f"{name}: expected a list, got a byte string")
    if length is not None and len(item) != length:
        raise InvalidReceipt(f"{name}: expected {length} items, got {len(item)}")
    return item


def _status(item: rlp.Item) -> int:
    data = _bytes(item, "status")
    if len(data) == 32:
        raise InvalidReceipt("status: pre-Byzantium post-state roots are not supported")
    if data not in (b"", b"\x01"):
        raise InvalidReceipt(f"status: expected 0 or 1, got 0x{data.hex()}")
    return STATUS_SUCCESS if data else STATUS_FAILURE


def _uint(item: rlp.Item, name: str) -> int:
    data = _bytes(item, name)
    if len(data) > 32:
        raise InvalidReceipt(f"{name}: integer exceeds 256 bits")
    try:
        return rlp.be_to_int(data)
    except rlp.DecodingError as exc:
        raise InvalidReceipt(f"{name}: {exc}") from None


def _log(item: rlp.Item, name: str) -> Log:
    address, topics, data = _list(item, name, LOG_FIELD_COUNT)
    topics = _list(topics, f"{name}.topics")
    return Log(
        _bytes(address, f"{name}.address", 20),
        tuple(_bytes(topic, f"{name}.topics[{i}]", 32) for i, topic in enumerate(topics)),
        _bytes(data, f"{name}.data"),
    )


def _receipt_fields(tx_type: int, item: rlp.Item) -> list[rlp.Item]:
    """The receipt's items: four, or six for a deposit that carries its nonce
    and receipt version."""
    fields = _list(item, "receipt")
    allowed = DEPOSIT_RECEIPT_FIELD_COUNTS if tx_type == DEPOSIT_TYPE else (RECEIPT_FIELD_COUNT,)
    if len(fields) not in allowed:
        expected = " or ".join(map(str, allowed))
        raise InvalidReceipt(f"receipt: expected {expected} items, got {len(fields)}")
    return fields


def _from_fields(tx_type: int, payload: bytes) -> Receipt:
    try:
        item = rlp.decode(payload)
    except rlp.DecodingError as exc:
        raise InvalidReceipt(f"malformed RLP: {exc}") from None
    status, cumulative, bloom, logs, *deposit = _receipt_fields(tx_type, item)
    deposit_nonce, version = (
        (_uint(deposit[0], "deposit_nonce"), _uint(deposit[1], "deposit_receipt_version"))
        if deposit
        else (None, None)
    )
    return Receipt(
        tx_type,
        _status(status),
        _uint(cumulative, "cumulative_gas_used"),
        _bytes(bloom, "bloom", BLOOM_BYTES),
        tuple(_log(log, f"logs[{i}]") for i, log in enumerate(_list(logs, "logs"))),
        deposit_nonce,
        version,
    )


def decode_receipt(data: bytes) -> Receipt:
    """Decode a consensus encoding (inverse of ``encode_receipt``)."""
    data = bytes(data)
    if not data:
        raise InvalidReceipt("empty receipt")
    if data[0] >= 0xC0:
        return _from_fields(LEGACY_TYPE, data)
    if data[0] > MAX_TYPE:
        raise InvalidReceipt("a receipt is an RLP list or a type byte followed by one")
    if data[0] == LEGACY_TYPE:
        raise InvalidReceipt("a legacy receipt has no type byte")
    return _from_fields(data[0], data[1:])
