"""
Cancun
======

The instruction set of Cancun (EIP-1153 transient storage, EIP-4844 blob
opcodes, EIP-5656 MCOPY, EIP-6780 SELFDESTRUCT) over the earlier forks' set,
with its precompiles 0x01–0x0a and transaction types 0–3.
"""

from ..instructions import (
    arithmetic,
    bitwise,
    block,
    comparison,
    control_flow,
    environment,
    keccak,
    log,
    memory,
    stack,
    storage,
    system,
)
from ..opcodes import OPCODES
from ..precompiles import CANCUN_PRECOMPILES
from .base import Fork

_NAMED = {
    "STOP": control_flow.stop,
    "ADD": arithmetic.add,
    "MUL": arithmetic.mul,
    "SUB": arithmetic.sub,
    "DIV": arithmetic.div,
    "SDIV": arithmetic.sdiv,
    "MOD": arithmetic.mod,
    "SMOD": arithmetic.smod,
    "ADDMOD": arithmetic.addmod,
    "MULMOD": arithmetic.mulmod,
    "EXP": arithmetic.exp,
    "SIGNEXTEND": arithmetic.signextend,
    "LT": comparison.lt,
    "GT": comparison.gt,
    "SLT": comparison.slt,
    "SGT": comparison.sgt,
    "EQ": comparison.eq,
    "ISZERO": comparison.iszero,
    "AND": bitwise.and_,
    "OR": bitwise.or_,
    "XOR": bitwise.xor,
    "NOT": bitwise.not_,
    "BYTE": bitwise.byte,
    "SHL": bitwise.shl,
    "SHR": bitwise.shr,
    "SAR": bitwise.sar,
    "KECCAK256": keccak.keccak256,
    "ADDRESS": environment.address,
    "BALANCE": environment.balance,
    "ORIGIN": environment.origin,
    "CALLER": environment.caller,
    "CALLVALUE": environment.callvalue,
    "CALLDATALOAD": environment.calldataload,
    "CALLDATASIZE": environment.calldatasize,
    "CALLDATACOPY": environment.calldatacopy,
    "CODESIZE": environment.codesize,
    "CODECOPY": environment.codecopy,
    "GASPRICE": environment.gasprice,
    "EXTCODESIZE": environment.extcodesize,
    "EXTCODECOPY": environment.extcodecopy,
    "RETURNDATASIZE": environment.returndatasize,
    "RETURNDATACOPY": environment.returndatacopy,
    "EXTCODEHASH": environment.extcodehash,
    "BLOCKHASH": block.blockhash,
    "COINBASE": block.coinbase,
    "TIMESTAMP": block.timestamp,
    "NUMBER": block.number,
    "PREVRANDAO": block.prevrandao,
    "GASLIMIT": block.gaslimit,
    "CHAINID": block.chainid,
    "SELFBALANCE": block.selfbalance,
    "BASEFEE": block.basefee,
    "BLOBHASH": block.blobhash,
    "BLOBBASEFEE": block.blobbasefee,
    "POP": stack.pop,
    "MLOAD": memory.mload,
    "MSTORE": memory.mstore,
    "MSTORE8": memory.mstore8,
    "SLOAD": storage.sload,
    "SSTORE": storage.sstore,
    "JUMP": control_flow.jump,
    "JUMPI": control_flow.jumpi,
    "PC": control_flow.pc,
    "MSIZE": memory.msize,
    "GAS": control_flow.gas,
    "JUMPDEST": control_flow.jumpdest,
    "TLOAD": storage.tload,
    "TSTORE": storage.tstore,
    "MCOPY": memory.mcopy,
    "PUSH0": stack.push0,
    "CREATE": system.create,
    "CALL": system.call,
    "CALLCODE": system.callcode,
    "RETURN": system.return_,
    "DELEGATECALL": system.delegatecall,
    "CREATE2": system.create2,
    "STATICCALL": system.staticcall,
    "REVERT": system.revert,
    "INVALID": control_flow.invalid,
    "SELFDESTRUCT": system.selfdestruct,
}
_NAMED.update({f"PUSH{n}": stack.make_push(n) for n in range(1, 33)})
_NAMED.update({f"DUP{n}": stack.make_dup(n) for n in range(1, 17)})
_NAMED.update({f"SWAP{n}": stack.make_swap(n) for n in range(1, 17)})
_NAMED.update({f"LOG{n}": log.make_log(n) for n in range(5)})


def _instruction_table() -> tuple:
    table = [control_flow.invalid] * 256
    for code, info in OPCODES.items():
        table[code] = _NAMED[info.name]
    return tuple(table)


def _static_gas_table() -> tuple[int, ...]:
    table = [0] * 256
    for code, info in OPCODES.items():
        table[code] = info.static_gas
    return tuple(table)


CANCUN = Fork(
    name="Cancun",
    instructions=_instruction_table(),
    static_gas=_static_gas_table(),
    precompiles=CANCUN_PRECOMPILES,
    transaction_types=frozenset({0, 1, 2, 3}),
)
