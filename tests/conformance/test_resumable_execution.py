"""
Resumable execution on real conformance cases.

A deterministic sample of Cancun state tests (the first case of every sixth
fixture file, among cases with a gas limit up to 3M so that stepping stays
quick; well over 200) is run twice: straight through, and one
instruction at a time with the machine serialised and restored onto a freshly
built pre-state every few steps. Both must reach the same post-state root, gas
and logs — and the fixture's expected root.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.fixtures import collect_files
from ovm.cli.statetest import run_case
from support import ETHEREUM_TESTS

SUITE = ETHEREUM_TESTS / "GeneralStateTests"
STRIDE = 6
MAX_GAS_LIMIT = 3_000_000


def sample_cases() -> list[tuple[Path, str, dict]]:
    cases = []
    for path in collect_files([str(SUITE)])[::STRIDE]:
        tests = json.loads(path.read_text())
        for name, test in tests.items():
            for post in test["post"].get("Cancun", []):
                gas_limit = int(test["transaction"]["gasLimit"][post["indexes"]["gas"]], 16)
                if gas_limit <= MAX_GAS_LIMIT:
                    cases.append((path, name, post))
                    break
            else:
                continue
            break
    return cases


CASES = sample_cases()


def test_sample_is_large_enough():
    assert len(CASES) >= 200


@pytest.mark.parametrize(
    "path, name, post", CASES, ids=[f"{p.relative_to(SUITE).as_posix()}::{n}" for p, n, _ in CASES]
)
def test_stepping_with_snapshots_matches_straight_run(path: Path, name: str, post: dict):
    test = json.loads(path.read_text())[name]
    straight = run_case(test, "Cancun", post, engine="interpreter")
    stepped = run_case(test, "Cancun", post, engine="step")
    root, logs, gas_used, _, rejection = straight
    assert (stepped[0], stepped[1], stepped[2], stepped[4]) == (root, logs, gas_used, rejection)
    assert "0x" + root.hex() == post["hash"]
