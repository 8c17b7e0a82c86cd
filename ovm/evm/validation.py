"""
Transaction validation
======================

Every rule a transaction must meet before it runs, each written once:

* ``validate_transaction`` — the rules that need no state (signature values,
  chain id, limits, fee caps, blobs, a set-code transaction's non-empty
  authorization list and target), then the sender; a block refuses a
  transaction that breaks one;
* ``validate_against_state`` — the rules that need the state, the block and
  the fork (type, the fork's gas cap, gas room, base fee, blob fee, nonce, an
  EOA sender, funds), raising ``NotIncludableNow`` for a transaction a later block may take;
* ``check_for_pool`` and ``check_call`` — the rules geth's pool
  (``txpool.ValidateTransaction``) and its state transition (which
  ``eth_call`` runs) check, in their order and their words, for admission
  (``ovm.safety.admission``) and calls (``ovm.node.call``): client libraries
  recognise errors by those words. A deposit that cannot start is failed with
  the state transition's words too (``ovm.evm.l2.deposit_failure``).

geth words some rules one way in its pool and another in its state
transition ("intrinsic gas too low: gas 21000, minimum needed 21020" against
"intrinsic gas too low: have 21000, want 21020"), and a block's refusal has
its own words; such a rule keeps its wordings side by side (``Wording``), and
the set that runs it says which one it speaks (``Words``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..primitives.crypto import SECP256K1_HALF_N, SECP256K1_N
from ..primitives.types import UINT256_CEIL, Address
from ..state import State
from . import gas as G
from .delegation import is_designator
from .environment import BlockEnv
from .intrinsic import calldata_floor_gas, intrinsic_gas
from .kzg import VERSIONED_HASH_VERSION_KZG
from .signing import legacy_chain_id, recover_sender
from .transactions import (
    MAX_BLOBS_PER_TRANSACTION,
    MAX_NONCE,
    BlobTransaction,
    DepositTransaction,
    DynamicFeeTransaction,
    InvalidTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    Transaction,
    blob_gas_used,
    max_fee_per_gas,
    transaction_type,
)

GAS_LIMIT_CEIL = 1 << 64

if TYPE_CHECKING:  # pragma: no cover
    from .forks.base import Fork

Words = Literal["block", "pool", "execution"]


class NotIncludableNow(InvalidTransaction):
    """Cannot go into this block but may fit a later one: its nonce is ahead of
    the sender's, or it needs more gas or blob gas than the block has left.
    Block builders keep such a transaction for later instead of dropping it."""


@dataclass(frozen=True, slots=True)
class Wording:
    """One rule's message in each set of checks that runs it (a ``str.format``
    template; ``None``: that set does not check the rule): ``block`` ours,
    ``pool`` geth's pool's, ``execution`` geth's state transition's."""

    block: str
    pool: str | None = None
    execution: str | None = None

    def error(self, words: Words, **values: object) -> InvalidTransaction:
        return InvalidTransaction(getattr(self, words).format(**values))


INTRINSIC_GAS = Wording(
    block="intrinsic gas too low: gas limit {gas} < {needed}",
    pool="intrinsic gas too low: gas {gas}, minimum needed {needed}",
    execution="intrinsic gas too low: have {gas}, want {needed}",
)
INITCODE_SIZE = Wording(
    block="initcode size {size} exceeds {limit}",
    pool="max initcode size exceeded: code size {size}, limit {limit}",
    execution="max initcode size exceeded: code size {size} limit {limit}",
)
TIP_ABOVE_FEE_CAP = Wording(
    block="max priority fee per gas exceeds max fee per gas",
    pool="max priority fee per gas higher than max fee per gas: "
         "maxPriorityFeePerGas: {tip}, maxFeePerGas: {cap}",
    execution="max priority fee per gas higher than max fee per gas",
)
BLOCK_GAS_LIMIT = Wording(
    block="gas limit reached: tx gas {gas} > block gas {limit}",
    pool="exceeds block gas limit: gas {gas}, limit {limit}",
)
BLOB_FEE_CAP = Wording(
    block="max fee per blob gas less than block blob gas fee: {fee} < {blob_base_fee}",
    execution="max fee per blob gas less than block blob gas fee: address 0x{sender}, "
         "maxFeePerBlobGas: {fee}, blobBaseFee: {blob_base_fee}",
)
WRONG_CHAIN_ID = Wording(
    block="wrong chain id {have}, expected {want}",
    pool="invalid sender: invalid chain id for signer: have {have} want {want}",
)
CALLDATA_FLOOR = Wording(
    block="insufficient gas for floor data gas cost: have {gas}, want {floor}",
    pool="insufficient gas for floor data gas cost: gas {gas}, minimum needed {floor}",
    execution="insufficient gas for floor data gas cost: have {gas}, want {floor}",
)
# geth's words in its pool and state transition alike; its calls skip the rule.
TRANSACTION_GAS_CAP = Wording(
    block="transaction gas limit too high (cap: {cap}, tx: {gas})",
    pool="transaction gas limit too high (cap: {cap}, tx: {gas})",
)
EMPTY_AUTHORIZATION_LIST = Wording(
    block="set code transaction has an empty authorization list",
    pool="set code tx must have at least one authorization tuple",
    execution="EIP-7702 transaction with empty auth list (sender 0x{sender})",
)
SET_CODE_CREATION = Wording(
    block="set code transaction cannot create a contract",
    execution="EIP-7702 transaction cannot be used to create contract (sender 0x{sender})",
)
BAD_SIGNATURE_VALUES = "invalid sender: invalid transaction v, r, s values"  # geth's, for each fault


# --- the rules ----------------------------------------------------------------


def check_intrinsic_gas(tx: Transaction, words: Words = "block") -> None:
    needed = intrinsic_gas(tx)
    if tx.gas < needed:
        raise INTRINSIC_GAS.error(words, gas=tx.gas, needed=needed)


def check_calldata_floor(tx: Transaction, fork: "Fork", words: Words = "block") -> None:
    """EIP-7623: the gas limit must cover the fork's calldata floor."""
    floor = calldata_floor_gas(tx, fork.calldata_floor_per_token)
    if tx.gas < floor:
        raise CALLDATA_FLOOR.error(words, gas=tx.gas, floor=floor)


def check_transaction_gas_cap(tx: Transaction, cap: int | None, words: Words = "block") -> None:
    """EIP-7825: from Osaka a gas limit may not exceed the fork's cap
    (``Fork.max_transaction_gas``; ``None``: no cap)."""
    if cap is not None and tx.gas > cap:
        raise TRANSACTION_GAS_CAP.error(words, cap=cap, gas=tx.gas)


def check_initcode_size(tx: Transaction, words: Words = "block") -> None:
    """EIP-3860."""
    if tx.to is None and len(tx.data) > G.MAX_INITCODE_SIZE:
        raise INITCODE_SIZE.error(words, size=len(tx.data), limit=G.MAX_INITCODE_SIZE)


def check_tip_cap(tx: Transaction, words: Words = "block") -> None:
    if not isinstance(tx, DynamicFeeTransaction):
        return
    if tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
        raise TIP_ABOVE_FEE_CAP.error(words, tip=tx.max_priority_fee_per_gas, cap=tx.max_fee_per_gas)


def check_block_gas_limit(tx: Transaction, gas_limit: int, words: Words = "block") -> None:
    if tx.gas > gas_limit:
        raise BLOCK_GAS_LIMIT.error(words, gas=tx.gas, limit=gas_limit)


def check_chain_id(tx: Transaction, chain_id: int | None, words: Words = "block") -> None:
    """A protected transaction must be for ``chain_id``; an unprotected one fits any chain."""
    try:
        tx_chain_id = legacy_chain_id(tx.v) if isinstance(tx, LegacyTransaction) else tx.chain_id
    except InvalidTransaction:
        if words == "block":
            raise
        raise InvalidTransaction(BAD_SIGNATURE_VALUES) from None
    if chain_id is not None and tx_chain_id is not None and tx_chain_id != chain_id:
        raise WRONG_CHAIN_ID.error(words, have=tx_chain_id, want=chain_id)


def check_signature_values(tx: Transaction, words: Words = "block") -> None:
    """geth's ``ValidateSignatureValues``: a y parity bit, 0 < r < n, 0 < s <= n/2 (EIP-2)."""
    fault = _signature_fault(tx)
    if fault is not None:
        raise InvalidTransaction(fault if words == "block" else BAD_SIGNATURE_VALUES)


def _signature_fault(tx: Transaction) -> str | None:
    if not isinstance(tx, LegacyTransaction) and tx.y_parity not in (0, 1):
        return f"y_parity must be 0 or 1, got {tx.y_parity}"
    if not 0 < tx.r < SECP256K1_N:
        return "signature r out of range"
    if not 0 < tx.s <= SECP256K1_HALF_N:
        return "signature s out of range (must be in the lower half, EIP-2)"
    return None


def check_blob_fee_cap(tx: BlobTransaction, sender: bytes, blob_base_fee: int, words: Words = "block") -> None:
    if tx.max_fee_per_blob_gas < blob_base_fee:
        raise BLOB_FEE_CAP.error(
            words, sender=sender.hex(), fee=tx.max_fee_per_blob_gas, blob_base_fee=blob_base_fee
        )


def check_blob_target(tx: BlobTransaction) -> None:
    if tx.to is None:
        raise InvalidTransaction("blob transaction cannot create a contract")


def check_set_code(tx: SetCodeTransaction, sender: bytes = b"", words: Words = "block") -> None:
    """EIP-7702: a set-code transaction calls (never creates) and carries at
    least one authorization."""
    if tx.to is None:
        raise SET_CODE_CREATION.error(words, sender=sender.hex())
    if not tx.authorization_list:
        raise EMPTY_AUTHORIZATION_LIST.error(words, sender=sender.hex())


def require_funds(sender: bytes, balance: int, cost: int) -> None:
    if balance < cost:
        raise InvalidTransaction(
            f"insufficient funds for gas * price + value: address 0x{sender.hex()} "
            f"have {balance} want {cost}"
        )


# --- stateless validation -----------------------------------------------------


def _check_limits(tx: Transaction) -> None:
    if tx.nonce >= MAX_NONCE:
        raise InvalidTransaction(f"nonce {tx.nonce} exceeds {MAX_NONCE - 1}")
    if tx.gas >= GAS_LIMIT_CEIL:
        raise InvalidTransaction("gas limit exceeds 64 bits")
    if tx.gas * max_fee_per_gas(tx) >= UINT256_CEIL:
        raise InvalidTransaction("gas limit times fee per gas exceeds 256 bits")
    check_initcode_size(tx)
    check_intrinsic_gas(tx)


def _check_blobs(tx: BlobTransaction) -> None:
    check_blob_target(tx)
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
    check_chain_id(tx, chain_id)
    check_signature_values(tx)
    check_tip_cap(tx)
    _check_limits(tx)
    if isinstance(tx, BlobTransaction):
        _check_blobs(tx)
    if isinstance(tx, SetCodeTransaction):
        check_set_code(tx)
    return recover_sender(tx)


def check_for_pool(
    tx: Transaction, chain_id: int, block_gas_limit: int, max_transaction_gas: int | None = None
) -> None:
    """geth's pool checks that need no state, in its order and words; admission
    runs them before ``validate_transaction``, so that what it refuses for these
    reasons is refused as geth refuses it. ``max_transaction_gas`` is the
    chain's fork's cap (``Fork.max_transaction_gas``)."""
    check_initcode_size(tx, "pool")
    check_transaction_gas_cap(tx, max_transaction_gas, "pool")
    check_block_gas_limit(tx, block_gas_limit, "pool")
    check_tip_cap(tx, "pool")
    check_chain_id(tx, chain_id, "pool")
    check_signature_values(tx, "pool")
    check_intrinsic_gas(tx, "pool")
    if isinstance(tx, SetCodeTransaction) and not tx.authorization_list:
        raise EMPTY_AUTHORIZATION_LIST.error("pool")


def check_call(state: State, env: BlockEnv, tx: Transaction, sender: bytes) -> None:
    """geth's checks of a call (an unsigned transaction from ``sender``), in its
    words: gas, initcode size, fee caps, funds. An unpriced call runs in a block
    with base fee and blob base fee 0, so its fee checks pass and its gas is free."""
    check_intrinsic_gas(tx, "execution")
    check_initcode_size(tx, "execution")
    check_tip_cap(tx, "execution")
    check_fee_cap(tx, sender, env.base_fee)
    if isinstance(tx, BlobTransaction):
        check_blob_target(tx)
        check_blob_fee_cap(tx, sender, env.blob_base_fee, "execution")
    if isinstance(tx, SetCodeTransaction):
        check_set_code(tx, sender, "execution")
    cost = tx.gas * max_fee_per_gas(tx) + tx.value + blob_gas_used(tx) * env.blob_base_fee
    require_funds(sender, state.get_balance(sender), cost)


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


def check_sender_is_eoa(sender: bytes, code: bytes, code_delegation: bool = False) -> None:
    """EIP-3607: an account with code cannot send transactions; where the fork
    has ``code_delegation`` (EIP-7702), a delegation designator does not count."""
    if code and not (code_delegation and is_designator(code)):
        raise InvalidTransaction(f"sender not an eoa: address 0x{sender.hex()}")


def check_funds(tx: Transaction, sender: bytes, balance: int, l1_fee: int = 0) -> None:
    """The balance must cover the up-front cost and, on an L2, the L1 data fee."""
    require_funds(sender, balance, upfront_cost(tx) + l1_fee)


def check_fits_block(
    tx: Transaction, env: BlockEnv, fork: Fork, block_gas_available: int | None = None
) -> None:
    """The fork must know the type and allow the gas limit (its cap), and the
    block must have room for the gas limit."""
    if transaction_type(tx) not in fork.transaction_types:
        raise InvalidTransaction(f"transaction type {transaction_type(tx)} not supported")
    check_transaction_gas_cap(tx, fork.max_transaction_gas)
    check_block_gas_limit(tx, env.gas_limit)
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
        check_blob_fee_cap(tx, sender, env.blob_base_fee)
        if blob_gas_used(tx) > G.MAX_BLOB_GAS_PER_BLOCK:
            raise InvalidTransaction("blob gas exceeds the block limit")
    nonce = state.get_nonce(sender)
    check_nonce_not_too_low(tx, sender, nonce)
    if tx.nonce > nonce:
        raise NotIncludableNow(f"nonce too high: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
    check_sender_is_eoa(sender, state.get_code(sender), fork.code_delegation)
    check_funds(tx, sender, state.get_balance(sender), l1_fee)
