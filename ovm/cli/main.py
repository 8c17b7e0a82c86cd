"""
The ``ovm`` command
===================

One entry point with a subcommand per job. Every failure a user can cause ends
in a one-line message on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import node, statetest
from .errors import UsageError

COMMANDS = {
    "node": (node, "run the L2 sequencer node with JSON-RPC"),
    "statetest": (statetest, "run Ethereum state tests (GeneralStateTests format)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ovm", description="An optimistic rollup in Python")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (module, summary) in COMMANDS.items():
        module.add_arguments(commands.add_parser(name, help=summary, description=summary))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command][0].main(args)
    except UsageError as exc:
        print(f"ovm {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"ovm {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
