"""
Logging
=======

The command line sets up logging once, from ``--log-level`` (every command
has it; ``info`` by default): one handler on stderr, one line per record,
``time level logger: message``. At INFO the services say what an operator
follows — batches sent, outputs proposed, L1 reorgs seen, deposits derived,
transactions a block refused — and at WARNING or ERROR what went wrong;
``debug`` adds what a developer needs (aiohttp's refusals of malformed HTTP,
the traceback behind an unexpected error).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LEVELS = ("debug", "info", "warning", "error")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def add_log_level(parser) -> None:
    parser.add_argument("--log-level", choices=LEVELS, default="info",
                        help="what to log on stderr: debug, info (the default), warning or error")


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
