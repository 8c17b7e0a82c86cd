"""
Call frames in the step machine and the reference verifier
==========================================================

Transactions whose contracts call each other (STATICCALL, DELEGATECALL,
CALLCODE and CALL, with and without value: to code, to a new account,
without the balance, in a static frame; nested several deep; children that
return, revert, run out of gas or halt on an invalid opcode; return data
read back by the caller, in bounds and out; outputs and return data long
enough to be copied in parts; calls to accounts without code; cold and warm
targets, a reverted child's warm accounts cold again) run through the step
machine end exactly as ordinary execution, and the Python reference
verifier agrees with every step. Tampered witnesses of the call and exit
steps are refused: any word altered, a forged suspended frame, a forged
child message, a wrong entry substate on a revert.

The same steps go to the Solidity ``OneStepVerifier`` (``StepsCall``) on a
real anvil, and a sample to the embedded L1 (ovm's own EVM running it),
which must answer the step machine's post-commitments and refuse the
tampered witnesses.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from eth_abi import decode, encode
from programs import op, push, trace_input
from l1_verifier import L1Verifier, Reverted
from tamper import tamperings
from test_fraud_trace_exact import assert_exact

from ovm.fraud import StepMachine, WitnessError, verify_step
from ovm.fraud.commitment import stack_push
from ovm.fraud.witness import EXTRA_LAYOUTS, Witness, message_from_abi

A = bytes.fromhex("1000000000000000000000000000000000000001")
B = bytes.fromhex("2000000000000000000000000000000000000002")
C = bytes.fromhex("3000000000000000000000000000000000000003")
D = bytes.fromhex("4000000000000000000000000000000000000004")
EMPTY = bytes.fromhex("5000000000000000000000000000000000000005")
NEW = bytes.fromhex("6000000000000000000000000000000000000006")


def call(name: str, target: bytes, *, gas: int = 100_000, args=(0, 32), out=(32, 32), value: int = 0) -> bytes:
    """Push a call's operands and make it (``value`` for CALL and CALLCODE)."""
    operands = [gas, int.from_bytes(target, "big")] + ([value] if name in ("CALL", "CALLCODE") else []) + [*args,
                                                                                                         *out]
    return b"".join(push(v) for v in reversed(operands)) + op(name)


def returns(offset: int, size: int) -> bytes:
    return push(size) + push(offset) + op("RETURN")


def store(offset: int, value: int) -> bytes:
    return push(value) + push(offset) + op("MSTORE")


def keep_result(slot: int) -> bytes:
    """Store the call's 0/1 at ``slot`` of memory."""
    return push(slot) + op("MSTORE")


def copy_return_data(dest: int, offset: int, size: int) -> bytes:
    return push(size) + push(offset) + push(dest) + op("RETURNDATACOPY")


LEAF = push(0) + op("CALLDATALOAD") + push(1) + op("ADD") + push(0) + op("MSTORE") + op("CALLER") + push(32) + op(
    "MSTORE") + op("ADDRESS") + push(64) + op("MSTORE") + returns(0, 96)
"""Returns its first calldata word plus one, its caller and its address."""
REVERTER = store(0, 0xDEAD) + call("STATICCALL", D) + op("POP") + push(32) + push(0) + op("REVERT")
"""Warms D, then reverts with a word."""
INVALID = store(0, 1) + op("INVALID")
BURNER = push(0) + op("JUMPDEST") + push(4096) + op("ADD") + op("DUP1") + op("MLOAD") + op("POP") + push(2) + op("JUMP")
"""Loops, each turn reading memory 4 KiB further out, until it runs out of gas."""
BIG = push(20_000) + push(0) + op("RETURN")
"""Returns 20,000 zero-padded bytes: an output copied in parts."""


def accounts(**code) -> dict[bytes, bytes]:
    return {B: code.get("b", LEAF), C: code.get("c", REVERTER), D: code.get("d", LEAF), EMPTY: b""}


def calls_trace(code: bytes, others: dict[bytes, bytes], gas: int = 3_000_000):
    trace = trace_input(code, gas=gas)
    base = trace.pre_state

    def pre_state():
        state = base()
        for address, body in others.items():
            if body:
                state.load_account(address, 1, 0, body, {})
        return state

    return replace(trace, pre_state=pre_state)


def program(rng: random.Random) -> tuple[bytes, dict[bytes, bytes]]:
    """A contract making a few random calls to the others, keeping their
    results and return data, and returning part of its memory."""
    code = store(0, rng.getrandbits(64))
    for i in range(rng.randint(2, 5)):
        name = rng.choice(("STATICCALL", "DELEGATECALL", "CALL", "CALLCODE"))
        target = rng.choice((B, B, C, D, EMPTY, A, NEW))
        value = rng.choice((0, 0, 1, 3, 10)) if name in ("CALL", "CALLCODE") else 0
        out = rng.choice(((32, 32), (32, 96), (0, 0), (64, 8), (100, 200)))
        code += call(name, target, gas=rng.choice((100_000, 30_000, 700, 0)), args=rng.choice(((0, 32), (0, 0),
                                                                                            (16, 40))), out=out,
                     value=value)
        code += keep_result(300 + 32 * i)
        roll = rng.random()
        if roll < 0.4:
            code += op("RETURNDATASIZE") + push(400 + 32 * i) + op("MSTORE")
        elif roll < 0.7:
            code += copy_return_data(rng.choice((0, 500)), rng.choice((0, 1, 32)), rng.choice((0, 16, 32, 64, 97)))
    code += returns(0, rng.choice((64, 512)))
    nested = LEAF if rng.random() < 0.5 else call("DELEGATECALL", B) + op("POP") + returns(32, 32)
    return code, accounts(d=nested, b=rng.choice((LEAF, LEAF, INVALID, BURNER)))


def check_every_step(trace, l1: L1Verifier | None = None) -> list:
    """Every step's witness is taken by the Python verifier (and by ``l1``'s
    Solidity verifier, if given); returns the steps."""
    machine = StepMachine(trace)
    steps = list(machine.steps(lambda index: True))
    for step in steps:
        assert verify_step(step.pre.commitment(), step.witness.encode(), machine.registry) == step.post.commitment(), (
            step.index, step.name)
    if l1 is not None:
        for code in machine.registry.codes():
            l1.register(code)
        answers = l1.answers([(step.pre.commitment(), step.witness.encode()) for step in steps])
        wrong = [(step.index, step.name, answer) for step, answer in zip(steps, answers)
                 if answer != step.post.commitment()]
        assert not wrong, f"{len(wrong)} of {len(steps)} steps differ on L1, e.g. {wrong[:3]}"
    return machine, steps


SCENARIOS = {
    "nested three deep, return data read back": (
        call("STATICCALL", C, args=(0, 0), out=(0, 32)) + keep_result(64) + op("RETURNDATASIZE") + keep_result(96)
        + copy_return_data(128, 0, 32) + call("STATICCALL", D, out=(200, 96)) + keep_result(160) + returns(0, 320),
        accounts(d=call("DELEGATECALL", B) + op("POP") + copy_return_data(0, 0, 96) + returns(0, 96))),
    "a reverted child's warm account is cold again": (
        call("CALL", C) + op("POP") + call("STATICCALL", D) + op("GAS") + keep_result(0) + returns(0, 64),
        accounts()),
    "children out of gas and invalid": (
        call("STATICCALL", B, gas=5_000) + keep_result(0) + call("STATICCALL", C, gas=3) + keep_result(32)
        + op("RETURNDATASIZE") + keep_result(64) + returns(0, 96),
        accounts(b=BURNER)),
    "return data out of bounds": (
        call("STATICCALL", B) + op("POP") + copy_return_data(0, 64, 33) + returns(0, 32), accounts()),
    "an account without code, a call that starts nothing": (
        call("CALL", EMPTY) + keep_result(0) + call("STATICCALL", EMPTY, gas=0) + keep_result(32) + returns(0, 64),
        accounts()),
    "values moved, to code, to a new account, without the balance, in a static frame, reverted": (
        call("CALL", B, value=2) + keep_result(0) + call("CALL", NEW, value=1) + keep_result(32)
        + call("CALL", B, value=100) + keep_result(64) + call("CALLCODE", B, value=1) + keep_result(96)
        + call("STATICCALL", D) + keep_result(128) + call("CALL", C, value=1) + keep_result(160) + op("SELFBALANCE")
        + keep_result(192) + returns(0, 224),
        accounts(d=call("CALL", B, value=1) + returns(0, 32),
                 c=call("CALL", B, value=1) + push(0) + push(0) + op("REVERT"))),
    "an output and return data copied in parts": (
        call("STATICCALL", B, out=(0, 20_000)) + op("POP") + copy_return_data(30_000, 5, 19_000) + returns(100, 64),
        accounts(b=BIG)),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_calls_run_exactly_and_every_step_verifies(name):
    code, others = SCENARIOS[name]
    trace = calls_trace(code, others)
    assert_exact(trace)
    _, steps = check_every_step(trace)
    kinds = {step.kind for step in steps}
    assert "exit" in kinds or name.startswith("an account") or name.startswith("return data out")


def test_depths_and_exits_are_traced():
    code, others = SCENARIOS["nested three deep, return data read back"]
    _, steps = check_every_step(calls_trace(code, others))
    depths = [step.entered.message.depth for step in steps if step.entered is not None]
    assert depths == [1, 2, 3, 1, 2]  # C (which calls D, which delegates to B), then D (which delegates to B)
    assert sum(step.kind == "exit" for step in steps) == 5


@pytest.mark.parametrize("count", [6, pytest.param(30, marks=pytest.mark.slow)])
def test_random_call_programs_run_exactly_and_verify(count):
    for seed in range(count):
        code, others = program(random.Random(900 + seed))
        trace = calls_trace(code, others, gas=random.Random(seed).choice((3_000_000, 120_000)))
        assert_exact(trace)
        check_every_step(trace)


def test_commitments_and_witnesses_replay_from_checkpoints_between_calls():
    """Checkpoints are taken in the top frame only (with its return data's
    tree); replaying from them gives the same commitments and witnesses."""
    code, others = SCENARIOS["nested three deep, return data read back"]
    trace = calls_trace(code, others)
    full = list(StepMachine(trace).steps(lambda index: True))
    machine = StepMachine(trace)
    assert machine.index(checkpoint_every=3) == len(full) and len(machine.checkpoints) > 3
    for k, step in enumerate(full):
        assert machine.commitment(k) == step.pre.commitment(), k
        assert machine.witness(k).encode() == step.witness.encode(), k


def test_every_step_of_calls_verifies_on_l1(l1):
    for name in sorted(SCENARIOS):
        code, others = SCENARIOS[name]
        check_every_step(calls_trace(code, others), l1)


@pytest.mark.parametrize("count", [4, pytest.param(30, marks=pytest.mark.slow)])
def test_random_call_programs_verify_on_l1(l1, count):
    for seed in range(count):
        code, others = program(random.Random(700 + seed))
        check_every_step(calls_trace(code, others, gas=random.Random(seed).choice((3_000_000, 120_000))), l1)


def test_calls_verify_on_the_embedded_l1(embedded_l1):
    """ovm's own EVM runs ``StepsCall``: the calls and exits of one scenario."""
    code, others = SCENARIOS["nested three deep, return data read back"]
    machine = StepMachine(calls_trace(code, others))
    steps = [s for s in machine.steps(lambda index: True) if s.entered is not None or s.kind]
    for code in machine.registry.codes():
        embedded_l1.register(code)
    assert embedded_l1.answers([(s.pre.commitment(), s.witness.encode()) for s in steps]) == [
        s.post.commitment() for s in steps]


def test_a_call_at_the_depth_limit_does_not_start(l1):
    """1,024 frames are out of reach of real gas (each keeps a 64th), so the
    depth limit is checked on a witness: an honest call step whose message is
    made 1,024 deep gives the call's gas back and pushes 0, the substate
    keeping only the warm target, on both verifiers."""
    code, others = SCENARIOS["nested three deep, return data read back"]
    machine, steps = check_every_step(calls_trace(code, others))
    step = next(s for s in steps if s.entered is not None)
    layout = EXTRA_LAYOUTS["call"]
    message, substate, warm, account, _, own, credit = decode(layout, step.witness.extra)
    deep = message_from_abi(message)
    deep = replace(deep, depth=1024)
    pre = step.pre.replace(message=deep.hash())
    witness = Witness(pre, step.witness.stack, step.witness.stack_rest, step.witness.code,
                      encode(layout, [deep.values(), substate, warm, account, ((), b""), own, credit]))
    suspended, child = step.entered.suspended, step.entered.message
    expected = pre.replace(pc=pre.pc + 1, gas=suspended.gas + step.post.gas, stack_size=suspended.stack_size + 1,
                           stack=stack_push(suspended.stack, 0), memory_size=suspended.memory_size,
                           substate=child.entry_substate).commitment()
    assert verify_step(pre.commitment(), witness.encode(), machine.registry) == expected
    for code in machine.registry.codes():
        l1.register(code)
    assert l1.answers([(pre.commitment(), witness.encode())]) == [expected]


# -- tampering -----------------------------------------------------------------------------


def _steps_of_kind(name: str):
    code, others = SCENARIOS[name]
    machine, steps = check_every_step(calls_trace(code, others))
    return machine, steps


def test_tampered_call_and_exit_witnesses_are_refused(l1):
    machine, steps = _steps_of_kind("a reverted child's warm account is cold again")
    chosen = [s for s in steps if s.entered is not None][:2] + [s for s in steps if s.kind == "exit"][:2]
    valued, valued_steps = _steps_of_kind("values moved, to code, to a new account, without the balance, in a static "
                                          "frame, reverted")
    with_value = [s for s in valued_steps if s.name == "CALL" and s.ending == ""][:3]
    chosen += [s for s in steps if s.name == "RETURNDATASIZE"][:1]
    big, big_steps = _steps_of_kind("an output and return data copied in parts")
    assert len(chosen) >= 4
    sample = random.Random(3)
    asked = []
    for registry, step in [(machine.registry, s) for s in chosen] + [(valued.registry, s) for s in with_value] + [
            (big.registry, s) for s in big_steps if s.kind == "exit copy"][:1]:
        honest = step.post.commitment()
        for what, altered in tamperings(step.witness, sample):
            try:
                answer = verify_step(step.pre.commitment(), altered.encode(), registry)
            except WitnessError:
                answer = None
            assert answer != honest, f"{step.name}: the Python verifier took {what}"
            asked.append((step, what, altered.encode()))
    for code in machine.registry.codes() + big.registry.codes() + valued.registry.codes():
        l1.register(code)
    answers = l1.answers([(step.pre.commitment(), encoded) for step, _, encoded in asked])
    taken = [f"{step.name}: {what}" for (step, what, _), answer in zip(asked, answers)
             if answer == step.post.commitment()]
    assert not taken, f"L1 took {len(taken)} of {len(asked)} tampered witnesses, e.g. {taken[:5]}"
    assert any(isinstance(answer, Reverted) for answer in answers)


def _exit_of_revert():
    machine, steps = _steps_of_kind("a reverted child's warm account is cold again")
    exits = [s for s in steps if s.kind == "exit" and s.pre.pending != s.post.pending]
    revert = next(s for s in exits if decode(EXTRA_LAYOUTS["exit"], s.witness.extra)[3] == 2)
    return machine, revert


def test_a_forged_suspended_frame_or_child_message_is_refused():
    machine, exit = _exit_of_revert()
    layout = EXTRA_LAYOUTS["exit"]
    message, frame, below, status, out, source, dest = decode(layout, exit.witness.extra)
    forged_frame = list(frame)
    forged_frame[3] += 1_000_000  # more gas back to the caller
    forged_message = list(message)
    forged_message[10] = 0  # no output copied
    for values in ([message, tuple(forged_frame), below, status, out, source, dest],
                   [tuple(forged_message), frame, below, status, out, source, dest]):
        witness = Witness(exit.witness.machine, [], bytes(32), exit.witness.code, encode(layout, values))
        with pytest.raises(WitnessError):
            verify_step(exit.pre.commitment(), witness.encode(), machine.registry)


def test_a_revert_restores_the_entry_substate_and_no_other():
    """The exit of a reverting child must restore the substate its message
    committed to on entry: a message with another entry substate does not
    open the commitment, and the honest exit's substate is the entry one."""
    machine, exit = _exit_of_revert()
    layout = EXTRA_LAYOUTS["exit"]
    message, *rest = decode(layout, exit.witness.extra)
    assert exit.post.substate == message[8] and exit.pre.substate != message[8]
    forged = list(message)
    forged[8] = exit.pre.substate  # keep the child's changes
    witness = Witness(exit.witness.machine, [], bytes(32), exit.witness.code, encode(layout, [tuple(forged), *rest]))
    with pytest.raises(WitnessError):
        verify_step(exit.pre.commitment(), witness.encode(), machine.registry)
