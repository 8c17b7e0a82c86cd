"""
The verifier under every fork the L2 runs
=========================================

The commitment names its fork (``ovm.fraud.rules.FORK_IDS``), and both
verifiers take the fork's instruction table from it. Besides OvmCancun (the
fork of the other tests), the L2's later forks OvmFjord and OvmIsthmus and
Ethereum's Osaka: seeded random programs step alike on L1 under each, and
Osaka's CLZ is proven on its edges (zero, one bit, every bit), on random
words, on too few stack items and too little gas, with a tampered witness;
under the forks before Osaka 0x1e is undefined and halts exceptionally.
Each trace ends exactly as ordinary execution under its fork.
"""

from __future__ import annotations

import random

import pytest
from cases import Case, out_of_gas_cases, pushes, run_case, word
from programs import op, random_program
from tamper import tamperings
from test_fraud_trace_exact import assert_exact
from test_fraud_verifier_on_l1 import check_on_l1

from ovm.evm.forks import OSAKA, OVM_FJORD, OVM_ISTHMUS, PRAGUE
from ovm.fraud import Witness, WitnessError, verify_step
from ovm.fraud.commitment import stack_push

CLZ = 0x1E
LATER_FORKS = (OVM_FJORD, OVM_ISTHMUS, OSAKA)
EDGES = [0, 1, 2, 255, 1 << 128, (1 << 255) - 1, 1 << 255, (1 << 256) - 1]


def clz_cases(seed: int, reps: int) -> list[Case]:
    rng = random.Random(seed)
    values = EDGES + [word(rng) for _ in range(reps)]
    body = b"".join(pushes([v]) + bytes((CLZ,)) + op("POP") for v in values)
    return [Case(f"CLZ x{len(values)}", body + op("STOP"), target=CLZ, expect="", fork=OSAKA)]


@pytest.mark.parametrize("programs", [3, pytest.param(10, marks=pytest.mark.slow)])
def test_random_programs_step_alike_under_the_later_forks(l1, programs):
    cases = []
    for fork in LATER_FORKS:
        for seed in range(programs):
            rng = random.Random(f"{fork.name} {seed}")
            code = random_program(rng, rng.randint(20, 80)) + bytes((CLZ,)) * rng.randint(0, 1)
            cases.append(Case(f"{fork.name} program {seed}", code, gas=rng.choice((40_000, 60_000)), fork=fork,
                              want=lambda index: index < 300))  # a program may loop
    seen = check_on_l1(l1, cases)
    assert sum(seen.values()) > 3 * len(cases)


def test_clz_is_proven_under_osaka(l1):
    cases = clz_cases(seed=1, reps=4)
    cases += [Case("CLZ on no item", bytes((CLZ,)), target=CLZ, expect="StackUnderflow", fork=OSAKA)]
    cases += out_of_gas_cases(seed=2, cases=clz_cases(seed=3, reps=0), per_case=2)
    seen = check_on_l1(l1, cases)
    assert seen[("0x1e", "")] >= len(EDGES) + 4
    assert seen[("0x1e", "StackUnderflow")] == 1
    assert seen[("0x1e", "OutOfGas")] == 2
    for case in clz_cases(seed=4, reps=4):
        assert_exact(case.trace())


def test_clz_computes_what_ovm_evm_does():
    """The pushed word is ``ovm.evm``'s CLZ: the steps' stack equals the ordinary
    execution's, checked by reading each result back through the trace."""
    code = b"".join(pushes([v]) + bytes((CLZ,)) for v in EDGES) + op("STOP")
    machine, steps, _ = run_case(Case("CLZ results", code, want=lambda index: False, fork=OSAKA))
    results = [step for step in steps if step.opcode == CLZ]
    assert len(results) == len(EDGES)
    stack = bytes(32)
    for value in EDGES:
        stack = stack_push(stack, 256 - value.bit_length())
    assert results[-1].post.stack == stack


@pytest.mark.parametrize("fork", [OVM_ISTHMUS, PRAGUE, OVM_FJORD])
def test_0x1e_is_undefined_before_osaka(l1, fork):
    case = Case(f"0x1e under {fork.name}", pushes([1]) + bytes((CLZ,)), target=CLZ, expect="InvalidOpcode", fork=fork)
    seen = check_on_l1(l1, [case])
    assert seen[("0x1e", "InvalidOpcode")] == 1


def test_a_tampered_clz_witness_is_caught(l1):
    case = Case("CLZ", pushes([12345]) + bytes((CLZ,)) + op("STOP"), target=CLZ, fork=OSAKA)
    machine, _, checks = run_case(case)
    l1.register(case.code)
    (check,) = checks
    tampered = []
    for what, altered in tamperings(Witness.decode(check.witness)):
        encoded = altered.encode()
        try:
            python = verify_step(check.pre, encoded, machine.registry)
        except WitnessError:
            python = None
        assert python != check.post, what
        tampered.append((what, encoded))
    answers = l1.answers([(check.pre, encoded) for _, encoded in tampered])
    taken = [what for (what, _), answer in zip(tampered, answers) if answer == check.post]
    assert not taken, taken
