"""
Translated programs
===================

A ``Program`` is what has been translated of one code under one fork's
instruction set: a namespace holding a Python function per translated block
(``ovm.transpiler.codegen``), and ``entries``, the translated offsets where
a frame can start, resume or come back from the interpreter.

Translation is work like any other, and a program's is bounded: code is
translated a region at a time (``translate_region``), each region at most
``Budget.region_bytes`` of EVM code and ``Budget.region_source`` of
generated Python, so that one call of Python's compiler takes a bounded time
and memory (its peak is about 150 bytes per byte of source); and a program
stops growing once it holds ``Budget.program_held`` bytes or has
``Budget.program_regions`` regions, after which the rest of the code runs
in the interpreter. Code within ``region_bytes`` is translated whole by its
first region; larger code (initcode, state overrides of ``eth_call``) is
translated where it is hot, one region per tier-up (``ovm.transpiler.runner``).

``held`` is what the program keeps in memory — its functions, their code
objects and constants, its dictionaries — measured from those objects
(``sys.getsizeof``) as they are made, for the cache's bound
(``ovm.transpiler.cache``, which adds the code objects it finds programs
by). ``release`` gives it all back: the functions refer to the namespace
that refers to them, and clearing it breaks that cycle at once rather than
at the next garbage collection.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from types import FunctionType

from ..evm.forks import InstructionSet
from ..evm.frame import cached_jump_destinations
from ..evm.opcodes import JUMPDEST
from .analysis import Block, Instruction, region_blocks
from .codegen import base_namespace, block_name, exit_block, generate, is_lone_jumpdest, lone_jumpdest_block

DICT_ENTRY = 64  # bytes per dictionary slot, roughly, at CPython's fill ratio
TABLE = sys.getsizeof(tuple(range(256))) + 400  # the runner's interpreter table for a program


@dataclass(frozen=True, slots=True)
class Budget:
    """How much one translation, and one program in all, may take."""

    region_bytes: int = 4096  # of EVM code per region
    region_source: int = 64 * 1024  # of generated source per region (one compile)
    program_held: int = 4 * 1024 * 1024  # bytes a program may hold (``Program.held``)
    program_regions: int = 32


class Program:
    """The translated blocks of one code (see the module's docstring)."""

    def __init__(self, code: bytes, instruction_set: InstructionSet, budget: Budget = Budget()) -> None:
        self.code_size = len(code)
        self.instruction_set = instruction_set
        self.budget = budget
        self.namespace = base_namespace(instruction_set)
        self.entries: dict[int, FunctionType] = {}
        self.namespace["JUMPDESTS"] = self.jumpdests = {}
        self.source_size = 0
        self.held = TABLE + sum(map(sys.getsizeof, (self, self.namespace, self.entries, self.jumpdests)))
        self.translate_seconds = 0.0
        self.regions = 0
        self.heat = 0  # JUMPDESTs interpreted since the last region (``runner``)
        self.full = False  # no more regions: the program holds all it may
        self.table: tuple | None = None  # the runner's interpreter table for it

    def run(self, f, block) -> None:
        """Run ``f`` from ``block``; ends by raising, like the interpreter."""
        stack = f.stack
        while True:
            block = block(f, stack)

    def translate_region(self, code: bytes, start: int) -> int | None:
        """Translate the blocks reachable from ``start`` (an offset where
        execution arrives) within the region's budgets; returns the bytes of
        source compiled, or ``None`` if the program is full."""
        if self.full:
            return None
        started, budget = time.perf_counter(), self.budget
        if self.entries or len(code) > budget.region_bytes:
            blocks = region_blocks(code, self.instruction_set, start, start + budget.region_bytes, self.entries)
        else:
            blocks = region_blocks(code, self.instruction_set)
        if self.code_size not in self.entries:
            blocks.append(end_of_code(self.code_size, self.instruction_set))
        size = self._compile(blocks, cached_jump_destinations(code), budget.region_source)
        self.source_size += size
        self.translate_seconds += time.perf_counter() - started
        self.regions += 1
        self.heat = 0
        self.full = self.held >= budget.program_held or self.regions >= budget.program_regions
        return size

    def _compile(self, blocks: list[Block], dests: frozenset[int], budget: int) -> int:
        """Compile ``blocks`` in order until ``budget`` is spent (see
        ``generate``), add them to the namespace and the entries, and account
        for what is now held. Returns the bytes of source compiled."""
        namespace, code_size = self.namespace, self.code_size
        names_before = len(namespace)
        compiled, sources, targets = generate(blocks, dests, code_size, budget)
        exec(compile("\n\n".join(sources), f"<ovm program {code_size} bytes>", "exec"), namespace)
        held = 0
        cost = self.instruction_set.static_gas[JUMPDEST]
        for block in compiled:
            name = block_name(block.start)
            if is_lone_jumpdest(block):
                successor = block_name(min(block.end, code_size))
                namespace[name] = lone_jumpdest_block(block.start, cost, namespace, successor)
                held += closure_size(namespace[name])
            else:
                held += function_size(namespace[name])
            self.entries[block.start] = namespace[name]
            if block.instructions[0].op == JUMPDEST:
                self.jumpdests[block.start] = namespace[name]
        for pc in targets:
            if block_name(pc) not in namespace:
                namespace[block_name(pc)] = exit_block(pc)
                held += closure_size(namespace[block_name(pc)])
        self.held += held + DICT_ENTRY * (len(namespace) - names_before + 2 * len(compiled))
        return sum(map(len, sources))

    def release(self) -> None:
        """Drop every translated block (the program is evicted)."""
        self.namespace.clear()
        self.entries.clear()
        self.jumpdests.clear()
        self.table = None


def end_of_code(size: int, instruction_set: InstructionSet) -> Block:
    """Running off the end of the code runs a STOP (and pays for it)."""
    return Block(size, [Instruction(size, 0, instruction_set.info[0], instruction_set.static_gas[0])])


def function_size(function: FunctionType) -> int:
    """Bytes a generated function holds: itself, its code object (bytecode
    included) and the tables and constants only it refers to."""
    code = function.__code__
    size = sys.getsizeof(function) + sys.getsizeof(code)
    parts = (code.co_name, code.co_consts, code.co_names, code.co_varnames, code.co_linetable, code.co_exceptiontable)
    for part in parts:
        size += sys.getsizeof(part)
    return size + sum(sys.getsizeof(const) for const in code.co_consts if isinstance(const, int) and const > 256)


def closure_size(function: FunctionType) -> int:
    """Bytes a closure holds (its code object is shared by all of its kind)."""
    cells = function.__closure__ or ()
    return sys.getsizeof(function) + sys.getsizeof(cells) + sum(sys.getsizeof(cell) for cell in cells)
