"""
Program cache
=============

Translated programs (``ovm.transpiler.program``), keyed by (the fork's
instruction set, keccak256 of the code), so a contract is translated once
however many accounts, transactions and blocks run it, and never reused under
a fork that prices or defines its opcodes differently (forks sharing one
instruction set share translations).

The cache is bounded by the memory its programs hold (``Program.held``: the
compiled functions, their code objects and dictionaries, and the code objects
they are found by); when a translation takes it over ``limit``, the least
recently used programs are released (their memory given back at once) until
it fits again. A second, small map from the code object itself avoids hashing
the code on every frame; it keeps at most ``CODE_KEYS`` code objects per
program, so that code which arrives as a new object each time (the state
overrides of ``eth_call``) cannot pile up behind a program.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from ..evm.forks import Fork, InstructionSet
from ..primitives.crypto import keccak256
from .program import DICT_ENTRY, Budget, Program

DEFAULT_LIMIT = 64 * 1024 * 1024  # bytes held by the cached programs
CODE_KEYS = 4  # code objects remembered per program


@dataclass(slots=True)
class CacheStats:
    translations: int = 0  # regions translated
    translate_seconds: float = 0.0
    hits: int = 0
    evictions: int = 0
    size: int = 0  # bytes held
    peak_size: int = 0


class ProgramCache:
    def __init__(self, limit: int = DEFAULT_LIMIT, budget: Budget = Budget()) -> None:
        self.limit = limit
        self.budget = budget
        self.stats = CacheStats()
        self._by_hash: OrderedDict[tuple[InstructionSet, bytes], Program] = OrderedDict()
        self._by_code: dict[tuple[InstructionSet, bytes], Program] = {}
        self._code_keys: dict[int, list[tuple[InstructionSet, bytes]]] = {}  # id(program) -> its keys

    def get(self, fork: Fork, code: bytes) -> Program | None:
        """The program for ``code`` if it was translated (fast path by code object)."""
        program = self._by_code.get((fork.instruction_set, code))
        if program is not None:
            self.stats.hits += 1
        return program

    def translate(self, fork: Fork, code: bytes, pc: int = 0) -> Program:
        """The program for ``code`` (an equal code's, if one was translated),
        with the region at ``pc`` translated unless it is or the program is
        full."""
        instruction_set = fork.instruction_set
        key = (instruction_set, keccak256(code))
        program = self._by_hash.get(key)
        if program is None:
            program = self._by_hash[key] = Program(code, instruction_set, self.budget)
            self._code_keys[id(program)] = []
            self._account(program.held)
        else:
            self._by_hash.move_to_end(key)
        self._remember_code(program, (instruction_set, code))
        if pc not in program.entries:
            held, seconds = program.held, program.translate_seconds
            if program.translate_region(code, pc) is not None:
                self.stats.translations += 1
            self.stats.translate_seconds += program.translate_seconds - seconds
            self._account(program.held - held)
        self._evict()
        return program

    def _remember_code(self, program: Program, code_key: tuple[InstructionSet, bytes]) -> None:
        if code_key in self._by_code:
            return
        keys = self._code_keys[id(program)]
        if len(keys) >= CODE_KEYS:
            old = keys.pop(0)
            del self._by_code[old]
            self._account(-len(old[1]) - DICT_ENTRY)
        keys.append(code_key)
        self._by_code[code_key] = program
        self._account(len(code_key[1]) + DICT_ENTRY)

    def _account(self, change: int) -> None:
        stats = self.stats
        stats.size += change
        stats.peak_size = max(stats.peak_size, stats.size)

    def _evict(self) -> None:
        """Release the least recently used programs until the cache fits
        (the most recent one stays: a frame is about to run it)."""
        while self.stats.size > self.limit and len(self._by_hash) > 1:
            _, program = self._by_hash.popitem(last=False)
            for code_key in self._code_keys.pop(id(program)):
                del self._by_code[code_key]
                self._account(-len(code_key[1]) - DICT_ENTRY)
            self._account(-program.held)
            program.release()
            self.stats.evictions += 1

    def __len__(self) -> int:
        return len(self._by_hash)
