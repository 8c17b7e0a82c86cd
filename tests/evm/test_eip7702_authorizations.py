"""
EIP-7702: applying authorizations
=================================

Each authorization of a set-code transaction, in order, after the sender's
nonce is bumped: what a valid one does (designator set, or cleared for
address 0; the authority's nonce bumped and its address warmed), every reason
one is skipped (and whether its authority is warmed all the same), the refund
of 12,500 for an authority that already exists (capped with the rest of the
refund at a fifth of the gas used, kept when the call fails), several
authorizations for one authority, the sender authorizing itself, and the
target delegated by the very transaction that calls it. Exact gas, on both
engines; the gas price is 8 (``delegation_support.PRICE``).
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
    send,
    set_code_tx,
)
from ovm.evm.delegation import designator, recover_authority
from ovm.evm.transactions import Authorization
from ovm.primitives.crypto import EMPTY_KECCAK, SECP256K1_HALF_N, SECP256K1_N, InvalidSignature, recover_address
from support import CONTRACT, SENDER, SENDER_KEY, asm, make_state

ENGINES = ("interpreter", "transpiler")
OTHER_DELEGATE = bytes.fromhex("de1e6a7e00000000000000000000000000000002")
STOP = asm("STOP")
WRITE_SLOT_0 = asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")  # 3 + 3 + 22100 (cold slot, 0 -> 1)
READ_AUTHORITY_BALANCE = asm(f"PUSH20 0x{AUTHORITY.hex()}", "BALANCE", "POP", "STOP")  # 105 warm, 2605 cold
ONE_AUTHORIZATION = 21000 + 25000


def run(engine: str, authorizations, code: bytes = STOP, state=None, **tx):
    state = state if state is not None else make_state()
    state.load_account(CONTRACT, 1, 0, code, {})
    result = send(state, set_code_tx(authorizations, **tx), engine)
    return state, result


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


# --- a valid authorization ---------------------------------------------------------------


def test_sets_the_designator_and_bumps_the_nonce(engine: str) -> None:
    state, result = run(engine, [authorize(DELEGATE)])
    assert result.success and result.gas_used == ONE_AUTHORIZATION and result.refund == 0
    assert state.get_code(AUTHORITY) == b"\xef\x01\x00" + DELEGATE == designator(DELEGATE)
    assert state.get_nonce(AUTHORITY) == 1
    assert state.get_nonce(SENDER) == 1
    assert state.get_balance(SENDER) == 10**20 - ONE_AUTHORIZATION * PRICE


def test_chain_id_zero_is_valid_on_any_chain(engine: str) -> None:
    state, result = run(engine, [authorize(DELEGATE, chain_id=0)])
    assert result.success and state.get_code(AUTHORITY) == designator(DELEGATE)


def test_warms_the_authority(engine: str) -> None:
    _, result = run(engine, [authorize(DELEGATE)], READ_AUTHORITY_BALANCE)
    assert result.gas_used == ONE_AUTHORIZATION + 105


def test_address_zero_clears_a_delegation(engine: str) -> None:
    state = make_state()
    delegate_account(state, AUTHORITY, DELEGATE, nonce=1)
    state, result = run(engine, [authorize(bytes(20), nonce=1)], state=state)
    assert state.get_code(AUTHORITY) == b"" and state.get_account(AUTHORITY).code_hash == EMPTY_KECCAK
    assert state.get_nonce(AUTHORITY) == 2
    assert result.gas_used == ONE_AUTHORIZATION - ONE_AUTHORIZATION // 5  # refund capped at 9200


def test_a_delegated_authority_may_delegate_again(engine: str) -> None:
    state = make_state()
    delegate_account(state, AUTHORITY, DELEGATE, nonce=1)
    state, _ = run(engine, [authorize(OTHER_DELEGATE, nonce=1)], state=state)
    assert state.get_code(AUTHORITY) == designator(OTHER_DELEGATE) and state.get_nonce(AUTHORITY) == 2


# --- skipped authorizations ----------------------------------------------------------------


def _unrecoverable() -> Authorization:
    """Signature values in range from which no public key recovers (no curve point has x = r)."""
    auth = authorize(DELEGATE)
    for r in range(1, 100):
        try:
            recover_address(bytes(32), 0, r, 1)
        except InvalidSignature:
            return dataclasses.replace(auth, y_parity=0, r=r, s=1)
    raise AssertionError("every small r recovers")


def _malleated() -> Authorization:
    """The same signature with s in the upper half (EIP-2 forbids it)."""
    auth = authorize(DELEGATE)
    return dataclasses.replace(auth, s=SECP256K1_N - auth.s, y_parity=1 - auth.y_parity)


SKIPPED_BEFORE_RECOVERY = {
    "other chain": authorize(DELEGATE, chain_id=2),
    "nonce 2^64-1": authorize(DELEGATE, nonce=(1 << 64) - 1),
    "y_parity 2": dataclasses.replace(authorize(DELEGATE), y_parity=2),
    "y_parity 255": dataclasses.replace(authorize(DELEGATE), y_parity=255),
    "r 0": dataclasses.replace(authorize(DELEGATE), r=0),
    "r n": dataclasses.replace(authorize(DELEGATE), r=SECP256K1_N),
    "s 0": dataclasses.replace(authorize(DELEGATE), s=0),
    "s above n/2": _malleated(),
    "no public key": _unrecoverable(),
}


@pytest.mark.parametrize("auth", SKIPPED_BEFORE_RECOVERY.values(), ids=SKIPPED_BEFORE_RECOVERY.keys())
def test_skipped_before_the_authority_is_known(auth: Authorization, engine: str) -> None:
    """Nothing changes and the authority stays cold: BALANCE pays 2600."""
    state, result = run(engine, [auth], READ_AUTHORITY_BALANCE)
    assert result.success and result.gas_used == ONE_AUTHORIZATION + 2605
    assert state.get_code(AUTHORITY) == b"" and state.get_nonce(AUTHORITY) == 0
    assert not state.account_exists(AUTHORITY)


def test_the_upper_half_signature_is_the_authority_s_own() -> None:
    """Skipped for EIP-2 alone: without the rule it would recover the authority."""
    from ovm.evm.delegation import authorization_hash

    auth = _malleated()
    assert auth.s > SECP256K1_HALF_N and recover_authority(auth) is None
    message = authorization_hash(auth.chain_id, auth.address, auth.nonce)
    assert recover_address(message, auth.y_parity, auth.r, auth.s) == AUTHORITY


@pytest.mark.parametrize("nonce", [1, 5])
def test_skipped_for_a_nonce_that_is_not_the_authority_s(nonce: int, engine: str) -> None:
    """Skipped after recovery: the authority is warm (BALANCE pays 100)."""
    state, result = run(engine, [authorize(DELEGATE, nonce=nonce)], READ_AUTHORITY_BALANCE)
    assert result.success and result.gas_used == ONE_AUTHORIZATION + 105
    assert state.get_code(AUTHORITY) == b"" and state.get_nonce(AUTHORITY) == 0


def test_skipped_for_a_nonce_below_the_authority_s(engine: str) -> None:
    state = make_state()
    state.load_account(AUTHORITY, 3, 0, b"", {})
    state, result = run(engine, [authorize(DELEGATE, nonce=2)], READ_AUTHORITY_BALANCE, state=state)
    assert result.gas_used == ONE_AUTHORIZATION + 105 and state.get_nonce(AUTHORITY) == 3
    assert state.get_code(AUTHORITY) == b""


@pytest.mark.parametrize("code", [STOP, b"\xef\x01\x00" + DELEGATE + b"\x00"], ids=["contract", "24-byte 0xef0100"])
def test_skipped_for_an_authority_with_code(code: bytes, engine: str) -> None:
    """Code other than a designator: skipped, no refund though the account exists, warm."""
    state = make_state()
    state.load_account(AUTHORITY, 0, 0, code, {})
    state, result = run(engine, [authorize(DELEGATE)], READ_AUTHORITY_BALANCE, state=state)
    assert result.gas_used == ONE_AUTHORIZATION + 105 and result.refund == 0
    assert state.get_code(AUTHORITY) == code and state.get_nonce(AUTHORITY) == 0


# --- the refund ---------------------------------------------------------------------------------


def test_no_refund_for_a_new_authority(engine: str) -> None:
    """46000 + 22106 used; nothing to refund."""
    _, result = run(engine, [authorize(DELEGATE)], WRITE_SLOT_0)
    assert result.refund == 0 and result.gas_used == ONE_AUTHORIZATION + 22106


def test_refund_for_an_existing_authority(engine: str) -> None:
    """The authority exists (it holds 1 wei): 12500 back of 68106 (a fifth is 13621)."""
    state = make_state()
    state.load_account(AUTHORITY, 0, 1, b"", {})
    state, result = run(engine, [authorize(DELEGATE)], WRITE_SLOT_0, state=state)
    assert result.refund == 12500 and result.gas_used == ONE_AUTHORIZATION + 22106 - 12500
    assert state.get_balance(SENDER) == 10**20 - (ONE_AUTHORIZATION + 22106 - 12500) * PRICE


def test_refund_is_capped_at_a_fifth_of_the_gas_used(engine: str) -> None:
    state = make_state()
    state.load_account(AUTHORITY, 0, 1, b"", {})
    _, result = run(engine, [authorize(DELEGATE)], state=state)
    assert result.refund == 9200 and result.gas_used == 36800


def test_refund_survives_a_revert(engine: str) -> None:
    """The call reverts (its storage write undone), the delegation and its refund stay:
    46000 + 22112 used before the refund, 12500 back."""
    code = asm("PUSH1 1", "PUSH1 0", "SSTORE", "PUSH1 0", "PUSH1 0", "REVERT")
    state = make_state()
    state.load_account(AUTHORITY, 0, 1, b"", {})
    state, result = run(engine, [authorize(DELEGATE)], code, state=state)
    assert not result.success and result.refund == 12500
    assert result.gas_used == ONE_AUTHORIZATION + 22112 - 12500
    assert state.get_storage(CONTRACT, 0) == 0
    assert state.get_code(AUTHORITY) == designator(DELEGATE) and state.get_nonce(AUTHORITY) == 1


def test_refund_survives_an_exceptional_halt(engine: str) -> None:
    """All 100000 gas burnt by INVALID; the refund is 12500 of it (a fifth is 20000)."""
    state = make_state()
    state.load_account(AUTHORITY, 0, 1, b"", {})
    state, result = run(engine, [authorize(DELEGATE)], asm("INVALID"), state=state, gas=100_000)
    assert not result.success and result.refund == 12500 and result.gas_used == 87500
    assert state.get_code(AUTHORITY) == designator(DELEGATE)


def test_a_failed_call_keeps_no_refund_of_its_own(engine: str) -> None:
    """Clearing a slot (4800 refund, 5006 gas) and setting another (22106), then
    reverting: 46000 + 27118 used, a fifth is 14623, and only the
    authorization's 12500 comes back."""
    code = asm("PUSH1 0", "PUSH1 0", "SSTORE", "PUSH1 1", "PUSH1 1", "SSTORE", "PUSH1 0", "PUSH1 0", "REVERT")
    state = make_state()
    state.load_account(AUTHORITY, 0, 1, b"", {})
    state.load_account(CONTRACT, 1, 0, code, {0: 1})
    result = send(state, set_code_tx([authorize(DELEGATE)], gas=200_000), engine)
    assert not result.success and result.refund == 12500
    assert result.gas_used == ONE_AUTHORIZATION + 27118 - 12500


# --- several authorizations ----------------------------------------------------------------------------


def test_one_authority_twice_in_nonce_order(engine: str) -> None:
    """The first creates the account (no refund), the second finds it (12500 back of 71000)."""
    state, result = run(engine, [authorize(DELEGATE, 0), authorize(OTHER_DELEGATE, 1)])
    assert state.get_code(AUTHORITY) == designator(OTHER_DELEGATE) and state.get_nonce(AUTHORITY) == 2
    assert result.refund == 12500 and result.gas_used == 21000 + 50000 - 12500


def test_one_authority_twice_with_one_nonce(engine: str) -> None:
    """The second finds the nonce already bumped and is skipped."""
    state, result = run(engine, [authorize(DELEGATE, 0), authorize(OTHER_DELEGATE, 0)])
    assert state.get_code(AUTHORITY) == designator(DELEGATE) and state.get_nonce(AUTHORITY) == 1
    assert result.refund == 0 and result.gas_used == 21000 + 50000


def test_a_skipped_authorization_does_not_stop_the_next(engine: str) -> None:
    state, _ = run(engine, [authorize(DELEGATE, chain_id=5), authorize(OTHER_DELEGATE, 0)])
    assert state.get_code(AUTHORITY) == designator(OTHER_DELEGATE)


def test_the_sender_authorizes_itself_with_its_next_nonce(engine: str) -> None:
    """The sender's nonce is bumped first, so its authorization names nonce + 1."""
    own = authorize(DELEGATE, nonce=1, key=SENDER_KEY)
    state, result = run(engine, [own])
    assert state.get_code(SENDER) == designator(DELEGATE) and state.get_nonce(SENDER) == 2
    assert result.refund == 9200 and result.gas_used == 36800
    stale = authorize(DELEGATE, nonce=0, key=SENDER_KEY)
    state, result = run(engine, [stale])
    assert state.get_code(SENDER) == b"" and state.get_nonce(SENDER) == 1 and result.gas_used == ONE_AUTHORIZATION


def test_the_target_runs_the_code_it_was_just_given(engine: str) -> None:
    """A transaction to the authority itself runs the delegate's code in the
    authority's account: 46000 + 22106."""
    state = make_state()
    state.load_account(DELEGATE, 1, 0, WRITE_SLOT_0, {})
    result = send(state, set_code_tx([authorize(DELEGATE)], to=AUTHORITY, value=5), engine)
    assert result.success and result.gas_used == ONE_AUTHORIZATION + 22106
    assert state.get_storage(AUTHORITY, 0) == 1 and state.get_storage(DELEGATE, 0) == 0
    assert state.get_balance(AUTHORITY) == 5
