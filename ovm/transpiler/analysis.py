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
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def decode(code: bytes, instruction_set: InstructionSet) -> list[Instruction]:
    """Every instruction of ``code`` with its PUSH immediate (zero-padded at the end)."""
    info, static_gas = instruction_set.info, instruction_set.static_gas
    instructions = []
    for pc, op in walk(code):
        size = IMMEDIATE_SIZES[op]
        immediate = int.from_bytes(code[pc + 1 : pc + 1 + size].ljust(size, b"\x00"), "big") if size else 0
        instructions.append(Instruction(pc, op, info[op], static_gas[op], immediate))
    return instructions


def ends_block(instruction: Instruction) -> bool:
    info = instruction.info
    return info is None or info.ends_block


def basic_blocks(code: bytes, instruction_set: InstructionSet) -> dict[int, Block]:
    """The blocks of ``code`` by start offset, in order."""
    blocks: dict[int, Block] = {}
    current: Block | None = None
    for instruction in decode(code, instruction_set):
        if current is None or instruction.op == JUMPDEST:
            current = blocks[instruction.pc] = Block(instruction.pc)
        current.instructions.append(instruction)
        if ends_block(instruction):
            current = None
    if not blocks:
        blocks[0] = Block(0)
    for block in blocks.values():
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


def jumpdests(blocks: dict[int, Block]) -> set[int]:
    return {
        start for start, block in blocks.items()
        if block.instructions and block.instructions[0].op == JUMPDEST
    }
