"""
Instructions
============

One small function per opcode, grouped by category; the pure ones are
expressions (``expressions``). Instructions that touch memory, storage or gas
but not the stack's shape are written as *value functions* taking the frame
and their operands; their stack handlers are thin wrappers, and the
transpiler calls the value functions directly.
"""

from . import arithmetic, environment, keccak, memory, storage

# name -> (value function, operands, results)
VALUE_FUNCTIONS = {
    "EXP": (arithmetic.power, 2, 1),
    "KECCAK256": (keccak.hash_memory, 2, 1),
    "CALLDATALOAD": (environment.calldata_word, 1, 1),
    "MLOAD": (memory.load_word, 1, 1),
    "MSTORE": (memory.store_word, 2, 0),
    "MSTORE8": (memory.store_byte, 2, 0),
    "SLOAD": (storage.load_slot, 1, 1),
    "SSTORE": (storage.store_slot, 2, 0),
    "TLOAD": (storage.load_transient, 1, 1),
    "TSTORE": (storage.store_transient, 2, 0),
}
