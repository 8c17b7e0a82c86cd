#!/usr/bin/env python3
"""
What the transpiler costs
=========================

Four figures for ``bench/RESULTS.md``:

1. Translation cost: for every distinct contract of the conformance suite and
   the benchmark workloads, the time to translate it whole and the size of
   the generated source and of what the program holds (per byte of EVM code).
2. Cold code: the whole Cancun conformance suite, where almost every contract
   is deployed and called once, run on the interpreter and on the transpiler
   with its default tier-up threshold; the summed execution time must not be
   worse on the transpiler.
3. The cache: translations, hits and peak size of what the programs held.
4. Large programs (``--large`` runs this alone): a loop over thousands of
   tiny blocks, the costliest code to translate per byte, at the sizes of the
   largest code, the largest initcode and state overrides of ``eth_call``,
   run as a transaction through the real runner — translating as early as it
   may (threshold 0) and with the default tier-up — with the time spent
   translating, the regions translated, what the program holds and how far
   the process's peak memory rose; and, for reference, the same code
   translated whole in one piece, as before translation had a budget.

    .venv/bin/python bench/transpiler_costs.py [--suite PATH] [--large]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from ovm.cli.statetest import code_runner_for, collect_files, run_file
from ovm.evm.environment import BlockEnv
from ovm.evm.forks import CANCUN
from ovm.evm.processor import process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.state import State
from ovm.transpiler import Budget, ProgramCache, TranspilingRunner

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO.parent / "shared" / "fixtures" / "ethereum-tests" / "GeneralStateTests"
WORKLOADS = REPO.parent / "shared" / "bench" / "fixtures"
WHOLE = Budget(region_bytes=1 << 40, region_source=1 << 62, program_held=1 << 62)
KEY = bytes.fromhex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
CONTRACT = bytes.fromhex("1000000000000000000000000000000000000001")


def distinct_codes(files: list[Path]) -> list[bytes]:
    codes = set()
    for path in files:
        for test in json.loads(path.read_text()).values():
            for account in test["pre"].values():
                code = bytes.fromhex(account.get("code", "0x")[2:])
                if code:
                    codes.add(code)
    return sorted(codes, key=len)


def translation_costs(codes: list[bytes]) -> dict:
    cache = ProgramCache(limit=1 << 62, budget=WHOLE)
    per_byte, sizes, held = [], [], []
    started = time.perf_counter()
    for code in codes:
        program = cache.translate(CANCUN, code)
        per_byte.append(program.translate_seconds / len(code))
        sizes.append(program.source_size / len(code))
        held.append(program.held / len(code))
    largest = max(codes, key=len)
    return {
        "contracts": len(codes),
        "total_seconds": time.perf_counter() - started,
        "median_us_per_code_byte": statistics.median(per_byte) * 1e6,
        "largest_bytes": len(largest),
        "largest_ms": ProgramCache(budget=WHOLE).translate(CANCUN, largest).translate_seconds * 1e3,
        "median_source_bytes_per_code_byte": statistics.median(sizes),
        "median_held_bytes_per_code_byte": statistics.median(held),
        "cache_bytes_held": cache.stats.size,
    }


def tiny_blocks_loop(size: int) -> bytes:
    """``PUSH1 0; JUMPDEST; (JUMPDEST PUSH1 1 ADD)*; PUSH1 2; JUMP``, ``size`` bytes."""
    return bytes.fromhex("60005b") + bytes.fromhex("5b600101") * ((size - 6) // 4) + bytes.fromhex("600256")


def peak_rss_growth(action) -> int:
    """How far the process's peak resident memory rose during ``action`` (Linux)."""
    def read(field: str) -> int:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field))) * 1024

    Path("/proc/self/clear_refs").write_text("5")
    before = read("VmRSS:")
    action()
    return read("VmHWM:") - before


def run_transaction(code: bytes, create: bool, runner, gas: int):
    state = State()
    sender = bytes.fromhex("a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
    state.load_account(sender, 0, 10**20, b"", {})
    if not create:
        state.load_account(CONTRACT, 1, 0, code, {})
    tx = sign_transaction(FeeMarketTransaction(
        chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10, gas=gas,
        to=None if create else CONTRACT, value=0, data=code if create else b"", access_list=(),
        y_parity=0, r=0, s=0,
    ), KEY, 1)
    env = BlockEnv(coinbase=bytes(20), number=1, timestamp=1, gas_limit=gas, base_fee=7,
                   prev_randao=bytes(32), chain_id=1)
    return process_transaction(state, env, tx, CANCUN, code_runner=runner)


def large_program_row(size: int, create: bool, threshold: int, budget: Budget, gas: int = 5_000_000) -> dict:
    code = tiny_blocks_loop(size)
    runner = TranspilingRunner(ProgramCache(budget=budget), threshold=threshold)
    results = []
    started = time.perf_counter()
    growth = peak_rss_growth(lambda: results.append(run_transaction(code, create, runner, gas)))
    stats = runner.cache.stats
    return {
        "bytes": len(code),
        "as": "initcode" if create else "code",
        "threshold": threshold,
        "budget": "whole" if budget is WHOLE else "default",
        "seconds": round(time.perf_counter() - started, 2),
        "translate_s": round(stats.translate_seconds, 2),
        "regions": stats.translations,
        "held_mib": round(stats.peak_size / 2**20, 1),
        "peak_rss_growth_mib": round(growth / 2**20, 1),
        "gas_used": results[0].gas_used,
    }


def large_programs() -> list[dict]:
    rows = []
    for size, create in ((24_576, False), (49_152, True), (100_000, False), (400_000, False)):
        for threshold in (0, 256):
            rows.append(large_program_row(size, create, threshold, Budget()))
    for size, create in ((24_576, False), (100_000, False)):
        rows.append(large_program_row(size, create, 0, WHOLE))
    return rows


def cold_suite(files: list[Path], engine: str) -> float:
    return sum(case.seconds for path in files for case in run_file(path, {"Cancun"}, engine))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default=str(SUITE))
    parser.add_argument("--large", action="store_true", help="only the large programs")
    args = parser.parse_args()
    if args.large:
        for row in large_programs():
            print(json.dumps(row))
        return
    files = [
        p for p in collect_files([args.suite])
        if "vmPerformance" not in p.parts and "stTimeConsuming" not in p.parts
    ]
    costs = translation_costs(distinct_codes(files + collect_files([str(WORKLOADS)])))
    interpreter = cold_suite(files, "interpreter")
    transpiler = cold_suite(files, "transpiler")
    stats = code_runner_for("transpiler").cache.stats
    print(json.dumps({
        **{k: round(v, 3) if isinstance(v, float) else v for k, v in costs.items()},
        "cold_files": len(files),
        "cold_interpreter_s": round(interpreter, 2),
        "cold_transpiler_s": round(transpiler, 2),
        "cold_translations": stats.translations,
        "cold_translate_s": round(stats.translate_seconds, 2),
        "cold_cache_peak_bytes": stats.peak_size,
        "large_programs": large_programs(),
    }, indent=1))


if __name__ == "__main__":
    main()
