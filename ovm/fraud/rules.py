"""
Rules of the step machine
=========================

The constants both sides of a dispute (and the Solidity verifier) share:
fork ids, how much one step may do, and which instructions this slice of
the verifier proves. What an opcode costs and does is not here: that is
``ovm.evm`` (its opcode table, the fork's static gas, the instructions).
"""

from __future__ import annotations

from ..evm.forks import FORKS, Fork
from ..evm.opcodes import BY_NAME

FORK_IDS = {"Cancun": 1, "OvmCancun": 2, "Prague": 3, "OvmFjord": 4, "OvmIsthmus": 5, "Osaka": 6}
"""The forks the verifier knows, by the id the commitment carries: Ethereum's
and the L2's (``ovm.chain.forks``: OvmCancun is the OP Stack's Ecotone). Their
instruction tables are ``ovm.evm``'s (``opcode_table``); all but Osaka's (CLZ)
are Cancun's."""

KECCAK_ONE_STEP_BLOCKS = 480
"""KECCAK256 of up to this many padded 136-byte blocks (65,279 bytes) is one
step, hashed with the L1's own KECCAK256."""

KECCAK_BLOCKS_PER_PART = 32
"""A longer KECCAK256 absorbs this many blocks per step through the sponge
written out in Solidity (about 110,000 L1 gas a block)."""

COPY_BYTES_PER_STEP = 8192
"""A copy (CALLDATACOPY, CODECOPY, MCOPY) writes at most this many bytes per step."""

MEMORY_LIMIT = 32 << 37
"""Bytes of the memory tree: an access ending past it runs out of gas (the
expansion would cost more than 2^64 gas)."""


def _names(*groups: str) -> frozenset[int]:
    return frozenset(BY_NAME[name].code for group in groups for name in group.split())


ARITHMETIC = "ADD MUL SUB DIV SDIV MOD SMOD ADDMOD MULMOD EXP SIGNEXTEND"
COMPARISON = "LT GT SLT SGT EQ ISZERO"
BITWISE = "AND OR XOR NOT BYTE SHL SHR SAR"
STACK = "POP PUSH0 " + " ".join(f"PUSH{n}" for n in range(1, 33)) + " " + " ".join(
    f"DUP{n} SWAP{n}" for n in range(1, 17))
CONTROL = "JUMP JUMPI PC JUMPDEST STOP INVALID GAS MSIZE"
MEMORY = "MLOAD MSTORE MSTORE8 MCOPY KECCAK256 RETURN REVERT"
MESSAGE_VALUES = "ADDRESS CALLER CALLVALUE CALLDATALOAD CALLDATASIZE CALLDATACOPY CODESIZE CODECOPY"
BLOCK_VALUES = "COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID BASEFEE BLOBBASEFEE"
TX_VALUES = "ORIGIN GASPRICE BLOBHASH"
BLOCK_HISTORY = "BLOCKHASH"
LOGS = "LOG0 LOG1 LOG2 LOG3 LOG4"
STATE_VALUES = "SELFBALANCE"
STATE_ACCESS = "BALANCE EXTCODEHASH SLOAD SSTORE TLOAD TSTORE"
OSAKA = "CLZ"
"""Instructions of later forks; undefined (an exceptional halt) in the forks before."""
RETURN_DATA = "RETURNDATASIZE RETURNDATACOPY"
"""The return data is a view of the last callee's memory tree (empty before any call)."""

PROVEN = _names(ARITHMETIC, COMPARISON, BITWISE, STACK, CONTROL, MEMORY, MESSAGE_VALUES, BLOCK_VALUES, TX_VALUES,
                STATE_VALUES, RETURN_DATA, STATE_ACCESS, OSAKA, BLOCK_HISTORY, LOGS)
"""Defined opcodes this slice proves; every undefined byte is proven too (an
exceptional halt)."""

CALLS = _names("CALL CALLCODE DELEGATECALL STATICCALL")
"""Calls the step machine traces and the Python reference verifier proves
(to accounts with code or without, values included; not to precompiles, not
under Prague), with the exit of the frames they enter (docs/fraud-proofs.md,
"Call frames"). Not in ``PROVEN``, whose instructions the tests run on random
operands: calls have their own tests (``tests/fraud/test_fraud_calls.py``)."""


LOG_OPCODES = _names(LOGS)


def fork_id(fork: Fork) -> int:
    try:
        return FORK_IDS[fork.name]
    except KeyError:
        raise ValueError(f"the fraud-proof verifier does not know the fork {fork.name}") from None


def fork_of(fork_id_: int) -> Fork:
    for name, number in FORK_IDS.items():
        if number == fork_id_:
            return FORKS[name]
    raise ValueError(f"unknown fork id {fork_id_}")


def is_proven(fork: Fork, opcode: int) -> bool:
    """Whether a step executing ``opcode`` under ``fork`` can be proven now."""
    return fork.instruction_set.info[opcode] is None or opcode in PROVEN or opcode in CALLS


def opcode_table(fork: Fork) -> bytes:
    """The fork's opcodes as the Solidity verifier holds them (``Opcodes.sol``):
    5 bytes per byte value — 0x80 | immediate size (0 if undefined), inputs,
    outputs, static gas (2 bytes, big-endian)."""
    iset = fork.instruction_set
    table = bytearray()
    for opcode in range(256):
        info = iset.info[opcode]
        if info is None:
            table += bytes(5)
        else:
            table += bytes((0x80 | info.immediate, info.inputs, info.outputs)) + iset.static_gas[opcode].to_bytes(2, "big")
    return bytes(table)
