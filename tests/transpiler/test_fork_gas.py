"""
One opcode table for both engines, per fork
===========================================

A test fork reprices every opcode (``support.REPRICED_CANCUN``); the
interpreter and the transpiler — translating up front, and tiering up in the
middle of a loop — must both charge the new prices, and a program translated
under one fork must never run under another. A fork derived by adding
opcodes has them on both engines, and its parent does not.
"""

from __future__ import annotations

import dataclasses

from ovm.evm.forks import CANCUN, InstructionSet
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


def shanghai_like():
    """Cancun without the opcodes Cancun introduced: a parent to derive Cancun from."""
    cancun = CANCUN.instruction_set
    older = [op for op in cancun.defined() if op.since != "Cancun"]
    instruction_set = InstructionSet.build(
        {op.name: cancun.static_gas[op.code] for op in older},
        {op.name: cancun.handlers[op.code] for op in older},
    )
    return dataclasses.replace(CANCUN, name="ShanghaiLike", instruction_set=instruction_set)


def test_a_fork_that_adds_opcodes_has_them_on_both_engines():
    parent = shanghai_like()
    cancun = CANCUN.instruction_set
    new = ("TLOAD", "TSTORE", "MCOPY", "BLOBHASH", "BLOBBASEFEE")
    written_out = ("TLOAD", "TSTORE", "MCOPY", "BLOBHASH")  # BLOBBASEFEE's is built from its expression
    child = parent.derive(
        "Cancun",
        add_opcodes={name: cancun.static_gas[BY_NAME[name].code] for name in new},
        handlers={name: cancun.handlers[BY_NAME[name].code] for name in written_out},
    )
    assert child.instruction_set.static_gas == cancun.static_gas
    assert [h.__name__ for h in child.instruction_set.handlers] == [h.__name__ for h in cancun.handlers]
    # TSTORE 7 at key 1, TLOAD it back, SSTORE it at slot 0
    code = asm("PUSH1 7", "PUSH1 1", "TSTORE", "PUSH1 1", "TLOAD", "PUSH1 0", "SSTORE", "STOP")
    for runner in (None, TranspilingRunner(threshold=0)):
        state = make_state()
        assert call_contract(state, code, code_runner=runner, fork=child).success
        assert state.get_storage(CONTRACT, 0) == 7
        result = call_contract(make_state(), code, code_runner=runner, fork=parent)
        assert type(result.error).__name__ == "InvalidOpcode"
