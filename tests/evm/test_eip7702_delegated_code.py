"""
EIP-7702: code reading and calls on a delegated account
=======================================================

``AUTHORITY`` holds the designator ``0xef0100 ‖ DELEGATE``. EXTCODESIZE,
EXTCODECOPY and EXTCODEHASH see those 23 bytes (and leave the delegate cold);
CALL, CALLCODE, DELEGATECALL and STATICCALL run the delegate's code in the
context each gives, paying for the delegate's access on top of the target's
(cold 2600, warm 100); a transaction to the authority runs the delegate's code
too, the delegate warmed for free. One step only: a delegate that is itself
delegated runs its designator (0xef: invalid), and a delegation to a
precompile runs nothing. Cancun follows none of it. Exact gas on both engines.

The calling contract's code (``call_code``): seven PUSHes (six without a
value), the call (100 + 3 for one word of memory + the accesses), then the
success flag stored at 32 and 64 bytes returned (15): ``returned word ‖ flag``.
"""

from __future__ import annotations

import hashlib

import pytest

from delegation_support import (
    AUTHORITY,
    DELEGATE,
    OTHER_AUTHORITY,
    delegate_account,
    fee_market_tx,
    send,
)
from ovm.evm.delegation import designator
from ovm.evm.forks import CANCUN, PRAGUE
from ovm.primitives.crypto import keccak256
from support import CONTRACT, asm, make_state

ENGINES = ("interpreter", "transpiler")
RETURN_ADDRESS = asm("ADDRESS", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")  # 17 gas
RETURN_CODESIZE = asm("CODESIZE", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")  # 17 gas, size 9
WRITE_SLOT_0 = asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")  # 22106 gas
SHA256 = (2).to_bytes(20, "big")
NO_CODE = bytes.fromhex("de1e6a7e000000000000000000000000000000ff")
CHILD_GAS = 0xFFFF
COLD, WARM = 2600, 100
AFTER_CALL = 15


def call_code(op: str, target: bytes = AUTHORITY, value: int | None = 0) -> bytes:
    lines = ["PUSH1 32", "PUSH1 0", "PUSH1 0", "PUSH1 0"]
    if op in ("CALL", "CALLCODE"):
        lines.append(f"PUSH1 {value}")
    lines += [f"PUSH20 0x{target.hex()}", f"PUSH3 {CHILD_GAS}", op]
    lines += ["PUSH1 32", "MSTORE", "PUSH1 64", "PUSH1 0", "RETURN"]
    return asm(*lines)


def pushes(op: str) -> int:
    return 3 * (7 if op in ("CALL", "CALLCODE") else 6)


def word(value: int | bytes) -> bytes:
    return value.rjust(32, b"\x00") if isinstance(value, bytes) else value.to_bytes(32, "big")


def run(engine: str, code: bytes, *, delegate_code: bytes = RETURN_ADDRESS, to_delegate: bytes = DELEGATE,
        fork=PRAGUE, access_list=(), gas: int = 1_000_000, contract_balance: int = 0, to: bytes = CONTRACT):
    state = make_state()
    state.load_account(CONTRACT, 1, contract_balance, code, {})
    state.load_account(DELEGATE, 1, 0, delegate_code, {})
    delegate_account(state, AUTHORITY, to_delegate)
    result = send(state, fee_market_tx(to=to, access_list=access_list, gas=gas), engine, fork=fork)
    return state, result


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


# --- code reading sees the designator -------------------------------------------------------


def test_extcodesize_is_the_designator_s_23(engine: str) -> None:
    """3 + 2600 cold; then BALANCE of the delegate is cold too (2603): EXTCODESIZE
    does not touch it. MSTORE and RETURN: 15."""
    code = asm(f"PUSH20 0x{AUTHORITY.hex()}", "EXTCODESIZE", f"PUSH20 0x{DELEGATE.hex()}", "BALANCE", "POP",
               "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")  # fmt: skip
    for fork in (PRAGUE, CANCUN):
        _, result = run(engine, code, fork=fork)
        assert result.output == word(23)
        assert result.gas_used == 21000 + 2603 + 2603 + 2 + 15


def test_extcodehash_is_the_designator_s_hash(engine: str) -> None:
    code = asm(f"PUSH20 0x{AUTHORITY.hex()}", "EXTCODEHASH", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")
    _, result = run(engine, code)
    assert result.output == keccak256(b"\xef\x01\x00" + DELEGATE)
    assert result.gas_used == 21000 + 2603 + 15


def test_extcodecopy_copies_the_designator(engine: str) -> None:
    """4 PUSHes, 100 + 2500 cold + 3 per word + 3 of memory, then RETURN (6)."""
    code = asm("PUSH1 32", "PUSH1 0", "PUSH1 0", f"PUSH20 0x{AUTHORITY.hex()}", "EXTCODECOPY",
               "PUSH1 32", "PUSH1 0", "RETURN")  # fmt: skip
    _, result = run(engine, code)
    assert result.output == designator(DELEGATE) + bytes(9)
    assert result.gas_used == 21000 + 12 + 2600 + 3 + 3 + 6


# --- each call runs the delegate's code --------------------------------------------------------


CONTEXTS = {"CALL": AUTHORITY, "CALLCODE": CONTRACT, "DELEGATECALL": CONTRACT, "STATICCALL": AUTHORITY}


@pytest.mark.parametrize("op", CONTEXTS)
def test_calls_run_the_delegate_s_code_cold(op: str, engine: str) -> None:
    """Target cold (2500 on top of the 100) and delegate cold (2600)."""
    _, result = run(engine, call_code(op))
    assert result.success and result.output == word(CONTEXTS[op]) + word(1)
    assert result.gas_used == 21000 + pushes(op) + 100 + 3 + 2500 + COLD + 17 + AFTER_CALL


@pytest.mark.parametrize("op", CONTEXTS)
def test_calls_pay_100_for_a_warm_delegate(op: str, engine: str) -> None:
    _, result = run(engine, call_code(op), access_list=((DELEGATE, ()),))
    assert result.output == word(CONTEXTS[op]) + word(1)
    assert result.gas_used == 21000 + 2400 + pushes(op) + 100 + 3 + 2500 + WARM + 17 + AFTER_CALL


@pytest.mark.parametrize("op", CONTEXTS)
def test_calls_to_a_warm_target_and_delegate(op: str, engine: str) -> None:
    _, result = run(engine, call_code(op), access_list=((AUTHORITY, ()), (DELEGATE, ())))
    assert result.output == word(CONTEXTS[op]) + word(1)
    assert result.gas_used == 21000 + 4800 + pushes(op) + 100 + 3 + WARM + 17 + AFTER_CALL


def test_the_delegate_s_code_sees_its_own_size(engine: str) -> None:
    _, result = run(engine, call_code("CALL"), delegate_code=RETURN_CODESIZE)
    assert result.output == word(len(RETURN_CODESIZE)) + word(1) and len(RETURN_CODESIZE) == 9


def test_call_writes_the_authority_s_storage_and_pays_it_value(engine: str) -> None:
    """CALL with 1 wei: 9000 for the value (the authority is alive: no new-account
    charge), of which the child's 2300 stipend comes back."""
    state, result = run(engine, call_code("CALL", value=1), delegate_code=WRITE_SLOT_0, contract_balance=10)
    assert result.success and result.output == word(0) + word(1)
    assert state.get_storage(AUTHORITY, 0) == 1 and state.get_storage(DELEGATE, 0) == 0
    assert state.get_balance(AUTHORITY) == 1 and state.get_balance(CONTRACT) == 9
    assert result.gas_used == 21000 + 21 + 100 + 3 + 2500 + COLD + 9000 - 2300 + 22106 + AFTER_CALL


def test_exactly_enough_gas_and_one_less(engine: str) -> None:
    needed = 21000 + 21 + 100 + 3 + 2500 + COLD + 17 + AFTER_CALL
    _, result = run(engine, call_code("CALL"), gas=needed)
    assert result.success and result.gas_used == needed
    _, result = run(engine, call_code("CALL"), gas=needed - 1)
    assert not result.success and result.gas_used == needed - 1


def test_the_delegate_access_is_charged_before_the_child_s_gas(engine: str) -> None:
    """One gas short of the accesses: the CALL itself runs out of gas."""
    before_child = 21000 + 21 + 100 + 3 + 2500 + COLD
    _, result = run(engine, call_code("CALL"), gas=before_child - 1)
    assert not result.success and type(result.error).__name__ == "OutOfGas"


# --- one step, no precompile ---------------------------------------------------------------------


def test_a_delegate_s_own_delegation_is_not_followed(engine: str) -> None:
    """AUTHORITY -> OTHER_AUTHORITY -> DELEGATE: the call runs OTHER_AUTHORITY's
    designator, whose 0xef is invalid, burning the 65535 it was given; only
    OTHER_AUTHORITY's access is paid."""
    state = make_state()
    state.load_account(CONTRACT, 1, 0, call_code("CALL"), {})
    state.load_account(DELEGATE, 1, 0, RETURN_ADDRESS, {})
    delegate_account(state, AUTHORITY, OTHER_AUTHORITY)
    delegate_account(state, OTHER_AUTHORITY, DELEGATE)
    result = send(state, fee_market_tx(), engine)
    assert result.success and result.output == word(0) + word(0)
    assert result.gas_used == 21000 + 21 + 100 + 3 + 2500 + COLD + CHILD_GAS + AFTER_CALL


def test_a_delegation_to_a_precompile_runs_nothing(engine: str) -> None:
    """SHA256 would return a hash and cost 60; delegated to, it runs nothing and
    returns nothing, and as a precompile it is warm (100)."""
    _, result = run(engine, call_code("CALL"), to_delegate=SHA256)
    assert result.success and result.output == word(0) + word(1)
    assert result.gas_used == 21000 + 21 + 100 + 3 + 2500 + WARM + AFTER_CALL
    _, direct = run(engine, call_code("CALL", target=SHA256))
    assert direct.output == hashlib.sha256(b"").digest() + word(1)


def test_a_delegation_to_an_account_without_code_runs_nothing(engine: str) -> None:
    _, result = run(engine, call_code("STATICCALL"), to_delegate=NO_CODE)
    assert result.success and result.output == word(0) + word(1)
    assert result.gas_used == 21000 + 18 + 100 + 3 + 2500 + COLD + AFTER_CALL


# --- the transaction's own target ------------------------------------------------------------------


def test_a_transaction_to_the_authority_runs_the_delegate_s_code(engine: str) -> None:
    """The delegate is warm from the start (BALANCE of it pays 100) and costs
    nothing; the code runs as the authority."""
    code = asm(f"PUSH20 0x{DELEGATE.hex()}", "BALANCE", "POP") + RETURN_ADDRESS
    state, result = run(engine, b"", delegate_code=code, to=AUTHORITY)
    assert result.success and result.output == word(AUTHORITY)
    assert result.gas_used == 21000 + 3 + 100 + 2 + 17


def test_a_transaction_to_an_authority_delegated_to_a_precompile(engine: str) -> None:
    _, result = run(engine, b"", to_delegate=SHA256, to=AUTHORITY)
    assert result.success and result.output == b"" and result.gas_used == 21000


def test_a_transaction_follows_one_step_only(engine: str) -> None:
    state = make_state()
    state.load_account(DELEGATE, 1, 0, RETURN_ADDRESS, {})
    delegate_account(state, AUTHORITY, OTHER_AUTHORITY)
    delegate_account(state, OTHER_AUTHORITY, DELEGATE)
    result = send(state, fee_market_tx(to=AUTHORITY, gas=50_000), engine)
    assert not result.success and result.gas_used == 50_000


# --- before Prague ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", CONTEXTS)
def test_cancun_runs_the_designator_itself(op: str, engine: str) -> None:
    """0xef is invalid: the child burns its 65535; no delegate access is paid."""
    _, result = run(engine, call_code(op), fork=CANCUN)
    assert result.success and result.output == word(0) + word(0)
    assert result.gas_used == 21000 + pushes(op) + 100 + 3 + 2500 + CHILD_GAS + AFTER_CALL


def test_cancun_transaction_to_the_authority_fails(engine: str) -> None:
    _, result = run(engine, b"", to=AUTHORITY, fork=CANCUN, gas=50_000)
    assert not result.success and result.gas_used == 50_000


# --- resumable: snapshots of a machine in a set-code transaction ---------------------------------


def test_resumed_from_snapshots_every_two_steps() -> None:
    """The authorizations' changes are in the journal and the delegated frame on
    the frame list, so a machine restored from its snapshot on a rebuilt
    pre-state ends exactly as the uninterrupted run (fraud proofs step so)."""
    from delegation_support import authorize, set_code_tx
    from ovm.evm.processor import begin_transaction, process_transaction
    from ovm.evm.snapshot import run_with_snapshots
    from support import make_env

    def pre_state():
        state = make_state()
        state.load_account(CONTRACT, 1, 0, call_code("CALL"), {})
        state.load_account(DELEGATE, 1, 0, RETURN_ADDRESS, {})
        state.load_account(AUTHORITY, 0, 1, b"", {})
        return state

    tx = set_code_tx([authorize(DELEGATE)])
    expected_state = pre_state()
    expected = process_transaction(expected_state, make_env(), tx, PRAGUE)
    # the authority is warm from its authorization: the CALL pays only the delegate's 2600
    used = 21000 + 25000 + 21 + 100 + 3 + COLD + 17 + AFTER_CALL
    assert expected.output == word(AUTHORITY) + word(1) and expected.gas_used == used - used // 5
    result, state = run_with_snapshots(begin_transaction(pre_state(), make_env(), tx, PRAGUE), pre_state, every=2)
    assert (result.gas_used, result.output, result.refund) == (expected.gas_used, expected.output, expected.refund)
    assert state.state_root() == expected_state.state_root()
