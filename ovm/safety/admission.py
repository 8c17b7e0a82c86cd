"""
Transaction admission
=====================

``admit`` decides whether a transaction sent to the node (``eth_sendRawTransaction``)
may enter the mempool, and says why not in geth's words — client libraries
(ethers, viem, web3.py) recognise errors by those words. The checks run in the
order of geth's txpool, cheapest first:

1. size and type: ``oversized data``, ``transaction type not supported`` (blob
   transactions on L2: an L2 carries no blobs, as on the OP Stack; and deposits,
   type 0x7E, always: only derivation makes them, from L1 events). On an L1
   (``L1_TRANSACTION_TYPES``) a blob transaction must come in its network form
   with the blobs beside it (``missing sidecar in blob transaction``), and the
   sidecar must be the blobs it commits to (``ovm.evm.blobs.verify_sidecar``);
2. stateless: ``max initcode size exceeded``, ``transaction gas limit too
   high`` (above the fork's cap, from Osaka), ``exceeds block gas limit``,
   ``max priority fee per gas higher than max fee per gas``, ``invalid sender:
   invalid chain id for signer``, ``invalid sender: invalid transaction v, r, s
   values``, ``intrinsic gas too low``; then ``validate_transaction`` — every
   consensus rule that needs no state — recovers the sender (``invalid
   sender: invalid signature`` if nobody signed it);
3. sender and deployment: a system sender is refused (``invalid sender``), and
   a creation's initcode goes to the chain's deployment policy;
4. state: ``max fee per gas less than block base fee`` (for the next block),
   ``nonce too low``, ``nonce too high`` (a gap of more than ``max_nonce_gap``
   after the sender's next nonce in the pool; smaller gaps wait in the pool),
   ``sender not an eoa`` (unless, where the chain's fork has code delegation,
   its code is a delegation designator, EIP-7702),
   ``insufficient funds for gas * price + value`` (one
   transaction's worst case against the balance, with the L1 data fee when
   ``l2_rules`` are given, as op-geth's pool counts it).

The rules themselves, and geth's words for them, live in one place
(``ovm.evm.validation``): step 2 runs ``check_for_pool`` (geth's pool order
and words) before ``validate_transaction``, and step 4 the state rules a
block checks, so nothing is admitted that a block would not take for these
reasons. "already known" and "replacement transaction underpriced" are the
pool's answers (``ovm.node.mempool``).

An unprotected legacy transaction (``v`` 27 or 28, no chain id) is admitted,
as anvil and Hardhat admit it: deterministic-deployment factories are sent
that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..evm.blobs import BlobError, BlobSidecar, decode_network_form, verify_sidecar
from ..evm.instructions.system import create_address
from ..evm.l2 import L2Rules
from ..evm.transactions import (
    TRANSACTION_TYPES,
    AccessListTransaction,
    BlobTransaction,
    DepositTransaction,
    FeeMarketTransaction,
    InvalidSender,
    InvalidTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    Transaction,
    decode_transaction,
    encode_transaction,
    transaction_hash,
    transaction_type,
)
from ..evm.validation import (
    check_fee_cap,
    check_for_pool,
    check_funds,
    check_nonce_not_too_low,
    check_sender_is_eoa,
    validate_transaction,
)
from ..primitives.types import Address, Hash32
from ..state import State
from .bytecode_policy import DEFAULT_DEPLOYMENT_POLICY, DeploymentPolicy
from .system_addresses import is_system_sender

MAX_TX_SIZE = 128 * 1024  # geth's txMaxSize: four 32 KiB slots
MAX_NONCE_GAP = 64
L2_TRANSACTION_TYPES = frozenset({0, 1, 2})
L1_TRANSACTION_TYPES = frozenset({0, 1, 2, 3})
LEGACY_ENVELOPE_START = 0xC0  # a legacy transaction is an RLP list
INVALID_SENDER = "invalid sender"  # geth's prefix for every signature problem


class AdmissionError(ValueError):
    """A transaction the node refuses; the message is geth's for the same case."""


@dataclass(frozen=True, slots=True)
class Admitted:
    tx: Transaction
    sender: Address
    hash: Hash32
    sidecar: BlobSidecar | None = None


UserTransaction = (
    LegacyTransaction | AccessListTransaction | FeeMarketTransaction | BlobTransaction | SetCodeTransaction
)
"""What a user signs: every transaction type but a deposit, which comes only from L1."""

PoolNonce = Callable[[Address], int]
"""The sender's next nonce counting the transactions already in the pool."""


def admit(
    tx_or_raw: bytes | Transaction,
    state: State,
    *,
    chain_id: int,
    base_fee: int,
    block_gas_limit: int,
    max_tx_size: int = MAX_TX_SIZE,
    max_nonce_gap: int = MAX_NONCE_GAP,
    pool_nonce: PoolNonce | None = None,
    transaction_types: frozenset[int] = L2_TRANSACTION_TYPES,
    deployment_policy: DeploymentPolicy = DEFAULT_DEPLOYMENT_POLICY,
    l2_rules: L2Rules | None = None,
    max_transaction_gas: int | None = None,
    code_delegation: bool = False,
) -> Admitted:
    """Check ``tx_or_raw`` (network form or decoded) for the pool; raises ``AdmissionError``.

    ``base_fee`` is the next block's; ``pool_nonce`` defaults to the state's nonce;
    ``l2_rules`` (the chain fork's) add the L1 data fee to the funds needed;
    ``max_transaction_gas`` is the chain fork's cap on a gas limit, if any;
    ``code_delegation`` (the chain fork's) lets a delegated sender send."""
    tx, sidecar = _decode(tx_or_raw, max_tx_size, transaction_types)
    _check_stateless(tx, chain_id, block_gas_limit, max_transaction_gas)
    sender = _recover_sender(tx, chain_id)
    _check_sender(sender)
    if tx.to is None:
        _check_deployment(tx, sender, deployment_policy)
    try:
        _check_state(tx, sender, state, base_fee, pool_nonce, max_nonce_gap, l2_rules, code_delegation)
    except InvalidTransaction as exc:
        raise AdmissionError(str(exc)) from None
    return Admitted(tx, sender, transaction_hash(tx), sidecar)


# --- size and type --------------------------------------------------------------


def _decode(
    tx_or_raw: bytes | Transaction, max_size: int, types: frozenset[int]
) -> tuple[UserTransaction, BlobSidecar | None]:
    if isinstance(tx_or_raw, (bytes, bytearray, memoryview)):
        tx, sidecar = _decode_raw(bytes(tx_or_raw), max_size)
    else:
        tx, sidecar = tx_or_raw, None
        _check_size(len(encode_transaction(tx)), max_size)
    if isinstance(tx, DepositTransaction):
        raise AdmissionError(
            f"transaction type not supported: type {DepositTransaction.TYPE} "
            "(deposits come only from L1, through the bridge)"
        )
    if transaction_type(tx) not in types:
        raise AdmissionError(f"transaction type not supported: type {transaction_type(tx)}")
    if isinstance(tx, BlobTransaction):
        _check_sidecar(tx, sidecar)
    return tx, sidecar


def _decode_raw(raw: bytes, max_size: int) -> tuple[Transaction, BlobSidecar | None]:
    """The transaction in a network form, and the blobs beside it; the size limit
    is on the transaction alone (the blobs travel beside it, as in geth's blob pool)."""
    _check_type_byte(raw)
    try:
        if raw[:1] != bytes((BlobTransaction.TYPE,)):
            _check_size(len(raw), max_size)
            return decode_transaction(raw), None
        tx, sidecar = decode_network_form(raw)
    except InvalidTransaction as exc:
        raise AdmissionError(f"invalid transaction: {exc}") from None
    _check_size(len(raw) if sidecar is None else len(encode_transaction(tx)), max_size)
    return tx, sidecar


def _check_sidecar(tx: BlobTransaction, sidecar: BlobSidecar | None) -> None:
    if sidecar is None:
        raise AdmissionError("missing sidecar in blob transaction")
    try:
        verify_sidecar(tx, sidecar)
    except BlobError as exc:
        raise AdmissionError(f"invalid transaction: {exc}") from None


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise AdmissionError(f"oversized data: transaction size {size}, limit {limit}")


def _check_type_byte(raw: bytes) -> None:
    """An EIP-2718 type byte no decoder knows gets geth's answer, not a decoding error."""
    if raw and raw[0] < LEGACY_ENVELOPE_START and raw[0] not in TRANSACTION_TYPES:
        raise AdmissionError(f"transaction type not supported: type {raw[0]}")


# --- stateless ------------------------------------------------------------------


def _check_stateless(tx: Transaction, chain_id: int, block_gas_limit: int, max_gas: int | None) -> None:
    try:
        check_for_pool(tx, chain_id, block_gas_limit, max_gas)
    except InvalidTransaction as exc:
        raise AdmissionError(str(exc)) from None


def _recover_sender(tx: Transaction, chain_id: int) -> Address:
    try:
        return validate_transaction(tx, chain_id)
    except InvalidSender as exc:
        raise AdmissionError(f"{INVALID_SENDER}: {exc}") from None
    except InvalidTransaction as exc:
        raise AdmissionError(str(exc)) from None


# --- sender and deployment ------------------------------------------------------


def _check_sender(sender: Address) -> None:
    if is_system_sender(sender):
        raise AdmissionError(f"{INVALID_SENDER}: 0x{sender.hex()} is a system address")


def _check_deployment(tx: UserTransaction, sender: Address, policy: DeploymentPolicy) -> None:
    reason = policy.check_initcode(sender, create_address(sender, tx.nonce), tx.data)
    if reason is not None:
        raise AdmissionError(reason)


# --- state ----------------------------------------------------------------------


def _check_state(
    tx: UserTransaction,
    sender: Address,
    state: State,
    base_fee: int,
    pool_nonce: PoolNonce | None,
    max_nonce_gap: int,
    l2_rules: L2Rules | None,
    code_delegation: bool,
) -> None:
    check_fee_cap(tx, sender, base_fee)
    nonce = state.get_nonce(sender)
    check_nonce_not_too_low(tx, sender, nonce)
    next_nonce = nonce if pool_nonce is None else pool_nonce(sender)
    if tx.nonce - next_nonce > max_nonce_gap:
        raise AdmissionError(
            f"nonce too high: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}, "
            f"next: {next_nonce}, max gap: {max_nonce_gap}"
        )
    check_sender_is_eoa(sender, state.get_code(sender), code_delegation)
    l1_fee = 0 if l2_rules is None else l2_rules.l1_charge(state, tx).fee
    check_funds(tx, sender, state.get_balance(sender), l1_fee)
