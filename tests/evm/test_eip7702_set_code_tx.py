"""
EIP-7702: the set-code transaction itself
=========================================

Type 4: its network form (encode, decode, sign, hash), the strictness of its
decoding (a ``to`` is required; an authorization's nonce fits 64 bits and its
``y_parity`` 8), every validity rule (a non-empty authorization list, no
creation, chain id, signature values, nonce limit, fee caps, intrinsic gas of
25,000 per authorization), which fork takes it, and the sender rule of
EIP-3607 that a delegation designator does not break.
"""

from __future__ import annotations

import dataclasses

import pytest
from delegation_support import (
    AUTHORITY,
    DELEGATE,
    PRICE,
    authorize,
    delegate_account,
    fee_market_tx,
    send,
    set_code_tx,
)
from support import CONTRACT, SENDER, SENDER_KEY, asm, make_env, make_state

from ovm.evm import gas as G
from ovm.evm.delegation import authorization_hash, recover_authority
from ovm.evm.forks import CANCUN, PRAGUE
from ovm.evm.intrinsic import intrinsic_gas
from ovm.evm.signing import recover_sender, sign_transaction, signing_hash
from ovm.evm.transactions import (
    Authorization,
    InvalidTransaction,
    SetCodeTransaction,
    decode_transaction,
    decode_transaction_item,
    encode_transaction,
    transaction_hash,
    transaction_item,
)
from ovm.evm.validation import check_call, check_for_pool, validate_transaction
from ovm.primitives import rlp
from ovm.primitives.crypto import SECP256K1_HALF_N, SECP256K1_N, keccak256

STOP = asm("STOP")
ENGINES = ("interpreter", "transpiler")


def signed(**changes) -> SetCodeTransaction:
    """A signed type-4 transaction with one authorization, changed as asked and signed again."""
    tx = set_code_tx([authorize(DELEGATE)], data=b"\x00\x01", access_list=((CONTRACT, (bytes(32),)),))
    changed = dataclasses.replace(tx, **changes)
    return sign_transaction(changed, SENDER_KEY, changed.chain_id)


# --- the network form ---------------------------------------------------------------


def test_round_trip() -> None:
    tx = signed()
    raw = encode_transaction(tx)
    assert raw[0] == 4
    assert decode_transaction(raw) == tx
    assert decode_transaction_item(transaction_item(tx)) == tx
    assert transaction_hash(tx) == keccak256(raw)
    assert recover_sender(tx) == SENDER


def test_payload_is_the_fields_in_order() -> None:
    tx = signed()
    fields = rlp.decode(encode_transaction(tx)[1:])
    assert len(fields) == 13
    assert fields[5] == CONTRACT and fields[7] == b"\x00\x01"
    auth = tx.authorization_list[0]
    assert fields[9] == [[b"\x01", DELEGATE, b"", rlp.int_to_be(auth.y_parity), rlp.int_to_be(auth.r),
                          rlp.int_to_be(auth.s)]]  # fmt: skip


def test_signature_covers_the_authorizations() -> None:
    tx = signed()
    other = dataclasses.replace(tx, authorization_list=(authorize(DELEGATE, nonce=1),))
    assert signing_hash(tx) != signing_hash(other)
    assert recover_sender(other) != SENDER


def test_authorization_signs_magic_and_its_three_fields() -> None:
    auth = authorize(DELEGATE, nonce=7, chain_id=901)
    message = b"\x05" + rlp.encode([rlp.int_to_be(901), DELEGATE, rlp.int_to_be(7)])
    assert authorization_hash(901, DELEGATE, 7) == keccak256(message)
    assert recover_authority(auth) == AUTHORITY
    assert recover_authority(dataclasses.replace(auth, nonce=8)) != AUTHORITY


def _raw_with(index: int, item) -> bytes:
    fields = rlp.decode(encode_transaction(signed())[1:])
    fields[index] = item
    return b"\x04" + rlp.encode(fields)


def _raw_with_authorization_field(index: int, item) -> bytes:
    fields = rlp.decode(encode_transaction(signed())[1:])
    fields[9][0][index] = item
    return b"\x04" + rlp.encode(fields)


@pytest.mark.parametrize(
    "raw, message",
    [
        (_raw_with(5, b""), "to: expected 20 bytes, got 0"),
        (_raw_with(9, b""), "authorization_list: expected a list"),
        (_raw_with(9, [[b"\x01", DELEGATE, b"", b"", b"\x01"]]),
         r"expected \[chain_id, address, nonce, y_parity, r, s\], got 5"),
        (_raw_with_authorization_field(1, b"\x01" * 19), "address: expected 20 bytes, got 19"),
        (_raw_with_authorization_field(2, (1 << 64).to_bytes(9, "big")), "nonce: 18446744073709551616 exceeds 64 bits"),
        (_raw_with_authorization_field(3, b"\x01\x00"), "y_parity: 256 exceeds 8 bits"),
        (_raw_with_authorization_field(4, b"\x01" * 33), "r: integer exceeds 256 bits"),
        (_raw_with_authorization_field(0, b"\x00\x01"), "chain_id"),
        (_raw_with_authorization_field(2, b"\x00\x01"), "nonce"),
        (_raw_with_authorization_field(2, [b""]), "nonce: expected a byte string, got a list"),
        (_raw_with(9, [[b"\x01", DELEGATE, b"", b"", b"\x01", b"\x01", b""]]), "got 7 items"),
        (b"\x04" + rlp.encode([b""] * 12), "expected 13 fields, got 12"),
    ],
    ids=["creation", "list not a list", "five items", "short address", "nonce 2^64", "y_parity 256",
         "r 33 bytes", "non-canonical chain id", "non-canonical nonce", "nonce as a list", "seven items",
         "twelve fields"],
)
def test_decoding_is_strict(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidTransaction, match=message):
        decode_transaction(raw)


def test_largest_values_still_decode() -> None:
    fields = rlp.decode(encode_transaction(signed())[1:])
    fields[9][0][0] = b"\xff" * 32  # chain id: any 256-bit number
    fields[9][0][2] = b"\xff" * 8  # nonce 2^64 - 1: decodes, then is skipped when applied
    fields[9][0][3] = b"\xff"  # y_parity 255: decodes, then is skipped when applied
    auth = decode_transaction(b"\x04" + rlp.encode(fields)).authorization_list[0]
    assert (auth.chain_id, auth.nonce, auth.y_parity) == ((1 << 256) - 1, (1 << 64) - 1, 255)


# --- validity ------------------------------------------------------------------------


def test_intrinsic_gas_is_25000_per_authorization() -> None:
    two = set_code_tx([authorize(DELEGATE), authorize(DELEGATE, nonce=1)])
    assert intrinsic_gas(two) == 21000 + 2 * 25000
    tx = signed()  # data 00 01 and one access-list slot on top
    assert intrinsic_gas(tx) == 21000 + 4 + 16 + 2400 + 1900 + 25000
    assert G.PER_EMPTY_ACCOUNT_COST == 25000 and G.PER_AUTH_BASE_COST == 12500


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"authorization_list": ()}, "set code transaction has an empty authorization list"),
        ({"chain_id": 2}, "wrong chain id 2, expected 1"),
        ({"nonce": (1 << 64) - 1}, "nonce 18446744073709551615 exceeds 18446744073709551614"),
        ({"gas": 21000 + 20 + 4300 + 24999}, "intrinsic gas too low: gas limit 50319 < 50320"),
        ({"max_priority_fee_per_gas": 11}, "max priority fee per gas exceeds max fee per gas"),
    ],
)
def test_validity_rules(changes: dict, message: str) -> None:
    with pytest.raises(InvalidTransaction, match=message):
        validate_transaction(signed(**changes), 1)


def test_no_creation() -> None:
    """A creation cannot even be encoded (``to`` is an address); one made in
    memory, as a call with an authorization list and no ``to`` is, is refused."""
    with pytest.raises(InvalidTransaction, match="set code transaction cannot create a contract"):
        validate_transaction(dataclasses.replace(signed(), to=None), 1)


@pytest.mark.parametrize(
    "signature, message",
    [
        ({"y_parity": 2}, "y_parity must be 0 or 1"),
        ({"r": 0}, "signature r out of range"),
        ({"r": SECP256K1_N}, "signature r out of range"),
        ({"s": 0}, "signature s out of range"),
        ({"s": SECP256K1_HALF_N + 1}, "signature s out of range"),
    ],
)
def test_transaction_signature_bounds(signature: dict, message: str) -> None:
    with pytest.raises(InvalidTransaction, match=message):
        validate_transaction(dataclasses.replace(signed(), **signature), 1)


def test_pool_and_call_words_for_an_empty_list() -> None:
    tx = signed(authorization_list=())
    with pytest.raises(InvalidTransaction, match="^set code tx must have at least one authorization tuple$"):
        check_for_pool(tx, 1, 30_000_000)
    empty = f"^EIP-7702 transaction with empty auth list \\(sender 0x{SENDER.hex()}\\)$"
    with pytest.raises(InvalidTransaction, match=empty):
        check_call(make_state(), make_env(), tx, SENDER)
    creation = dataclasses.replace(signed(), to=None)
    with pytest.raises(InvalidTransaction, match="^EIP-7702 transaction cannot be used to create contract"):
        check_call(make_state(), make_env(), creation, SENDER)


def test_cancun_refuses_type_4_and_prague_takes_it() -> None:
    state = make_state({CONTRACT: STOP})
    with pytest.raises(InvalidTransaction, match="transaction type 4 not supported"):
        send(state, set_code_tx([authorize(DELEGATE)]), fork=CANCUN)
    assert state.get_nonce(SENDER) == 0
    assert 4 in PRAGUE.transaction_types and 4 not in CANCUN.transaction_types
    assert send(state, set_code_tx([authorize(DELEGATE)])).success


@pytest.mark.parametrize("engine", ENGINES)
def test_invalid_authorizations_leave_the_transaction_valid(engine: str) -> None:
    bad = Authorization(chain_id=1, address=DELEGATE, nonce=0, y_parity=1, r=1, s=SECP256K1_N - 1)
    state = make_state({CONTRACT: STOP})
    result = send(state, set_code_tx([bad]), engine)
    assert result.success and result.gas_used == 46000
    assert state.get_nonce(SENDER) == 1


# --- EIP-3607 and the delegated sender ------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_delegated_sender_may_send(engine: str) -> None:
    state = make_state({CONTRACT: STOP})
    delegate_account(state, SENDER, DELEGATE, balance=10**20, nonce=0)
    result = send(state, fee_market_tx(), engine)
    assert result.success and result.gas_used == 21000
    assert state.get_balance(SENDER) == 10**20 - 21000 * PRICE


def test_a_delegated_sender_may_not_send_before_prague() -> None:
    state = make_state({CONTRACT: STOP})
    delegate_account(state, SENDER, DELEGATE, balance=10**20, nonce=0)
    with pytest.raises(InvalidTransaction, match="sender not an eoa"):
        send(state, fee_market_tx(), fork=CANCUN)


@pytest.mark.parametrize("code", [STOP, b"\xef\x01\x00" + DELEGATE + b"\x00", b"\xef\x01\x01" + DELEGATE])
def test_a_sender_with_other_code_may_not_send(code: bytes) -> None:
    state = make_state({CONTRACT: STOP})
    state.load_account(SENDER, 0, 10**20, code, {})
    with pytest.raises(InvalidTransaction, match="sender not an eoa"):
        send(state, fee_market_tx())

