"""
The one-step verifier on L1 against the step machine
====================================================

Every step the step machine makes for the instructions this slice proves is
checked twice: by the Python reference verifier (in ``cases.run_case``) and
by the Solidity ``OneStepVerifier`` on a real anvil, which must answer the
step machine's post-step commitment. Seeded cases aim at each instruction's
success (``reps`` times on random operands, sub-steps included) and at each
of its error paths — stack underflow and overflow, out of gas on its static
and its dynamic cost, memory no gas pays for, invalid jumps, undefined
opcodes — and seeded random programs mix them. The fast tier takes a few
repetitions and samples the long error cases; the slow tier takes 20 of each
and all of them.

A tampered witness (``tamper.tamperings``: each element altered in turn)
makes both verifiers reject the step or answer another commitment.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest
from eth_abi import decode, encode
from cases import (
    INFO,
    ISET_CODE,
    NAME,
    SUCCESS_TARGETS,
    UNDEFINED,
    Case,
    invalid_jump_cases,
    invalid_opcode_cases,
    memory_limit_cases,
    out_of_gas_cases,
    overflow_cases,
    return_data_cases,
    run_case,
    split_cases,
    success_cases,
    underflow_cases,
)
from l1_verifier import L1Verifier, Reverted
from programs import SENDER, op, random_program
from tamper import tamperings

from ovm.evm.processor import begin_transaction
from ovm.fraud import WitnessError, verify_step
from ovm.fraud.witness import EXTRA_LAYOUTS

SLOW = pytest.mark.slow


def check_on_l1(l1: L1Verifier, cases: list[Case]) -> Counter:
    """Runs ``cases``; every checked step must get the step machine's
    post-commitment from L1. Returns how many steps of each (name, ending)."""
    checks = []
    for case in cases:
        _, _, case_checks = run_case(case)
        l1.register(case.code)
        checks += case_checks
    answers = l1.answers([(c.pre, c.witness) for c in checks])
    wrong = [(c.label, c.name, c.ending, a if isinstance(a, Reverted) else a.hex())
             for c, a in zip(checks, answers) if a != c.post]
    assert not wrong, f"{len(wrong)} of {len(checks)} steps differ on L1, e.g. {wrong[:3]}"
    return Counter((c.name, c.ending) for c in checks)


@pytest.mark.parametrize("reps", [2, pytest.param(20, marks=SLOW)])
def test_every_proven_instruction_succeeds_alike_on_l1(l1, reps):
    seen = check_on_l1(l1, success_cases(seed=reps, reps=reps))
    for code in SUCCESS_TARGETS:
        name = NAME[code]
        ending = {"STOP": "success", "RETURN": "success", "REVERT": "Revert"}.get(name, "")
        assert seen[(name, ending)] >= reps, f"{name}: {seen[(name, ending)]} successful steps checked"


@pytest.mark.parametrize("full", [False, pytest.param(True, marks=SLOW)])
def test_every_error_path_halts_alike_on_l1(l1, full):
    rng = random.Random(7)
    overflowing = [NAME[c] for c in SUCCESS_TARGETS if INFO[c].outputs > INFO[c].inputs]
    undefined = UNDEFINED if full else rng.sample(UNDEFINED, 12)
    cases = (
        underflow_cases(seed=1)
        + overflow_cases(None if full else rng.sample(overflowing, 4))
        + memory_limit_cases(seed=2)
        + invalid_jump_cases()
        + return_data_cases(seed=5)
        + invalid_opcode_cases(undefined)
        + out_of_gas_cases(seed=3, cases=success_cases(seed=4, reps=2 if full else 1), per_case=4 if full else 1)
    )
    seen = check_on_l1(l1, cases)
    for code in SUCCESS_TARGETS:
        name, info = NAME[code], INFO[code]
        if info.inputs:
            assert seen[(name, "StackUnderflow")], f"{name}: no stack underflow checked"
        if full and info.outputs > info.inputs:
            assert seen[(name, "StackOverflow")], f"{name}: no stack overflow checked"
        if name != "STOP":
            assert seen[(name, "OutOfGas")], f"{name}: no out-of-gas checked"
    for name in ("JUMP", "JUMPI"):
        assert seen[(name, "InvalidJump")] >= 5
    assert seen[("RETURNDATACOPY", "ReturnDataOutOfBounds")] == 4
    for code in undefined:
        assert seen[(f"0x{code:02x}", "InvalidOpcode")] == 1
    assert seen[("INVALID", "InvalidOpcode")] == 1


@pytest.mark.parametrize("programs", [25, pytest.param(150, marks=SLOW)])
def test_random_programs_step_alike_on_l1(l1, programs):
    cases = []
    for seed in range(programs):
        rng = random.Random(1000 + seed)
        cases.append(Case(f"program {seed}", random_program(rng, rng.randint(10, 80)),
                          rng.randbytes(rng.choice((0, 40, 300))), gas=rng.choice((30_000, 200_000, 1_000_000))))
    seen = check_on_l1(l1, cases)
    assert sum(seen.values()) > 10 * programs // 2


# -- tampering ---------------------------------------------------------------------------

TAMPER_KINDS = ("SELFBALANCE", "BALANCE", "SLOAD", "SSTORE", "TLOAD", "TSTORE", "BLOCKHASH", "RETURNDATACOPY", "EXP", "PUSH2", "SWAP2", "JUMPI", "MSTORE8", "CALLDATALOAD", "TIMESTAMP", "ORIGIN", "BLOBHASH",
                "KECCAK256", "MCOPY", "CALLDATACOPY", "CODECOPY", "RETURN", "LOG3")
"""The kinds of step the fast tier tampers with: one of each witness layout."""


def tamper_cases(names) -> list[Case]:
    return [case for case in success_cases(seed=11, reps=2) if NAME[case.target] in names] + split_cases()


@pytest.mark.parametrize("names", [TAMPER_KINDS, pytest.param(tuple(NAME[c] for c in SUCCESS_TARGETS), marks=SLOW)])
def test_a_tampered_witness_is_caught(l1, names):
    """Every element of the witness of one step of each kind (each part of a
    split instruction, each ending) altered in turn, the elements of long
    arrays (memory words, sponge lanes, proof nodes) sampled; the fast tier
    takes one kind of step per witness layout, the slow tier every instruction."""
    honest, tampered, kinds = [], [], Counter()
    sample = random.Random(5)
    for case in tamper_cases(names) + underflow_cases(seed=12, names=["ADD"]) + invalid_jump_cases()[:1]:
        machine, _, checks = run_case(case)
        l1.register(case.code)
        seen_parts = set()
        for check in checks:
            witness = _decode(check.witness)
            kind = (check.name, check.ending, witness.machine.pending != bytes(32), bool(witness.extra))
            if kind in seen_parts:
                continue
            seen_parts.add(kind)
            kinds[check.name] += 1
            for what, altered in tamperings(witness, sample):
                encoded = altered.encode()
                try:
                    python = verify_step(check.pre, encoded, machine.registry)
                except WitnessError:
                    python = None
                assert python != check.post, f"{case.label} {check.name}: the Python verifier took {what}"
                honest.append(check)
                tampered.append((f"{case.label} {check.name}: {what}", encoded))
    answers = l1.answers([(check.pre, encoded) for check, (_, encoded) in zip(honest, tampered)])
    taken = [what for check, (what, _), answer in zip(honest, tampered, answers) if answer == check.post]
    assert not taken, f"L1 took {len(taken)} of {len(tampered)} tampered witnesses, e.g. {taken[:5]}"
    assert all(kinds[name] for name in names), "a kind of step was not tampered with"
    assert any(isinstance(a, Reverted) for a in answers)


def test_selfbalance_takes_no_other_accounts_proof(l1):
    """SELFBALANCE's proof must be of the running account: the sender's (rich)
    account, proven under the same state root, is refused by both verifiers."""
    case = Case("SELFBALANCE", op("SELFBALANCE") + op("STOP"), target=ISET_CODE["SELFBALANCE"])
    machine, steps, checks = run_case(case)
    l1.register(case.code)
    (check,) = checks
    witness = _decode(check.witness)
    layout = EXTRA_LAYOUTS["selfbalance"]
    message, substate, _ = decode(layout, witness.extra)
    state = machine.trace.pre_state()
    execution = begin_transaction(state, machine.trace.env, machine.trace.tx, machine.trace.fork)
    assert state.state_root() == substate[0]  # the state the step's substate commits to
    assert execution.machine.frames
    forged = replace(witness, extra=encode(layout, [message, substate, state.prove_account(SENDER)]))
    with pytest.raises(WitnessError):
        verify_step(check.pre, forged.encode(), machine.registry)
    (answer,) = l1.answers([(check.pre, forged.encode())])
    assert isinstance(answer, Reverted)
    assert l1.answers([(check.pre, check.witness)]) == [check.post]


def _decode(witness: bytes):
    from ovm.fraud import Witness

    return Witness.decode(witness)


# -- the embedded L1 ---------------------------------------------------------------------


@pytest.mark.parametrize("full", [False, pytest.param(True, marks=SLOW)])
def test_the_verifier_run_by_ovms_own_evm_agrees(embedded_l1, full):
    """The same checks on the embedded L1, where ``ovm.evm`` runs the Solidity
    verifier: each proven instruction once (the slow tier: three times, the
    split ones included, and the error paths and random programs)."""
    cases = success_cases(seed=41, reps=3 if full else 1)
    if full:
        cases += split_cases()[1:] + underflow_cases(seed=42) + invalid_jump_cases() + memory_limit_cases(seed=43)
        cases += out_of_gas_cases(seed=44, cases=success_cases(seed=45, reps=1))
        cases += [Case(f"program {seed}", random_program(random.Random(seed), 40), gas=300_000) for seed in range(40)]
    else:
        cases = [case for case in cases if case.target is None or NAME[case.target] != "KECCAK256"]
    seen = check_on_l1(embedded_l1, cases)
    assert {name for name, _ in seen} >= {NAME[code] for code in SUCCESS_TARGETS} - ({"KECCAK256"} if not full else set())
