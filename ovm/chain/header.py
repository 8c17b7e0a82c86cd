"""
Block headers
=============

The Cancun header: the London fields plus ``base_fee_per_gas`` (EIP-1559),
``withdrawals_root`` (EIP-4895), ``blob_gas_used`` and ``excess_blob_gas``
(EIP-4844) and ``parent_beacon_block_root`` (EIP-4788), RLP-encoded as a list
in field order. The block hash is the keccak-256 of that encoding.

After the merge, and on this L2, ``ommers_hash``, ``difficulty`` and ``nonce``
are constants, and ``prev_randao`` takes the place of the proof-of-work mix
hash (JSON-RPC still calls it ``mixHash``).

Fields are listed in RLP order; a field's codec follows from its name, as
with transactions: fixed-size byte strings in ``FIXED_SIZES``, ``extra_data``
of any length, and unsigned integers for the rest (64-bit where the protocol
says so).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..primitives.types import UINT64_MAX, UINT256_MAX, ZERO_HASH, Address, Hash32
from ..trie import EMPTY_TRIE_ROOT
from .bloom import BLOOM_BYTES, EMPTY_BLOOM

EMPTY_OMMERS_HASH = keccak256(rlp.encode([]))
ZERO_NONCE = bytes(8)
MAX_EXTRA_DATA_BYTES = 32


class InvalidHeader(ValueError):
    """Bytes that are not a Cancun header's encoding."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    parent_hash: Hash32
    ommers_hash: Hash32 = EMPTY_OMMERS_HASH
    coinbase: Address
    state_root: Hash32
    transactions_root: Hash32 = EMPTY_TRIE_ROOT
    receipts_root: Hash32 = EMPTY_TRIE_ROOT
    logs_bloom: bytes = EMPTY_BLOOM
    difficulty: int = 0
    number: int
    gas_limit: int
    gas_used: int = 0
    timestamp: int
    extra_data: bytes = b""
    prev_randao: Hash32 = ZERO_HASH
    nonce: bytes = ZERO_NONCE
    base_fee_per_gas: int
    withdrawals_root: Hash32 = EMPTY_TRIE_ROOT
    blob_gas_used: int = 0
    excess_blob_gas: int = 0
    parent_beacon_block_root: Hash32 = ZERO_HASH


FIELD_NAMES = tuple(field.name for field in dataclasses.fields(Header))

FIXED_SIZES = {
    "parent_hash": 32,
    "ommers_hash": 32,
    "coinbase": 20,
    "state_root": 32,
    "transactions_root": 32,
    "receipts_root": 32,
    "logs_bloom": BLOOM_BYTES,
    "prev_randao": 32,
    "nonce": 8,
    "withdrawals_root": 32,
    "parent_beacon_block_root": 32,
}
BYTES_FIELDS = frozenset(FIXED_SIZES) | {"extra_data"}
UINT64_FIELDS = frozenset(
    {"number", "gas_limit", "gas_used", "timestamp", "blob_gas_used", "excess_blob_gas"}
)


# --- encoding -------------------------------------------------------------------


def header_item(header: Header) -> list[bytes]:
    """The header as an RLP list item (to nest it in a block)."""
    return [
        getattr(header, name) if name in BYTES_FIELDS else rlp.int_to_be(getattr(header, name))
        for name in FIELD_NAMES
    ]


def encode_header(header: Header) -> bytes:
    return rlp.encode(header_item(header))


def block_hash(header: Header) -> Hash32:
    return keccak256(encode_header(header))


# --- decoding -------------------------------------------------------------------


def _decode_field(name: str, item: rlp.Item) -> bytes | int:
    if not isinstance(item, bytes):
        raise InvalidHeader(f"{name}: expected a byte string, got a list")
    size = FIXED_SIZES.get(name)
    if size is not None and len(item) != size:
        raise InvalidHeader(f"{name}: expected {size} bytes, got {len(item)}")
    if name in BYTES_FIELDS:
        return item
    try:
        value = rlp.be_to_int(item)
    except rlp.DecodingError as exc:
        raise InvalidHeader(f"{name}: {exc}") from None
    limit = UINT64_MAX if name in UINT64_FIELDS else UINT256_MAX
    if value > limit:
        raise InvalidHeader(f"{name}: {value} is out of range")
    return value


def header_from_item(item: rlp.Item) -> Header:
    """Decode a header's RLP list item (inverse of ``header_item``)."""
    if not isinstance(item, list):
        raise InvalidHeader("header: expected a list, got a byte string")
    if len(item) != len(FIELD_NAMES):
        raise InvalidHeader(f"header: expected {len(FIELD_NAMES)} fields (Cancun), got {len(item)}")
    values = zip(FIELD_NAMES, item, strict=True)
    fields: dict[str, Any] = {name: _decode_field(name, value) for name, value in values}
    return Header(**fields)


def decode_header(data: bytes) -> Header:
    try:
        item = rlp.decode(data)
    except rlp.DecodingError as exc:
        raise InvalidHeader(f"malformed RLP: {exc}") from None
    return header_from_item(item)
