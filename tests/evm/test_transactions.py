"""
Transactions
============

Round trips (sign, encode, decode, recover) for every transaction type, the
EIP-155 example, intrinsic gas, and one case per decoding and validation error.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.evm import gas as G
from ovm.evm.intrinsic import intrinsic_gas
from ovm.evm.signing import recover_sender, sign_transaction, signing_hash
from ovm.evm.transactions import (
    AccessListTransaction,
    BlobTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    LegacyTransaction,
    decode_transaction,
    decode_transaction_item,
    encode_transaction,
    transaction_hash,
    transaction_item,
)
from ovm.evm.validation import validate_transaction
from ovm.primitives import rlp
from ovm.primitives.crypto import SECP256K1_N, keccak256, private_key_to_address

CHAIN_ID = 901
KEY = bytes.fromhex("46" * 32)
SENDER = private_key_to_address(KEY)
TO = bytes.fromhex("35" * 20)
SLOT = bytes(31) + b"\x01"
BLOB_HASH = b"\x01" + bytes(31)
ACCESS_LIST = ((TO, (SLOT, bytes(32))), (bytes(20), ()))

LEGACY = LegacyTransaction(
    nonce=7, gas_price=10**9, gas=100_000, to=TO, value=1, data=b"\x00\x01", v=0, r=0, s=0
)
ACCESS_LIST_TX = AccessListTransaction(
    chain_id=CHAIN_ID, nonce=1, gas_price=10**9, gas=100_000, to=TO, value=0,
    data=b"", access_list=ACCESS_LIST, y_parity=0, r=0, s=0,
)  # fmt: skip
FEE_MARKET = FeeMarketTransaction(
    chain_id=CHAIN_ID, nonce=2, max_priority_fee_per_gas=10**8, max_fee_per_gas=10**9,
    gas=100_000, to=None, value=5, data=b"\x60\x00", access_list=(), y_parity=0, r=0, s=0,
)  # fmt: skip
BLOB = BlobTransaction(
    chain_id=CHAIN_ID, nonce=3, max_priority_fee_per_gas=1, max_fee_per_gas=10**9,
    gas=100_000, to=TO, value=0, data=b"\xff", access_list=ACCESS_LIST,
    max_fee_per_blob_gas=10**6, blob_versioned_hashes=(BLOB_HASH,), y_parity=0, r=0, s=0,
)  # fmt: skip
UNSIGNED = [
    pytest.param(LEGACY, id="legacy"),
    pytest.param(ACCESS_LIST_TX, id="access-list"),
    pytest.param(FEE_MARKET, id="fee-market"),
    pytest.param(BLOB, id="blob"),
]


def signed(tx, **changes):
    """``tx`` with ``changes`` applied, then signed (a legacy one for ``CHAIN_ID``)."""
    tx = dataclasses.replace(tx, **changes)
    return sign_transaction(tx, KEY, getattr(tx, "chain_id", CHAIN_ID))


# --- round trips ----------------------------------------------------------------


@pytest.mark.parametrize("tx", UNSIGNED)
def test_round_trip(tx):
    tx = sign_transaction(tx, KEY, CHAIN_ID)
    raw = encode_transaction(tx)
    decoded = decode_transaction(raw)
    assert decoded == tx
    assert recover_sender(decoded) == SENDER
    assert validate_transaction(decoded, chain_id=CHAIN_ID) == SENDER
    assert transaction_hash(decoded) == keccak256(raw)


@pytest.mark.parametrize("tx", UNSIGNED)
def test_block_body_item_round_trip(tx):
    tx = sign_transaction(tx, KEY, CHAIN_ID)
    item = rlp.decode(rlp.encode([transaction_item(tx)]))[0]
    assert decode_transaction_item(item) == tx


def test_typed_envelope_starts_with_type_byte():
    assert encode_transaction(signed(BLOB))[0] == 0x03


def test_unprotected_legacy_round_trip():
    tx = sign_transaction(LEGACY, KEY, None)
    assert tx.v in (27, 28)
    decoded = decode_transaction(encode_transaction(tx))
    assert validate_transaction(decoded, chain_id=CHAIN_ID) == SENDER


def test_eip155_example():
    """The worked example in EIP-155."""
    tx = LegacyTransaction(
        nonce=9, gas_price=20 * 10**9, gas=21000, to=TO, value=10**18, data=b"", v=0, r=0, s=0
    )
    assert signing_hash(tx, chain_id=1) == bytes.fromhex(
        "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
    )
    assert encode_transaction(sign_transaction(tx, KEY, 1)) == bytes.fromhex(
        "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
        "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f"
        "761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    )


def test_typed_signing_rejects_other_chain():
    with pytest.raises(InvalidTransaction, match="does not match"):
        sign_transaction(FEE_MARKET, KEY, CHAIN_ID + 1)


def test_validate_without_chain_id_accepts_any_chain():
    assert validate_transaction(signed(FEE_MARKET, chain_id=5)) == SENDER


# --- intrinsic gas ------------------------------------------------------------


@pytest.mark.parametrize(
    "tx, expected",
    [
        pytest.param(LEGACY, G.TX_BASE + G.TX_DATA_ZERO + G.TX_DATA_NONZERO, id="call-data"),
        pytest.param(
            dataclasses.replace(LEGACY, to=None, data=b"\x01" * 33),
            G.TX_BASE + G.TX_CREATE + 33 * G.TX_DATA_NONZERO + 2 * G.INITCODE_WORD,
            id="creation",
        ),
        pytest.param(
            ACCESS_LIST_TX,
            G.TX_BASE + 2 * G.ACCESS_LIST_ADDRESS + 2 * G.ACCESS_LIST_STORAGE_KEY,
            id="access-list",
        ),
    ],
)
def test_intrinsic_gas(tx, expected):
    assert intrinsic_gas(tx) == expected


# --- decoding errors ----------------------------------------------------------


def _fields(tx) -> list:
    raw = encode_transaction(tx)
    return rlp.decode(raw if isinstance(tx, LegacyTransaction) else raw[1:])


def _reencode(tx, index: int, item) -> bytes:
    """The network form of ``tx`` with RLP field ``index`` replaced by ``item``."""
    fields = _fields(tx)
    fields[index] = item
    payload = rlp.encode(fields)
    return payload if isinstance(tx, LegacyTransaction) else bytes((tx.TYPE,)) + payload


LEGACY_SIGNED = signed(LEGACY)
BLOB_SIGNED = signed(BLOB)
LEGACY_FIELDS = _fields(LEGACY_SIGNED)

DECODE_ERRORS = {
    "empty": (b"", "empty transaction"),
    "unknown-type": (b"\x05" + rlp.encode([]), "unsupported transaction type 0x05"),
    "legacy-as-string": (rlp.encode(b"\x01" * 60), "must be an RLP list"),
    "typed-payload-string": (b"\x02" + rlp.encode(b"abc"), "expected a list"),
    "too-few-fields": (rlp.encode(LEGACY_FIELDS[:8]), "expected 9 fields, got 8"),
    "too-many-fields": (rlp.encode(LEGACY_FIELDS + [b""]), "expected 9 fields, got 10"),
    "list-for-integer": (_reencode(LEGACY_SIGNED, 0, []), "nonce: expected a byte string"),
    "leading-zero": (
        _reencode(LEGACY_SIGNED, 1, b"\x00\x01"),
        "gas_price: integer has leading zero",
    ),
    "uint-over-256-bits": (
        _reencode(LEGACY_SIGNED, 4, b"\x01" * 33),
        "value: integer exceeds 256 bits",
    ),
    "short-to": (_reencode(LEGACY_SIGNED, 3, TO[1:]), "to: expected 20 bytes, got 19"),
    "list-for-to": (_reencode(LEGACY_SIGNED, 3, [TO]), "to: expected a byte string"),
    "short-storage-key": (
        _reencode(BLOB_SIGNED, 8, [[TO, [SLOT[1:]]]]),
        r"access_list\[0\]\.storage_keys\[0\]: expected 32 bytes, got 31",
    ),
    "long-access-address": (
        _reencode(BLOB_SIGNED, 8, [[TO + b"\x00", []]]),
        r"access_list\[0\]\.address: expected 20 bytes, got 21",
    ),
    "three-item-access-entry": (
        _reencode(BLOB_SIGNED, 8, [[TO, [], []]]),
        r"expected \[address, storage_keys\], got 3 items",
    ),
    "long-blob-hash": (
        _reencode(BLOB_SIGNED, 10, [BLOB_HASH + b"\x00"]),
        r"blob_versioned_hashes\[0\]: expected 32 bytes, got 33",
    ),
    "trailing-byte-legacy": (encode_transaction(LEGACY_SIGNED) + b"\x00", "trailing bytes"),
    "trailing-byte-typed": (encode_transaction(BLOB_SIGNED) + b"\x00", "trailing bytes"),
}


@pytest.mark.parametrize("raw, message", DECODE_ERRORS.values(), ids=DECODE_ERRORS.keys())
def test_decode_error(raw: bytes, message: str):
    with pytest.raises(InvalidTransaction, match=message):
        decode_transaction(raw)


def test_invalid_transaction_is_value_error():
    assert issubclass(InvalidTransaction, ValueError)


# --- validation errors --------------------------------------------------------


NOT_ON_CURVE_R = 5  # 5**3 + 7 is not a square mod p, so no point has x = 5.
LEGACY_HIGH_S = SECP256K1_N - LEGACY_SIGNED.s  # the other valid s, in the upper half
OTHER_VERSION_HASH = b"\x02" + bytes(31)

VALIDATION_ERRORS = {
    "typed-wrong-chain": (signed(FEE_MARKET, chain_id=5), "wrong chain id 5"),
    "legacy-wrong-chain": (
        sign_transaction(LEGACY, KEY, 5),
        f"wrong chain id 5, expected {CHAIN_ID}",
    ),
    "legacy-v-29": (dataclasses.replace(LEGACY_SIGNED, v=29), "invalid legacy v value 29"),
    "y-parity-2": (dataclasses.replace(signed(FEE_MARKET), y_parity=2), "y_parity must be 0 or 1"),
    "r-zero": (dataclasses.replace(LEGACY_SIGNED, r=0), "r out of range"),
    "r-n": (dataclasses.replace(LEGACY_SIGNED, r=SECP256K1_N), "r out of range"),
    "s-zero": (dataclasses.replace(LEGACY_SIGNED, s=0), "s out of range"),
    "s-upper-half": (dataclasses.replace(LEGACY_SIGNED, s=LEGACY_HIGH_S), "lower half"),
    "no-recovery": (dataclasses.replace(LEGACY_SIGNED, r=NOT_ON_CURVE_R), "invalid signature"),
    "nonce-max": (signed(LEGACY, nonce=2**64 - 1), "nonce 18446744073709551615 exceeds"),
    "gas-over-64-bits": (signed(LEGACY, gas=2**64), "gas limit exceeds 64 bits"),
    "gas-times-price": (signed(LEGACY, gas_price=2**255), "fee per gas exceeds 256 bits"),
    "priority-above-cap": (
        signed(FEE_MARKET, max_priority_fee_per_gas=10**9 + 1),
        "max priority fee per gas exceeds max fee per gas",
    ),
    "intrinsic-gas": (signed(LEGACY, gas=21000), "intrinsic gas too low"),
    "initcode-size": (
        signed(FEE_MARKET, data=bytes(G.MAX_INITCODE_SIZE + 1), gas=10**7),
        "initcode size 49153 exceeds 49152",
    ),
    "blob-creation": (signed(BLOB, to=None), "cannot create a contract"),
    "blob-none": (signed(BLOB, blob_versioned_hashes=()), "no blob hashes"),
    "blob-count": (signed(BLOB, blob_versioned_hashes=(BLOB_HASH,) * 7), "too many blobs: 7 > 6"),
    "blob-version": (
        signed(BLOB, blob_versioned_hashes=(OTHER_VERSION_HASH,)),
        "has version 0x02, expected 0x01",
    ),
}


@pytest.mark.parametrize("tx, message", VALIDATION_ERRORS.values(), ids=VALIDATION_ERRORS.keys())
def test_validate_error(tx, message: str):
    with pytest.raises(InvalidTransaction, match=message):
        validate_transaction(tx, chain_id=CHAIN_ID)
