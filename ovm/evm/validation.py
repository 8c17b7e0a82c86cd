"""
Transaction validation
======================

Whether a transaction may run: ``validate_transaction`` checks the rules that
need no state (signature values, chain id, limits, fee caps, blobs) and
recovers the sender; ``validate_against_state`` the rules that need the state
and the block (type and gas room, base fee, blob fee, nonce, an EOA sender,
funds), raising ``NotIncludableNow`` for a transaction a later block may
take. Messages follow geth's wording where geth has one, which client
libraries parse.
"""

from __future__ import annotations

from ..primitives.crypto import SECP256K1_HALF_N, SECP256K1_N
from ..primitives.types import UINT64_MAX, UINT256_CEIL, Address
from ..state import State
from . import gas as G
from .environment import BlockEnv
from .forks.base import Fork
from .transactions import (
    MAX_BLOBS_PER_TRANSACTION,
    BlobTransaction,
    DepositTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    LegacyTransaction,
    Transaction,
    blob_gas_used,
    intrinsic_gas,
    legacy_chain_id,
    max_fee_per_gas,
    recover_sender,
    transaction_type,
)

MAX_NONCE = UINT64_MAX - 1  # EIP-2681: below 2**64 - 1, so the next nonce fits 64 bits.
GAS_LIMIT_CEIL = 1 << 64
VERSIONED_HASH_VERSION_KZG = 0x01


class NotIncludableNow(InvalidTransaction):
    """Cannot go into this block but may fit a later one: its nonce is ahead of
    the sender's, or it needs more gas or blob gas than the block has left.
    Block builders keep such a transaction for later instead of dropping it."""


# --- stateless validation -----------------------------------------------------


def _check_chain(tx: Transaction, chain_id: int | None) -> None:
    """A protected transaction must be for ``chain_id``; an unprotected one fits any chain."""
    tx_chain_id = legacy_chain_id(tx.v) if isinstance(tx, LegacyTransaction) else tx.chain_id
    if chain_id is not None and tx_chain_id is not None and tx_chain_id != chain_id:
        raise InvalidTransaction(f"wrong chain id {tx_chain_id}, expected {chain_id}")


def _check_signature_values(tx: Transaction) -> None:
    if not isinstance(tx, LegacyTransaction) and tx.y_parity not in (0, 1):
        raise InvalidTransaction(f"y_parity must be 0 or 1, got {tx.y_parity}")
    if not 0 < tx.r < SECP256K1_N:
        raise InvalidTransaction("signature r out of range")
    if not 0 < tx.s <= SECP256K1_HALF_N:
        raise InvalidTransaction("signature s out of range (must be in the lower half, EIP-2)")


def _check_limits(tx: Transaction) -> None:
    if tx.nonce > MAX_NONCE:
        raise InvalidTransaction(f"nonce {tx.nonce} exceeds {MAX_NONCE}")
    if tx.gas >= GAS_LIMIT_CEIL:
        raise InvalidTransaction("gas limit exceeds 64 bits")
    if tx.gas * max_fee_per_gas(tx) >= UINT256_CEIL:
        raise InvalidTransaction("gas limit times fee per gas exceeds 256 bits")
    if tx.to is None and len(tx.data) > G.MAX_INITCODE_SIZE:
        raise InvalidTransaction(f"initcode size {len(tx.data)} exceeds {G.MAX_INITCODE_SIZE}")
    gas_needed = intrinsic_gas(tx)
    if tx.gas < gas_needed:
        raise InvalidTransaction(f"intrinsic gas too low: gas limit {tx.gas} < {gas_needed}")


def _check_fee_caps(tx: Transaction) -> None:
    if not isinstance(tx, (FeeMarketTransaction, BlobTransaction)):
        return
    if tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
        raise InvalidTransaction("max priority fee per gas exceeds max fee per gas")


def _check_blobs(tx: BlobTransaction) -> None:
    if tx.to is None:
        raise InvalidTransaction("blob transaction cannot create a contract")
    if not tx.blob_versioned_hashes:
        raise InvalidTransaction("blob transaction has no blob hashes")
    # More blobs than a block can hold would make the transaction unincludable.
    if len(tx.blob_versioned_hashes) > MAX_BLOBS_PER_TRANSACTION:
        raise InvalidTransaction(
            f"too many blobs: {len(tx.blob_versioned_hashes)} > {MAX_BLOBS_PER_TRANSACTION}"
        )
    for versioned_hash in tx.blob_versioned_hashes:
        if versioned_hash[0] != VERSIONED_HASH_VERSION_KZG:
            raise InvalidTransaction(
                f"blob hash 0x{versioned_hash.hex()} has version 0x{versioned_hash[0]:02x},"
                f" expected 0x{VERSIONED_HASH_VERSION_KZG:02x}"
            )


def validate_transaction(tx: Transaction, chain_id: int | None = None) -> Address:
    """Check the rules that need no state, then recover and return the sender.

    With ``chain_id``, a protected transaction must be for that chain. A deposit
    is refused: it comes from derivation, never from a user.
    """
    if isinstance(tx, DepositTransaction):
        raise InvalidTransaction("deposit transactions come only from L1, through derivation")
    _check_chain(tx, chain_id)
    _check_signature_values(tx)
    _check_fee_caps(tx)
    _check_limits(tx)
    if isinstance(tx, BlobTransaction):
        _check_blobs(tx)
    return recover_sender(tx)


# --- against the state and the block ------------------------------------------


def upfront_cost(tx: Transaction) -> int:
    """The most ``tx`` can cost its sender: all its gas at the fee cap, its value,
    and its blob gas at the blob fee cap."""
    cost = tx.gas * max_fee_per_gas(tx) + tx.value
    if isinstance(tx, BlobTransaction):
        cost += blob_gas_used(tx) * tx.max_fee_per_blob_gas
    return cost


def check_fee_cap(tx: Transaction, sender: bytes, base_fee: int) -> None:
    max_fee = max_fee_per_gas(tx)
    if max_fee < base_fee:
        raise InvalidTransaction(
            f"max fee per gas less than block base fee: address 0x{sender.hex()}, "
            f"maxFeePerGas: {max_fee}, baseFee: {base_fee}"
        )


def check_nonce_not_too_low(tx: Transaction, sender: bytes, nonce: int) -> None:
    if tx.nonce < nonce:
        raise InvalidTransaction(
            f"nonce too low: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}"
        )


def check_sender_is_eoa(sender: bytes, code: bytes) -> None:
    """EIP-3607: an account with code cannot send transactions."""
    if code:
        raise InvalidTransaction(f"sender not an eoa: address 0x{sender.hex()}")


def check_funds(tx: Transaction, sender: bytes, balance: int, l1_fee: int = 0) -> None:
    """The balance must cover the up-front cost and, on an L2, the L1 data fee."""
    cost = upfront_cost(tx) + l1_fee
    if balance < cost:
        raise InvalidTransaction(
            f"insufficient funds for gas * price + value: address 0x{sender.hex()} "
            f"have {balance} want {cost}"
        )


def check_fits_block(
    tx: Transaction, env: BlockEnv, fork: Fork, block_gas_available: int | None = None
) -> None:
    """The fork must know the type, and the block must have room for the gas limit."""
    if transaction_type(tx) not in fork.transaction_types:
        raise InvalidTransaction(f"transaction type {transaction_type(tx)} not supported")
    if tx.gas > env.gas_limit:
        raise InvalidTransaction(f"gas limit reached: tx gas {tx.gas} > block gas {env.gas_limit}")
    if block_gas_available is not None and tx.gas > block_gas_available:
        raise NotIncludableNow(f"gas limit reached: tx gas {tx.gas} > block gas left {block_gas_available}")


def validate_against_state(
    state: State, env: BlockEnv, tx: Transaction, sender: bytes, fork: Fork,
    block_gas_available: int | None = None, l1_fee: int = 0,
) -> None:
    """The rules that need the state and the block; raises ``InvalidTransaction``.
    Messages follow geth's wording, which client libraries parse."""
    check_fits_block(tx, env, fork, block_gas_available)
    check_fee_cap(tx, sender, env.base_fee)
    if isinstance(tx, BlobTransaction):
        if tx.max_fee_per_blob_gas < env.blob_base_fee:
            raise InvalidTransaction(
                f"max fee per blob gas less than block blob gas fee: "
                f"{tx.max_fee_per_blob_gas} < {env.blob_base_fee}"
            )
        if blob_gas_used(tx) > G.MAX_BLOB_GAS_PER_BLOCK:
            raise InvalidTransaction("blob gas exceeds the block limit")
    nonce = state.get_nonce(sender)
    check_nonce_not_too_low(tx, sender, nonce)
    if tx.nonce > nonce:
        raise NotIncludableNow(f"nonce too high: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
    check_sender_is_eoa(sender, state.get_code(sender))
    check_funds(tx, sender, state.get_balance(sender), l1_fee)
