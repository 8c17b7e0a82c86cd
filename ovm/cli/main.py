"""
The ``ovm`` command
===================

One entry point with a subcommand per job. Every failure a user can cause ends
in a one-line message on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import blocktest, bridge, devnet, node, rollup_node, statetest
from ..rollup.l1.client import L1Error
from .errors import UsageError

COMMANDS = {
    "devnet": (devnet.add_arguments, devnet.main, "run the whole rollup: L1, sequencer, batcher, proposer, replica"),
    "node": (node.add_arguments, node.main, "run an L2 node (a sequencer, or with --replica one that derives from L1)"),
    "deposit": (bridge.add_deposit_arguments, bridge.deposit, "deposit ETH from L1 to L2 for a dev account"),
    "withdraw": (bridge.add_withdraw_arguments, bridge.withdraw, "start a withdrawal of ETH from L2 to L1"),
    "finalize": (bridge.add_finalize_arguments, bridge.finalize, "finalize withdrawals whose challenge period passed"),
    "statetest": (statetest.add_arguments, statetest.main, "run Ethereum state tests (GeneralStateTests format)"),
    "blocktest": (blocktest.add_arguments, blocktest.main, "run Ethereum blockchain tests (BlockchainTests format)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ovm", description="An optimistic rollup in Python")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _, summary) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=summary, description=summary))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "node" and args.replica:
            return rollup_node.replica_main(args)
        return COMMANDS[args.command][1](args)
    except UsageError as exc:
        print(f"ovm {args.command}: {exc}", file=sys.stderr)
        return 2
    except L1Error as exc:  # the L1 cannot be reached, refused a transaction, or did not start
        print(f"ovm {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"ovm {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
