"""
Conformance fixtures
====================

What ``ovm statetest`` and ``ovm blocktest`` share: the command line (paths,
``--fork``, ``--json``, the engine), finding the fixture files, the pre-state
of a fixture's ``pre`` section, the code runner of an engine, and the report
(a line per failed case or a JSON object per case, then ``N passed, N failed,
N skipped``, and the exit status: 1 if a case failed).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Iterable, Protocol

from ..primitives.types import hex_to_bytes, hex_to_int
from ..state import State
from ..transpiler import TranspilingRunner
from ..transpiler.runner import DEFAULT_THRESHOLD
from .errors import UsageError

# Ethereum's fork names as fixtures spell them; those ovm does not implement are skipped.
ETHEREUM_FORKS = (
    "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
    "ConstantinopleFix", "Istanbul", "MuirGlacier", "Berlin", "London", "ArrowGlacier",
    "GrayGlacier", "Paris", "Merge", "Shanghai", "Cancun", "Prague", "Osaka",
)


class FixtureError(ValueError):
    """A fixture file is not well formed."""


class Reportable(Protocol):
    """One case's outcome as the report prints it."""

    passed: bool | None  # None: skipped (fork not implemented)

    def as_json(self) -> dict: ...

    def describe(self) -> str: ...


def load_json(path: Path) -> object:
    try:
        with open(path, "rb") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise FixtureError(f"cannot read {path}: {exc}") from None


def build_state(pre: dict) -> State:
    """The state of a fixture's ``pre`` (or ``postState``) section."""
    state = State()
    for address, account in pre.items():
        storage = {hex_to_int(k): hex_to_int(v) for k, v in account.get("storage", {}).items()}
        state.load_account(
            hex_to_bytes(address),
            nonce=hex_to_int(account.get("nonce", "0x0")),
            balance=hex_to_int(account.get("balance", "0x0")),
            code=hex_to_bytes(account.get("code", "0x")),
            storage=storage,
        )
    return state


_RUNNERS: dict[int, TranspilingRunner] = {}


def code_runner_for(engine: str, tier_up: int = DEFAULT_THRESHOLD) -> TranspilingRunner | None:
    """The machine's code runner for an engine (None: the interpreter). One
    runner per threshold and process, so translations are shared by cases."""
    if engine != "transpiler":
        return None
    runner = _RUNNERS.get(tier_up)
    if runner is None:
        runner = _RUNNERS[tier_up] = TranspilingRunner(threshold=tier_up)
    return runner


def collect_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {text}")
    return files


def add_arguments(parser, what: str, engines: tuple[str, ...], engine_help: str) -> None:
    """The arguments both commands take: paths, ``--fork``, ``--json``, the engine."""
    parser.add_argument("paths", nargs="+", help=f"{what} files or directories")
    parser.add_argument("--fork", action="append", help="only this fork (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per case")
    parser.add_argument("--engine", choices=engines, default="transpiler", help=engine_help)
    parser.add_argument(
        "--tier-up", type=int, default=DEFAULT_THRESHOLD, metavar="N",
        help=f"translate a code after N JUMPDESTs (default {DEFAULT_THRESHOLD}; 0: at once)",
    )


TRANSITION = re.compile(r"^(\w+?)To(\w+)AtTime(\d+)k$")  # a fork transition at N thousand seconds


def known_network(name: str) -> bool:
    """A fork, or a transition between two (``CancunToPragueAtTime15k``)."""
    transition = TRANSITION.match(name)
    parts = transition.groups()[:2] if transition else (name,)
    return all(part in ETHEREUM_FORKS for part in parts)


def selected_forks(names: list[str] | None) -> set[str] | None:
    """The forks ``--fork`` names (None: all); an unknown name is a usage error."""
    for name in names or ():
        if not known_network(name):
            raise UsageError(f"unknown fork {name!r} (known: {', '.join(ETHEREUM_FORKS)}, or XToYAtTime15k)")
    return set(names) if names else None


def report(results: Iterable[Reportable], as_json: bool) -> int:
    """Print the cases and the closing line; the exit status (1 if a case failed)."""
    counts = {True: 0, False: 0, None: 0}
    out = sys.stdout
    for case in results:
        counts[case.passed] += 1
        if as_json:
            out.write(json.dumps(case.as_json()) + "\n")
        elif case.passed is False:
            out.write(case.describe() + "\n")
    out.write(f"{counts[True]} passed, {counts[False]} failed, {counts[None]} skipped\n")
    return 1 if counts[False] else 0
