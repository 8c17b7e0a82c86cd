"""
Opcode facts
============

One table of what every opcode is, whatever the fork: its name, the bytes of
immediate data after it, the stack items it takes and leaves, what *kind* of
instruction it is (how the transpiler renders it), whether it ends the frame
(``terminates``), whether it observes the gas left (``reads_gas``), whether
the frame may pause at it for a child frame (``pauses``) and the fork that
introduced it (``since``). The interpreter's dispatch, the transpiler's block
analysis, the tracers and the bytecode policies all read this table; what an
opcode costs and does in a given fork is that fork's data
(``ovm.evm.forks.base.InstructionSet``: static gas and handler per opcode),
and the behaviour itself lives in ``instructions``.

This module also holds the one bytecode walker (``walk``): every reader of
code — valid jump destinations, the transpiler's analysis, the deployment
policies — steps over PUSH data the same way, through it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterator


class Kind(enum.Enum):
    """How an instruction is rendered by the transpiler; ``HANDLER`` ones call
    the fork's handler, the others are inlined from shared semantics."""

    PUSH = "push"  # pushes its immediate (PUSH0: zero)
    DUP = "dup"
    SWAP = "swap"
    POP = "pop"
    PURE = "pure"  # a word computed from operands (``instructions.expressions.PURE``)
    FRAME_VALUE = "frame value"  # a value of the frame (``expressions.FRAME_VALUES``)
    VALUE_FUNCTION = "value function"  # ``instructions.VALUE_FUNCTIONS``
    PC = "pc"
    GAS = "gas"
    JUMPDEST = "jumpdest"
    JUMP = "jump"
    JUMPI = "jumpi"
    STOP = "stop"
    INVALID = "invalid"
    HANDLER = "handler"


@dataclass(frozen=True, slots=True)
class OpInfo:
    code: int
    name: str
    inputs: int
    outputs: int
    kind: Kind = Kind.HANDLER
    immediate: int = 0
    terminates: bool = False
    reads_gas: bool = False
    pauses: bool = False
    since: str = "Frontier"

    @property
    def ends_block(self) -> bool:
        """Control may leave the straight line here: a halt, a jump, or a
        pause for a child frame (after which the frame resumes at the next
        instruction, which therefore starts a block)."""
        return self.terminates or self.pauses or self.kind in (Kind.JUMP, Kind.JUMPI)


def _table() -> dict[int, OpInfo]:
    ops: dict[int, OpInfo] = {}

    def op(code: int, name: str, inputs: int, outputs: int, kind: Kind = Kind.HANDLER, **kw) -> None:
        ops[code] = OpInfo(code, name, inputs, outputs, kind, **kw)

    pure, frame_value, value_function = Kind.PURE, Kind.FRAME_VALUE, Kind.VALUE_FUNCTION
    op(0x00, "STOP", 0, 0, Kind.STOP, terminates=True)
    for code, name in ((0x01, "ADD"), (0x02, "MUL"), (0x03, "SUB"), (0x04, "DIV"), (0x05, "SDIV"),
                       (0x06, "MOD"), (0x07, "SMOD")):
        op(code, name, 2, 1, pure)
    op(0x08, "ADDMOD", 3, 1, pure)
    op(0x09, "MULMOD", 3, 1, pure)
    op(0x0A, "EXP", 2, 1, value_function)
    op(0x0B, "SIGNEXTEND", 2, 1, pure)
    for code, name in ((0x10, "LT"), (0x11, "GT"), (0x12, "SLT"), (0x13, "SGT"), (0x14, "EQ")):
        op(code, name, 2, 1, pure)
    op(0x15, "ISZERO", 1, 1, pure)
    for code, name in ((0x16, "AND"), (0x17, "OR"), (0x18, "XOR")):
        op(code, name, 2, 1, pure)
    op(0x19, "NOT", 1, 1, pure)
    op(0x1A, "BYTE", 2, 1, pure)
    for code, name in ((0x1B, "SHL"), (0x1C, "SHR"), (0x1D, "SAR")):
        op(code, name, 2, 1, pure, since="Constantinople")
    op(0x1E, "CLZ", 1, 1, pure, since="Osaka")
    op(0x20, "KECCAK256", 2, 1, value_function)
    op(0x30, "ADDRESS", 0, 1, frame_value)
    op(0x31, "BALANCE", 1, 1)
    op(0x32, "ORIGIN", 0, 1, frame_value)
    op(0x33, "CALLER", 0, 1, frame_value)
    op(0x34, "CALLVALUE", 0, 1, frame_value)
    op(0x35, "CALLDATALOAD", 1, 1, value_function)
    op(0x36, "CALLDATASIZE", 0, 1, frame_value)
    op(0x37, "CALLDATACOPY", 3, 0)
    op(0x38, "CODESIZE", 0, 1, frame_value)
    op(0x39, "CODECOPY", 3, 0)
    op(0x3A, "GASPRICE", 0, 1, frame_value)
    op(0x3B, "EXTCODESIZE", 1, 1)
    op(0x3C, "EXTCODECOPY", 4, 0)
    op(0x3D, "RETURNDATASIZE", 0, 1, frame_value, since="Byzantium")
    op(0x3E, "RETURNDATACOPY", 3, 0, since="Byzantium")
    op(0x3F, "EXTCODEHASH", 1, 1, since="Constantinople")
    op(0x40, "BLOCKHASH", 1, 1)
    for code, name in ((0x41, "COINBASE"), (0x42, "TIMESTAMP"), (0x43, "NUMBER"),
                       (0x44, "PREVRANDAO"), (0x45, "GASLIMIT")):
        op(code, name, 0, 1, frame_value)
    op(0x46, "CHAINID", 0, 1, frame_value, since="Istanbul")
    op(0x47, "SELFBALANCE", 0, 1, frame_value, since="Istanbul")
    op(0x48, "BASEFEE", 0, 1, frame_value, since="London")
    op(0x49, "BLOBHASH", 1, 1, since="Cancun")
    op(0x4A, "BLOBBASEFEE", 0, 1, frame_value, since="Cancun")
    op(0x50, "POP", 1, 0, Kind.POP)
    op(0x51, "MLOAD", 1, 1, value_function)
    op(0x52, "MSTORE", 2, 0, value_function)
    op(0x53, "MSTORE8", 2, 0, value_function)
    op(0x54, "SLOAD", 1, 1, value_function)
    # SSTORE refuses to run with 2,300 gas or less left (EIP-2200).
    op(0x55, "SSTORE", 2, 0, value_function, reads_gas=True)
    op(0x56, "JUMP", 1, 0, Kind.JUMP, terminates=True)
    op(0x57, "JUMPI", 2, 0, Kind.JUMPI)
    op(0x58, "PC", 0, 1, Kind.PC)
    op(0x59, "MSIZE", 0, 1, frame_value)
    op(0x5A, "GAS", 0, 1, Kind.GAS, reads_gas=True)
    op(0x5B, "JUMPDEST", 0, 0, Kind.JUMPDEST)
    op(0x5C, "TLOAD", 1, 1, value_function, since="Cancun")
    op(0x5D, "TSTORE", 2, 0, value_function, since="Cancun")
    op(0x5E, "MCOPY", 3, 0, since="Cancun")
    op(0x5F, "PUSH0", 0, 1, Kind.PUSH, since="Shanghai")
    for n in range(1, 33):
        op(0x5F + n, f"PUSH{n}", 0, 1, Kind.PUSH, immediate=n)
    for n in range(1, 17):
        op(0x7F + n, f"DUP{n}", n, n + 1, Kind.DUP)
    for n in range(1, 17):
        op(0x8F + n, f"SWAP{n}", n + 1, n + 1, Kind.SWAP)
    for n in range(5):
        op(0xA0 + n, f"LOG{n}", 2 + n, 0)
    # Calls and creations pass on all but 1/64 of the gas left, and the frame
    # pauses there while the child runs.
    calls = dict(reads_gas=True, pauses=True)
    op(0xF0, "CREATE", 3, 1, **calls)
    op(0xF1, "CALL", 7, 1, **calls)
    op(0xF2, "CALLCODE", 7, 1, **calls)
    op(0xF3, "RETURN", 2, 0, terminates=True)
    op(0xF4, "DELEGATECALL", 6, 1, **calls, since="Homestead")
    op(0xF5, "CREATE2", 4, 1, **calls, since="Constantinople")
    op(0xFA, "STATICCALL", 6, 1, **calls, since="Byzantium")
    op(0xFD, "REVERT", 2, 0, terminates=True, since="Byzantium")
    op(0xFE, "INVALID", 0, 0, Kind.INVALID, terminates=True)
    op(0xFF, "SELFDESTRUCT", 1, 0, terminates=True)
    return ops


OPCODES: dict[int, OpInfo] = _table()
BY_NAME: dict[str, OpInfo] = {info.name: info for info in OPCODES.values()}

JUMPDEST = BY_NAME["JUMPDEST"].code
IMMEDIATE_SIZES: tuple[int, ...] = tuple(OPCODES[op].immediate if op in OPCODES else 0 for op in range(256))
"""Bytes of immediate data after each opcode (PUSHn's n; 0 for the rest)."""


def opcode_name(code: int) -> str:
    info = OPCODES.get(code)
    return info.name if info else f"opcode 0x{code:02x} not defined"


def walk(code: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``(offset, opcode)`` of every instruction of ``code`` from ``start``
    (an instruction's offset) until ``end``: the one way code is read, PUSH
    data stepped over, never taken for opcodes."""
    sizes = IMMEDIATE_SIZES
    pc = start
    stop = len(code) if end is None else min(end, len(code))
    while pc < stop:
        op = code[pc]
        yield pc, op
        pc += 1 + sizes[op]


def reachable(code: bytes, halting: frozenset[int]) -> Iterator[tuple[int, int]]:
    """The instructions of ``walk(code)`` that can execute: after a ``halting``
    opcode, those up to the next JUMPDEST are skipped (execution arrives at an
    instruction only by falling through or by jumping to a JUMPDEST)."""
    live = True
    for pc, op in walk(code):
        if not live:
            if op != JUMPDEST:
                continue
            live = True
        yield pc, op
        if op in halting:
            live = False


def jump_destinations(code: bytes) -> frozenset[int]:
    """Offsets of JUMPDEST bytes that are instructions, not PUSH data."""
    return frozenset(pc for pc, op in walk(code) if op == JUMPDEST)
