"""
Code generation: EVM blocks to Python functions
===============================================

Each basic block becomes one Python function ``_b<pc>(f, stack)`` that runs
the whole block and returns the function of the block to run next. Inside a
block the EVM stack is mostly not touched: the generator keeps a *virtual
stack* of Python expressions (literals and local variables), so that

- PUSHes are literals, folded into the operations that use them, and pure
  operations on literals are computed at translation time;
- DUP and SWAP only rename (or, below the virtual stack, read the real one);
- arithmetic, comparisons and frame values become one local assignment each,
  using the very expressions the interpreter's handlers are built from
  (``ovm.evm.instructions.expressions``); memory, storage, hashing and EXP
  call the value functions the interpreter's handlers wrap;
- only at the end of the block, or before an instruction that works on the
  frame's real stack (memory, storage, calls, ...), are the pending values
  written back.

Gas: the static costs of a block (the fork's, from the analysis) are charged
in one sum on entry, split only after instructions that observe the remaining
gas (``OpInfo.reads_gas``: GAS, SSTORE's stipend check, and calls and
creations, which end a block anyway), so every observer sees exactly the gas
the interpreter would show. Stack underflow and overflow
are checked once per block from its analysed needs. When a check fails, the
frame is about to end; the block then hands it back to the interpreter at the
start of the failing run of instructions (``Deopt``), so that the error is
the very one, at the very instruction, the interpreter reports.

Control flow: a jump to a constant destination returns that block's function
directly (or raises for an invalid destination, found at translation time);
other jumps look the destination up in the table of JUMPDEST blocks. Code is
translated a region at a time (``ovm.transpiler.program``), all regions of a
program in one namespace: a block that is not translated yet is named there
by an exit (``exit_block``) that hands the frame to the interpreter, and
translating it later replaces the exit, so the blocks already compiled reach
it directly from then on.
"""

from __future__ import annotations

import builtins
from typing import Callable, Container

from ..evm.exceptions import InvalidJump, InvalidOpcode, Stop
from ..evm.forks import InstructionSet
from ..evm.gas import STACK_LIMIT
from ..evm.instructions import VALUE_FUNCTIONS
from ..evm.instructions.expressions import FRAME_VALUES, NAMESPACE, PURE
from ..evm.opcodes import JUMPDEST, Kind
from .analysis import Block, Instruction

LONE_JUMPDEST_SOURCE = 64  # the source a lone JUMPDEST's closure stands for, in time


class Deopt(Exception):
    """Internal: the frame is about to fail; finish it in the interpreter at
    ``f.pc``, which fails exactly where and how it would have."""


class Exit(Exception):
    """Internal: the frame continues at ``f.pc``, where no block has been
    translated (yet); the interpreter takes over there."""


def is_literal(expression: str) -> bool:
    return expression.isdigit()


def block_name(pc: int) -> str:
    return f"_b{pc}"


def gas_segments(block: Block) -> list[int]:
    """The static gas to charge before each instruction (0 where nothing is
    charged): one sum per run of instructions ending at a gas observer."""
    charges = [0] * len(block.instructions)
    start = 0
    for index, instruction in enumerate(block.instructions):
        charges[start] += instruction.static_gas
        info = instruction.info
        if info is not None and info.reads_gas:
            start = index + 1
            if start == len(charges):
                break
    return charges


class BlockCompiler:
    """Generates the Python source of one block."""

    def __init__(self, block: Block, dests: Container[int], code_size: int) -> None:
        self.block = block
        self.dests = dests
        self.code_size = code_size
        self.targets: set[int] = set()  # the offsets this block may continue at
        self.lines: list[str] = []
        self.vstack: list[str] = []
        self.temps = 0

    # -- the virtual stack ----------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def pop(self) -> str:
        if self.vstack:
            return self.vstack.pop()
        name = self.temp()
        self.emit(f"{name} = stack.pop()")
        return name

    def peek(self, depth: int) -> str:
        if depth <= len(self.vstack):
            return self.vstack[-depth]
        name = self.temp()
        self.emit(f"{name} = stack[-{depth - len(self.vstack)}]")
        return name

    def assign(self, expression: str) -> None:
        name = self.temp()
        self.emit(f"{name} = {expression}")
        self.vstack.append(name)

    def flush(self) -> None:
        """Write the pending values back to the real stack."""
        for line in self.flush_lines():
            self.emit(line)
        self.vstack.clear()

    def flush_lines(self) -> list[str]:
        if len(self.vstack) == 1:
            return [f"stack.append({self.vstack[0]})"]
        if self.vstack:
            return [f"stack += ({', '.join(self.vstack)},)"]
        return []

    def deoptimize(self, condition: str, pc: int) -> None:
        """If ``condition`` holds, hand the frame back to the interpreter at
        ``pc`` (the stack written back), which then fails exactly where and how
        it would have: this path only runs when the frame is about to end."""
        actions = [*self.flush_lines(), f"f.pc = {pc}", "raise Deopt"]
        self.emit(f"if {condition}: {'; '.join(actions)}")

    # -- instructions ---------------------------------------------------------

    def compile(self) -> str:
        block = self.block
        checks = []
        if block.stack_needed:
            checks.append(f"len(stack) < {block.stack_needed}")
        if block.stack_growth:
            checks.append(f"len(stack) > {STACK_LIMIT - block.stack_growth}")
        if checks:
            self.deoptimize(" or ".join(checks), block.start)
        charges = gas_segments(block)
        ended = False
        for instruction, charge in zip(block.instructions, charges):
            if charge:
                self.emit(f"g = f.gas - {charge}")
                self.deoptimize("g < 0", instruction.pc)
                self.emit("f.gas = g")
            ended = self.instruction(instruction)
        if not ended:
            self.flush()
            self.emit(f"return {self.target(block.end)}")
        header = f"def {block_name(block.start)}(f, stack):"
        return "\n".join([header, *self.lines])

    def target(self, pc: int) -> str:
        """The function to continue with at ``pc`` (the end of the code stops)."""
        pc = min(pc, self.code_size)
        self.targets.add(pc)
        return block_name(pc)

    def instruction(self, ins: Instruction) -> bool:
        """Emit one instruction; True if it ends the block's code."""
        op, info = ins.op, ins.info
        kind = info.kind if info is not None else Kind.INVALID
        if kind is Kind.PUSH:
            self.vstack.append(str(ins.immediate))
        elif kind is Kind.DUP:
            self.vstack.append(self.peek(info.inputs))
        elif kind is Kind.SWAP:
            self.swap(info.inputs - 1)
        elif kind is Kind.POP:
            if self.vstack:
                self.vstack.pop()
            else:
                self.emit("del stack[-1]")
        elif kind is Kind.PURE:
            self.pure(info.name)
        elif kind is Kind.FRAME_VALUE:
            self.assign(FRAME_VALUES[info.name])
        elif kind is Kind.VALUE_FUNCTION:
            self.value_function(info.name)
        elif kind is Kind.PC:
            self.vstack.append(str(ins.pc))
        elif kind is Kind.GAS:
            self.assign("f.gas")
        elif kind is Kind.JUMPDEST:
            pass
        elif kind is Kind.JUMP:
            self.jump()
            return True
        elif kind is Kind.JUMPI:
            self.jumpi(ins)
            return True
        elif kind is Kind.STOP:
            self.emit("raise Stop")
            return True
        elif kind is Kind.INVALID:
            self.emit(f"raise InvalidOpcode({op})")
            return True
        elif info.pauses:
            # The frame may pause here for a child and resume at the next instruction.
            self.flush()
            self.emit(f"f.pc = {ins.next_pc}")
            self.emit(f"H{op}(f)")
            self.emit(f"return {self.target(ins.next_pc)}")
            return True
        else:
            self.flush()
            self.emit(f"H{op}(f)")
            return info.terminates
        return False

    def swap(self, n: int) -> None:
        """SWAPn renames; items below the virtual stack are pulled into it first."""
        vstack = self.vstack
        while len(vstack) <= n:
            name = self.temp()
            self.emit(f"{name} = stack.pop()")
            vstack.insert(0, name)
        vstack[-1], vstack[-n - 1] = vstack[-n - 1], vstack[-1]

    def value_function(self, name: str) -> None:
        function, inputs, outputs = VALUE_FUNCTIONS[name]
        operands = ", ".join(self.pop() for _ in range(inputs))
        call = f"{function.__name__}(f, {operands})"
        if outputs:
            self.assign(call)
        else:
            self.emit(call)

    def pure(self, name: str) -> None:
        inputs, expression = PURE[name]
        operands = [self.pop() for _ in range(inputs)]
        filled = expression.format(**dict(zip("abc", operands)))
        if all(is_literal(operand) for operand in operands):
            self.vstack.append(str(eval(filled, dict(NAMESPACE))))
        else:
            self.assign(filled)

    def jump(self) -> None:
        dest = self.pop()
        self.flush()
        self.emit_jump(dest)

    def jumpi(self, ins: Instruction) -> None:
        dest = self.pop()
        condition = self.pop()
        self.flush()
        fallthrough = f"return {self.target(ins.next_pc)}"
        if not is_literal(condition):
            self.emit(f"if {condition}:")
            self.emit_jump(dest, indent="    ")
        elif int(condition):
            self.emit_jump(dest)
            return
        self.emit(fallthrough)

    def emit_jump(self, dest: str, indent: str = "") -> None:
        """Continue at ``dest``: checked now if it is a literal, else looked up."""
        if is_literal(dest):
            if int(dest) in self.dests:
                self.emit(f"{indent}return {self.target(int(dest))}")
            else:
                self.emit(f"{indent}raise InvalidJump")
            return
        self.emit(f"{indent}nxt = JUMPDESTS.get({dest})")
        self.emit(f"{indent}if nxt is None: leave(f, {dest})")
        self.emit(f"{indent}return nxt")


def is_lone_jumpdest(block: Block) -> bool:
    """A block that is only a JUMPDEST and falls through (JUMPDEST sleds)."""
    return len(block.instructions) == 1 and block.instructions[0].op == JUMPDEST


def lone_jumpdest_block(pc: int, cost: int, namespace: dict, successor: str):
    """A lone JUMPDEST as a closure rather than generated source: it costs no
    compilation, which matters for code made of thousands of them."""

    def block(f, stack):
        if f.gas < cost:
            f.pc = pc
            raise Deopt
        f.gas -= cost
        return namespace[successor]

    return block


def generate(
    blocks: list[Block], dests: frozenset[int], code_size: int, budget: int
) -> tuple[list[Block], list[str], set[int]]:
    """The source of ``blocks`` in order until ``budget`` bytes of it are
    written (the first block always; a lone JUMPDEST, to be a closure, counts
    as ``LONE_JUMPDEST_SOURCE``): the blocks taken, their sources, and the
    offsets they may continue at."""
    taken: list[Block] = []
    sources: list[str] = []
    targets: set[int] = set()
    work = 0
    for block in blocks:
        if taken and work >= budget:
            break
        taken.append(block)
        if is_lone_jumpdest(block):
            targets.add(min(block.end, code_size))
            work += LONE_JUMPDEST_SOURCE
            continue
        compiler = BlockCompiler(block, dests, code_size)
        sources.append(compiler.compile())
        work += len(sources[-1])
        targets |= compiler.targets
    return taken, sources, targets


def exit_block(pc: int) -> Callable:
    """Stands for the block at ``pc`` until it is translated."""

    def block(f, stack):
        f.pc = pc
        raise Exit

    return block


def leave(f, dest: int) -> None:
    """A computed jump to ``dest``, which has no translated block: the
    interpreter continues there if it is a jump destination."""
    if dest not in f.valid_jumpdests():
        raise InvalidJump
    f.pc = dest
    raise Exit


_SHARED: dict[InstructionSet, dict] = {}


def base_namespace(instruction_set: InstructionSet) -> dict:
    """A program's namespace, empty but for ``__builtins__``: a dictionary
    shared by all programs of the instruction set, with Python's builtins and
    what generated code refers to besides its blocks (the shared expressions'
    helpers, the value functions and the fork's handlers). Generated code
    finds those names there as fast as its own, and a program holds only its
    blocks."""
    shared = _SHARED.get(instruction_set)
    if shared is None:
        shared = dict(vars(builtins))
        shared.update(NAMESPACE)
        shared.update(Deopt=Deopt, InvalidJump=InvalidJump, InvalidOpcode=InvalidOpcode, Stop=Stop, leave=leave)
        shared.update({f"H{info.code}": instruction_set.handlers[info.code] for info in instruction_set.defined()})
        shared.update({function.__name__: function for function, _, _ in VALUE_FUNCTIONS.values()})
        _SHARED[instruction_set] = shared
    return {"__builtins__": shared}
