"""
The fork object
===============

A fork is one frozen object: its instruction table (256 entries, undefined
opcodes bound to ``invalid``), its static gas table, its precompiles and the
transaction types it accepts. Code asks the fork; it never compares fork names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..precompiles import Precompile


@dataclass(frozen=True)
class Fork:
    name: str
    instructions: tuple[Callable, ...]
    static_gas: tuple[int, ...]
    precompiles: dict[bytes, Precompile]
    transaction_types: frozenset[int]
