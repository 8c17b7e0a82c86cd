"""
The transpiling code runner
===========================

A ``CodeRunner`` for the machine (``ovm.evm.interpreter``): code starts out
interpreted, and the interpreter counts JUMPDESTs executed per code. Once a
code has passed ``threshold`` of them *and* twice as many as it has bytes
(loops, or a contract called again and again), it is translated — once, by
code hash — and from then on runs as generated Python.

Why twice its size: translating costs about 9 µs per byte of code (measured,
``bench/RESULTS.md``), and interpreting costs about 3 µs per JUMPDEST passed
(one every 10 or so instructions). Translating only once the interpreter has
already spent about as long as translation will take bounds the loss on code
that stops being hot right then to about a factor of two (the ski-rental
rule), while loops that run on are translated early in their life. The switch can happen in the middle of a frame: at the
JUMPDEST that crossed the threshold, the frame steps back onto that JUMPDEST
(whose only effect was its 1 gas) and continues in the translated block that
starts there. Code that never gets hot, such as a contract deployed and
called once, pays only the counting. A threshold of 0 translates every code
before its first instruction (the conformance tests run that way, so that all
code goes through the translator).
"""

from __future__ import annotations

from ..evm.exceptions import EvmError
from ..evm.forks import Fork
from ..evm.opcodes import JUMPDEST
from .cache import ProgramCache
from .codegen import Deopt

DEFAULT_THRESHOLD = 256
BYTES_TO_HEAT = 2  # JUMPDESTs per byte of code before translating (see above)
HEAT_LIMIT = 100_000  # distinct codes counted before the counters start over


class TierUp(EvmError):
    """Internal: the code of the running frame just became hot."""


class TranspilingRunner:
    def __init__(self, cache: ProgramCache | None = None, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.cache = ProgramCache() if cache is None else cache
        self.threshold = threshold
        self.heat: dict[bytes, int] = {}
        self._tables: dict[object, tuple] = {}

    def run(self, machine, f) -> None:
        program = self.cache.get(machine.fork, f.bytecode)
        if program is None and not self.threshold:
            program = self.cache.translate(machine.fork, f.bytecode)
        if program is None:
            try:
                machine.interpret(f, self._counting_table(machine.fork))
            except TierUp:
                f.pc -= 1
                f.gas += machine.static_gas[JUMPDEST]
                program = self.cache.translate(machine.fork, f.bytecode)
        try:
            program.run(f)
        except Deopt:
            machine.interpret(f, machine.instructions)

    def _counting_table(self, fork: Fork) -> tuple:
        """The fork's handlers with a JUMPDEST that counts heat."""
        table = self._tables.get(fork.instruction_set)
        if table is None:
            heat, threshold = self.heat, self.threshold

            def jumpdest(f):
                code = f.bytecode
                count = heat.get(code, 0) + 1
                if count > threshold and count > BYTES_TO_HEAT * len(code):
                    raise TierUp
                if len(heat) >= HEAT_LIMIT:
                    heat.clear()
                heat[code] = count

            table = list(fork.instruction_set.handlers)
            table[JUMPDEST] = jumpdest
            table = self._tables[fork.instruction_set] = tuple(table)
        return table
