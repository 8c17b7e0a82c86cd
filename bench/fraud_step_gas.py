#!/usr/bin/env python3
"""
L1 gas of the one-step proof, per kind of step
==============================================

On a real anvil (Cancun, its default 30M block gas limit) with the fraud-proof
contracts deployed from the shipped artifacts (``CodeOracle``, ``StepsCore``,
``StepsMemory``, ``StepsState``, ``StepsLog``, ``StepsCall``, ``OneStepVerifier``), asks ``eth_estimateGas`` of a
transaction calling ``OneStepVerifier.step(pre, witness)`` — the whole
transaction: 21,000, the witness as calldata, and the verification — for the
steps of the seeded cases of the differential tests (``tests/fraud/cases.py``:
every proven instruction on random operands, its error paths) and of the
worst cases this slice allows by construction:

- KECCAK256 of 65,279 bytes at an unaligned offset (480 blocks, the most
  hashed in one step with the L1's KECCAK256) and a sponge part (32 blocks);
- a copy part of 8,192 bytes at unaligned offsets (MCOPY, CALLDATACOPY of
  real calldata, CODECOPY of 24 KiB of code), forwards and backwards;
- MLOAD/MSTORE straddling two words near the top of a large memory;
- SSTORE and SLOAD in a state of 20,000 accounts whose contract has 20,000
  slots (proofs of six or so nodes in each trie): a cold SSTORE clearing a
  slot (the storage trie's branch collapses), a cold set of a new slot.
- LOG4 of non-zero data at an unaligned offset: 8,192 bytes in one step,
  and 30,000 bytes in 8 KiB parts (its data copied into the data's tree,
  the last part appending the log's leaf);
- CLZ under Osaka (named ``0x1e``: the cases' names are OvmCancun's).
- calls and exits (``tests/fraud/test_fraud_calls.py``'s scenarios), and a
  cold call and an 8 KiB output copy at unaligned offsets in a state of
  5,000 more accounts (deeper MPT proofs).

Each row: a kind of step (the instruction; its first, middle and last part
when split; the error it halts with), how many were measured, the median
("typical") and the largest ("worst"). Before any gas is taken, every step's
answer is checked against the step machine. Run from the repository's root:

    .venv/bin/python bench/fraud_step_gas.py [--reps 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "fraud")]

from anvil_process import Anvil  # noqa: E402
from cases import (  # noqa: E402
    Case,
    ISET_CODE,
    invalid_jump_cases,
    invalid_opcode_cases,
    memory_limit_cases,
    out_of_gas_cases,
    pushes,
    return_data_cases,
    run_case,
    split_cases,
    success_cases,
    underflow_cases,
)
from l1_verifier import L1Verifier  # noqa: E402
from programs import op  # noqa: E402
from test_fraud_calls import B, SCENARIOS, accounts, call, calls_trace, returns  # noqa: E402

from ovm.fraud import StepMachine  # noqa: E402

from ovm.evm.forks import OSAKA  # noqa: E402


LARGE_STATE = dict(
    storage={slot: slot * 7919 + 1 for slot in range(20_000)},
    accounts=tuple((i.to_bytes(20, "big"), 1, 10**18, b"", {}) for i in range(1 << 20, (1 << 20) + 20_000)),
)


def worst_cases() -> list[Case]:
    code_tail = bytes(range(256)) * 96  # 24 KiB of code after the program
    calldata = bytes(range(256)) * 40
    keccak, mcopy = ISET_CODE["KECCAK256"], ISET_CODE["MCOPY"]
    filler = bytes(range(1, 256)) * 160  # non-zero calldata copied into memory for the LOGs
    fill = pushes([0, 0, len(filler)]) + op("CALLDATACOPY")
    topics = [(1 << 256) - 1 - t for t in range(4)]
    return [
        Case("KECCAK256 of 480 blocks", pushes([1, 65_279]) + bytes((keccak,)) + op("STOP"), target=keccak),
        Case("KECCAK256 in parts", pushes([1, 200_000]) + bytes((keccak,)) + op("STOP"), target=keccak),
        Case("MCOPY 8 KiB parts forwards", pushes([5, 40_003, 30_000]) + bytes((mcopy,)) + op("STOP"), target=mcopy),
        Case("MCOPY 8 KiB parts backwards", pushes([40_003, 5, 30_000]) + bytes((mcopy,)) + op("STOP"), target=mcopy),
        Case("CALLDATACOPY 8 KiB parts", pushes([3, 1, 10_000]) + op("CALLDATACOPY") + op("STOP"), calldata,
             target=ISET_CODE["CALLDATACOPY"]),
        Case("CODECOPY 8 KiB parts", pushes([3, 1, 20_000]) + op("CODECOPY") + op("STOP") + code_tail,
             target=ISET_CODE["CODECOPY"]),
        Case("SSTORE and SLOAD in large tries", pushes([7, 0]) + op("SSTORE") + pushes([20_001, 5]) + op("SSTORE")
             + pushes([9]) + op("SLOAD") + op("STOP"), target=None, pre=LARGE_STATE),
        Case("LOG4 of 8 KiB in one step", fill + pushes([3, 8_192, *topics]) + op("LOG4") + op("STOP"), filler,
             target=ISET_CODE["LOG4"]),
        Case("LOG4 in 8 KiB parts", fill + pushes([3, 30_000, *topics]) + op("LOG4") + op("STOP"), filler,
             target=ISET_CODE["LOG4"]),
        Case("CLZ (Osaka)", pushes([1, 0, (1 << 256) - 1]) + bytes((0x1E,)) * 3 + op("STOP"), target=0x1E,
             fork=OSAKA),
        Case("MSTORE/MLOAD far and unaligned",
             pushes([300_001, 7]) + op("MSTORE") + pushes([300_001]) + op("MLOAD") + op("STOP"), gas=5_000_000,
             target=None),
    ]


def call_traces() -> list:
    """The calls' scenarios, and the worst call and exit by construction: a
    cold target among 5,000 more accounts, an 8 KiB output copy at unaligned offsets."""
    traces = [calls_trace(code, others) for code, others in SCENARIOS.values()]
    worst = calls_trace(call("STATICCALL", B, args=(3, 100), out=(5, 20_000)) + op("POP") + returns(0, 32),
                        accounts(b=returns(3, 20_000)))
    base = worst.pre_state

    def crowded():
        state = base()
        for i in range(5_000):
            state.load_account(i.to_bytes(4, "big") * 5, 1, i, b"", {})
        return state

    return traces + [replace(worst, pre_state=crowded)]


def call_steps(l1: L1Verifier) -> tuple[list[str], list[tuple[bytes, bytes, bytes]]]:
    """Labels and (pre, witness, post) of the calls' and exits' steps."""
    labels, steps = [], []
    for trace in call_traces():
        machine = StepMachine(trace)
        for step in machine.steps(lambda index: True):
            if step.kind:
                label = step.kind
            elif step.opcode in (0xF1, 0xF2, 0xF4, 0xFA):
                label = f"{step.name} ({'enters' if step.entered else step.ending or 'no frame'})"
            else:
                continue
            labels.append(label)
            steps.append((step.pre.commitment(), step.witness.encode(), step.post.commitment()))
        for code in machine.registry.codes():
            l1.register(code)
    return labels, steps


def kind(check, part: int, parts: int) -> str:
    if check.ending not in ("", "success", "Revert"):
        return f"{check.name} ({check.ending})"
    if parts == 1:
        return check.name
    return f"{check.name} ({'first' if part == 0 else 'last' if part == parts - 1 else 'middle'} part)"


def measure(reps: int) -> dict[str, list[int]]:
    cases = (success_cases(seed=101, reps=reps) + split_cases() + worst_cases() + underflow_cases(seed=102)
             + memory_limit_cases(seed=103) + invalid_jump_cases() + return_data_cases(seed=106) + invalid_opcode_cases()
             + out_of_gas_cases(seed=104, cases=success_cases(seed=105, reps=1)))
    anvil = Anvil()
    try:
        l1 = L1Verifier(anvil.url)
        checks, labels = [], []
        for case in cases:
            _, steps, case_checks = run_case(case)
            l1.register(case.code)
            by_pre = {step.pre.commitment(): step for step in steps}
            for check in case_checks:
                step = by_pre[check.pre]
                labels.append(kind(check, step.part, step.parts))
                checks.append(check)
        call_labels, calls = call_steps(l1)
        labels += call_labels
        asked = [(c.pre, c.witness, c.post) for c in checks] + calls
        answers = l1.answers([(pre, witness) for pre, witness, _ in asked])
        wrong = [label for label, (_, _, post), a in zip(labels, asked, answers) if a != post]
        if wrong:
            raise SystemExit(f"{len(wrong)} steps answered differently on L1, e.g. {wrong[:3]}")
        gases = l1.gases([(pre, witness) for pre, witness, _ in asked])
    finally:
        anvil.stop()
    table: dict[str, list[int]] = defaultdict(list)
    for label, gas in zip(labels, gases):
        if not isinstance(gas, int):
            raise SystemExit(f"no gas estimate for {label}: {gas}")
        table[label].append(gas)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="runs of each instruction on random operands")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    table = measure(args.reps)
    print("| step | steps | typical (median) | worst |")
    print("|---|---|---|---|")
    for label in sorted(table, key=lambda k: -max(table[k])):
        values = table[label]
        print(f"| {label} | {len(values)} | {int(statistics.median(values)):,} | {max(values):,} |")
    every = [g for values in table.values() for g in values]
    print(f"\n{len(every)} steps; worst {max(every):,} gas; median {int(statistics.median(every)):,}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
