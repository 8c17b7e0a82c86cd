#!/usr/bin/env python3
"""
What the transpiler costs
=========================

Three figures for ``bench/RESULTS.md``:

1. Translation cost: for every distinct contract of the conformance suite and
   the benchmark workloads, the time to translate it and the size of the
   generated source (per byte of EVM code).
2. Cold code: the whole Cancun conformance suite, where almost every contract
   is deployed and called once, run on the interpreter and on the transpiler
   with its default tier-up threshold; the summed execution time must not be
   worse on the transpiler.
3. The cache: translations, hits and peak size of the generated source held.

    .venv/bin/python bench/transpiler_costs.py [--suite PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from ovm.cli.statetest import code_runner_for, collect_files, run_file
from ovm.evm.forks import CANCUN
from ovm.transpiler import ProgramCache

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO.parent / "shared" / "fixtures" / "ethereum-tests" / "GeneralStateTests"
WORKLOADS = REPO.parent / "shared" / "bench" / "fixtures"


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
    cache = ProgramCache()
    per_byte, sizes = [], []
    started = time.perf_counter()
    for code in codes:
        program = cache.translate(CANCUN, code)
        per_byte.append(program.translate_seconds / len(code))
        sizes.append(program.source_size / len(code))
    largest = max(codes, key=len)
    return {
        "contracts": len(codes),
        "total_seconds": time.perf_counter() - started,
        "median_us_per_code_byte": statistics.median(per_byte) * 1e6,
        "largest_bytes": len(largest),
        "largest_ms": ProgramCache().translate(CANCUN, largest).translate_seconds * 1e3,
        "median_source_bytes_per_code_byte": statistics.median(sizes),
        "cache_peak_bytes": cache.stats.peak_size,
    }


def cold_suite(files: list[Path], engine: str) -> float:
    return sum(case.seconds for path in files for case in run_file(path, {"Cancun"}, engine))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default=str(SUITE))
    args = parser.parse_args()
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
    }, indent=1))


if __name__ == "__main__":
    main()
