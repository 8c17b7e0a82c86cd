"""
Gas constants
=============

Named costs of the Cancun schedule, in one place. The per-opcode static costs
are collected into each fork's 256-entry table (``forks``); the dynamic parts
(memory, access lists, storage, calls, copies) are charged by the instructions
from these names.
"""

# Tiers of static cost.
ZERO = 0
JUMPDEST_GAS = 1
BASE = 2
VERY_LOW = 3
LOW = 5
MID = 8
HIGH = 10

# Memory and copies.
MEMORY_WORD = 3
MEMORY_QUADRATIC_DIVISOR = 512
COPY_WORD = 3

# Hashing.
KECCAK256 = 30
KECCAK256_WORD = 6

# Exponentiation.
EXP = 10
EXP_BYTE = 50

# Logs.
LOG = 375
LOG_TOPIC = 375
LOG_DATA_BYTE = 8

# Access lists (EIP-2929, EIP-2930).
WARM_ACCESS = 100
COLD_ACCOUNT_ACCESS = 2600
COLD_SLOAD = 2100
ACCESS_LIST_ADDRESS = 2400
ACCESS_LIST_STORAGE_KEY = 1900

# Storage (EIP-2200 with EIP-2929 and EIP-3529).
SSTORE_SET = 20000
SSTORE_RESET = 5000 - COLD_SLOAD
SSTORE_STIPEND_GUARD = 2300
SSTORE_CLEARS_REFUND = 4800
TSTORE = WARM_ACCESS
TLOAD = WARM_ACCESS

# Calls and creation.
CALL_VALUE = 9000
CALL_STIPEND = 2300
NEW_ACCOUNT = 25000
CREATE = 32000
CODE_DEPOSIT_BYTE = 200
INITCODE_WORD = 2
SELFDESTRUCT = 5000
SELFDESTRUCT_NEW_ACCOUNT = 25000

# Block information.
BLOCKHASH = 20
BLOBHASH = VERY_LOW

# Transactions.
TX_BASE = 21000
TX_CREATE = 32000
TX_DATA_ZERO = 4
TX_DATA_NONZERO = 16
# Calldata tokens: a zero byte is one, any other byte four. From Prague a
# transaction uses at least TX_BASE + TX_DATA_FLOOR_PER_TOKEN per token (EIP-7623).
TX_DATA_TOKENS_PER_NONZERO = 4
TX_DATA_FLOOR_PER_TOKEN = 10
# From Osaka no transaction may have a larger gas limit (EIP-7825).
MAX_TRANSACTION_GAS = 1 << 24
# Set-code transactions (EIP-7702): each authorization costs PER_EMPTY_ACCOUNT_COST
# up front; one whose authority already exists gets the difference to
# PER_AUTH_BASE_COST back as a refund.
PER_EMPTY_ACCOUNT_COST = 25000
PER_AUTH_BASE_COST = 12500

# Blobs (EIP-4844).
GAS_PER_BLOB = 1 << 17
TARGET_BLOB_GAS_PER_BLOCK = 3 * GAS_PER_BLOB
MAX_BLOB_GAS_PER_BLOCK = 6 * GAS_PER_BLOB
MIN_BLOB_BASE_FEE = 1
BLOB_BASE_FEE_UPDATE_FRACTION = 3338477

# Refunds (EIP-3529).
MAX_REFUND_QUOTIENT = 5

# Limits.
STACK_LIMIT = 1024
CALL_DEPTH_LIMIT = 1024
MAX_CODE_SIZE = 0x6000
MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE


def memory_cost(words: int) -> int:
    """Total cost of a memory of ``words`` 32-byte words."""
    return MEMORY_WORD * words + words * words // MEMORY_QUADRATIC_DIVISOR


def words(size: int) -> int:
    """Number of 32-byte words covering ``size`` bytes."""
    return (size + 31) >> 5


def fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    """Integer approximation of ``factor * e ** (numerator / denominator)`` (EIP-4844)."""
    i = 1
    output = 0
    accum = factor * denominator
    while accum > 0:
        output += accum
        accum = (accum * numerator) // (denominator * i)
        i += 1
    return output // denominator


def blob_base_fee(excess_blob_gas: int) -> int:
    return fake_exponential(MIN_BLOB_BASE_FEE, excess_blob_gas, BLOB_BASE_FEE_UPDATE_FRACTION)
