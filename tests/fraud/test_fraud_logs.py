"""
LOG0 … LOG4
===========

A LOG appends a leaf to the substate's log tree, its data copied into its
own word tree 8 KiB a step (``ovm.fraud.verifier_logs``). The generic tests
take the LOGs with every other instruction (success on random operands and
sizes, split ones included; underflow, out of gas, memory no gas pays for;
tampering; the trace ending as ordinary execution, its log tree that of
ordinary execution's logs). Here: several logs of every arity in one
transaction, data in parts, checked step by step on L1 and their tree
against ordinary execution's; a LOG in a static frame halts on both
verifiers, which take no other witness for it; a witness appending at
another index or with other data is refused.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from cases import Case, pushes, run_case
from eth_abi import decode, encode
from programs import op
from test_fraud_trace_exact import assert_exact
from test_fraud_verifier_on_l1 import check_on_l1

from ovm.evm.processor import process_transaction
from ovm.fraud import StepMachine, Witness, WitnessError, verify_step
from ovm.fraud.commitment import FLAG_STATIC, HALT_EXCEPTIONAL, Message, halted
from ovm.fraud.context import log_tree
from ovm.fraud.witness import EXTRA_LAYOUTS, MESSAGE


def logs_program() -> bytes:
    """Fills memory from calldata, then LOG0 … LOG4 of growing data, then LOG2 of 17,000 bytes (3 steps)."""
    code = pushes([0, 0, 20_000]) + op("CALLDATACOPY")
    for n, (offset, size) in enumerate([(0, 0), (1, 31), (33, 64), (100, 1_000), (7, 8_193)]):
        code += pushes([offset, size] + [0x1000 + n * 16 + t for t in range(n)]) + op(f"LOG{n}")
    return code + pushes([3, 17_000, 0xAA, 0xBB]) + op("LOG2") + op("STOP")


def test_logs_of_every_arity_step_alike_and_build_ordinary_executions_tree(l1):
    case = Case("logs", logs_program(), bytes(range(256)) * 80, gas=3_000_000)
    seen = check_on_l1(l1, [case])
    for n in range(5):
        assert seen[(f"LOG{n}", "")] >= 1
    assert seen[("LOG2", "")] == 1 + 3  # the 64-byte one, and 17,000 bytes in three parts
    assert seen[("LOG4", "")] == 2  # 8,193 bytes: two parts
    trace = case.trace()
    assert_exact(trace)
    ordinary = process_transaction(trace.pre_state(), trace.env, trace.tx, trace.fork)
    assert len(ordinary.logs) == 6
    outcome = StepMachine(trace).run_to_end()
    assert (outcome.substate.log_count, outcome.substate.logs) == (6, log_tree(ordinary.logs).root)


def _log_check(code: bytes, data: bytes = b""):
    case = Case("LOG", code, data, target=None)
    machine, steps, checks = run_case(case)
    logs = [check for check in checks if check.name.startswith("LOG")]
    return case, machine, logs


def test_a_log_in_a_static_frame_halts(l1):
    """A static top frame cannot be traced yet (it comes with STATICCALL), so
    its commitment is made from an honest LOG step's by setting the message's
    static flag: both verifiers halt exceptionally, revealing the message only."""
    case, machine, (check,) = _log_check(pushes([0, 40, 7]) + op("LOG1") + op("STOP"))
    l1.register(case.code)
    witness = Witness.decode(check.witness)
    message_value = decode(EXTRA_LAYOUTS["log"], witness.extra)[0]
    static = Message(*(bytes.fromhex(v[2:]) if isinstance(v, str) else v for v in message_value))
    static = replace(static, flags=static.flags | FLAG_STATIC)
    pre = witness.machine.replace(message=static.hash())
    honest = replace(witness, machine=pre, extra=encode([MESSAGE], [static.values()])).encode()
    expected = halted(pre, HALT_EXCEPTIONAL, 0).commitment()
    assert verify_step(pre.commitment(), honest, machine.registry) == expected
    full = replace(witness, machine=pre, extra=encode(EXTRA_LAYOUTS["log"], [static.values()]
                                                        + list(decode(EXTRA_LAYOUTS["log"], witness.extra)[1:]))).encode()
    with pytest.raises(WitnessError):
        verify_step(pre.commitment(), full, machine.registry)
    answers = l1.answers([(pre.commitment(), honest), (pre.commitment(), full)])
    assert answers[0] == expected
    assert answers[1] != expected


def test_a_log_appended_elsewhere_or_with_other_data_is_refused(l1):
    """The second of two logs: its witness with the first log's slot (index 0,
    a valid proof under the tree before the first log), or with the data tree
    range of other bytes, is refused by both verifiers."""
    code = pushes([0, 32, 1]) + op("LOG1") + pushes([32, 32, 2]) + op("LOG1") + op("STOP")
    case, machine, (first, second) = _log_check(pushes([5, 0]) + op("MSTORE") + code)
    l1.register(case.code)
    layout = EXTRA_LAYOUTS["log"]
    w1, w2 = Witness.decode(first.witness), Witness.decode(second.witness)
    e1, e2 = list(decode(layout, w1.extra)), list(decode(layout, w2.extra))
    forged_slot = replace(w2, extra=encode(layout, e2[:4] + [e1[4]])).encode()
    forged_data = replace(w2, extra=encode(layout, [e2[0], e1[1], e2[2], e2[3], e2[4]])).encode()
    for forged in (forged_slot, forged_data):
        try:
            python = verify_step(second.pre, forged, machine.registry)
        except WitnessError:
            python = None
        assert python != second.post
    answers = l1.answers([(second.pre, forged_slot), (second.pre, forged_data), (second.pre, second.witness)])
    assert answers[2] == second.post
    assert answers[0] != second.post and answers[1] != second.post
