"""
Code analysis
=============

Splits EVM bytecode into basic blocks using the opcode facts table
(``ovm.evm.opcodes``) — the same table the interpreter's gas and dispatch come
from. A block starts at offset 0, at every JUMPDEST, and right after any
instruction that ends one: a jump, a halt, an undefined opcode, or a call or
creation (after which the frame may pause for a child frame and resume at the
next instruction). For each block the analysis also records what the code
generator needs to drop per-instruction checks: the stack height the block
needs on entry and how far it can grow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..evm.opcodes import OPCODES, OpInfo

JUMPDEST = 0x5B
# CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, STATICCALL
CALLS_AND_CREATES = frozenset((0xF0, 0xF1, 0xF2, 0xF4, 0xF5, 0xFA))


@dataclass(frozen=True, slots=True)
class Instruction:
    pc: int
    op: int
    info: OpInfo | None  # None: undefined opcode
    immediate: int = 0

    @property
    def next_pc(self) -> int:
        return self.pc + 1 + (self.info.immediate if self.info else 0)


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


def decode(code: bytes) -> list[Instruction]:
    """Every instruction of ``code`` with its PUSH immediate (zero-padded at the end)."""
    instructions = []
    pc = 0
    size = len(code)
    while pc < size:
        op = code[pc]
        info = OPCODES.get(op)
        immediate = 0
        if info is not None and info.immediate:
            data = code[pc + 1 : pc + 1 + info.immediate]
            immediate = int.from_bytes(data.ljust(info.immediate, b"\x00"), "big")
        instruction = Instruction(pc, op, info, immediate)
        instructions.append(instruction)
        pc = instruction.next_pc
    return instructions


def ends_block(instruction: Instruction) -> bool:
    info = instruction.info
    return info is None or info.terminates or info.jumps or instruction.op in CALLS_AND_CREATES


def basic_blocks(code: bytes) -> dict[int, Block]:
    """The blocks of ``code`` by start offset, in order."""
    blocks: dict[int, Block] = {}
    current: Block | None = None
    for instruction in decode(code):
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
