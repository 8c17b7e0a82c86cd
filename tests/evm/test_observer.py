"""
Observers
=========

The machine calls an ``Observer`` at every frame entry and exit and around
every instruction, interprets while one is set (even with a transpiler as its
code runner), and stops when the observer raises ``ExecutionAborted``.
"""

from __future__ import annotations

import pytest
from support import CONTRACT, SENDER_KEY, asm, make_env, make_state

from ovm.evm.forks import CANCUN
from ovm.evm.observer import ExecutionAborted, Observer
from ovm.evm.processor import begin_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.transpiler import TranspilingRunner

CALLEE = bytes.fromhex("2000000000000000000000000000000000000002")
CALLS_CALLEE = asm(
    "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0",
    f"PUSH20 0x{CALLEE.hex()}", "GAS", "CALL", "STOP",
)
CALLEE_CODE = asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")


def prepared(code_runner=None):
    state = make_state({CONTRACT: CALLS_CALLEE, CALLEE: CALLEE_CODE})
    tx = FeeMarketTransaction(
        chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10, gas=100_000,
        to=CONTRACT, value=0, data=b"", access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return begin_transaction(state, make_env(), sign_transaction(tx, SENDER_KEY, 1), CANCUN,
                             code_runner=code_runner)


class Recorder(Observer):
    def __init__(self, stop_at_step: int | None = None) -> None:
        self.events: list[tuple] = []
        self.steps = 0
        self.stop_at_step = stop_at_step

    def frame_entered(self, frame) -> None:
        self.events.append(("enter", frame.depth))

    def before_step(self, frame) -> None:
        self.steps += 1
        if self.steps == self.stop_at_step:
            raise ExecutionAborted("step budget spent")
        self.events.append(("step", frame.depth, frame.pc))

    def frame_exited(self, frame, exit) -> None:
        self.events.append(("exit", frame.depth, exit.error, exit.gas_at_halt >= frame.gas))


@pytest.mark.parametrize("code_runner", [None, TranspilingRunner(threshold=0)], ids=["interpreter", "transpiler"])
def test_the_observer_sees_every_frame_and_step(code_runner):
    execution = prepared(code_runner)
    recorder = Recorder()
    execution.machine.observer = recorder
    result = execution.run()
    assert result.success
    steps = [event for event in recorder.events if event[0] == "step"]
    assert len(steps) == 9 + 4  # the caller's nine instructions, the callee's four
    enter = recorder.events.index(("enter", 1))
    assert recorder.events[enter - 1] == ("step", 0, CALLS_CALLEE.index(0xF1))  # at the CALL
    assert recorder.events[enter + 1] == ("step", 1, 0)
    assert [e for e in recorder.events if e[0] == "exit"] == [("exit", 1, None, True), ("exit", 0, None, True)]
    assert execution.state.get_storage(CALLEE, 0) == 1


def test_without_an_observer_nothing_is_called_and_the_result_is_the_same():
    observed, plain = prepared(), prepared()
    observed.machine.observer = Recorder()
    assert observed.run() == plain.run()


def test_an_observer_stops_the_run_by_raising_execution_aborted():
    execution = prepared()
    recorder = Recorder(stop_at_step=12)
    execution.machine.observer = recorder
    with pytest.raises(ExecutionAborted, match="step budget spent"):
        execution.run()
    assert not execution.machine.done
    assert execution.machine.frames[-1].depth == 1  # stopped inside the callee
