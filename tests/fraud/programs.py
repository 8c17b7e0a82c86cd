"""
Programs and transactions for the fraud-proof tests
===================================================

Random small programs over the instructions this slice proves (seeded, so a
failure reproduces), biased to reach every success and error path: pushes of
interesting words, every arithmetic, comparison and bitwise instruction,
stack shuffles, memory at small and far offsets, copies and hashes large
enough to be split into sub-steps, the frame's and block's values, jumps to
real and bogus destinations, the state instructions on a pre-state with
storage and another account, and every way to halt. ``trace_input`` wraps a
program in a real signed transaction from a funded sender.
"""

from __future__ import annotations

import random

from ovm.evm.environment import BlockEnv
from ovm.evm.forks import OVM_CANCUN
from ovm.evm.opcodes import BY_NAME
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, LegacyTransaction
from ovm.fraud.rules import ARITHMETIC, BITWISE, BLOCK_VALUES, COMPARISON, TX_VALUES
from ovm.fraud.trace import TraceInput
from ovm.primitives.crypto import keccak256, private_key_to_address
from ovm.state import State

SENDER_KEY = bytes.fromhex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
SENDER = private_key_to_address(SENDER_KEY)
CONTRACT = bytes.fromhex("1000000000000000000000000000000000000001")
CHAIN_ID = 901
WORDS = [0, 1, 2, 3, 31, 32, 33, 255, 256, 1 << 255, (1 << 256) - 1, (1 << 255) - 1, 0x40, 7, 1 << 64]
PURE = (ARITHMETIC + " " + COMPARISON + " " + BITWISE).split()
STATE_OPS = ("BALANCE", "EXTCODEHASH", "SLOAD", "SSTORE", "TLOAD", "TSTORE")
VALUES = ("ADDRESS CALLER CALLVALUE CALLDATASIZE CODESIZE SELFBALANCE RETURNDATASIZE PC GAS MSIZE " + BLOCK_VALUES + " "
          + TX_VALUES.replace("BLOBHASH", "")).split()
UNDEFINED = [0x0C, 0x21, 0x4F, 0xA5, 0xEF, 0xFC]
OTHER = bytes.fromhex("2000000000000000000000000000000000000002")
SLOTS = [0, 1, 2, 3, 4, 1 << 255, (1 << 256) - 1]
PRE_STORAGE = {1: 0x1234, 2: 1 << 255, 3: 1, (1 << 256) - 1: 0xBEEF}
"""The called contract's storage before the transaction (slots 0 and 4 are empty)."""
PRE_ACCOUNTS = ((OTHER, 3, 10**18 + 7, bytes.fromhex("6001600055"), {5: 6}),)
"""More accounts in the state before the transaction: ``(address, nonce, balance, code, storage)``."""
ADDRESSES = [int.from_bytes(a, "big") for a in (CONTRACT, SENDER, OTHER, bytes(19) + b"\x01",
                                                  bytes.fromhex("4200000000000000000000000000000000000011"),
                                                  bytes.fromhex("3000000000000000000000000000000000000003"))]
"""Addresses BALANCE and EXTCODEHASH ask about: the contract, the sender, another account, a
precompile, the coinbase (all warm or present) and one with no account."""


def state_access(rng: random.Random, name: str) -> list[int]:
    """Operands (top first) of BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD or TSTORE: addresses and
    slots from small pools, so that accesses repeat (warm) and hit the state."""
    if name in ("BALANCE", "EXTCODEHASH"):
        address = rng.choice(ADDRESSES)
        return [address | (rng.getrandbits(96) << 160 if rng.random() < 0.2 else 0)]
    slot = rng.choice(SLOTS)
    if name in ("TSTORE", "SSTORE"):  # 0 (clears), the slot's original value (restores) or another
        return [slot, rng.choice((0, 0, 1, 0xFF, PRE_STORAGE.get(slot, 0), rng.getrandbits(256)))]
    return [slot]


def op(name: str) -> bytes:
    return bytes((BY_NAME[name].code,))


def push(value: int) -> bytes:
    size = max(1, (value.bit_length() + 7) // 8)
    return bytes((0x5F + size,)) + value.to_bytes(size, "big")


def offset(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.75:
        return rng.randint(0, 200)
    if roll < 0.9:
        return rng.randint(0, 20_000)
    return rng.choice((1 << 32, 1 << 40, 1 << 64, (1 << 256) - 1))


def length(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.15:
        return 0
    if roll < 0.8:
        return rng.randint(1, 100)
    if roll < 0.95:
        return rng.randint(8_000, 30_000)  # split into parts
    return rng.choice((1 << 32, 1 << 64))


def random_program(rng: random.Random, count: int) -> bytes:
    code = bytearray()
    jumpdests: list[int] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.22:
            code += push(rng.choice(WORDS) if rng.random() < 0.7 else rng.getrandbits(rng.choice((8, 64, 256))))
        elif roll < 0.36:
            code += op(rng.choice(PURE))
        elif roll < 0.40:
            name = rng.choice(STATE_OPS)
            code += b"".join(push(v) for v in reversed(state_access(rng, name))) + op(name)
        elif roll < 0.50:
            code += op(f"DUP{rng.randint(1, 16)}") if rng.random() < 0.5 else op(f"SWAP{rng.randint(1, 16)}")
        elif roll < 0.58:
            code += op(rng.choice(VALUES))
        elif roll < 0.68:
            name = rng.choice(("MLOAD", "MSTORE", "MSTORE8"))
            code += (push(rng.getrandbits(256)) if name != "MLOAD" else b"") + push(offset(rng)) + op(name)
        elif roll < 0.76:
            name = rng.choice(("MCOPY", "CALLDATACOPY", "CODECOPY", "KECCAK256"))
            args = [offset(rng), length(rng)] if name == "KECCAK256" else [offset(rng), offset(rng), length(rng)]
            code += b"".join(push(v) for v in reversed(args)) + op(name)
        elif roll < 0.80:
            code += push(offset(rng)) + op("CALLDATALOAD")
        elif roll < 0.84:
            code += op("POP")
        elif roll < 0.89:
            jumpdests.append(len(code))
            code += op("JUMPDEST")
        elif roll < 0.95:
            target = rng.choice(jumpdests) if jumpdests and rng.random() < 0.7 else rng.randint(0, 300)
            if rng.random() < 0.5:
                code += push(target) + op("JUMP")
            else:
                code += push(rng.choice((0, 1))) + push(target) + op("JUMPI")
        elif roll < 0.98:
            code += push(length(rng) % 200) + push(offset(rng) % 300) + op(rng.choice(("RETURN", "REVERT")))
        else:
            code += rng.choice((op("STOP"), op("INVALID"), bytes((rng.choice(UNDEFINED),))))
    return bytes(code)


NUMBER = 300
"""The traced block's number: BLOCKHASH sees blocks 44 .. 299."""


def block_hash(number: int) -> bytes:
    return keccak256(b"block %d" % number)


def block_env(**overrides) -> BlockEnv:
    values = dict(coinbase=bytes.fromhex("4200000000000000000000000000000000000011"), number=NUMBER,
                  timestamp=1_700_000_123, gas_limit=30_000_000, base_fee=7, prev_randao=keccak256(b"randao"),
                  chain_id=CHAIN_ID, excess_blob_gas=0, block_hash=block_hash)
    values.update(overrides)
    return BlockEnv(**values)


def trace_input(code: bytes, *, data: bytes = b"", gas: int = 1_000_000, value: int = 5, legacy: bool = False,
                create: bool = False, fork=OVM_CANCUN, env: BlockEnv | None = None, storage: dict | None = None,
                accounts: tuple = PRE_ACCOUNTS) -> TraceInput:
    """``code`` called (or, with ``create``, run as initcode) by a signed transaction;
    the contract holds ``storage`` (``PRE_STORAGE`` unless given), and ``accounts`` are more ``(address, nonce,
    balance, code, storage)`` in the state."""

    def pre_state() -> State:
        state = State()
        state.load_account(SENDER, 0, 10**24, b"", {})
        if not create:
            state.load_account(CONTRACT, 1, 0, code, dict(PRE_STORAGE if storage is None else storage))
        for account in accounts:
            state.load_account(*account)
        return state

    to = None if create else CONTRACT
    payload = code if create else data
    if legacy:
        tx = LegacyTransaction(nonce=0, gas_price=10, gas=gas, to=to, value=value, data=payload, v=0, r=0, s=0)
    else:
        tx = FeeMarketTransaction(chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10,
                                  gas=gas, to=to, value=value, data=payload, access_list=(), y_parity=0, r=0, s=0)
    tx = sign_transaction(tx, SENDER_KEY, CHAIN_ID)
    return TraceInput(pre_state, env or block_env(), tx, fork, parent_hash=keccak256(b"parent"),
                      header=keccak256(b"header"))
