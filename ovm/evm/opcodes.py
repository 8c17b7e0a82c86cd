"""
Opcode facts
============

One table of what every opcode is: its name, the bytes of immediate data after
it, the stack items it takes and leaves, its static gas (the part of its cost
known before it runs; dynamic parts are charged by the instruction itself),
and whether it ends the basic block. The interpreter's dispatch and gas tables,
the transpiler's block analysis and the tracers all read this table; the
behaviour of each opcode lives in ``instructions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import gas as G


@dataclass(frozen=True, slots=True)
class OpInfo:
    code: int
    name: str
    inputs: int
    outputs: int
    static_gas: int
    immediate: int = 0
    terminates: bool = False
    jumps: bool = False


def _table() -> dict[int, OpInfo]:
    ops: dict[int, OpInfo] = {}

    def op(code: int, name: str, inputs: int, outputs: int, cost: int, **kw) -> None:
        ops[code] = OpInfo(code, name, inputs, outputs, cost, **kw)

    op(0x00, "STOP", 0, 0, G.ZERO, terminates=True)
    op(0x01, "ADD", 2, 1, G.VERY_LOW)
    op(0x02, "MUL", 2, 1, G.LOW)
    op(0x03, "SUB", 2, 1, G.VERY_LOW)
    op(0x04, "DIV", 2, 1, G.LOW)
    op(0x05, "SDIV", 2, 1, G.LOW)
    op(0x06, "MOD", 2, 1, G.LOW)
    op(0x07, "SMOD", 2, 1, G.LOW)
    op(0x08, "ADDMOD", 3, 1, G.MID)
    op(0x09, "MULMOD", 3, 1, G.MID)
    op(0x0A, "EXP", 2, 1, G.EXP)
    op(0x0B, "SIGNEXTEND", 2, 1, G.LOW)
    for code, name in ((0x10, "LT"), (0x11, "GT"), (0x12, "SLT"), (0x13, "SGT"), (0x14, "EQ")):
        op(code, name, 2, 1, G.VERY_LOW)
    op(0x15, "ISZERO", 1, 1, G.VERY_LOW)
    for code, name in ((0x16, "AND"), (0x17, "OR"), (0x18, "XOR")):
        op(code, name, 2, 1, G.VERY_LOW)
    op(0x19, "NOT", 1, 1, G.VERY_LOW)
    for code, name in ((0x1A, "BYTE"), (0x1B, "SHL"), (0x1C, "SHR"), (0x1D, "SAR")):
        op(code, name, 2, 1, G.VERY_LOW)
    op(0x20, "KECCAK256", 2, 1, G.KECCAK256)
    op(0x30, "ADDRESS", 0, 1, G.BASE)
    op(0x31, "BALANCE", 1, 1, G.WARM_ACCESS)
    op(0x32, "ORIGIN", 0, 1, G.BASE)
    op(0x33, "CALLER", 0, 1, G.BASE)
    op(0x34, "CALLVALUE", 0, 1, G.BASE)
    op(0x35, "CALLDATALOAD", 1, 1, G.VERY_LOW)
    op(0x36, "CALLDATASIZE", 0, 1, G.BASE)
    op(0x37, "CALLDATACOPY", 3, 0, G.VERY_LOW)
    op(0x38, "CODESIZE", 0, 1, G.BASE)
    op(0x39, "CODECOPY", 3, 0, G.VERY_LOW)
    op(0x3A, "GASPRICE", 0, 1, G.BASE)
    op(0x3B, "EXTCODESIZE", 1, 1, G.WARM_ACCESS)
    op(0x3C, "EXTCODECOPY", 4, 0, G.WARM_ACCESS)
    op(0x3D, "RETURNDATASIZE", 0, 1, G.BASE)
    op(0x3E, "RETURNDATACOPY", 3, 0, G.VERY_LOW)
    op(0x3F, "EXTCODEHASH", 1, 1, G.WARM_ACCESS)
    op(0x40, "BLOCKHASH", 1, 1, G.BLOCKHASH)
    op(0x41, "COINBASE", 0, 1, G.BASE)
    op(0x42, "TIMESTAMP", 0, 1, G.BASE)
    op(0x43, "NUMBER", 0, 1, G.BASE)
    op(0x44, "PREVRANDAO", 0, 1, G.BASE)
    op(0x45, "GASLIMIT", 0, 1, G.BASE)
    op(0x46, "CHAINID", 0, 1, G.BASE)
    op(0x47, "SELFBALANCE", 0, 1, G.LOW)
    op(0x48, "BASEFEE", 0, 1, G.BASE)
    op(0x49, "BLOBHASH", 1, 1, G.BLOBHASH)
    op(0x4A, "BLOBBASEFEE", 0, 1, G.BASE)
    op(0x50, "POP", 1, 0, G.BASE)
    op(0x51, "MLOAD", 1, 1, G.VERY_LOW)
    op(0x52, "MSTORE", 2, 0, G.VERY_LOW)
    op(0x53, "MSTORE8", 2, 0, G.VERY_LOW)
    op(0x54, "SLOAD", 1, 1, G.WARM_ACCESS)
    op(0x55, "SSTORE", 2, 0, G.ZERO)
    op(0x56, "JUMP", 1, 0, G.MID, terminates=True, jumps=True)
    op(0x57, "JUMPI", 2, 0, G.HIGH, jumps=True)
    op(0x58, "PC", 0, 1, G.BASE)
    op(0x59, "MSIZE", 0, 1, G.BASE)
    op(0x5A, "GAS", 0, 1, G.BASE)
    op(0x5B, "JUMPDEST", 0, 0, G.JUMPDEST)
    op(0x5C, "TLOAD", 1, 1, G.TLOAD)
    op(0x5D, "TSTORE", 2, 0, G.TSTORE)
    op(0x5E, "MCOPY", 3, 0, G.VERY_LOW)
    op(0x5F, "PUSH0", 0, 1, G.BASE)
    for n in range(1, 33):
        op(0x5F + n, f"PUSH{n}", 0, 1, G.VERY_LOW, immediate=n)
    for n in range(1, 17):
        op(0x7F + n, f"DUP{n}", n, n + 1, G.VERY_LOW)
    for n in range(1, 17):
        op(0x8F + n, f"SWAP{n}", n + 1, n + 1, G.VERY_LOW)
    for n in range(5):
        op(0xA0 + n, f"LOG{n}", 2 + n, 0, G.LOG + n * G.LOG_TOPIC)
    op(0xF0, "CREATE", 3, 1, G.CREATE)
    op(0xF1, "CALL", 7, 1, G.WARM_ACCESS)
    op(0xF2, "CALLCODE", 7, 1, G.WARM_ACCESS)
    op(0xF3, "RETURN", 2, 0, G.ZERO, terminates=True)
    op(0xF4, "DELEGATECALL", 6, 1, G.WARM_ACCESS)
    op(0xF5, "CREATE2", 4, 1, G.CREATE)
    op(0xFA, "STATICCALL", 6, 1, G.WARM_ACCESS)
    op(0xFD, "REVERT", 2, 0, G.ZERO, terminates=True)
    op(0xFE, "INVALID", 0, 0, G.ZERO, terminates=True)
    op(0xFF, "SELFDESTRUCT", 1, 0, G.SELFDESTRUCT, terminates=True)
    return ops


OPCODES: dict[int, OpInfo] = _table()
BY_NAME: dict[str, OpInfo] = {info.name: info for info in OPCODES.values()}

JUMPDEST = 0x5B
PUSH1 = 0x60
PUSH32 = 0x7F


def opcode_name(code: int) -> str:
    info = OPCODES.get(code)
    return info.name if info else f"opcode 0x{code:02x} not defined"


def jump_destinations(code: bytes) -> frozenset[int]:
    """Offsets of JUMPDEST bytes that are instructions, not PUSH data."""
    dests = []
    i = 0
    n = len(code)
    while i < n:
        op = code[i]
        if op == JUMPDEST:
            dests.append(i)
            i += 1
        elif PUSH1 <= op <= PUSH32:
            i += op - PUSH1 + 2
        else:
            i += 1
    return frozenset(dests)
