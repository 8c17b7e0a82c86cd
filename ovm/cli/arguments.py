"""
Command-line arguments
======================

What the commands share in reading their arguments: a parser whose errors
are one line naming the command and the argument (``ovm devnet: argument
--censor: not an address: 'xyz' (want 0x and 40 hex digits); see ovm devnet
--help``), never a usage dump or a traceback, and converters for values
argparse has no type for.
"""

from __future__ import annotations

import argparse
import re

ADDRESS = re.compile(r"(0x)?[0-9a-fA-F]{40}")


class Parser(argparse.ArgumentParser):
    """argparse, with an error on one line (its subcommands' parsers too)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}; see {self.prog} --help\n")


def address(text: str) -> bytes:
    """A 20-byte address, ``0x`` and 40 hex digits in any letter case."""
    if not ADDRESS.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not an address: {text[:60]!r} (want 0x and 40 hex digits)")
    return bytes.fromhex(text[-40:])


HASH32 = re.compile(r"(0x)?[0-9a-fA-F]{64}")


def hash32(text: str) -> bytes:
    """A 32-byte hash (a transaction's, a withdrawal's), ``0x`` and 64 hex digits."""
    if not HASH32.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a hash: {text[:80]!r} (want 0x and 64 hex digits)")
    return bytes.fromhex(text[-64:])
