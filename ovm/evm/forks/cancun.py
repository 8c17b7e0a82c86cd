"""
Cancun
======

The instruction set of Cancun (EIP-1153 transient storage, EIP-4844 blob
opcodes, EIP-5656 MCOPY, EIP-6780 SELFDESTRUCT) over the earlier forks' set,
with its precompiles 0x01–0x0a and transaction types 0–3.
"""

from ..instructions import (
    arithmetic,
    block,
    control_flow,
    environment,
    expressions,
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
_NAMED.update({name: expressions.pure_handler(name) for name in expressions.PURE})
_NAMED.update({name: expressions.frame_value_handler(name) for name in expressions.FRAME_VALUES})
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
