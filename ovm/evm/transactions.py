"""
Transactions
============

The Ethereum transaction types — legacy, access list (type 1), fee market
(type 2), blob (type 3, from Cancun) and set code (type 4, from Prague,
EIP-7702: a fee-market transaction with a list of signed authorizations,
each letting an account delegate its code; what they do:
``ovm.evm.delegation``) — and the OP Stack's deposit (type 0x7E) as frozen
dataclasses, with strict decoding from the network form
(EIP-2718: a legacy RLP list, or a type byte followed by an RLP list),
encoding, hashing and the gas a transaction pays
for up front. Whether a transaction is valid: ``ovm.evm.validation``.

Each class lists its fields in RLP order, so one pair of generic functions
encodes and decodes every type: a field's codec is chosen by its name
(``FIELD_CODECS``). The last three fields of a signed type are its signature.
A deposit has none: derivation makes it from an L1 event, which vouches for
its sender, so ``ovm.evm.signing.recover_sender`` returns its ``from`` (and
``validate_transaction`` refuses it: it never comes from a user). How a
deposit runs: ``ovm.evm.l2`` (the rules), ``ovm.evm.processor``
(``DepositExecution``).

Decoding is as strict as geth's and the spec's types: a blob or set-code
transaction may not be a creation (its ``to`` must be 20 bytes), and an
authorization's nonce must fit 64 bits and its ``y_parity`` 8 bits.
Which fork accepts which type is the fork's (``Fork.transaction_types``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, ClassVar, NamedTuple

from ovm.evm import gas as G
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.primitives.types import UINT64_MAX, Address, Hash32

UINT8_MAX = 0xFF

# EIP-2681: the largest nonce an account may have. A transaction's nonce must be
# below it, and an account at it cannot create (its nonce would overflow).
MAX_NONCE = UINT64_MAX
MAX_BLOBS_PER_TRANSACTION = G.MAX_BLOB_GAS_PER_BLOCK // G.GAS_PER_BLOB
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
class Authorization:
    """EIP-7702: the signer of this tuple (its *authority*) lets its account run
    ``address``'s code, once its nonce is ``nonce``, on chain ``chain_id`` (0:
    any chain). ``address`` 0 clears a delegation."""

    chain_id: int
    address: Address
    nonce: int
    y_parity: int
    r: int
    s: int


AuthorizationList = tuple[Authorization, ...]


@dataclass(frozen=True, slots=True)
class SetCodeTransaction:
    """EIP-7702: a fee-market call that first applies its authorizations."""

    TYPE: ClassVar[int] = 4

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: Address
    value: int
    data: bytes
    access_list: AccessList
    authorization_list: AuthorizationList
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
    | SetCodeTransaction
    | DepositTransaction
)
TypedTransaction = (
    AccessListTransaction | FeeMarketTransaction | BlobTransaction | SetCodeTransaction | DepositTransaction
)
DynamicFeeTransaction = FeeMarketTransaction | BlobTransaction | SetCodeTransaction
"""The types priced by a fee cap and a priority fee (EIP-1559)."""

TRANSACTION_TYPES: dict[int, type] = {
    cls.TYPE: cls
    for cls in (
        AccessListTransaction, FeeMarketTransaction, BlobTransaction, SetCodeTransaction, DepositTransaction
    )
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


def _decode_bounded_uint(item: rlp.Item, name: str, limit: int) -> int:
    value = _decode_uint(item, name)
    if value > limit:
        raise InvalidTransaction(f"{name}: {value} exceeds {limit.bit_length()} bits")
    return value


def _decode_authorization_list(item: rlp.Item, name: str) -> AuthorizationList:
    entries = _expect_list(item, name)
    return tuple(_decode_authorization(entry, f"{name}[{i}]") for i, entry in enumerate(entries))


def _decode_authorization(item: rlp.Item, name: str) -> Authorization:
    fields = _expect_list(item, name)
    if len(fields) != 6:
        raise InvalidTransaction(
            f"{name}: expected [chain_id, address, nonce, y_parity, r, s], got {len(fields)} items"
        )
    chain_id, address, nonce, y_parity, r, s = fields
    return Authorization(
        chain_id=_decode_uint(chain_id, f"{name}.chain_id"),
        address=_expect_sized(address, f"{name}.address", 20),
        nonce=_decode_bounded_uint(nonce, f"{name}.nonce", UINT64_MAX),
        y_parity=_decode_bounded_uint(y_parity, f"{name}.y_parity", UINT8_MAX),
        r=_decode_uint(r, f"{name}.r"),
        s=_decode_uint(s, f"{name}.s"),
    )


def authorization_fields(auth: Authorization) -> list:
    """An authorization as the RLP list it travels as."""
    int_ = rlp.int_to_be
    return [int_(auth.chain_id), auth.address, int_(auth.nonce), int_(auth.y_parity), int_(auth.r), int_(auth.s)]


def _encode_authorization_list(authorizations: AuthorizationList) -> list:
    return [authorization_fields(auth) for auth in authorizations]


UINT = FieldCodec(_decode_uint, rlp.int_to_be)
BYTES = FieldCodec(_expect_bytes, bytes)
DESTINATION = FieldCodec(_decode_destination, _encode_destination)
ACCESS_LIST = FieldCodec(_decode_access_list, _encode_access_list)
HASHES = FieldCodec(_decode_hashes, list)
ADDRESS = FieldCodec(_decode_address, bytes)
HASH = FieldCodec(_decode_hash, bytes)
BOOL = FieldCodec(_decode_bool, _encode_bool)
AUTHORIZATION_LIST = FieldCodec(_decode_authorization_list, _encode_authorization_list)

FIELD_CODECS: dict[str, FieldCodec] = {
    "to": DESTINATION,
    "data": BYTES,
    "access_list": ACCESS_LIST,
    "blob_versioned_hashes": HASHES,
    "authorization_list": AUTHORIZATION_LIST,
    "source_hash": HASH,
    "sender": ADDRESS,
    "is_system_tx": BOOL,
}
"""Codecs by field name; every field not named here is an unsigned integer."""

TYPE_FIELD_CODECS: dict[type, dict[str, FieldCodec]] = {
    SetCodeTransaction: {"to": ADDRESS},
}
"""Where a type reads a field more strictly: a set-code transaction's ``to`` is
an address, never empty (geth's and the spec's type has no creation). The blob
transaction's empty ``to`` is refused by validation instead, with its own words."""


@cache
def _schema(cls: type) -> tuple[tuple[str, FieldCodec], ...]:
    """The (name, codec) pairs of a transaction class, in RLP order."""
    codecs = {**FIELD_CODECS, **TYPE_FIELD_CODECS.get(cls, {})}
    return tuple((f.name, codecs.get(f.name, UINT)) for f in dataclasses.fields(cls))


# --- decoding and encoding --------------------------------------------------


def _from_fields(cls: type, items: rlp.Item) -> Transaction:
    schema = _schema(cls)
    fields = _expect_list(items, cls.__name__)
    if len(fields) != len(schema):
        raise InvalidTransaction(
            f"{cls.__name__}: expected {len(schema)} fields, got {len(fields)}"
        )
    return cls(*(codec.decode(item, name) for (name, codec), item in zip(schema, fields)))


def transaction_fields(tx: Transaction) -> list:
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
        return transaction_fields(tx)
    return encode_transaction(tx)


def encode_transaction(tx: Transaction) -> bytes:
    """The network form: the legacy RLP list, or type byte ‖ RLP payload."""
    payload = rlp.encode(transaction_fields(tx))
    if isinstance(tx, LegacyTransaction):
        return payload
    return bytes((tx.TYPE,)) + payload


def transaction_hash(tx: Transaction) -> Hash32:
    return keccak256(encode_transaction(tx))


# --- fields the rules read ----------------------------------------------------


def authorizations(tx: Transaction) -> AuthorizationList:
    """A set-code transaction's authorizations; none for the other types."""
    return getattr(tx, "authorization_list", ())


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
