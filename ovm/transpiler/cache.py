"""
Program cache
=============

Translated programs, keyed by (the fork's instruction set, keccak256 of the
code), so a contract is translated once however many accounts, transactions
and blocks run it, and never reused under a fork that prices or defines its
opcodes differently (forks sharing one instruction set share translations).
The cache is bounded by the total size of the generated source it holds (a
good proxy for the memory of the compiled functions); the least recently
used programs are dropped first. A second, small map from the code object
itself avoids hashing the code on every frame.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from ..evm.forks import Fork, InstructionSet
from ..primitives.crypto import keccak256
from .codegen import compile_program

DEFAULT_LIMIT = 64 * 1024 * 1024  # bytes of generated source


@dataclass(slots=True)
class Program:
    """A translated contract: a block function for every entry offset."""

    entries: dict
    source_size: int
    translate_seconds: float

    def run(self, f) -> None:
        """Run ``f`` from ``f.pc``; ends by raising, like the interpreter."""
        block = self.entries[f.pc]
        stack = f.stack
        while True:
            block = block(f, stack)


@dataclass(slots=True)
class CacheStats:
    translations: int = 0
    translate_seconds: float = 0.0
    hits: int = 0
    evictions: int = 0
    size: int = 0
    peak_size: int = 0


class ProgramCache:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.stats = CacheStats()
        self._by_hash: OrderedDict[tuple[InstructionSet, bytes], Program] = OrderedDict()
        self._by_code: dict[tuple[InstructionSet, bytes], Program] = {}

    def get(self, fork: Fork, code: bytes) -> Program | None:
        """The program for ``code`` if it was translated (fast path by code object)."""
        program = self._by_code.get((fork.instruction_set, code))
        if program is not None:
            self.stats.hits += 1
        return program

    def translate(self, fork: Fork, code: bytes) -> Program:
        """The program for ``code``, translating it unless an equal code was."""
        instruction_set = fork.instruction_set
        key = (instruction_set, keccak256(code))
        program = self._by_hash.get(key)
        if program is None:
            started = time.perf_counter()
            entries, source = compile_program(code, instruction_set)
            seconds = time.perf_counter() - started
            program = Program(entries, len(source), seconds)
            self._by_hash[key] = program
            stats = self.stats
            stats.translations += 1
            stats.translate_seconds += seconds
            stats.size += program.source_size
            stats.peak_size = max(stats.peak_size, stats.size)
            self._evict()
        else:
            self._by_hash.move_to_end(key)
        self._by_code[(instruction_set, code)] = program
        return program

    def _evict(self) -> None:
        stats = self.stats
        while stats.size > self.limit and len(self._by_hash) > 1:
            _, program = self._by_hash.popitem(last=False)
            stats.size -= program.source_size
            stats.evictions += 1
            self._by_code = {k: p for k, p in self._by_code.items() if p is not program}

    def __len__(self) -> int:
        return len(self._by_hash)
