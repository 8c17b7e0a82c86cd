"""
The transpiling code runner
===========================

A ``CodeRunner`` for the machine (``ovm.evm.interpreter``): code starts out
interpreted, and the interpreter counts JUMPDESTs executed per code. Once a
code has passed ``threshold`` of them *and* twice as many as the bytes of the
region that would be translated (the whole code, or the budget's
``region_bytes`` of it when it is larger: ``ovm.transpiler.program``) — loops, or a contract called
again and again — that region is translated, once, by code hash, and from
then on runs as generated Python.

Why twice its size: translating costs about 9 µs per byte of code (measured,
``bench/RESULTS.md``), and interpreting costs about 3 µs per JUMPDEST passed
(one every 10 or so instructions). Translating only once the interpreter has
already spent about as long as translation will take bounds the loss on code
that stops being hot right then to about a factor of two (the ski-rental
rule), while loops that run on are translated early in their life. Code whose
blocks are so small that it translates slower per byte is cut into regions by
the source they generate instead (``region_source``), which keeps the rule.

The switch can happen in the middle of a frame: at the JUMPDEST that crossed
the threshold, the frame steps back onto that JUMPDEST (whose only effect was
its gas) and continues in the translated block that starts there. When
translated code continues where nothing is translated yet (``Exit``: the
next region of a large code), the interpreter takes over, counting heat for
the program's next region and going back into translated code at the first
JUMPDEST that has a block. Code that never gets hot, such as a contract
deployed and called once, pays only the counting. A threshold of 0
translates every code before its first instruction and each further region
as soon as execution reaches it (the conformance tests run that way, so that
all code goes through the translator).
"""

from __future__ import annotations

from ..evm.exceptions import EvmError
from ..evm.forks import Fork, InstructionSet
from ..evm.opcodes import JUMPDEST
from .cache import ProgramCache
from .codegen import Deopt, Exit
from .program import Program

DEFAULT_THRESHOLD = 256
BYTES_TO_HEAT = 2  # JUMPDESTs per byte of code before translating (see above)
HEAT_LIMIT = 100_000  # distinct codes counted before the counters start over
HEAT_BYTES = 64 * 1024 * 1024  # bytes of code the counters may keep alive


class TierUp(EvmError):
    """Internal: the frame is at a JUMPDEST whose block is translated, or
    whose region just became hot."""


class TranspilingRunner:
    def __init__(self, cache: ProgramCache | None = None, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.cache = ProgramCache() if cache is None else cache
        self.threshold = threshold
        self.heat: dict[bytes, int] = {}
        self.heat_bytes = 0
        self._tables: dict[InstructionSet, tuple] = {}

    def run(self, machine, f) -> None:
        fork, code, cache = machine.fork, f.bytecode, self.cache
        program = cache.get(fork, code)
        if not self.threshold and (program is None or not program.full and f.pc not in program.entries):
            program = cache.translate(fork, code, f.pc)
        while True:
            if program is None:
                table = self._counting_table(fork)
            else:
                block = program.entries.get(f.pc)
                if block is not None:
                    try:
                        program.run(f, block)
                    except Deopt:
                        machine.interpret(f, machine.instructions)
                    except Exit:
                        if not self.threshold and not program.full:
                            program = cache.translate(fork, code, f.pc)
                            continue
                table = program.table or self._program_table(machine, program)
            try:
                machine.interpret(f, table)
            except TierUp:
                f.pc -= 1
                f.gas += machine.static_gas[JUMPDEST]
                if program is None or f.pc not in program.entries:
                    program = cache.translate(fork, code, f.pc)

    def _counting_table(self, fork: Fork) -> tuple:
        """The fork's handlers with a JUMPDEST that counts heat for code not
        translated at all."""
        table = self._tables.get(fork.instruction_set)
        if table is None:
            heat, threshold = self.heat, self.threshold
            region_heat = BYTES_TO_HEAT * self.cache.budget.region_bytes
            start_counting, stop_counting = self._start_counting, self._stop_counting

            def jumpdest(f):
                code = f.bytecode
                count = heat.get(code)
                if count is None:
                    count = start_counting(code)
                count += 1
                if count > threshold and (count > region_heat or count > BYTES_TO_HEAT * len(code)):
                    stop_counting(code)
                    raise TierUp
                heat[code] = count

            table = list(fork.instruction_set.handlers)
            table[JUMPDEST] = jumpdest
            table = self._tables[fork.instruction_set] = tuple(table)
        return table

    def _start_counting(self, code: bytes) -> int:
        """Count ``code`` from 0 (the counters start over past their bounds)."""
        if len(self.heat) >= HEAT_LIMIT or self.heat_bytes + len(code) > HEAT_BYTES:
            self.heat.clear()
            self.heat_bytes = 0
        self.heat_bytes += len(code)
        self.heat[code] = 0
        return 0

    def _stop_counting(self, code: bytes) -> None:
        del self.heat[code]
        self.heat_bytes -= len(code)

    def _program_table(self, machine, program: Program) -> tuple:
        """The fork's handlers with a JUMPDEST that goes back into the
        program where it has a block, and otherwise counts heat for its next
        region while it may grow."""
        entries = program.entries
        region = min(program.code_size, program.budget.region_bytes)
        needed = max(self.threshold, BYTES_TO_HEAT * region) if self.threshold else 0

        def jumpdest(f):
            if f.pc - 1 in entries:
                raise TierUp
            if not program.full:
                program.heat += 1
                if program.heat > needed:
                    raise TierUp

        table = list(machine.instructions)
        table[JUMPDEST] = jumpdest
        program.table = tuple(table)
        return program.table
