"""
The ``ovm`` command
===================

One entry point with a subcommand per job. Every failure a user can cause ends
in a one-line message on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import statetest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ovm", description="An optimistic rollup in Python")
    commands = parser.add_subparsers(dest="command", required=True)
    statetest.add_arguments(
        commands.add_parser("statetest", help="run Ethereum state tests (GeneralStateTests format)")
    )
    return parser


COMMANDS = {"statetest": statetest.main}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except statetest.UsageError as exc:
        print(f"ovm {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"ovm {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
