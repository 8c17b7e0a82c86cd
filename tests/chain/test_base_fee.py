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


@pytest.mark.parametrize(
    "excess, used, expected",
    [
        (0, 0, 0),
        (0, G.TARGET_BLOB_GAS_PER_BLOCK, 0),
        (0, G.MAX_BLOB_GAS_PER_BLOCK, G.MAX_BLOB_GAS_PER_BLOCK - G.TARGET_BLOB_GAS_PER_BLOCK),
        (G.GAS_PER_BLOB, 0, 0),
        (5 * G.GAS_PER_BLOB, 2 * G.GAS_PER_BLOB, 4 * G.GAS_PER_BLOB),
    ],
)
def test_excess_blob_gas(excess, used, expected):
    parent = dataclasses.replace(PARENT, excess_blob_gas=excess, blob_gas_used=used)
    assert next_excess_blob_gas(parent) == expected
