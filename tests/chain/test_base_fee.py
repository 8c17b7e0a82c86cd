"""
Base fee and excess blob gas
============================

EIP-1559 sequences (a full block raises the base fee by 12.5%, an empty one
lowers it by 12.5%, a block at target keeps it), other elasticity and
denominator values, and EIP-4844 excess blob gas.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.base_fee import BaseFeeParams, next_base_fee, next_excess_blob_gas
from ovm.chain.header import Header
from ovm.evm import gas as G

ETHEREUM = BaseFeeParams()
GAS_LIMIT = 30_000_000

PARENT = Header(
    parent_hash=bytes(32), coinbase=bytes(20), state_root=bytes(32),
    number=10, gas_limit=GAS_LIMIT, timestamp=20, base_fee_per_gas=10**9,
)  # fmt: skip


def child_base_fee(gas_used: int, base_fee: int = 10**9, params: BaseFeeParams = ETHEREUM) -> int:
    parent = dataclasses.replace(PARENT, gas_used=gas_used, base_fee_per_gas=base_fee)
    return next_base_fee(parent, params)


def test_full_block_raises_by_an_eighth():
    assert child_base_fee(GAS_LIMIT) == 1_125_000_000


def test_empty_block_lowers_by_an_eighth():
    assert child_base_fee(0) == 875_000_000


def test_block_at_target_keeps_the_base_fee():
    assert child_base_fee(GAS_LIMIT // 2) == 10**9


def test_sequence_of_full_then_empty_blocks():
    fees = [10**9]
    for gas_used in (GAS_LIMIT, GAS_LIMIT, 0, GAS_LIMIT // 2):
        fees.append(child_base_fee(gas_used, fees[-1]))
    assert fees == [1_000_000_000, 1_125_000_000, 1_265_625_000, 1_107_421_875, 1_107_421_875]


def test_partial_block_moves_proportionally():
    # 3/4 full: gas used is target * 1.5, so the base fee rises by 1/8 of 1/2.
    assert child_base_fee(GAS_LIMIT * 3 // 4) == 1_062_500_000


def test_increase_is_at_least_one_wei():
    assert child_base_fee(GAS_LIMIT // 2 + 1, base_fee=7) == 8


def test_small_fees_round_their_decrease_down():
    assert child_base_fee(0, base_fee=7) == 7  # 7 // 8 == 0
    assert child_base_fee(0, base_fee=8) == 7


def test_op_stack_parameters():
    op = BaseFeeParams(elasticity_multiplier=6, max_change_denominator=250)
    assert child_base_fee(GAS_LIMIT, params=op) == 10**9 + 10**9 * 5 // 250
    assert child_base_fee(GAS_LIMIT // 6, params=op) == 10**9
    assert child_base_fee(0, params=op) == 10**9 - 10**9 // 250


def test_parameters_must_be_positive():
    with pytest.raises(ValueError):
        BaseFeeParams(elasticity_multiplier=0)
    with pytest.raises(ValueError):
        BaseFeeParams(max_change_denominator=0)


BLOB = G.GAS_PER_BLOB


@pytest.mark.parametrize(
    "blobs, excess, used, expected",
    [
        # Cancun (EIP-4844): target 3, max 6.
        (G.CANCUN_BLOBS, 0, 0, 0),
        (G.CANCUN_BLOBS, 0, 3 * BLOB, 0),
        (G.CANCUN_BLOBS, 0, 6 * BLOB, 3 * BLOB),
        (G.CANCUN_BLOBS, BLOB, 0, 0),
        (G.CANCUN_BLOBS, 5 * BLOB, 2 * BLOB, 4 * BLOB),
        # Prague (EIP-7691): target 6, max 9; a Cancun parent's 6 blobs are on target now.
        (G.PRAGUE_BLOBS, 0, 6 * BLOB, 0),
        (G.PRAGUE_BLOBS, 0, 9 * BLOB, 3 * BLOB),
        (G.PRAGUE_BLOBS, 5 * BLOB, 3 * BLOB, 2 * BLOB),
        # BPO1 (EIP-7892): target 10, max 15.
        (G.BPO1_BLOBS, 0, 15 * BLOB, 5 * BLOB),
        (G.BPO1_BLOBS, 0, 9 * BLOB, 0),
    ],
)
def test_excess_blob_gas(blobs, excess, used, expected):
    parent = dataclasses.replace(PARENT, excess_blob_gas=excess, blob_gas_used=used, base_fee_per_gas=7)
    assert next_excess_blob_gas(parent, blobs) == expected


@pytest.mark.parametrize(
    "base_fee, used, expected",
    [
        (16, 7 * BLOB, BLOB),  # 8192 * 16 == 131072 * 1: not above the blob price, EIP-4844's rule
        (17, 7 * BLOB, 7 * BLOB * 3 // 9),  # the reserve binds: the excess grows by used * (9 - 6) / 9
        (10**9, 5 * BLOB, 0),  # below target: no excess, reserve or not
    ],
)
def test_osaka_reserve_price(base_fee, used, expected):
    """EIP-7918: while 8192 execution gas at the parent's base fee is worth
    more than a blob at its blob price, the excess does not fall to target."""
    parent = dataclasses.replace(PARENT, excess_blob_gas=0, blob_gas_used=used, base_fee_per_gas=base_fee)
    assert next_excess_blob_gas(parent, G.OSAKA_BLOBS) == expected
    assert next_excess_blob_gas(parent, G.PRAGUE_BLOBS) == max(used - 6 * BLOB, 0)


@pytest.mark.parametrize(
    "blobs, excess, fee",
    [
        (G.CANCUN_BLOBS, 0, 1),
        (G.CANCUN_BLOBS, 10**7, 19),
        (G.CANCUN_BLOBS, 5 * 10**7, 3194333),
        (G.PRAGUE_BLOBS, 10**7, 7),
        (G.PRAGUE_BLOBS, 5 * 10**7, 21689),
        (G.OSAKA_BLOBS, 5 * 10**7, 21689),
        (G.BPO1_BLOBS, 5 * 10**7, 399),
        (G.BPO2_BLOBS, 5 * 10**7, 72),
    ],
)
def test_blob_base_fee_follows_the_fork_update_fraction(blobs, excess, fee):
    """e ** (excess / fraction), floored: 19.99, 3194333.96; 7.37, 21689.68; 399.72; 72.18."""
    assert blobs.base_fee(excess) == fee


def test_blob_parameters_of_the_forks():
    assert (G.CANCUN_BLOBS.target, G.CANCUN_BLOBS.max, G.CANCUN_BLOBS.update_fraction) == (3, 6, 3338477)
    assert (G.PRAGUE_BLOBS.target, G.PRAGUE_BLOBS.max, G.PRAGUE_BLOBS.update_fraction) == (6, 9, 5007716)
    assert (G.OSAKA_BLOBS.target, G.OSAKA_BLOBS.max, G.OSAKA_BLOBS.update_fraction) == (6, 9, 5007716)
    assert (G.BPO1_BLOBS.target, G.BPO1_BLOBS.max, G.BPO1_BLOBS.update_fraction) == (10, 15, 8346193)
    assert (G.BPO2_BLOBS.target, G.BPO2_BLOBS.max, G.BPO2_BLOBS.update_fraction) == (14, 21, 11684671)
    caps = [b.transaction_max for b in (G.CANCUN_BLOBS, G.PRAGUE_BLOBS, G.OSAKA_BLOBS, G.BPO2_BLOBS)]
    assert caps == [6, 9, 6, 6]  # the block's maximum until EIP-7594's cap of 6
    assert [b.base_cost for b in (G.PRAGUE_BLOBS, G.OSAKA_BLOBS, G.BPO1_BLOBS)] == [0, 8192, 8192]
