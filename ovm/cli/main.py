"""
The ``ovm`` command
===================

One entry point with a subcommand per job. Every failure a user can cause ends
in a one-line message on stderr and a non-zero exit status, never a traceback:
bad arguments (status 2), bad input or environment (``UsageError``, 2), an L1
that cannot be reached or refuses (1); even a bug is one line (1), its
traceback logged at debug level. Every command takes ``--log-level``;
``ovm --version`` prints the version (the one in ``ovm.__version__``).
"""

from __future__ import annotations

import logging
import sys

from .. import __version__
from . import blocktest, bridge, devnet, node, rollup_node, statetest
from ..rollup.l1.client import L1Error
from .arguments import Parser
from .children import exit_with_parent
from .errors import UsageError
from .logs import add_log_level, configure_logging

log = logging.getLogger("ovm.cli")

COMMANDS = {
    "devnet": (devnet.add_arguments, devnet.main, "run the whole rollup: L1, sequencer, batcher, proposer, replica"),
    "node": (node.add_arguments, node.main, "run an L2 node (a sequencer, or with --replica one that derives from L1)"),
    "deposit": (bridge.add_deposit_arguments, bridge.deposit, "deposit ETH from L1 to L2 for a dev account"),
    "withdraw": (bridge.add_withdraw_arguments, bridge.withdraw, "start a withdrawal of ETH from L2 to L1"),
    "finalize": (bridge.add_finalize_arguments, bridge.finalize, "finalize withdrawals whose challenge period passed"),
    "statetest": (statetest.add_arguments, statetest.main, "run Ethereum state tests (GeneralStateTests format)"),
    "blocktest": (blocktest.add_arguments, blocktest.main, "run Ethereum blockchain tests (BlockchainTests format)"),
}


def build_parser() -> Parser:
    parser = Parser(prog="ovm", description="An optimistic rollup in Python")
    parser.add_argument("--version", action="version", version=f"ovm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _, summary) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary)
        add_arguments(command)
        add_log_level(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    exit_with_parent()
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
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
    except Exception as exc:  # a bug: one line here, where it happened in the log at debug level
        log.debug("unexpected error", exc_info=True)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"ovm {args.command}: unexpected error: {reason} (--log-level debug shows where)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
