"""
The public conformance suite: every Cancun test of BlockchainTests.

``ValidBlocks`` and ``InvalidBlocks``, imported block by block through the
chain layer (``ovm blocktest``'s runner): genesis, each block accepted or
rejected for the expected reason, the last block hash and the post-state.
One test item per fixture file, on both execution paths (the interpreter,
and the transpiler translating all code before it runs). A failing test must
be listed in ``known_block_failures.txt`` with its reason; a listed test that
passes fails too, so the list only ever shrinks, and each set may list at
most 0.5% of its tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.blocktest import run_file
from ovm.cli.fixtures import collect_files
from support import ETHEREUM_TESTS, load_known_failures

SUITE = ETHEREUM_TESTS / "BlockchainTests"
SETS = ("ValidBlocks", "InvalidBlocks")
KNOWN_FAILURES_FILE = Path(__file__).with_name("known_block_failures.txt")
KNOWN_FAILURES = load_known_failures(KNOWN_FAILURES_FILE)
FILES = collect_files([str(SUITE / name) for name in SETS if (SUITE / name).is_dir()])
MAX_KNOWN_FAILURE_SHARE = 0.005


def case_id(path: Path, name: str) -> str:
    return f"{path.relative_to(SUITE).as_posix()}::{name}"


def test_suite_is_present():
    for name in SETS:
        assert len(list((SUITE / name).rglob("*.json"))) > 100, f"expected BlockchainTests/{name} at {SUITE}"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["interpreter", "transpiler"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SUITE).as_posix())
def test_cancun_blocks(path: Path, engine: str):
    unexpected_failures, unexpected_passes = [], []
    for result in run_file(path, {"Cancun"}, engine, tier_up=0):
        key = case_id(path, result.name)
        if result.passed is False and key not in KNOWN_FAILURES:
            unexpected_failures.append(f"{key}: {result.error}")
        if result.passed and key in KNOWN_FAILURES:
            unexpected_passes.append(f"{key} passes now: remove it from {KNOWN_FAILURES_FILE.name}")
    assert not unexpected_failures and not unexpected_passes, "\n".join(
        unexpected_failures + unexpected_passes
    )


def cancun_tests(set_name: str) -> set[str]:
    return {
        case_id(path, name)
        for path in collect_files([str(SUITE / set_name)])
        for name, test in json.loads(path.read_text()).items()
        if test.get("network") == "Cancun"
    }


@pytest.mark.parametrize("set_name", SETS)
def test_known_failures_are_real_cases_with_reasons_and_few(set_name: str):
    tests = cancun_tests(set_name)
    listed = [key for key in KNOWN_FAILURES if key.startswith(f"{set_name}/")]
    for key in listed:
        assert key in tests, f"{key} is not a Cancun test of the suite"
        assert KNOWN_FAILURES[key], f"{key} has no reason"
    assert len(listed) <= MAX_KNOWN_FAILURE_SHARE * len(tests)


def test_known_failures_are_all_in_a_set():
    assert all(key.split("/", 1)[0] in SETS for key in KNOWN_FAILURES)
