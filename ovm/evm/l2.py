"""
L2 execution rules
==================

What an OP Stack L2 (Regolith, Canyon, Ecotone) adds to Ethereum's execution,
as data and small functions. ``ovm.evm.processor`` applies them: a fork whose
``l2`` is an ``L2Rules`` charges the L1 data fee and pays the fee vaults, and
runs deposit transactions (type 0x7E, ``DepositTransaction``) by
``DepositExecution``.

**Deposits** (specs ``protocol/deposits.md``, "Execution"). The ``mint`` is
credited to ``from`` first, unconditionally. There is no signature, nonce, fee
or balance check; ``from``'s nonce is incremented all the same. The gas was
bought on L1: the gas price is 0, nothing is refunded, no base fee, priority
fee or L1 fee is paid, the coinbase is not touched. Gas is metered as for any
transaction (intrinsic gas included) and, since Regolith, the gas used is the
real one and counts against the block's gas limit. A deposit that cannot
start — op-geth's state-transition errors, ``deposit_failure`` — is still
included: its state changes are dropped except the mint, its nonce is
incremented, it uses all its gas and its receipt has status 0. Since Regolith
``isSystemTx`` must be false (a true one is such a failed deposit). Since
Canyon a deposit's receipt commits to ``depositNonce`` (the sender's nonce
before it) and ``depositReceiptVersion`` 1 (``ovm.chain.receipt``).

**Fees** (``protocol/exec-engine.md``, "Fees"). Every other transaction pays
the priority fee to the coinbase (the SequencerFeeVault), the base fee to the
BaseFeeVault instead of burning it, and the L1 data fee to the L1FeeVault; the
L1 fee is taken with the gas purchase and is part of the up-front balance
check. The vaults are plain accounts.

**The Ecotone L1 data fee** ("Ecotone L1-Cost fee changes"), over the signed
EIP-2718 encoding of the transaction, in unlimited precision::

    l1GasUsed = zeroes * 4 + nonZeroes * 16
    l1Fee     = l1GasUsed * (16 * l1BaseFee * baseFeeScalar
                             + l1BlobBaseFee * blobBaseFeeScalar) / 16e6

with the four values read from the L1Block predeploy's storage in the state
the transaction runs on (``l1_fee_values``). The GasPriceOracle predeploy
computes the same over an unsigned transaction plus 68 non-zero bytes for the
missing signature.

**The L1-info deposit** (``protocol/deposits.md``, "L1 Attributes Deposited
Transaction"; ``protocol/ecotone/l1-attributes.md``): the first transaction
of every L2 block, from the depositor account to L1Block, calling
``setL1BlockValuesEcotone()`` with the packed L1 origin values, gas
1,000,000, no mint. **Source hashes** ("Source hash computation"):
``keccak256(bytes32(domain) ‖ keccak256(l1BlockHash ‖ bytes32(index)))`` with
domain 0 and the L1 log index for user deposits, domain 1 and the sequence
number for the L1-info deposit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..primitives.crypto import keccak256
from ..primitives.types import Address, Hash32
from ..state import State
from . import gas as G
from .transactions import DepositTransaction, InvalidTransaction, Transaction, encode_transaction
from .validation import check_initcode_size, check_intrinsic_gas

DEPOSITOR_ACCOUNT = bytes.fromhex("deaddeaddeaddeaddeaddeaddeaddeaddead0001")
"""The sender of the L1-info deposit; nobody holds its key."""
L1_BLOCK = bytes.fromhex("4200000000000000000000000000000000000015")
SEQUENCER_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000011")
"""The coinbase of every L2 block: it receives the priority fees."""
BASE_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000019")
L1_FEE_VAULT = bytes.fromhex("420000000000000000000000000000000000001a")

# L1Block's storage (contracts/README.md): slot numbers, and offsets in bytes
# from the low end of a packed slot.
L1_BLOCK_NUMBER_SLOT = 0  # number, u64 at offset 0
L1_BLOCK_BASE_FEE_SLOT = 1
L1_BLOCK_HASH_SLOT = 2
L1_BLOCK_SCALARS_SLOT = 3  # sequenceNumber, u64 at offset 0; the two scalars
U64_BYTES = 8
L1_BLOCK_BLOB_BASE_FEE_SLOT = 5
BLOB_BASE_FEE_SCALAR_OFFSET = 8
BASE_FEE_SCALAR_OFFSET = 12
SCALAR_BYTES = 4

FEE_SCALAR_DENOMINATOR = 10**6  # the scalars have 6 decimals
SET_L1_BLOCK_VALUES_ECOTONE = bytes.fromhex("440a5e20")  # setL1BlockValuesEcotone()
L1_INFO_DEPOSIT_GAS = 1_000_000
USER_DEPOSIT_DOMAIN = 0
L1_INFO_DEPOSIT_DOMAIN = 1


# --- the L1 data fee ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class L1FeeValues:
    """What the L1 data fee depends on, as the L1-info deposit last set it."""

    l1_base_fee: int
    l1_blob_base_fee: int
    base_fee_scalar: int
    blob_base_fee_scalar: int


@dataclass(frozen=True, slots=True)
class L1Charge:
    """The L1 data fee a transaction paid, with what it was computed from
    (an RPC receipt shows all of it)."""

    fee: int
    l1_gas_used: int
    values: L1FeeValues


def _packed(word: int, offset: int, size: int) -> int:
    """``size`` bytes of a storage word, ``offset`` bytes from its low end."""
    return (word >> (8 * offset)) & ((1 << (8 * size)) - 1)


def l1_fee_values(state: State) -> L1FeeValues:
    """The L1 fee values in the L1Block predeploy's storage."""
    scalars = state.get_storage(L1_BLOCK, L1_BLOCK_SCALARS_SLOT)
    return L1FeeValues(
        l1_base_fee=state.get_storage(L1_BLOCK, L1_BLOCK_BASE_FEE_SLOT),
        l1_blob_base_fee=state.get_storage(L1_BLOCK, L1_BLOCK_BLOB_BASE_FEE_SLOT),
        base_fee_scalar=_packed(scalars, BASE_FEE_SCALAR_OFFSET, SCALAR_BYTES),
        blob_base_fee_scalar=_packed(scalars, BLOB_BASE_FEE_SCALAR_OFFSET, SCALAR_BYTES),
    )


@dataclass(frozen=True, slots=True)
class RecordedOrigin:
    """The L1 origin the last L1-info deposit recorded in L1Block."""

    number: int
    hash: Hash32
    sequence_number: int

    @property
    def unset(self) -> bool:
        """At genesis no L2 block has recorded an origin yet."""
        return self.hash == bytes(32)


def recorded_origin(state: State) -> RecordedOrigin:
    return RecordedOrigin(
        number=_packed(state.get_storage(L1_BLOCK, L1_BLOCK_NUMBER_SLOT), 0, U64_BYTES),
        hash=state.get_storage(L1_BLOCK, L1_BLOCK_HASH_SLOT).to_bytes(32, "big"),
        sequence_number=_packed(state.get_storage(L1_BLOCK, L1_BLOCK_SCALARS_SLOT), 0, U64_BYTES),
    )


def l1_gas_used(data: bytes) -> int:
    """The L1 calldata gas of ``data``: 4 per zero byte, 16 per other byte."""
    zeros = data.count(0)
    return G.TX_DATA_ZERO * zeros + G.TX_DATA_NONZERO * (len(data) - zeros)


def l1_fee(raw_tx: bytes, values: L1FeeValues) -> tuple[int, int]:
    """``(fee, l1_gas_used)`` of a signed transaction's encoding, by Ecotone's formula."""
    gas_used = l1_gas_used(raw_tx)
    weighted_price = (
        G.TX_DATA_NONZERO * values.l1_base_fee * values.base_fee_scalar
        + values.l1_blob_base_fee * values.blob_base_fee_scalar
    )
    fee = gas_used * weighted_price // (G.TX_DATA_NONZERO * FEE_SCALAR_DENOMINATOR)
    return fee, gas_used


L1Cost = Callable[[bytes, L1FeeValues], tuple[int, int]]


@dataclass(frozen=True)
class L2Rules:
    """What an L2 fork adds: where the base fee and the L1 data fee go, and the
    L1 data fee's formula (Ecotone's ``l1_fee``)."""

    base_fee_vault: Address
    l1_fee_vault: Address
    l1_cost: L1Cost

    def l1_charge(self, state: State, tx: Transaction) -> L1Charge:
        """The L1 data fee of ``tx`` run on ``state``."""
        values = l1_fee_values(state)
        fee, gas_used = self.l1_cost(encode_transaction(tx), values)
        return L1Charge(fee, gas_used, values)


ECOTONE_RULES = L2Rules(base_fee_vault=BASE_FEE_VAULT, l1_fee_vault=L1_FEE_VAULT, l1_cost=l1_fee)


# --- deposits -------------------------------------------------------------------


def deposit_failure(state: State, tx: DepositTransaction) -> str | None:
    """Why a deposit cannot start (its mint already credited), or ``None``.

    These are op-geth's state-transition errors, in its order; for a deposit
    they make a failed deposit, not an invalid block."""
    try:
        _check_deposit(state, tx)
    except InvalidTransaction as exc:
        return str(exc)
    return None


def _check_deposit(state: State, tx: DepositTransaction) -> None:
    if tx.is_system_tx:
        raise InvalidTransaction("system transactions are not supported since Regolith")
    check_intrinsic_gas(tx, "execution")
    if state.get_balance(tx.sender) < tx.value:
        raise InvalidTransaction(f"insufficient funds for transfer: address 0x{tx.sender.hex()}")
    check_initcode_size(tx, "execution")


def _source_hash(domain: int, l1_block_hash: Hash32, index: int) -> Hash32:
    if len(l1_block_hash) != 32:
        raise ValueError(f"an L1 block hash is 32 bytes, got {len(l1_block_hash)}")
    return keccak256(domain.to_bytes(32, "big") + keccak256(l1_block_hash + index.to_bytes(32, "big")))


def user_deposit_source_hash(l1_block_hash: Hash32, log_index: int) -> Hash32:
    """The source hash of the deposit made from log ``log_index`` of an L1 block."""
    return _source_hash(USER_DEPOSIT_DOMAIN, l1_block_hash, log_index)


def l1_info_source_hash(l1_block_hash: Hash32, sequence_number: int) -> Hash32:
    """The source hash of an L1-info deposit."""
    return _source_hash(L1_INFO_DEPOSIT_DOMAIN, l1_block_hash, sequence_number)


# --- the L1-info deposit -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class L1Origin:
    """The L1 block an L2 block derives from, as far as the L2 records it."""

    number: int
    timestamp: int
    base_fee: int
    blob_base_fee: int
    hash: Hash32


def _field(value: int, size: int, name: str) -> bytes:
    if not 0 <= value < 1 << (8 * size):
        raise ValueError(f"{name} {value} does not fit in {size} bytes")
    return value.to_bytes(size, "big")


def _word(value: bytes, name: str) -> bytes:
    if len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes, got {len(value)}")
    return value


def l1_info_calldata(
    l1_origin: L1Origin,
    sequence_number: int,
    batcher_hash: Hash32,
    base_fee_scalar: int,
    blob_base_fee_scalar: int,
) -> bytes:
    """``setL1BlockValuesEcotone()`` and its packed big-endian arguments (164 bytes)."""
    return b"".join((
        SET_L1_BLOCK_VALUES_ECOTONE,
        _field(base_fee_scalar, 4, "base fee scalar"),
        _field(blob_base_fee_scalar, 4, "blob base fee scalar"),
        _field(sequence_number, 8, "sequence number"),
        _field(l1_origin.timestamp, 8, "L1 timestamp"),
        _field(l1_origin.number, 8, "L1 block number"),
        _field(l1_origin.base_fee, 32, "L1 base fee"),
        _field(l1_origin.blob_base_fee, 32, "L1 blob base fee"),
        _word(l1_origin.hash, "L1 block hash"),
        _word(batcher_hash, "batcher hash"),
    ))  # fmt: skip


def l1_info_deposit(
    l1_origin: L1Origin,
    sequence_number: int,
    batcher_hash: Hash32,
    base_fee_scalar: int,
    blob_base_fee_scalar: int,
) -> DepositTransaction:
    """The deposit that opens an L2 block: it sets L1Block to ``l1_origin``.

    ``sequence_number`` counts the L2 blocks since the first one of this L1
    origin (0 for that one); ``batcher_hash`` is the batcher's address
    left-padded to 32 bytes."""
    return DepositTransaction(
        source_hash=l1_info_source_hash(l1_origin.hash, sequence_number),
        sender=DEPOSITOR_ACCOUNT,
        to=L1_BLOCK,
        mint=0,
        value=0,
        gas=L1_INFO_DEPOSIT_GAS,
        is_system_tx=False,
        data=l1_info_calldata(
            l1_origin, sequence_number, batcher_hash, base_fee_scalar, blob_base_fee_scalar
        ),
    )
