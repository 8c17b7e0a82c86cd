"""
Transactions
============

The four Ethereum transaction types of Cancun — legacy, access list (type 1),
fee market (type 2) and blob (type 3) — and the OP Stack's deposit (type
0x7E) as frozen dataclasses, with strict decoding from the network form
(EIP-2718: a legacy RLP list, or a type byte followed by an RLP list),
encoding, hashing, signing, sender recovery and the gas a transaction pays
for up front. Whether a transaction is valid: ``ovm.evm.validation``.

Each class lists its fields in RLP order, so one pair of generic functions
encodes and decodes every type: a field's codec is chosen by its name
(``FIELD_CODECS``). The last three fields of a signed type are its signature.
A deposit has none: derivation makes it from an L1 event, which vouches for
its sender, so ``recover_sender`` returns its ``from`` (and
``validate_transaction`` refuses it: it never comes from a user). How a
deposit runs: ``ovm.evm.l2`` (the rules), ``ovm.evm.processor``
(``DepositExecution``).

The limits and costs here are Cancun's rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, ClassVar, NamedTuple

from ovm.evm import gas as G
from ovm.primitives import rlp
from ovm.primitives.crypto import (
    InvalidSignature,
    keccak256,
    recover_address,
    sign,
)
from ovm.primitives.types import UINT64_MAX, Address, Hash32

# EIP-2681: the largest nonce an account may have. A transaction's nonce must be
# below it, and an account at it cannot create (its nonce would overflow).
MAX_NONCE = UINT64_MAX
# The most blobs a transaction may carry under every fork (Cancun's block
# maximum, Osaka's cap); a fork's own limit is ``Fork.blobs.transaction_max``.
MAX_BLOBS_PER_TRANSACTION = min(G.CANCUN_BLOBS.transaction_max, G.OSAKA_BLOBS.transaction_max)
SIGNATURE_FIELD_COUNT = 3


class InvalidTransaction(ValueError):
    """A transaction is malformed or breaks a stateless validity rule."""


class InvalidSender(InvalidTransaction):
    """The signature recovers to no public key, so there is no sender."""


AccessList = tuple[tuple[Address, tuple[Hash32, ...]], ...]


@dataclass(frozen=True, slots=True)
class LegacyTransaction:
    """A pre-EIP-2718 transaction; ``v`` carries the chain id (EIP-155) or is 27/28."""

    TYPE: ClassVar[int] = 0

    nonce: int
    gas_price: int
    gas: int
    to: Address | None
    value: int
    data: bytes
    v: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class AccessListTransaction:
    """EIP-2930: a legacy-priced transaction with an access list."""

    TYPE: ClassVar[int] = 1

    chain_id: int
    nonce: int
    gas_price: int
    gas: int
    to: Address | None
    value: int
    data: bytes
    access_list: AccessList
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class FeeMarketTransaction:
    """EIP-1559: priority fee and fee cap instead of a gas price."""

    TYPE: ClassVar[int] = 2

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: Address | None
    value: int
    data: bytes
    access_list: AccessList
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class BlobTransaction:
    """EIP-4844: a fee-market transaction that carries blobs (by versioned hash)."""

    TYPE: ClassVar[int] = 3

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: Address | None
    value: int
    data: bytes
    access_list: AccessList
    max_fee_per_blob_gas: int
    blob_versioned_hashes: tuple[Hash32, ...]
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class DepositTransaction:
    """The OP Stack's deposit (EIP-2718 type 0x7E), made by derivation from L1:
    ``mint`` is created on L2 for ``sender`` (the spec's ``from``) before the
    call; ``source_hash`` identifies the L1 event it comes from. Unsigned."""

    TYPE: ClassVar[int] = 0x7E

    source_hash: Hash32
    sender: Address
    to: Address | None
    mint: int
    value: int
    gas: int
    is_system_tx: bool
    data: bytes


Transaction = (
    LegacyTransaction
    | AccessListTransaction
    | FeeMarketTransaction
    | BlobTransaction
    | DepositTransaction
)
TypedTransaction = AccessListTransaction | FeeMarketTransaction | BlobTransaction | DepositTransaction

TRANSACTION_TYPES: dict[int, type] = {
    cls.TYPE: cls
    for cls in (AccessListTransaction, FeeMarketTransaction, BlobTransaction, DepositTransaction)
}


# --- field codecs -----------------------------------------------------------


class FieldCodec(NamedTuple):
    """How one field goes from an RLP item to a Python value (checked) and back."""

    decode: Callable[[rlp.Item, str], Any]
    encode: Callable[[Any], rlp.Item]


def _expect_bytes(item: rlp.Item, name: str) -> bytes:
    if not isinstance(item, bytes):
        raise InvalidTransaction(f"{name}: expected a byte string, got a list")
    return item


def _expect_list(item: rlp.Item, name: str) -> list:
    if not isinstance(item, list):
        raise InvalidTransaction(f"{name}: expected a list, got a byte string")
    return item


def _expect_sized(item: rlp.Item, name: str, size: int) -> bytes:
    data = _expect_bytes(item, name)
    if len(data) != size:
        raise InvalidTransaction(f"{name}: expected {size} bytes, got {len(data)}")
    return data


def _decode_uint(item: rlp.Item, name: str) -> int:
    data = _expect_bytes(item, name)
    try:
        value = rlp.be_to_int(data)
    except rlp.DecodingError as exc:
        raise InvalidTransaction(f"{name}: {exc}") from None
    if len(data) > 32:
        raise InvalidTransaction(f"{name}: integer exceeds 256 bits")
    return value


def _decode_destination(item: rlp.Item, name: str) -> Address | None:
    """A 20-byte address, or ``None`` for an empty string (contract creation)."""
    if item == b"":
        return None
    return _expect_sized(item, name, 20)


def _encode_destination(to: Address | None) -> bytes:
    return b"" if to is None else to


def _decode_access_list(item: rlp.Item, name: str) -> AccessList:
    entries = _expect_list(item, name)
    return tuple(_decode_access_entry(entry, f"{name}[{i}]") for i, entry in enumerate(entries))


def _decode_access_entry(item: rlp.Item, name: str) -> tuple[Address, tuple[Hash32, ...]]:
    entry = _expect_list(item, name)
    if len(entry) != 2:
        raise InvalidTransaction(
            f"{name}: expected [address, storage_keys], got {len(entry)} items"
        )
    address = _expect_sized(entry[0], f"{name}.address", 20)
    return address, _decode_hashes(entry[1], f"{name}.storage_keys")


def _decode_bool(item: rlp.Item, name: str) -> bool:
    data = _expect_bytes(item, name)
    if data not in (b"", b"\x01"):
        raise InvalidTransaction(f"{name}: expected a boolean (0 or 1), got 0x{data.hex()}")
    return data == b"\x01"


def _encode_bool(flag: bool) -> bytes:
    return b"\x01" if flag else b""


def _decode_address(item: rlp.Item, name: str) -> Address:
    return _expect_sized(item, name, 20)


def _decode_hash(item: rlp.Item, name: str) -> Hash32:
    return _expect_sized(item, name, 32)


def _encode_access_list(access_list: AccessList) -> list:
    return [[address, list(keys)] for address, keys in access_list]


def _decode_hashes(item: rlp.Item, name: str) -> tuple[Hash32, ...]:
    hashes = _expect_list(item, name)
    return tuple(_expect_sized(h, f"{name}[{i}]", 32) for i, h in enumerate(hashes))


UINT = FieldCodec(_decode_uint, rlp.int_to_be)
BYTES = FieldCodec(_expect_bytes, bytes)
DESTINATION = FieldCodec(_decode_destination, _encode_destination)
ACCESS_LIST = FieldCodec(_decode_access_list, _encode_access_list)
HASHES = FieldCodec(_decode_hashes, list)
ADDRESS = FieldCodec(_decode_address, bytes)
HASH = FieldCodec(_decode_hash, bytes)
BOOL = FieldCodec(_decode_bool, _encode_bool)

FIELD_CODECS: dict[str, FieldCodec] = {
    "to": DESTINATION,
    "data": BYTES,
    "access_list": ACCESS_LIST,
    "blob_versioned_hashes": HASHES,
    "source_hash": HASH,
    "sender": ADDRESS,
    "is_system_tx": BOOL,
}
"""Codecs by field name; every field not named here is an unsigned integer."""


@cache
def _schema(cls: type) -> tuple[tuple[str, FieldCodec], ...]:
    """The (name, codec) pairs of a transaction class, in RLP order."""
    return tuple((f.name, FIELD_CODECS.get(f.name, UINT)) for f in dataclasses.fields(cls))


# --- decoding and encoding --------------------------------------------------


def _from_fields(cls: type, items: rlp.Item) -> Transaction:
    schema = _schema(cls)
    fields = _expect_list(items, cls.__name__)
    if len(fields) != len(schema):
        raise InvalidTransaction(
            f"{cls.__name__}: expected {len(schema)} fields, got {len(fields)}"
        )
    return cls(*(codec.decode(item, name) for (name, codec), item in zip(schema, fields)))


def _to_fields(tx: Transaction) -> list:
    return [codec.encode(getattr(tx, name)) for name, codec in _schema(type(tx))]


def _rlp_decode(data: bytes) -> rlp.Item:
    try:
        return rlp.decode(data)
    except rlp.DecodingError as exc:
        raise InvalidTransaction(f"malformed RLP: {exc}") from None


def _decode_typed(envelope: bytes) -> TypedTransaction:
    """Decode ``type byte ‖ RLP payload`` (EIP-2718)."""
    if not envelope:
        raise InvalidTransaction("empty transaction")
    cls = TRANSACTION_TYPES.get(envelope[0])
    if cls is None:
        raise InvalidTransaction(f"unsupported transaction type 0x{envelope[0]:02x}")
    return _from_fields(cls, _rlp_decode(envelope[1:]))


def decode_transaction(raw: bytes) -> Transaction:
    """Decode the network form, as sent to ``eth_sendRawTransaction``."""
    raw = bytes(raw)
    if not raw:
        raise InvalidTransaction("empty transaction")
    if raw[0] >= 0xC0:
        return _from_fields(LegacyTransaction, _rlp_decode(raw))
    if raw[0] >= 0x80:
        raise InvalidTransaction("legacy transaction must be an RLP list, not a string")
    return _decode_typed(raw)


def decode_transaction_item(item: rlp.Item) -> Transaction:
    """Decode one entry of a block body's transaction list.

    A legacy transaction is a list there; a typed one is its network form as a string.
    """
    if isinstance(item, list):
        return _from_fields(LegacyTransaction, item)
    return _decode_typed(item)


def transaction_item(tx: Transaction) -> rlp.Item:
    """The entry for ``tx`` in a block body's list (inverse of ``decode_transaction_item``)."""
    if isinstance(tx, LegacyTransaction):
        return _to_fields(tx)
    return encode_transaction(tx)


def encode_transaction(tx: Transaction) -> bytes:
    """The network form: the legacy RLP list, or type byte ‖ RLP payload."""
    payload = rlp.encode(_to_fields(tx))
    if isinstance(tx, LegacyTransaction):
        return payload
    return bytes((tx.TYPE,)) + payload


def transaction_hash(tx: Transaction) -> Hash32:
    return keccak256(encode_transaction(tx))


# --- signatures -------------------------------------------------------------


def legacy_chain_id(v: int) -> int | None:
    """The chain id a legacy ``v`` encodes (EIP-155), or ``None`` for an unprotected 27/28."""
    if v in (27, 28):
        return None
    if v >= 35:
        return (v - 35) // 2
    raise InvalidTransaction(f"invalid legacy v value {v}")


def _legacy_y_parity(v: int) -> int:
    return (v - 27) if v in (27, 28) else (v - 35) % 2


def _unsigned_fields(tx: Transaction) -> list:
    return _to_fields(tx)[:-SIGNATURE_FIELD_COUNT]


def _legacy_signing_hash(tx: LegacyTransaction, chain_id: int | None) -> Hash32:
    """EIP-155 appends ``chain_id, 0, 0``; an unprotected transaction signs six fields."""
    fields = _unsigned_fields(tx)
    if chain_id is not None:
        fields += [rlp.int_to_be(chain_id), b"", b""]
    return keccak256(rlp.encode(fields))


def signing_hash(tx: Transaction, chain_id: int | None = None) -> Hash32:
    """The hash the sender signs.

    For a legacy transaction the chain id comes from ``v`` unless ``chain_id`` is
    given. A typed transaction signs over its own ``chain_id`` field, and a
    different ``chain_id`` argument is an error. A deposit is not signed.
    """
    if isinstance(tx, DepositTransaction):
        raise InvalidTransaction("a deposit transaction is not signed")
    if isinstance(tx, LegacyTransaction):
        return _legacy_signing_hash(tx, legacy_chain_id(tx.v) if chain_id is None else chain_id)
    if chain_id is not None and chain_id != tx.chain_id:
        raise InvalidTransaction(
            f"chain id {chain_id} does not match the transaction's {tx.chain_id}"
        )
    return keccak256(bytes((tx.TYPE,)) + rlp.encode(_unsigned_fields(tx)))


def sign_transaction(tx: Transaction, private_key: bytes, chain_id: int | None) -> Transaction:
    """Return ``tx`` signed by ``private_key`` (its signature fields are replaced).

    A legacy transaction is signed with EIP-155 for ``chain_id``, or unprotected
    if it is ``None``; a typed transaction must already carry ``chain_id``.
    """
    if isinstance(tx, LegacyTransaction):
        y_parity, r, s = sign(_legacy_signing_hash(tx, chain_id), private_key)
        v = 27 + y_parity if chain_id is None else chain_id * 2 + 35 + y_parity
        return dataclasses.replace(tx, v=v, r=r, s=s)
    y_parity, r, s = sign(signing_hash(tx, chain_id), private_key)
    return dataclasses.replace(tx, y_parity=y_parity, r=r, s=s)


def recover_sender(tx: Transaction) -> Address:
    """The address that signed ``tx`` (a deposit's ``from``); ``InvalidTransaction``
    if there is none."""
    if isinstance(tx, DepositTransaction):
        return tx.sender
    y_parity = _legacy_y_parity(tx.v) if isinstance(tx, LegacyTransaction) else tx.y_parity
    try:
        return recover_address(signing_hash(tx), y_parity, tx.r, tx.s)
    except InvalidSignature as exc:
        raise InvalidSender(f"invalid signature: {exc}") from None


# --- gas ----------------------------------------------------------------------


def intrinsic_gas(tx: Transaction) -> int:
    """Gas charged before execution: base, calldata, creation and access list."""
    zeros = tx.data.count(0)
    cost = G.TX_BASE + G.TX_DATA_ZERO * zeros + G.TX_DATA_NONZERO * (len(tx.data) - zeros)
    if tx.to is None:
        cost += G.TX_CREATE + G.INITCODE_WORD * G.words(len(tx.data))
    for _, keys in getattr(tx, "access_list", ()):
        cost += G.ACCESS_LIST_ADDRESS + G.ACCESS_LIST_STORAGE_KEY * len(keys)
    return cost


def calldata_tokens(data: bytes) -> int:
    zeros = data.count(0)
    return zeros + G.TX_DATA_TOKENS_PER_NONZERO * (len(data) - zeros)


def calldata_floor_gas(tx: Transaction, per_token: int) -> int:
    """The least gas ``tx`` uses where a fork sets a floor of ``per_token`` gas
    per calldata token (Prague: 10); no floor when ``per_token`` is 0."""
    if not per_token:
        return 0
    return G.TX_BASE + per_token * calldata_tokens(tx.data)


def max_fee_per_gas(tx: Transaction) -> int:
    """The most the sender can pay per unit of gas: the gas price or the fee cap
    (nothing for a deposit, whose gas was bought on L1)."""
    if isinstance(tx, DepositTransaction):
        return 0
    if isinstance(tx, (LegacyTransaction, AccessListTransaction)):
        return tx.gas_price
    return tx.max_fee_per_gas


def blob_gas_used(tx: Transaction) -> int:
    if isinstance(tx, BlobTransaction):
        return G.GAS_PER_BLOB * len(tx.blob_versioned_hashes)
    return 0


def transaction_type(tx: Transaction) -> int:
    return type(tx).TYPE
