"""
Code analysis
=============

Splits EVM bytecode into basic blocks under one fork, as evmone's
``analyze(rev, code)`` does: the fork's ``InstructionSet`` says which opcodes
exist and their static gas, the opcode facts (``ovm.evm.opcodes``) what each
one is, and the one bytecode walker (``ovm.evm.opcodes.walk``) where the
instructions are — the same facts, gas and walker the interpreter runs on. A
block starts at offset 0, at every JUMPDEST, and right after any instruction
that ends one (``OpInfo.ends_block``: a jump, a halt, or a call or creation,
after which the frame may pause for a child frame and resume at the next
instruction) or that the fork does not define. For each block the analysis
also records what the code generator needs to drop per-instruction checks:
the stack height the block needs on entry and how far it can grow.

Code is analysed a region at a time (``region_blocks``): from an offset
where execution can arrive (offset 0, a JUMPDEST, the instruction after a
call) up to a limit, so that the work is bounded however large the code.
Within a region, the code after a halt up to the next JUMPDEST is skipped:
execution cannot arrive there (that is where solc puts its metadata and data).
A block that reaches the limit is cut there; it then simply ends by falling
through to the next offset, as any block may, whatever comes after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Container

from ..evm.forks import InstructionSet
from ..evm.opcodes import IMMEDIATE_SIZES, JUMPDEST, OpInfo, walk


@dataclass(frozen=True, slots=True)
class Instruction:
    pc: int
    op: int
    info: OpInfo | None  # None: undefined in the fork
    static_gas: int  # the fork's
    immediate: int = 0

    @property
    def next_pc(self) -> int:
        return self.pc + 1 + IMMEDIATE_SIZES[self.op]


@dataclass(slots=True)
class Block:
    start: int
    instructions: list[Instruction] = field(default_factory=list)
    # Stack items the block reads below its entry height, and the most it
    # grows above it.
    stack_needed: int = 0
    stack_growth: int = 0

    @property
    def end(self) -> int:
        """Offset just after the block (where control falls through to)."""
        return self.instructions[-1].next_pc if self.instructions else self.start


def decode(code: bytes, pc: int, op: int, instruction_set: InstructionSet) -> Instruction:
    """The instruction at ``pc`` with its PUSH immediate (zero-padded at the end)."""
    size = IMMEDIATE_SIZES[op]
    immediate = int.from_bytes(code[pc + 1 : pc + 1 + size].ljust(size, b"\x00"), "big") if size else 0
    return Instruction(pc, op, instruction_set.info[op], instruction_set.static_gas[op], immediate)


def region_blocks(
    code: bytes,
    instruction_set: InstructionSet,
    start: int = 0,
    limit: int | None = None,
    translated: Container[int] = (),
) -> list[Block]:
    """The blocks of ``code`` that execution can reach from ``start`` (an
    instruction's offset) and that begin before ``limit``, in order, leaving
    out those starting at a ``translated`` offset."""
    blocks: list[Block] = []
    current: Block | None = None
    live = True
    for pc, op in walk(code, start, limit):
        if op == JUMPDEST:
            live, current = True, None
        elif not live:
            continue
        if current is None:
            current = Block(pc)
            if pc not in translated:
                blocks.append(current)
        instruction = decode(code, pc, op, instruction_set)
        current.instructions.append(instruction)
        info = instruction.info
        if info is None or info.ends_block:
            current = None
            live = info is not None and not info.terminates
    for block in blocks:
        block.stack_needed, block.stack_growth = stack_effect(block.instructions)
    return blocks


def stack_effect(instructions: list[Instruction]) -> tuple[int, int]:
    """(items needed below the entry height, maximum growth above it)."""
    height = lowest = highest = 0
    for instruction in instructions:
        info = instruction.info
        if info is None:
            break
        height -= info.inputs
        lowest = min(lowest, height)
        height += info.outputs
        highest = max(highest, height)
    return -lowest, highest
