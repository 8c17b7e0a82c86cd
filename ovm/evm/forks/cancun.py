"""
Cancun
======

The first fork ovm implements, so its file lists everything up to it: the
static gas of every opcode of Cancun (EIP-1153 transient storage, EIP-4844
blob opcodes, EIP-5656 MCOPY, EIP-6780 SELFDESTRUCT over the earlier forks'
set), the handlers written out (the rest are built from their shared
semantics, ``InstructionSet.build``), the precompiles 0x01–0x0a and the
transaction types 0–3. Later forks derive from it (``Fork.derive``).
"""

from .. import gas as G
from ..instructions import (
    arithmetic,
    block,
    control_flow,
    environment,
    keccak,
    log,
    memory,
    stack,
    storage,
    system,
)
from ..precompiles import CANCUN_PRECOMPILES
from .base import Fork, InstructionSet


def _static_gas() -> dict[str, int]:
    gas = {
        "STOP": G.ZERO, "ADD": G.VERY_LOW, "MUL": G.LOW, "SUB": G.VERY_LOW, "DIV": G.LOW,
        "SDIV": G.LOW, "MOD": G.LOW, "SMOD": G.LOW, "ADDMOD": G.MID, "MULMOD": G.MID,
        "EXP": G.EXP, "SIGNEXTEND": G.LOW, "KECCAK256": G.KECCAK256,
        "BALANCE": G.WARM_ACCESS, "CALLDATALOAD": G.VERY_LOW, "CALLDATACOPY": G.VERY_LOW,
        "CODECOPY": G.VERY_LOW, "EXTCODESIZE": G.WARM_ACCESS, "EXTCODECOPY": G.WARM_ACCESS,
        "RETURNDATACOPY": G.VERY_LOW, "EXTCODEHASH": G.WARM_ACCESS, "BLOCKHASH": G.BLOCKHASH,
        "SELFBALANCE": G.LOW, "BLOBHASH": G.BLOBHASH, "POP": G.BASE,
        "MLOAD": G.VERY_LOW, "MSTORE": G.VERY_LOW, "MSTORE8": G.VERY_LOW,
        "SLOAD": G.WARM_ACCESS, "SSTORE": G.ZERO, "JUMP": G.MID, "JUMPI": G.HIGH,
        "PC": G.BASE, "MSIZE": G.BASE, "GAS": G.BASE, "JUMPDEST": G.JUMPDEST_GAS,
        "TLOAD": G.TLOAD, "TSTORE": G.TSTORE, "MCOPY": G.VERY_LOW, "PUSH0": G.BASE,
        "CREATE": G.CREATE, "CALL": G.WARM_ACCESS, "CALLCODE": G.WARM_ACCESS,
        "RETURN": G.ZERO, "DELEGATECALL": G.WARM_ACCESS, "CREATE2": G.CREATE,
        "STATICCALL": G.WARM_ACCESS, "REVERT": G.ZERO, "INVALID": G.ZERO,
        "SELFDESTRUCT": G.SELFDESTRUCT,
    }
    for name in ("LT", "GT", "SLT", "SGT", "EQ", "ISZERO", "AND", "OR", "XOR", "NOT",
                 "BYTE", "SHL", "SHR", "SAR"):
        gas[name] = G.VERY_LOW
    for name in ("ADDRESS", "ORIGIN", "CALLER", "CALLVALUE", "CALLDATASIZE", "CODESIZE",
                 "GASPRICE", "RETURNDATASIZE", "COINBASE", "TIMESTAMP", "NUMBER",
                 "PREVRANDAO", "GASLIMIT", "CHAINID", "BASEFEE", "BLOBBASEFEE"):
        gas[name] = G.BASE
    gas.update({f"PUSH{n}": G.VERY_LOW for n in range(1, 33)})
    gas.update({f"DUP{n}": G.VERY_LOW for n in range(1, 17)})
    gas.update({f"SWAP{n}": G.VERY_LOW for n in range(1, 17)})
    gas.update({f"LOG{n}": G.LOG + n * G.LOG_TOPIC for n in range(5)})
    return gas


_HANDLERS = {
    "STOP": control_flow.stop,
    "EXP": arithmetic.exp,
    "KECCAK256": keccak.keccak256,
    "BALANCE": environment.balance,
    "CALLDATALOAD": environment.calldataload,
    "CALLDATACOPY": environment.calldatacopy,
    "CODECOPY": environment.codecopy,
    "EXTCODESIZE": environment.extcodesize,
    "EXTCODECOPY": environment.extcodecopy,
    "RETURNDATACOPY": environment.returndatacopy,
    "EXTCODEHASH": environment.extcodehash,
    "BLOCKHASH": block.blockhash,
    "BLOBHASH": block.blobhash,
    "POP": stack.pop,
    "MLOAD": memory.mload,
    "MSTORE": memory.mstore,
    "MSTORE8": memory.mstore8,
    "SLOAD": storage.sload,
    "SSTORE": storage.sstore,
    "JUMP": control_flow.jump,
    "JUMPI": control_flow.jumpi,
    "PC": control_flow.pc,
    "GAS": control_flow.gas,
    "JUMPDEST": control_flow.jumpdest,
    "TLOAD": storage.tload,
    "TSTORE": storage.tstore,
    "MCOPY": memory.mcopy,
    "CREATE": system.create,
    "RETURN": system.return_,
    "CREATE2": system.create2,
    "REVERT": system.revert,
    "INVALID": control_flow.invalid,
    "SELFDESTRUCT": system.selfdestruct,
    **system.CALLS,
    **{f"LOG{n}": log.make_log(n) for n in range(5)},
}

CANCUN = Fork(
    name="Cancun",
    instruction_set=InstructionSet.build(_static_gas(), _HANDLERS),
    precompiles=CANCUN_PRECOMPILES,
    transaction_types=frozenset({0, 1, 2, 3}),
)
