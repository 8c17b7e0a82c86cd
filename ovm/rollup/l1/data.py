"""
L1 data
=======

What an L1 node returns, as the rollup's services use it: block references,
block headers (whose blob base fee follows from ``excessBlobGas`` and the
blob parameters of the L1's fork at that block), logs, transactions and receipts, each parsed from the
node's JSON-RPC reply; and ``L1Error``, the one error every failure of a
request to the node becomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from ...evm.gas import BlobParams
from ...primitives.types import hex_to_bytes, hex_to_int, to_hex

BlockId = int | str  # a number, or a tag: "latest", "safe", "finalized", "pending", "earliest"
T = TypeVar("T")


class L1Error(Exception):
    """A request to the L1 node failed; ``code`` and ``data`` are the node's, if it answered."""

    def __init__(self, message: str, *, code: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data



# --- what the node returns ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A block by number, hash and timestamp: enough to find it again and notice a reorg."""

    number: int
    hash: bytes
    timestamp: int


@dataclass(frozen=True, slots=True)
class L1Block:
    """The header fields of an L1 block that derivation uses, and its transaction hashes."""

    number: int
    hash: bytes
    parent_hash: bytes
    timestamp: int
    base_fee: int
    blob_gas_used: int
    excess_blob_gas: int
    transactions: tuple[bytes, ...]

    def blob_base_fee(self, blobs: BlobParams) -> int:
        """The price of blob gas in this block, whose fork has ``blobs``
        (EIP-4844, EIP-7691: the header carries only the excess blob gas)."""
        return blobs.base_fee(self.excess_blob_gas)

    @property
    def ref(self) -> BlockRef:
        return BlockRef(self.number, self.hash, self.timestamp)


@dataclass(frozen=True, slots=True)
class L1Log:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    block_hash: bytes
    transaction_hash: bytes
    transaction_index: int
    log_index: int
    removed: bool


@dataclass(frozen=True, slots=True)
class L1Transaction:
    """A transaction as the node reports it; ``block_number`` is None while pending."""

    hash: bytes
    type: int
    sender: bytes
    to: bytes | None
    nonce: int
    value: int
    gas: int
    input: bytes
    blob_versioned_hashes: tuple[bytes, ...]
    block_number: int | None
    block_hash: bytes | None
    transaction_index: int | None


@dataclass(frozen=True, slots=True)
class L1Receipt:
    transaction_hash: bytes
    block_number: int
    block_hash: bytes
    transaction_index: int
    status: int
    gas_used: int
    effective_gas_price: int
    contract_address: bytes | None
    logs: tuple[L1Log, ...]

    @property
    def succeeded(self) -> bool:
        return self.status == 1



# --- parsing replies --------------------------------------------------------------------


def optional(value: Any, parse: Callable[[Any], T]) -> T | None:
    return None if value is None else parse(value)


def block_id(block: BlockId) -> str:
    return hex(block) if isinstance(block, int) else block


def parse_block(raw: dict) -> L1Block:
    return L1Block(
        number=hex_to_int(raw["number"]),
        hash=hex_to_bytes(raw["hash"]),
        parent_hash=hex_to_bytes(raw["parentHash"]),
        timestamp=hex_to_int(raw["timestamp"]),
        base_fee=hex_to_int(raw.get("baseFeePerGas", "0x0")),
        blob_gas_used=hex_to_int(raw.get("blobGasUsed", "0x0")),
        excess_blob_gas=hex_to_int(raw.get("excessBlobGas", "0x0")),
        transactions=tuple(
            hex_to_bytes(tx if isinstance(tx, str) else tx["hash"]) for tx in raw["transactions"]
        ),
    )


def parse_log(raw: dict) -> L1Log:
    return L1Log(
        address=hex_to_bytes(raw["address"]),
        topics=tuple(hex_to_bytes(topic) for topic in raw["topics"]),
        data=hex_to_bytes(raw["data"]),
        block_number=hex_to_int(raw["blockNumber"]),
        block_hash=hex_to_bytes(raw["blockHash"]),
        transaction_hash=hex_to_bytes(raw["transactionHash"]),
        transaction_index=hex_to_int(raw["transactionIndex"]),
        log_index=hex_to_int(raw["logIndex"]),
        removed=bool(raw.get("removed", False)),
    )


def parse_transaction(raw: dict) -> L1Transaction:
    return L1Transaction(
        hash=hex_to_bytes(raw["hash"]),
        type=hex_to_int(raw.get("type", "0x0")),
        sender=hex_to_bytes(raw["from"]),
        to=optional(raw.get("to"), hex_to_bytes),
        nonce=hex_to_int(raw["nonce"]),
        value=hex_to_int(raw["value"]),
        gas=hex_to_int(raw["gas"]),
        input=hex_to_bytes(raw["input"]),
        blob_versioned_hashes=tuple(hex_to_bytes(h) for h in raw.get("blobVersionedHashes") or ()),
        block_number=optional(raw.get("blockNumber"), hex_to_int),
        block_hash=optional(raw.get("blockHash"), hex_to_bytes),
        transaction_index=optional(raw.get("transactionIndex"), hex_to_int),
    )


def parse_receipt(raw: dict) -> L1Receipt:
    return L1Receipt(
        transaction_hash=hex_to_bytes(raw["transactionHash"]),
        block_number=hex_to_int(raw["blockNumber"]),
        block_hash=hex_to_bytes(raw["blockHash"]),
        transaction_index=hex_to_int(raw["transactionIndex"]),
        status=hex_to_int(raw["status"]),
        gas_used=hex_to_int(raw["gasUsed"]),
        effective_gas_price=hex_to_int(raw.get("effectiveGasPrice", "0x0")),
        contract_address=optional(raw.get("contractAddress"), hex_to_bytes),
        logs=tuple(parse_log(log) for log in raw["logs"]),
    )


def topic_filter(topic: bytes | Sequence[bytes] | None) -> str | list[str] | None:
    if topic is None or isinstance(topic, bytes):
        return optional(topic, to_hex)
    return [to_hex(alternative) for alternative in topic]

