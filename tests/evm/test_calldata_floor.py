"""Prague's calldata floor (EIP-7623): gas used = max(gas used after the refund,
21000 + 10 × tokens), tokens = zero bytes + 4 × other bytes; the gas limit
must cover the floor. Cancun has no floor."""

from __future__ import annotations

import pytest
from support import COINBASE, CONTRACT, SENDER, asm, call_contract, make_state

from ovm.evm.forks import CANCUN, PRAGUE
from ovm.evm.intrinsic import calldata_tokens
from ovm.evm.transactions import InvalidTransaction

PRICE = 8  # call_contract's fee cap 10, tip 1, over make_env's base fee 7
STOP = asm("STOP")
NONZERO_100 = b"\x01" * 100  # normal 21000 + 1600, floor 21000 + 4000


def test_tokens_and_floor() -> None:
    assert calldata_tokens(b"") == 0
    assert calldata_tokens(bytes(3) + b"\x01\xff") == 3 + 8
    assert PRAGUE.calldata_floor_per_token == 10 and CANCUN.calldata_floor_per_token == 0
    state = make_state()
    result = call_contract(state, STOP, data=NONZERO_100, fork=PRAGUE)
    assert result.gas_used == 25000


def test_floor_binds_when_calldata_outweighs_execution() -> None:
    state = make_state()
    balance = state.get_balance(SENDER)
    result = call_contract(state, STOP, data=NONZERO_100, fork=PRAGUE)
    assert result.success and result.gas_used == 25000
    assert state.get_balance(SENDER) == balance - 25000 * PRICE
    assert state.get_balance(COINBASE) == 25000 * 1


def test_cancun_has_no_floor() -> None:
    state = make_state()
    assert call_contract(state, STOP, data=NONZERO_100, fork=CANCUN).gas_used == 22600


def test_zero_bytes_count_one_token() -> None:
    state = make_state()
    assert call_contract(state, STOP, data=bytes(100), fork=PRAGUE).gas_used == 22000
    assert call_contract(state, STOP, data=bytes(100), fork=CANCUN).gas_used == 21400


def test_floor_does_not_bind_when_execution_costs_more() -> None:
    # a cold SSTORE of a new value: 22100 + 6 on top of 22600
    code = asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")
    prague = call_contract(make_state(), code, data=NONZERO_100, fork=PRAGUE)
    cancun = call_contract(make_state(), code, data=NONZERO_100, fork=CANCUN)
    assert prague.gas_used == cancun.gas_used == 22600 + 22106


def test_floor_applies_after_the_refund() -> None:
    """Clearing a slot: 21000 + 1600 + 5006 before the refund (27606), 4800
    refunded (22806 after); the floor (25000) lies between the two."""
    code = asm("PUSH1 0", "PUSH1 0", "SSTORE", "STOP")
    state = make_state()
    state.load_account(CONTRACT, 1, 0, code, {0: 1})
    result = call_contract(state, data=NONZERO_100, fork=PRAGUE)
    assert result.success and result.refund == 4800
    assert result.gas_used == 25000
    assert state.get_storage(CONTRACT, 0) == 0
    state = make_state()
    state.load_account(CONTRACT, 1, 0, code, {0: 1})
    assert call_contract(state, data=NONZERO_100, fork=CANCUN).gas_used == 22806


def test_floor_applies_to_failed_transactions() -> None:
    revert = asm("PUSH1 0", "PUSH1 0", "REVERT")
    result = call_contract(make_state(), revert, data=NONZERO_100, fork=PRAGUE)
    assert not result.success and result.gas_used == 25000


def test_gas_limit_must_cover_the_floor() -> None:
    state = make_state()
    message = "insufficient gas for floor data gas cost: have 24999, want 25000"
    with pytest.raises(InvalidTransaction, match=message):
        call_contract(state, STOP, data=NONZERO_100, gas=24999, fork=PRAGUE)
    assert state.get_nonce(SENDER) == 0
    result = call_contract(state, STOP, data=NONZERO_100, gas=25000, fork=PRAGUE)
    assert result.success and result.gas_used == 25000
    assert call_contract(make_state(), STOP, data=NONZERO_100, gas=24999, fork=CANCUN).success


def test_intrinsic_gas_is_still_checked_first() -> None:
    with pytest.raises(InvalidTransaction, match="intrinsic gas too low"):
        call_contract(make_state(), STOP, data=NONZERO_100, gas=22599, fork=PRAGUE)


def test_creation_floor_has_no_creation_cost() -> None:
    """2000 JUMPDESTs of initcode: 21000 + 32000 + 32000 + 126 + 2000 normally,
    101000 as the floor, which counts calldata tokens alone."""
    initcode = asm(*["JUMPDEST"] * 2000)
    state = make_state()
    result = call_contract(state, to=None, data=initcode, gas=200_000, fork=PRAGUE)
    assert result.success and result.contract_address is not None
    assert result.gas_used == 101000 == 21000 + 10 * calldata_tokens(initcode)
    cancun = call_contract(make_state(), to=None, data=initcode, gas=200_000, fork=CANCUN)
    assert cancun.gas_used == 87126
