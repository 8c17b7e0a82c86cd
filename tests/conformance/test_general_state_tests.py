"""
The public conformance suite: every Cancun case of GeneralStateTests.

Cases are grouped by fixture file (one test item per file, so xdist spreads
them over the cores), and every file runs on both execution paths: the
interpreter, and the transpiler translating all code before it runs (tier-up
threshold 0, so that every contract goes through the translator). A failing
case must be listed in ``known_failures.txt`` with its reason; a listed case
that passes fails the test too, so the list only ever shrinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ovm.cli.fixtures import collect_files
from ovm.cli.statetest import run_file
from support import ETHEREUM_TESTS, load_known_failures

SUITE = ETHEREUM_TESTS / "GeneralStateTests"
KNOWN_FAILURES_FILE = Path(__file__).with_name("known_failures.txt")


def case_id(path: Path, name: str, indexes: dict) -> str:
    relative = path.relative_to(SUITE).as_posix()
    return f"{relative}::{name}::d{indexes.get('data')}g{indexes.get('gas')}v{indexes.get('value')}"


KNOWN_FAILURES = load_known_failures(KNOWN_FAILURES_FILE)
HEAVY = ("vmPerformance", "stTimeConsuming", "stQuadraticComplexityTest")
# The heaviest files first, so that on several cores they start at once
# instead of being the last ones left running.
FILES = sorted(
    collect_files([str(SUITE)]),
    key=lambda path: (not any(part in HEAVY for part in path.parts), path),
)


def test_suite_is_present():
    assert len(FILES) > 2000, f"expected the GeneralStateTests at {SUITE}"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["interpreter", "transpiler"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SUITE).as_posix())
def test_cancun_cases(path: Path, engine: str):
    unexpected_failures, unexpected_passes = [], []
    for case in run_file(path, {"Cancun"}, engine, tier_up=0):
        key = case_id(path, case.name, case.indexes)
        if case.passed is False and key not in KNOWN_FAILURES:
            unexpected_failures.append(f"{key}: {case.error}")
        if case.passed and key in KNOWN_FAILURES:
            unexpected_passes.append(f"{key} passes now: remove it from known_failures.txt")
    assert not unexpected_failures and not unexpected_passes, "\n".join(
        unexpected_failures + unexpected_passes
    )


def test_known_failures_name_real_cases():
    existing = {p.relative_to(SUITE).as_posix() for p in FILES}
    for key, reason in KNOWN_FAILURES.items():
        assert key.split("::")[0] in existing, f"{key} is not a case of the suite"
        assert reason, f"{key} has no reason"
