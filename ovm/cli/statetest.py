"""
``ovm statetest``
=================

Runs Ethereum state tests (the GeneralStateTests JSON format): for every fork
in a test's ``post`` and every (data, gas, value) index listed there, build the
pre-state, apply the transaction (decoded from ``txbytes``), and compare the
post-state root and the logs hash. A case that expects an exception passes only
if the transaction is rejected and the state is left as it was.

The same runner serves the test suite, the benchmark protocol of
``../shared/bench/peers.py`` (``--json``: ``gas_used``, ``time_s``, ``pass``),
and the step-by-step resumability tests (``engine="step"``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..evm.environment import BlockEnv
from ..evm.forks import FORKS, Fork
from ..evm.processor import begin_transaction
from ..evm.snapshot import run_with_snapshots
from ..evm.transactions import InvalidTransaction, decode_transaction
from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..primitives.types import HexError, hex_to_bytes, hex_to_int
from ..state import Log
from ..transpiler.runner import DEFAULT_THRESHOLD
from . import fixtures
from .fixtures import (
    FixtureError,
    build_state,
    code_runner_for,
    collect_files,
    load_json,
    report,
    selected_forks,
)


@dataclass
class CaseResult:
    file: str
    name: str
    fork: str
    indexes: dict
    passed: bool | None  # None: skipped (fork not implemented)
    state_root: str = ""
    logs_hash: str = ""
    error: str = ""
    gas_used: int = 0
    seconds: float = 0.0
    expected: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "name": self.name,
            "fork": self.fork,
            "indexes": self.indexes,
            "pass": self.passed,
            "stateRoot": self.state_root,
            "logsHash": self.logs_hash,
            "error": self.error,
            "gasUsed": self.gas_used,
            "seconds": round(self.seconds, 6),
        }

    def describe(self) -> str:
        if not self.name:
            return f"FAIL {self.file}: {self.error}"
        idx = self.indexes
        where = f"{self.file}::{self.name} [{self.fork} d={idx.get('data')} g={idx.get('gas')} v={idx.get('value')}]"
        return f"FAIL {where}: {self.error}"


def logs_hash(logs: list[Log]) -> bytes:
    return keccak256(rlp.encode([[log.address, list(log.topics), log.data] for log in logs]))


def block_hash_of(number: int) -> bytes:
    """State tests' stand-in for ancestor hashes: keccak256 of the decimal number."""
    return keccak256(str(number).encode())


def build_env(env: dict, fork: Fork) -> BlockEnv:
    prev_randao = env.get("currentRandom", env.get("currentDifficulty", "0x0"))
    return BlockEnv(
        coinbase=hex_to_bytes(env["currentCoinbase"]),
        number=hex_to_int(env["currentNumber"]),
        timestamp=hex_to_int(env["currentTimestamp"]),
        gas_limit=hex_to_int(env["currentGasLimit"]),
        base_fee=hex_to_int(env.get("currentBaseFee", "0x0a")),
        prev_randao=hex_to_int(prev_randao).to_bytes(32, "big"),
        chain_id=1,
        excess_blob_gas=hex_to_int(env.get("currentExcessBlobGas", "0x0")),
        block_hash=block_hash_of,
        blob_params=fork.blobs,
    )


ENGINES = ("transpiler", "interpreter", "step")


def run_case(
    test: dict, fork_name: str, post: dict, engine: str = "transpiler",
    tier_up: int = DEFAULT_THRESHOLD,
) -> tuple[bytes, bytes, int, float, str]:
    """Apply one case's transaction; returns (state root, logs hash, gas used,
    execution seconds, rejection reason or ""). Engines: ``transpiler`` (hot
    code translated), ``interpreter``, and ``step`` (the interpreter one
    instruction at a time, snapshotting and restoring the machine)."""
    fork = FORKS[fork_name]
    state = build_state(test["pre"])
    env = build_env(test["env"], fork)
    state.state_root()  # hash the pre-state outside the timed part
    rejection = ""
    gas_used = 0
    logs: list[Log] = []
    started = time.perf_counter()
    try:
        tx = decode_transaction(hex_to_bytes(post["txbytes"]))
        execution = begin_transaction(state, env, tx, fork, code_runner=code_runner_for(engine, tier_up))
        if engine == "step":
            result, state = run_with_snapshots(execution, lambda: build_state(test["pre"]))
        else:
            result = execution.run()
        gas_used = result.gas_used
        logs = result.logs
    except InvalidTransaction as exc:
        rejection = str(exc)
    seconds = time.perf_counter() - started
    return state.state_root(), logs_hash(logs), gas_used, seconds, rejection


def check_case(
    path: str, name: str, test: dict, fork_name: str, post: dict, engine: str, tier_up: int
) -> CaseResult:
    indexes = post.get("indexes", {})
    result = CaseResult(file=path, name=name, fork=fork_name, indexes=indexes, passed=None)
    if fork_name not in FORKS:
        return result
    root, logs, gas_used, seconds, rejection = run_case(test, fork_name, post, engine, tier_up)
    result.state_root = "0x" + root.hex()
    result.logs_hash = "0x" + logs.hex()
    result.gas_used = gas_used
    result.seconds = seconds
    problems = []
    if result.state_root != post["hash"]:
        problems.append(f"state root {result.state_root} != expected {post['hash']}")
    if result.logs_hash != post["logs"]:
        problems.append(f"logs hash {result.logs_hash} != expected {post['logs']}")
    expected_exception = post.get("expectException")
    if expected_exception and not rejection:
        problems.append(f"transaction accepted, expected exception {expected_exception}")
    if rejection and not expected_exception:
        problems.append(f"transaction rejected: {rejection}")
    result.passed = not problems
    result.error = "; ".join(problems) or rejection
    return result


def load_tests(path: Path) -> dict:
    data = load_json(path)
    if not isinstance(data, dict) or not all(isinstance(t, dict) and "post" in t for t in data.values()):
        raise FixtureError(f"{path} is not a state test file (no 'post' sections)")
    return data


def run_file(
    path: Path, forks: set[str] | None = None, engine: str = "transpiler",
    tier_up: int = DEFAULT_THRESHOLD,
) -> Iterator[CaseResult]:
    """Every case of one file; a malformed file yields one failed case."""
    try:
        tests = load_tests(path)
        cases = [
            (name, fork, post)
            for name, test in tests.items()
            for fork, posts in test["post"].items()
            if forks is None or fork in forks
            for post in posts
        ]
    except FixtureError as exc:
        yield CaseResult(file=str(path), name="", fork="", indexes={}, passed=False, error=str(exc))
        return
    for name, fork, post in cases:
        try:
            yield check_case(str(path), name, tests[name], fork, post, engine, tier_up)
        except (KeyError, TypeError, HexError, ValueError) as exc:
            yield CaseResult(
                file=str(path), name=name, fork=fork, indexes=post.get("indexes", {}),
                passed=False, error=f"malformed test: {type(exc).__name__}: {exc}",
            )


def add_arguments(parser) -> None:
    fixtures.add_arguments(
        parser, "state test", ENGINES,
        "transpiler (default: hot code runs translated), interpreter, or step "
        "(one instruction at a time, snapshotting and restoring the machine)",
    )


def main(args) -> int:
    forks = selected_forks(args.fork)
    files = collect_files(args.paths)
    results = (
        case for path in files for case in run_file(path, forks, args.engine, args.tier_up)
    )
    return report(results, args.json)
