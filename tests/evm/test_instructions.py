"""Opcodes through real transactions: tiny bytecode, exact results and gas."""

from __future__ import annotations

import pytest

from ovm.evm.instructions.system import create2_address, create_address
from support import CONTRACT, SENDER, asm, call_contract, make_state

M = (1 << 256) - 1
TX = 21000


def neg(n: int) -> int:
    """-n as a 256-bit two's complement word."""
    return -n & M


def store_results(*computations: list[str]) -> bytes:
    """Code that runs each computation and SSTOREs its result at slot i."""
    lines: list[str] = []
    for slot, computation in enumerate(computations):
        lines += computation + [f"PUSH1 {slot}", "SSTORE"]
    return asm(*lines, "STOP")


def push32(value: int) -> str:
    return f"PUSH32 {value}"


def test_add_and_sstore_exact_gas():
    state = make_state()
    result = call_contract(state, asm("PUSH1 2", "PUSH1 3", "ADD", "PUSH1 0", "SSTORE", "STOP"))
    assert result.success
    assert state.get_storage(CONTRACT, 0) == 5
    # 3 pushes (9) + ADD (3) + cold SSTORE of a new value (2100 + 20000)
    assert result.gas_used == TX + 9 + 3 + 22100


@pytest.mark.parametrize(
    "computation, expected",
    [
        (["PUSH1 3", push32(neg(8)), "SDIV"], neg(2)),
        (["PUSH1 3", push32(neg(8)), "SMOD"], neg(2)),
        ([push32(neg(1)), push32(1 << 255), "SDIV"], 1 << 255),
        (["PUSH1 0", "PUSH1 7", "DIV"], 0),
        (["PUSH1 3", "PUSH1 1", push32(M), "ADDMOD"], 1),  # 2**256 mod 3, no wrap-around
        (["PUSH1 5", push32(M), push32(M), "MULMOD"], (M * M) % 5),
        (["PUSH1 0xff", "PUSH1 0", "SIGNEXTEND"], M),
        (["PUSH1 0x7f", "PUSH1 0", "SIGNEXTEND"], 0x7F),
        ([push32(neg(16)), "PUSH1 4", "SAR"], neg(1)),
        (["PUSH1 1", "PUSH1 255", "SHL"], 1 << 255),
        ([push32(1 << 255), "PUSH1 255", "SHR"], 1),
        ([push32(1 << 255), "PUSH2 256", "SAR"], M),
        ([push32(0x1122), "PUSH1 30", "BYTE"], 0x11),
        ([push32(neg(1)), "PUSH1 1", "SLT"], 0),
        (["PUSH1 1", push32(neg(1)), "SLT"], 1),
        (["PUSH1 3", "PUSH1 2", "EXP"], 8),
    ],
)
def test_arithmetic(computation, expected):
    state = make_state()
    result = call_contract(state, store_results(computation))
    assert result.success, result.error
    assert state.get_storage(CONTRACT, 0) == expected


def test_exp_charges_per_exponent_byte():
    cheap = call_contract(make_state(), asm("PUSH1 1", "PUSH1 2", "EXP", "STOP"))
    dear = call_contract(make_state(), asm("PUSH2 0x0100", "PUSH1 2", "EXP", "STOP"))
    assert dear.gas_used - cheap.gas_used == 50


def test_memory_expansion_is_quadratic():
    # MSTORE at 992 grows memory to 32 words: 3·32 + 32²/512 = 98
    result = call_contract(make_state(), asm("PUSH1 1", "PUSH2 992", "MSTORE", "STOP"))
    assert result.gas_used == TX + 3 + 3 + 3 + 98


def test_sstore_clear_refunds():
    state = make_state()
    state.load_account(CONTRACT, 1, 0, asm("PUSH1 0", "PUSH1 0", "SSTORE", "STOP"), {0: 1})
    result = call_contract(state)
    # cold SSTORE resetting a slot: 2100 + 2900; clearing it refunds 4800
    used = TX + 6 + 5000
    assert result.refund == 4800
    assert result.gas_used == used - 4800
    assert state.get_storage(CONTRACT, 0) == 0


def test_sstore_refund_is_capped_at_a_fifth():
    state = make_state()
    code = asm("PUSH1 0", "PUSH1 0", "SSTORE", "PUSH1 0", "PUSH1 1", "SSTORE", "STOP")
    state.load_account(CONTRACT, 1, 0, code, {0: 1, 1: 1})
    result = call_contract(state)
    used = TX + 12 + 2 * 5000
    assert result.refund == used // 5 < 2 * 4800  # EIP-3529 cap
    assert result.gas_used == used - used // 5


def test_transient_storage_is_per_transaction_and_reverts():
    code = asm(
        # slot 0 <- TLOAD(1) before writing; then TSTORE(1, 7); slot 1 <- TLOAD(1)
        "PUSH1 1", "TLOAD", "PUSH1 0", "SSTORE",
        "PUSH1 7", "PUSH1 1", "TSTORE",
        "PUSH1 1", "TLOAD", "PUSH1 1", "SSTORE",
        "STOP",
    )
    state = make_state()
    call_contract(state, code)
    assert state.get_storage(CONTRACT, 1) == 7
    call_contract(state)
    assert state.get_storage(CONTRACT, 0) == 0  # transient storage did not survive


def test_call_depth_limit_without_python_recursion():
    # Each call recurses into itself with all its gas, counting depth in slot 0:
    # SSTORE(0, SLOAD(0) + 1); CALL(gas, self, 0, 0, 0, 0, 0)
    code = asm(
        "PUSH1 0", "SLOAD", "PUSH1 1", "ADD", "PUSH1 0", "SSTORE",
        "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "ADDRESS", "GAS", "CALL",
        "STOP",
    )
    state = make_state()
    result = call_contract(state, code, gas=29_000_000)
    assert result.success
    depth_reached = state.get_storage(CONTRACT, 0)
    assert 0 < depth_reached <= 1025
    # 63/64 of the gas goes to each child; with enough gas we hit the 1024 limit
    assert depth_reached == 1025 or result.gas_used < 29_000_000


def test_static_call_cannot_write():
    writer = bytes.fromhex("2000000000000000000000000000000000000002")
    state = make_state({writer: asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")})
    code = asm(
        "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", f"PUSH20 {int.from_bytes(writer, 'big')}",
        "GAS", "STATICCALL", "PUSH1 0", "SSTORE", "STOP",
    )
    result = call_contract(state, code)
    assert result.success
    assert state.get_storage(CONTRACT, 0) == 0  # the static call failed
    assert state.get_storage(writer, 0) == 0


def test_returndatacopy_out_of_bounds_halts():
    result = call_contract(make_state(), asm("PUSH1 1", "PUSH1 0", "PUSH1 0", "RETURNDATACOPY", "STOP"))
    assert not result.success
    assert result.gas_used == 1_000_000


def test_revert_returns_data_and_keeps_gas():
    code = asm("PUSH1 0xab", "PUSH1 0", "MSTORE8", "PUSH1 1", "PUSH1 0", "REVERT")
    result = call_contract(make_state(), code)
    assert not result.success
    assert result.output == b"\xab"
    assert result.gas_used == TX + 3 + 3 + 3 + 3 + 3 + 3


def test_create_and_create2_addresses():
    # EIP-1014 example 5
    assert create2_address(
        bytes.fromhex("00000000000000000000000000000000deadbeef"),
        0xCAFEBABE,
        bytes.fromhex("deadbeef"),
    ) == bytes.fromhex("60f3f640a8508fc6a86d45df051962668e1e8ac7")
    assert create_address(
        bytes.fromhex("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0"), 0
    ) == bytes.fromhex("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")


def test_selfdestruct_only_deletes_contracts_created_in_the_transaction():
    beneficiary = bytes.fromhex("3000000000000000000000000000000000000003")
    destructor = asm(f"PUSH20 {int.from_bytes(beneficiary, 'big')}", "SELFDESTRUCT")
    state = make_state()
    state.load_account(CONTRACT, 1, 5, destructor, {0: 9})
    result = call_contract(state)
    assert result.success
    assert state.get_code(CONTRACT) == destructor  # EIP-6780: pre-existing code stays
    assert state.get_storage(CONTRACT, 0) == 9
    assert state.get_balance(beneficiary) == 5

    # initcode that self-destructs during creation: the account is gone afterwards
    factory = asm(
        f"PUSH32 {int.from_bytes(destructor.ljust(32, bytes(1)), 'big')}", "PUSH1 0", "MSTORE",
        f"PUSH1 {len(destructor)}", "PUSH1 0", "PUSH1 0", "CREATE", "PUSH1 0", "SSTORE", "STOP",
    )
    state = make_state()
    result = call_contract(state, factory)
    assert result.success
    created = create_address(CONTRACT, 1)
    assert state.get_storage(CONTRACT, 0) == int.from_bytes(created, "big")
    assert not state.account_exists(created)


def test_sender_pays_and_coinbase_earns_priority_fee():
    state = make_state()
    before = state.get_balance(SENDER)
    result = call_contract(state, asm("STOP"))
    # base fee 7 is burnt, the priority fee 1 goes to the coinbase
    assert before - state.get_balance(SENDER) == result.gas_used * 8
    from support import COINBASE

    assert state.get_balance(COINBASE) == result.gas_used
