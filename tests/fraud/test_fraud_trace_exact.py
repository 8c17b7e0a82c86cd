"""
The step machine changes nothing
================================

Running a transaction through the step machine (``StepMachine.run_to_end``:
every step, then the transaction settled) gives exactly what ordinary
``ovm.evm`` execution (``process_transaction``) gives on the same state:
success, gas used, output, error, and the state root after it (balances,
nonces, storage); and the log tree of the halted commitment's substate is
the one built from ordinary execution's logs. And the halted commitment says the same: its gas is the
gas left, its exit record the status and a view of the memory tree that
holds the output bytes.
"""

from __future__ import annotations

import random

import pytest
from cases import SUCCESS_TARGETS, split_cases, success_cases
from programs import random_program, trace_input

from ovm.evm.exceptions import Revert
from ovm.evm.processor import process_transaction
from ovm.fraud import StepMachine
from ovm.fraud.commitment import EMPTY_VIEW, HALT_EXCEPTIONAL, HALT_REVERT, HALT_SUCCESS, PHASE_HALTED, exit_record
from ovm.fraud.context import log_tree
from ovm.fraud.frame_view import tree_range


def assert_exact(trace) -> None:
    outcome = StepMachine(trace).run_to_end()
    state = trace.pre_state()
    ordinary = process_transaction(state, trace.env, trace.tx, trace.fork)
    result = outcome.result
    assert (result.success, result.gas_used, result.output, type(result.error)) == (
        ordinary.success, ordinary.gas_used, ordinary.output, type(ordinary.error))
    assert outcome.state.state_root() == state.state_root()

    final = outcome.last.post
    assert final.phase == PHASE_HALTED
    assert final.substate == outcome.substate.hash()
    if ordinary.success:  # the logs: the step machine's log tree is that of ordinary execution's logs
        assert outcome.substate.log_count == len(ordinary.logs)
        assert outcome.substate.logs == log_tree(ordinary.logs).root
    if ordinary.error is None:
        status = HALT_SUCCESS
    elif isinstance(ordinary.error, Revert):
        status = HALT_REVERT
    else:
        status = HALT_EXCEPTIONAL
    # gas_used is after SSTORE's refund (no EIP-7623 floor on these forks)
    assert final.gas == (0 if status == HALT_EXCEPTIONAL else trace.tx.gas - ordinary.gas_used - ordinary.refund)
    view = outcome.last.output
    assert final.pending == exit_record(status, view)
    if view == EMPTY_VIEW:
        assert ordinary.output == b""
    else:
        assert view.root == outcome.memory.root and view.size == len(ordinary.output)
        words = tree_range(outcome.memory, view.offset, view.size).words
        start = view.offset % 32
        assert b"".join(words)[start:start + view.size] == ordinary.output


@pytest.mark.parametrize("programs", [40, pytest.param(400, marks=pytest.mark.slow)])
def test_random_programs_run_exactly_as_ordinary_execution(programs):
    for seed in range(programs):
        rng = random.Random(5000 + seed)
        code = random_program(rng, rng.randint(10, 80))
        assert_exact(trace_input(code, data=rng.randbytes(rng.choice((0, 40, 300))),
                                 gas=rng.choice((30_000, 200_000, 1_000_000)), legacy=rng.random() < 0.3))


def test_every_proven_instruction_runs_exactly_as_ordinary_execution():
    cases = success_cases(seed=21, reps=2) + split_cases()
    assert {case.target for case in cases} >= set(SUCCESS_TARGETS)
    for case in cases:
        assert_exact(case.trace())


def test_commitment_and_witness_at_any_step_replay_from_checkpoints():
    """``index`` keeps checkpoints of the ``ovm.evm`` machine; ``commitment(k)``
    and ``witness(k)`` replayed from them equal those of a run from the start."""
    cases = [c for c in success_cases(seed=31, reps=3) if c.label.split()[0] in ("SDIV", "JUMPI", "CALLDATACOPY",
                                                                               "MSTORE", "BLOBHASH", "TSTORE", "SSTORE", "SLOAD",
                                                                               "BALANCE", "LOG2", "BLOCKHASH")]
    for case in cases + split_cases()[1:2]:
        trace = case.trace()
        full = list(StepMachine(trace).steps(lambda index: True))
        machine = StepMachine(trace)
        count = machine.index(checkpoint_every=2)
        assert count == len(full) and machine.checkpoints
        for k, step in enumerate(full):
            assert machine.commitment(k) == step.pre.commitment(), (case.label, k)
            assert machine.witness(k).encode() == step.witness.encode(), (case.label, k)
        assert machine.commitment(count) == full[-1].post.commitment()
        with pytest.raises(IndexError):
            machine.witness(count)
