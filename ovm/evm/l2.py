"""
L2 execution rules
==================

What an OP Stack L2 adds to Ethereum's execution, as data and small
functions, one ``L2Rules`` object per OP Stack fork ovm follows:
``ECOTONE_RULES`` (Regolith, Canyon, Ecotone), ``FJORD_RULES`` (the FastLZ L1
data fee) and ``ISTHMUS_RULES`` (the L2ToL1MessagePasser's storage root in the
header). ``ovm.evm.processor`` applies them: a fork whose ``l2`` is an
``L2Rules`` charges the L1 data fee and pays the fee vaults, and runs deposit
transactions (type 0x7E, ``DepositTransaction``) by ``DepositExecution``. The
forks that carry them (``OvmCancun``, ``OvmFjord``, ``OvmIsthmus``) say what
else each takes from the OP Stack and what it leaves out.

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

**The Fjord L1 data fee** (``fjord/exec-engine.md``, "Fjord L1-Cost fee
changes (FastLZ estimator)") prices the transaction's estimated size once
compressed, from the length of its FastLZ compression
(``ovm.primitives.fastlz``, Solady's ``flzCompress``, as op-geth's
``FlzCompressLen`` counts it), in unlimited precision::

    estimatedSize = max(100 * 1e6, -42_585_600 + 836_500 * fastlzSize)   # scaled by 1e6
    l1Fee         = estimatedSize * (16 * l1BaseFee * baseFeeScalar
                                     + l1BlobBaseFee * blobBaseFeeScalar) / 1e12
    l1GasUsed     = estimatedSize * 16 / 1e6        # receipts only (deprecated by Fjord)

The GasPriceOracle computes the same with ``fastlzSize`` = the unsigned
transaction's FastLZ length + 68, once its ``isFjord`` flag is set: in the
genesis of a chain that starts on Fjord's rules (``oracle_flags``), or by the
``setFjord()`` upgrade deposit in the first block of a chain that moves to
them (``upgrade_deposits``).

**Isthmus's header rule** (``isthmus/exec-engine.md``): a block's header
``withdrawalsRoot`` is the storage root of the L2ToL1MessagePasser after the
block, genesis included (``L2Rules.withdrawals_root_account``); the body's
withdrawal list stays empty. Output roots do not change: they keep their own
message-passer root.

**Precompile input limits** (``granite/exec-engine.md``,
``isthmus/exec-engine.md``): bn254 pairing, the BLS12-381 multi-scalar
multiplications and the BLS12-381 pairing fail, consuming all their gas, on
input longer than the limit (``input_limited``), which bounds what one call
can make a fault proof compute.

**The L1-info deposit** (``protocol/deposits.md``, "L1 Attributes Deposited
Transaction"; ``protocol/ecotone/l1-attributes.md``): the first transaction
of every L2 block, from the depositor account to L1Block, calling
``setL1BlockValuesEcotone()`` with the packed L1 origin values, gas
1,000,000, no mint. **Source hashes** ("Source hash computation"):
``keccak256(bytes32(domain) ‖ keccak256(l1BlockHash ‖ bytes32(index)))`` with
domain 0 and the L1 log index for user deposits, domain 1 and the sequence
number for the L1-info deposit; an upgrade deposit's is
``keccak256(bytes32(2) ‖ keccak256(intent))``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from ..primitives import fastlz
from ..primitives.crypto import keccak256
from ..primitives.types import Address, Hash32
from ..state import State
from . import gas as G
from .precompiles import Precompile, PrecompileError
from .transactions import DepositTransaction, InvalidTransaction, Transaction, encode_transaction
from .validation import check_initcode_size, check_intrinsic_gas

DEPOSITOR_ACCOUNT = bytes.fromhex("deaddeaddeaddeaddeaddeaddeaddeaddead0001")
"""The sender of the L1-info deposit; nobody holds its key."""
L1_BLOCK = bytes.fromhex("4200000000000000000000000000000000000015")
SEQUENCER_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000011")
"""The coinbase of every L2 block: it receives the priority fees."""
BASE_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000019")
L1_FEE_VAULT = bytes.fromhex("420000000000000000000000000000000000001a")
L2_TO_L1_MESSAGE_PASSER = bytes.fromhex("4200000000000000000000000000000000000016")
GAS_PRICE_ORACLE = bytes.fromhex("420000000000000000000000000000000000000f")

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
UPGRADE_DEPOSIT_DOMAIN = 2

# Fjord's size estimate, its constants scaled by 1e6 as the spec gives them.
FJORD_COST_INTERCEPT = -42_585_600
FJORD_COST_FASTLZ_COEF = 836_500
FJORD_MIN_TRANSACTION_SIZE = 100  # bytes
FJORD_SIZE_SCALE = 10**6

# GasPriceOracle's storage: slot 0 holds its flags, ``isFjord`` in byte 0.
ORACLE_FLAGS_SLOT = 0
IS_FJORD = 1
SET_FJORD = bytes.fromhex("8e98b106")  # setFjord()
SET_FJORD_GAS = 90_000
SET_FJORD_INTENT = b"Fjord: Gas Price Oracle Set Fjord"


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


def _weighted_l1_price(values: L1FeeValues) -> int:
    """The L1 price per byte, scaled by 16e6: calldata at 16 gas a byte, blobs at one."""
    return (
        G.TX_DATA_NONZERO * values.l1_base_fee * values.base_fee_scalar
        + values.l1_blob_base_fee * values.blob_base_fee_scalar
    )


def ecotone_l1_fee(raw_tx: bytes, values: L1FeeValues) -> tuple[int, int]:
    """``(fee, l1_gas_used)`` of a signed transaction's encoding, by Ecotone's formula."""
    gas_used = l1_gas_used(raw_tx)
    fee = gas_used * _weighted_l1_price(values) // (G.TX_DATA_NONZERO * FEE_SCALAR_DENOMINATOR)
    return fee, gas_used


def fjord_estimated_size(fastlz_size: int) -> int:
    """Fjord's estimate of a transaction's size in a compressed batch, in
    bytes scaled by 1e6, from the length of its FastLZ compression."""
    estimate = FJORD_COST_INTERCEPT + FJORD_COST_FASTLZ_COEF * fastlz_size
    return max(FJORD_MIN_TRANSACTION_SIZE * FJORD_SIZE_SCALE, estimate)


def fjord_l1_cost(fastlz_size: int, values: L1FeeValues) -> tuple[int, int]:
    """``(fee, l1_gas_used)`` for a FastLZ length, by Fjord's formula (what
    GasPriceOracle computes from a length too)."""
    size = fjord_estimated_size(fastlz_size)
    fee = size * _weighted_l1_price(values) // (FJORD_SIZE_SCALE * FEE_SCALAR_DENOMINATOR)
    return fee, size * G.TX_DATA_NONZERO // FJORD_SIZE_SCALE


def fjord_l1_fee(raw_tx: bytes, values: L1FeeValues) -> tuple[int, int]:
    """``(fee, l1_gas_used)`` of a signed transaction's encoding, by Fjord's formula."""
    return fjord_l1_cost(len(fastlz.compress(raw_tx)), values)


@dataclass(frozen=True, slots=True)
class L1CostFormula:
    """One OP Stack fork's L1 data fee: ``cost(raw_tx, values)`` gives
    ``(fee, l1_gas_used)``; ``oracle_flags`` is the GasPriceOracle's flag word
    (slot 0) under which the predeploy computes the same."""

    name: str
    cost: Callable[[bytes, L1FeeValues], tuple[int, int]]
    oracle_flags: int


ECOTONE_L1_COST = L1CostFormula("Ecotone", ecotone_l1_fee, oracle_flags=0)
FJORD_L1_COST = L1CostFormula("Fjord", fjord_l1_fee, oracle_flags=IS_FJORD)


@dataclass(frozen=True)
class L2Rules:
    """What an L2 fork adds: where the base fee and the L1 data fee go, the
    L1 data fee's formula, and, from Isthmus, the account whose storage root
    a block header carries as its ``withdrawalsRoot`` (``None``: the root of
    the body's withdrawals, empty on an L2)."""

    base_fee_vault: Address
    l1_fee_vault: Address
    l1_cost: L1CostFormula
    withdrawals_root_account: Address | None = None

    def l1_charge(self, state: State, tx: Transaction) -> L1Charge:
        """The L1 data fee of ``tx`` run on ``state``."""
        values = l1_fee_values(state)
        fee, gas_used = self.l1_cost.cost(encode_transaction(tx), values)
        return L1Charge(fee, gas_used, values)


ECOTONE_RULES = L2Rules(base_fee_vault=BASE_FEE_VAULT, l1_fee_vault=L1_FEE_VAULT, l1_cost=ECOTONE_L1_COST)
FJORD_RULES = dataclasses.replace(ECOTONE_RULES, l1_cost=FJORD_L1_COST)
ISTHMUS_RULES = dataclasses.replace(FJORD_RULES, withdrawals_root_account=L2_TO_L1_MESSAGE_PASSER)


# --- precompile input limits --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _InputLimit:
    max_input: int
    run: Callable[[bytes], bytes]

    def __call__(self, data: bytes) -> bytes:
        if len(data) > self.max_input:
            raise PrecompileError(f"input of {len(data)} bytes, at most {self.max_input} allowed on L2")
        return self.run(data)


def input_limited(precompile: Precompile, max_input: int) -> Precompile:
    """``precompile``, failing (all its gas consumed) on input longer than
    ``max_input`` bytes, as op-geth's Granite and Isthmus precompiles do."""
    return dataclasses.replace(precompile, run=_InputLimit(max_input, precompile.run))


BN254_PAIRING_MAX_INPUT = 112_687  # Granite
BLS12_G1_MSM_MAX_INPUT = 513_760  # Isthmus
BLS12_G2_MSM_MAX_INPUT = 488_448
BLS12_PAIRING_MAX_INPUT = 235_008


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


def upgrade_source_hash(intent: bytes) -> Hash32:
    """The source hash of an upgrade deposit, from its intent (a UTF-8 string)."""
    return keccak256(UPGRADE_DEPOSIT_DOMAIN.to_bytes(32, "big") + keccak256(intent))


# --- upgrade deposits -------------------------------------------------------------------


def _set_fjord_deposit() -> DepositTransaction:
    """The Fjord upgrade's ``setFjord()`` call on the GasPriceOracle (fjord/derivation.md)."""
    return DepositTransaction(
        source_hash=upgrade_source_hash(SET_FJORD_INTENT), sender=DEPOSITOR_ACCOUNT,
        to=GAS_PRICE_ORACLE, mint=0, value=0, gas=SET_FJORD_GAS, is_system_tx=False, data=SET_FJORD,
    )  # fmt: skip


def upgrade_deposits(before: L2Rules | None, after: L2Rules) -> tuple[DepositTransaction, ...]:
    """The deposits the first block under ``after`` runs, after its L1-info
    and user deposits, when the chain ran ``before`` until then: they set the
    predeploys' state the new rules need (the OP Stack's network upgrade
    transactions, of which ovm needs only ``setFjord()``; its predeploys are
    not proxies, so a fork that changed their code would list the new code
    in the fork's genesis and here)."""
    had = before.l1_cost.oracle_flags if before is not None else 0
    needs = after.l1_cost.oracle_flags & ~had
    return (_set_fjord_deposit(),) if needs & IS_FJORD else ()


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
