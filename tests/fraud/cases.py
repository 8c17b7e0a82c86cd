"""
Cases for the differential tests of the one-step verifier
=========================================================

A ``Case`` is a program run by a real signed transaction (``programs``),
with the steps to check: those of one target opcode, or all. The builders
aim each case at one path of one instruction, with seeded random operands:

- ``success_cases``: the opcode ``reps`` times on random operands (values
  that hit the edges of its arithmetic, memory offsets near and far, copies
  and hashes long enough to be split into sub-steps), or, for the halting
  ones, once per program after a random prefix;
- ``underflow_cases`` / ``overflow_cases``: too few stack items, a full stack;
- ``out_of_gas_cases``: a success case run again with just too little gas
  for the target step (anywhere from nothing to one gas short of its cost,
  static or dynamic);
- ``memory_limit_cases``: offsets and sizes whose memory no gas pays for;
- ``invalid_jump_cases`` and ``invalid_opcode_cases``.

``run_case`` runs one through the step machine, checks every witnessed step
with the Python reference verifier, and returns the L1 checks to make.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Callable

from programs import NUMBER, STATE_OPS, WORDS, op, push, state_access, trace_input

from ovm.evm.forks import OVM_CANCUN, Fork
from ovm.evm.opcodes import Kind
from ovm.fraud import StepMachine, verify_step
from ovm.fraud.rules import PROVEN
from ovm.fraud.steps import Step

ISET = OVM_CANCUN.instruction_set
INFO = ISET.info
PROVEN_HERE = frozenset(code for code in PROVEN if INFO[code] is not None)
"""The proven instructions of OvmCancun, the fork the cases run under (later forks' in ``test_fraud_forks``)."""
NAME = {code: INFO[code].name for code in PROVEN_HERE}
HALTING = {"STOP", "RETURN", "REVERT", "INVALID"}
SUCCESS_TARGETS = sorted(code for code in PROVEN_HERE if NAME[code] != "INVALID")
UNDEFINED = [code for code in range(256) if INFO[code] is None]
MEMORY_OFFSETS = {"MLOAD": (0, None), "MSTORE": (0, None), "MSTORE8": (0, None), "KECCAK256": (0, 1),
                  "MCOPY": (0, 2), "CALLDATACOPY": (0, 2), "CODECOPY": (0, 2), "RETURN": (0, 1),
                  "REVERT": (0, 1), **{f"LOG{n}": (0, 1) for n in range(5)}}
"""Which operand is a memory offset and which its size (None: fixed size)."""


@dataclass
class Case:
    label: str
    code: bytes
    data: bytes = b""
    gas: int = 2_000_000
    target: int | None = None  # the opcode whose steps are checked on L1 (None: every step)
    want: Callable[[int], bool] = field(default=lambda index: True)
    expect: str | None = None  # the ending the target step must have ("" runs on)
    pre: dict = field(default_factory=dict)  # more of trace_input's pre-state (storage, accounts)
    fork: Fork = OVM_CANCUN

    def trace(self):
        return trace_input(self.code, data=self.data, gas=self.gas, fork=self.fork, **self.pre)


@dataclass(frozen=True)
class Check:
    """A step to ask the L1 verifier about, and what it must answer."""

    label: str
    name: str
    ending: str
    pre: bytes
    witness: bytes
    post: bytes


def run_case(case: Case) -> tuple[StepMachine, list[Step], list[Check]]:
    """The case's steps, each witnessed one checked by the Python verifier; the L1 checks."""
    machine = StepMachine(case.trace())
    steps, checks = [], []
    for step in machine.steps(case.want):
        steps.append(step)
        if step.witness is None:
            continue
        pre, post, witness = step.pre.commitment(), step.post.commitment(), step.witness.encode()
        assert verify_step(pre, witness, machine.registry) == post, f"{case.label}: step {step.index} {step.name}"
        if case.target is None or step.opcode == case.target:
            checks.append(Check(case.label, NAME.get(step.opcode, f"0x{step.opcode:02x}"), step.ending, pre,
                                witness, post))
    if case.expect is not None:
        targets = [s for s in steps if s.opcode == case.target]
        assert targets and targets[-1].ending == case.expect, (
            f"{case.label}: ended {targets[-1].ending if targets else 'without the target'!r}, not {case.expect!r}")
    return machine, steps, checks


# -- operands -----------------------------------------------------------------------


def word(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(WORDS)
    if roll < 0.7:
        return rng.randint(0, 300)
    return rng.getrandbits(rng.choice((8, 16, 64, 128, 255, 256)))


def near(rng: random.Random) -> int:
    return rng.randint(0, 200) if rng.random() < 0.8 else rng.randint(0, 20_000)


def size(rng: random.Random, name: str) -> int:
    roll = rng.random()
    if roll < 0.1:
        return 0
    if roll < 0.7:
        return rng.randint(1, 100)
    if name == "KECCAK256" and roll < 0.8:
        return rng.randint(65_280, 75_000)  # more than one step's worth: the sponge in parts
    if name in ("RETURN", "REVERT"):
        return rng.randint(100, 2_000)
    return rng.randint(8_000, 20_000)  # copies in parts


def operands(rng: random.Random, name: str) -> list[int]:
    """Operands (top first) on which ``name`` succeeds."""
    count = INFO[next(c for c in PROVEN_HERE if NAME[c] == name)].inputs
    if name in ("MLOAD", "MSTORE", "MSTORE8"):
        return [near(rng)] + [word(rng) for _ in range(count - 1)]
    if name == "KECCAK256" or name in ("RETURN", "REVERT"):
        return [near(rng), size(rng, name)]
    if name.startswith("LOG"):
        return [near(rng), size(rng, name)] + [word(rng) for _ in range(count - 2)]
    if name == "MCOPY":
        return [near(rng), near(rng), size(rng, name)]
    if name in ("CALLDATACOPY", "CODECOPY"):
        return [near(rng), near(rng) if rng.random() < 0.8 else word(rng), size(rng, name)]
    if name == "BLOBHASH":
        return [rng.randint(0, 3)]
    if name in STATE_OPS:
        return state_access(rng, name)
    if name == "BLOCKHASH":  # the ring's edges, inside it and outside
        return [rng.choice((NUMBER - 1, NUMBER - 256, NUMBER - 257, NUMBER, NUMBER + 1, rng.randrange(NUMBER - 256, NUMBER),
                            word(rng)))]
    if name == "RETURNDATACOPY":
        return [word(rng), 0, 0]  # the only copy in bounds of no return data
    return [word(rng) for _ in range(count)]


def pushes(values: list[int]) -> bytes:
    """Code leaving ``values`` on the stack, the first on top."""
    return b"".join(push(v) for v in reversed(values))


def calldata(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice((0, rng.randint(1, 100), rng.randint(9_000, 20_000))))


# -- success ----------------------------------------------------------------------------


def once(rng: random.Random, code: int) -> bytes:
    """The code of one run of ``code`` on random operands, its outputs popped."""
    name, info = NAME[code], INFO[code]
    if info.kind is Kind.PUSH:
        return bytes((code,)) + rng.randbytes(info.immediate) + op("POP") * info.outputs
    if name in ("JUMP", "JUMPI"):
        raise AssertionError("jumps have their own layout")
    return pushes(operands(rng, name)) + bytes((code,)) + op("POP") * info.outputs


def jumps(rng: random.Random, name: str, reps: int) -> bytes:
    """``reps`` jumps to the JUMPDEST just after each (JUMPI taken or not)."""
    code = bytearray()
    for _ in range(reps):
        condition = [rng.choice((0, 1, word(rng)))] if name == "JUMPI" else []
        head = pushes(condition)
        target = len(code) + len(head) + 3 + 1
        code += head + bytes((0x61,)) + target.to_bytes(2, "big") + op(name) + op("JUMPDEST")
    return bytes(code)


def success_cases(seed: int, reps: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for code in SUCCESS_TARGETS:
        name = NAME[code]
        if name in HALTING:
            for r in range(reps):
                prefix = b"".join(pushes([near(rng), word(rng)]) + op("MSTORE") for _ in range(rng.randint(0, 3)))
                cases.append(Case(f"{name} #{r}", prefix + pushes(operands(rng, name)) + bytes((code,)),
                                  calldata(rng), target=code, expect="Revert" if name == "REVERT" else "success"))
            continue
        if name in ("JUMP", "JUMPI"):
            body = jumps(rng, name, reps)
        else:
            body = b"".join(once(rng, code) for _ in range(reps))
        cases.append(Case(f"{name} x{reps}", body + op("STOP"), calldata(rng), target=code, expect=""))
    cases += split_cases()
    # a PUSH whose immediate runs past the end of the code reads zeros
    cases.append(Case("PUSH32 cut short", op("PUSH1") + b"\x01" + bytes((0x7F,)) + b"\xAA\xBB", target=0x7F,
                      expect=""))
    return cases


def split_cases() -> list[Case]:
    """Each instruction split into sub-steps, at least once: KECCAK256 through the
    sponge, MCOPY forwards and backwards (overlapping), CALLDATACOPY of real
    calldata and past its end, CODECOPY over the code and past it, a LOG of
    real data (three parts)."""
    big = bytes(range(256)) * 80
    keccak = ISET_CODE["KECCAK256"]
    return [
        Case("KECCAK256 in parts", pushes([0, 70_000]) + bytes((keccak,)) + op("STOP"), target=keccak, expect=""),
        Case("MCOPY in parts, forwards", pushes([0, 5_000, 20_000]) + op("MCOPY") + op("STOP"),
             target=ISET_CODE["MCOPY"], expect=""),
        Case("MCOPY in parts, backwards", pushes([3_000, 0, 20_000]) + op("MCOPY") + op("STOP"),
             target=ISET_CODE["MCOPY"], expect=""),
        Case("CALLDATACOPY in parts", pushes([7, 3, 20_000]) + op("CALLDATACOPY") + op("STOP"), big,
             target=ISET_CODE["CALLDATACOPY"], expect=""),
        Case("CODECOPY in parts", pushes([1, 2, 10_000]) + op("CODECOPY") + op("STOP") + big[:300],
             target=ISET_CODE["CODECOPY"], expect=""),
        Case("LOG3 in parts", pushes([0, 0, 50_000]) + op("CALLDATACOPY") + pushes([5, 20_000, 1, 2, 3]) + op("LOG3")
             + op("STOP"), big, target=ISET_CODE["LOG3"], expect=""),
    ]


# -- errors -----------------------------------------------------------------------------


def underflow_cases(seed: int, names: list[str] | None = None) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for code in SUCCESS_TARGETS:
        name, inputs = NAME[code], INFO[code].inputs
        if not inputs or (names is not None and name not in names):
            continue
        have = rng.randrange(inputs)
        cases.append(Case(f"{name} on {have} items", op("PUSH0") * have + bytes((code,)), target=code,
                          expect="StackUnderflow"))
    return cases


def overflow_cases(names: list[str] | None = None) -> list[Case]:
    cases = []
    for code in SUCCESS_TARGETS:
        name, info = NAME[code], INFO[code]
        if info.outputs <= info.inputs or (names is not None and name not in names):
            continue
        last = 1024
        cases.append(Case(f"{name} on a full stack", op("PUSH0") * 1024 + bytes((code,)) + b"\x00" * 32,
                          target=code, want=lambda index, last=last: index == last, expect="StackOverflow"))
    return cases


def out_of_gas_cases(seed: int, cases: list[Case], per_case: int = 1) -> list[Case]:
    """For each case, runs again with too little gas for a random target step:
    from none to one gas short of what the step takes, static and dynamic."""
    rng = random.Random(seed)
    out = []
    for case in cases:
        _, steps, _ = run_case(replace(case, want=lambda index: False, expect=None))
        costly = [s for s in steps if s.opcode == case.target and s.part == 0 and s.ending in ("", "success", "Revert")
                  and s.pre.gas > s.post.gas]
        for step in rng.sample(costly, min(per_case, len(costly))):
            cost = step.pre.gas - step.post.gas
            left = rng.choice((0, cost - 1, rng.randrange(cost)))
            out.append(replace(case, label=f"{case.label}: out of gas at step {step.index} ({left} of {cost})",
                               gas=case.gas - (step.pre.gas - left), want=lambda index, at=step.index: index == at,
                               expect="OutOfGas"))
    return out


def memory_limit_cases(seed: int) -> list[Case]:
    """Memory no gas can pay for: huge offsets or sizes (out of gas)."""
    rng = random.Random(seed)
    cases = []
    for name, (at, size_at) in MEMORY_OFFSETS.items():
        code = ISET_CODE[name]
        for huge in (1 << 32, 1 << 64, (1 << 256) - 1):
            args = operands(rng, name)
            if size_at is None or rng.random() < 0.5:
                args[at] = huge
                if size_at is not None:
                    args[size_at] = max(args[size_at], 1)
            else:
                args[size_at] = huge
            cases.append(Case(f"{name} with {args}", pushes(args) + bytes((code,)), target=code, expect="OutOfGas"))
    return cases


def invalid_jump_cases() -> list[Case]:
    """Jumps (JUMPI taken) to a JUMPDEST byte inside PUSH data, to a PUSH, to
    another opcode, past the end of the code and far past it."""
    cases = []
    for name in ("JUMP", "JUMPI"):
        head = len(pushes([1])) if name == "JUMPI" else 0
        at = head + 3  # after [PUSH1 1] PUSH1 target JUMP(I): PUSH2 5b5b STOP ADD STOP
        for target in (at + 1, at + 2, at, at + 4, at + 6, 1 << 200):
            jump = pushes([target]) + op(name)
            code = (pushes([1]) if name == "JUMPI" else b"") + jump
            if target < 256:
                code += op("PUSH2") + b"\x5b\x5b" + op("STOP") + op("ADD") + op("STOP")
            cases.append(Case(f"{name} to {target}", code, target=ISET_CODE[name], expect="InvalidJump"))
    return cases


def return_data_cases(seed: int) -> list[Case]:
    """RETURNDATACOPY past the end of the (empty) return data, from and of any size."""
    rng = random.Random(seed)
    code = ISET_CODE["RETURNDATACOPY"]
    cases = []
    for args in ([near(rng), 1, 0], [near(rng), 0, 1], [0, word(rng) | 1, rng.randint(0, 40)], [0, 0, 1 << 64]):
        cases.append(Case(f"RETURNDATACOPY {args}", pushes(args) + bytes((code,)), target=code,
                          expect="ReturnDataOutOfBounds"))
    return cases


def invalid_opcode_cases(codes: list[int] | None = None) -> list[Case]:
    cases = []
    for code in (UNDEFINED if codes is None else codes):
        cases.append(Case(f"undefined 0x{code:02x}", pushes([1, 2]) + bytes((code,)), target=code,
                          expect="InvalidOpcode"))
    cases.append(Case("INVALID", bytes((ISET_CODE["INVALID"],)), target=ISET_CODE["INVALID"], expect="InvalidOpcode"))
    return cases


ISET_CODE = {NAME[code]: code for code in PROVEN_HERE}
