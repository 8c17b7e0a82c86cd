"""
One opcode table for both engines, per fork
===========================================

A test fork reprices every opcode (``support.REPRICED_CANCUN``); the
interpreter and the transpiler — translating up front, and tiering up in the
middle of a loop — must both charge the new prices, and a program translated
under one fork must never run under another.
"""

from __future__ import annotations

from ovm.evm.forks import CANCUN
from ovm.evm.opcodes import BY_NAME
from ovm.transpiler import TranspilingRunner
from support import CONTRACT, REPRICED_CANCUN, asm, call_contract, make_state

# Counts slot 0 down from 100; each pass runs a lone JUMPDEST (translated as
# a closure), a second JUMPDEST, SLOAD, SUB, SSTORE and JUMPI; then GAS is
# stored in slot 1, so the gas seen by the program is compared too.
LOOP = asm(
    "PUSH1 100", "PUSH1 0", "SSTORE",
    "JUMPDEST",  # offset 5
    "JUMPDEST",
    "PUSH1 0", "SLOAD", "PUSH1 1", "SWAP1", "SUB", "DUP1", "PUSH1 0", "SSTORE",
    "PUSH1 5", "JUMPI",
    "GAS", "PUSH1 1", "SSTORE",
    "STOP",
)
ENGINES = {
    "interpreter": lambda: None,
    "translated up front": lambda: TranspilingRunner(threshold=0),
    "tier-up mid-loop": lambda: TranspilingRunner(threshold=10),
}


def run(fork, runner):
    state = make_state()
    result = call_contract(state, LOOP, code_runner=runner, fork=fork)
    assert result.success
    return result.gas_used, state.get_storage(CONTRACT, 1)


def static_gas(fork, *names: str) -> int:
    return sum(fork.instruction_set.static_gas[BY_NAME[name].code] for name in names)


ONE_PASS = ("JUMPDEST", "JUMPDEST", "PUSH1", "SLOAD", "PUSH1", "SWAP1", "SUB", "DUP1",
            "PUSH1", "SSTORE", "PUSH1", "JUMPI")
UP_TO_GAS = ("PUSH1", "PUSH1", "SSTORE", *ONE_PASS * 100, "GAS")


def test_every_engine_charges_the_forks_prices():
    cancun = {name: run(CANCUN, make()) for name, make in ENGINES.items()}
    repriced = {name: run(REPRICED_CANCUN, make()) for name, make in ENGINES.items()}
    assert len(set(cancun.values())) == 1, cancun
    assert len(set(repriced.values())) == 1, repriced
    # The gas GAS saw after the loop is short by exactly what the test fork
    # adds to the static gas of the instructions run so far, on every engine.
    (_, seen_cancun), (_, seen_repriced) = cancun["interpreter"], repriced["interpreter"]
    extra = static_gas(REPRICED_CANCUN, *UP_TO_GAS) - static_gas(CANCUN, *UP_TO_GAS)
    assert extra > 100 * len(ONE_PASS)
    assert seen_cancun - seen_repriced == extra


def test_a_translation_is_not_reused_under_another_fork():
    runner = TranspilingRunner(threshold=0)
    assert run(CANCUN, runner) == run(CANCUN, None)
    assert run(REPRICED_CANCUN, runner) == run(REPRICED_CANCUN, None)
    assert run(CANCUN, runner) == run(CANCUN, None)
    assert runner.cache.stats.translations == 2
