#!/usr/bin/env python3
"""
ovm as an engine of ``../shared/bench/peers.py``
================================================

``ovm_engine.py [--engine transpiler|interpreter] statetest FILE`` runs the
first Cancun case of a state-test file and prints one JSON object: ``gas_used``, ``time_s`` (the execution
proper: not parsing, not building the pre-state, not the post-state root),
``times_s`` when ``STATETEST_REPEAT=K`` asks for K inner runs, and ``pass``
(post-state root and logs hash match the fixture).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

from ovm.cli.statetest import load_tests, run_case


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ovm_engine.py")
    parser.add_argument("--engine", choices=("transpiler", "interpreter"), default="transpiler")
    parser.add_argument("command", choices=("statetest",))
    parser.add_argument("file")
    args = parser.parse_args(argv[1:])
    tests = load_tests(args.file)
    name, test = next(iter(tests.items()))
    post = test["post"]["Cancun"][0]
    repeat = max(1, int(os.environ.get("STATETEST_REPEAT", "1")))
    times = []
    for _ in range(repeat):
        root, logs, gas_used, seconds, rejection = run_case(test, "Cancun", post, args.engine)
        times.append(seconds)
    passed = "0x" + root.hex() == post["hash"] and "0x" + logs.hex() == post["logs"]
    print(json.dumps({
        "engine": f"ovm-{args.engine}",
        "gas_used": gas_used,
        "time_s": statistics.median(times),
        "times_s": times,
        "pass": passed,
        "stateRoot": "0x" + root.hex(),
        "logsHash": "0x" + logs.hex(),
        **({"error": rejection} if rejection else {}),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
