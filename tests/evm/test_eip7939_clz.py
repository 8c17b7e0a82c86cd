"""CLZ (EIP-7939, 0x1e, from Osaka): the leading zero bits of a word, 256 for zero, for 5 gas.

The cases of execution-spec-tests' ``eip7939_count_leading_zeros`` (every
run of leading zeros 0…256, every single bit, a few arbitrary words; exact
gas and the gas boundary; underflow; a full stack; jumps; before Osaka), each
through a transaction on the interpreter, on code translated up front, and —
where the code loops — on code tiered up mid-loop. The transpiler folds CLZ of
a literal at translation and inlines it on a computed word, so each value is
taken both ways: pushed, and read from calldata.
"""

from __future__ import annotations

import pytest

from ovm.evm.forks import CANCUN, OSAKA, PRAGUE
from ovm.evm.opcodes import BY_NAME
from ovm.transpiler import TranspilingRunner
from support import CONTRACT, asm, call_contract, make_state

M = (1 << 256) - 1
TX = 21000
CLZ_GAS = 5
ENGINES = {
    "interpreter": lambda: None,
    "transpiler": lambda: TranspilingRunner(threshold=0),
}
LOOPING_ENGINES = {**ENGINES, "tier-up mid-loop": lambda: TranspilingRunner(threshold=10)}
CALLEE = bytes.fromhex("2000000000000000000000000000000000000002")


def clz(value: int) -> int:
    """The EIP's definition, independently of the code under test."""
    for bit in range(255, -1, -1):
        if value >> bit & 1:
            return 255 - bit
    return 256


def values() -> list:
    cases = [pytest.param(0, 256, id="zero")]
    cases += [pytest.param(M >> n, n, id=f"leading_zeros_{n}") for n in range(257)]
    cases += [pytest.param(1 << n, 255 - n, id=f"single_bit_{n}") for n in range(256)]
    arbitrary = [
        0x123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0,
        0x00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF,
        0x0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F,
        0xDEADBEEFCAFEBABE0123456789ABCDEF,
        0x0123456789ABCDEF,
        (1 << 128) + 1,
        (1 << 200) + (1 << 100),
        (1 << 255) - 1,
    ]
    cases += [pytest.param(v, clz(v), id=f"arbitrary_{i}") for i, v in enumerate(arbitrary)]
    return cases


def test_the_facts_and_the_forks():
    info = BY_NAME["CLZ"]
    assert (info.code, info.inputs, info.outputs, info.since) == (0x1E, 1, 1, "Osaka")
    assert OSAKA.instruction_set.static_gas[0x1E] == CLZ_GAS
    assert OSAKA.instruction_set.info[0x1E] is info
    assert CANCUN.instruction_set.info[0x1E] is None and PRAGUE.instruction_set.info[0x1E] is None


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value, expected", values())
def test_clz_of_a_pushed_and_of_a_computed_word(value: int, expected: int, engine: str):
    assert clz(value) == expected
    # slot 0: CLZ of the pushed word; slot 1: CLZ of the same word read from calldata
    code = asm(f"PUSH32 {value}", "CLZ", "PUSH0", "SSTORE",
               "PUSH0", "CALLDATALOAD", "CLZ", "PUSH1 1", "SSTORE", "STOP")
    state = make_state()
    result = call_contract(state, code, data=value.to_bytes(32, "big"), fork=OSAKA,
                           code_runner=ENGINES[engine]())
    assert result.success, result.error
    assert (state.get_storage(CONTRACT, 0), state.get_storage(CONTRACT, 1)) == (expected, expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_clz_costs_five_gas(engine: str):
    result = call_contract(make_state(), asm("PUSH1 1", "CLZ", "STOP"), fork=OSAKA,
                           code_runner=ENGINES[engine]())
    assert result.success, result.error
    assert result.gas_used == TX + 3 + CLZ_GAS
    # between two GAS readings: PUSH1, CLZ, POP and the second GAS
    code = asm("GAS", "PUSH1 1", "CLZ", "POP", "GAS", "SWAP1", "SUB", "PUSH0", "SSTORE", "STOP")
    state = make_state()
    assert call_contract(state, code, fork=OSAKA, code_runner=ENGINES[engine]()).success
    assert state.get_storage(CONTRACT, 0) == 3 + CLZ_GAS + 2 + 2


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("bits", [0, 64, 128, 255])
@pytest.mark.parametrize("delta", [-2, -1, 0, 1, 2])
def test_gas_boundary(bits: int, delta: int, engine: str):
    """A callee of PUSH32 and CLZ succeeds with exactly 3 + 5 gas and fails with less."""
    callee = asm(f"PUSH32 {1 << bits}", "CLZ")
    caller = asm("PUSH0", "PUSH0", "PUSH0", "PUSH0", "PUSH0", f"PUSH20 {int.from_bytes(CALLEE, 'big')}",
                 f"PUSH1 {3 + CLZ_GAS + delta}", "CALL", "PUSH0", "SSTORE", "STOP")
    state = make_state({CALLEE: callee})
    assert call_contract(state, caller, fork=OSAKA, code_runner=ENGINES[engine]()).success
    assert state.get_storage(CONTRACT, 0) == (0 if delta < 0 else 1)


@pytest.mark.parametrize("engine", ENGINES)
def test_stack_underflow_fails_the_frame(engine: str):
    for code in (asm("CLZ", "STOP"), asm("PUSH1 1", "POP", "CLZ", "STOP")):
        result = call_contract(make_state(), code, gas=100_000, fork=OSAKA, code_runner=ENGINES[engine]())
        assert type(result.error).__name__ == "StackUnderflow"
        assert result.gas_used == 100_000


@pytest.mark.parametrize("engine", ENGINES)
def test_clz_on_a_full_stack_does_not_overflow(engine: str):
    # 1,022 zeros, then 1 << 100 as the 1,023rd item; CLZ replaces it; the
    # slot pushed on top makes 1,024.
    code = asm(*["PUSH0"] * 1022, f"PUSH32 {1 << 100}", "CLZ", "PUSH0", "SSTORE", "STOP")
    state = make_state()
    result = call_contract(state, code, fork=OSAKA, code_runner=ENGINES[engine]())
    assert result.success, result.error
    assert state.get_storage(CONTRACT, 0) == 155


@pytest.mark.parametrize("engine", LOOPING_ENGINES)
def test_a_loop_over_every_bit(engine: str):
    """slot i = CLZ(1 << i) for i = 0…255, the word computed at run time; the
    loop runs the same blocks 256 times, so code tiers up in the middle."""
    code = asm(
        "PUSH2 256",                                   # i (counts down to 0)
        "JUMPDEST",                                    # offset 3
        "PUSH1 1", "SWAP1", "SUB",                     # i - 1
        "PUSH1 1", "DUP2", "SHL", "CLZ",               # CLZ(1 << (i - 1))
        "DUP2", "SSTORE",
        "DUP1", "PUSH1 3", "JUMPI",
        "STOP",
    )  # fmt: skip
    state = make_state()
    result = call_contract(state, code, gas=6_000_000, fork=OSAKA, code_runner=LOOPING_ENGINES[engine]())
    assert result.success, result.error
    assert [state.get_storage(CONTRACT, i) for i in range(256)] == [255 - i for i in range(256)]
    # PUSH2, then 256 passes of 12 cheap instructions and a cold SSTORE of a new
    # value, but for the first pass's: 0 at slot 255, no change (2100 + 100)
    per_pass = 1 + 3 + 3 + 3 + 3 + 3 + 3 + CLZ_GAS + 3 + 3 + 3 + 10
    assert result.gas_used == TX + 3 + 256 * (per_pass + 22100) - 22100 + 2200


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("valid_jump", [True, False])
def test_clz_after_a_jump(valid_jump: bool, engine: str):
    code = asm(f"PUSH32 {1 << 16}", "PUSH1 36", "JUMP", *(["JUMPDEST"] if valid_jump else ["PC"]),
               "CLZ", "PUSH0", "SSTORE", "STOP")
    state = make_state()
    result = call_contract(state, code, fork=OSAKA, code_runner=ENGINES[engine]())
    assert result.success is valid_jump
    assert state.get_storage(CONTRACT, 0) == (239 if valid_jump else 0)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fork", [CANCUN, PRAGUE], ids=["Cancun", "Prague"])
def test_before_osaka_0x1e_is_an_invalid_opcode(fork, engine: str):
    result = call_contract(make_state(), asm("PUSH1 1", "CLZ", "STOP"), gas=50_000, fork=fork,
                           code_runner=ENGINES[engine]())
    assert type(result.error).__name__ == "InvalidOpcode"
    assert result.gas_used == 50_000
