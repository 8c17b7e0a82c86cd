"""
Base fee and excess blob gas
============================

EIP-1559: each block's base fee follows from its parent's. The gas target is
the gas limit divided by the elasticity multiplier; a parent above target
raises the base fee, one below lowers it, by at most ``1 / denominator`` (a
full block with Ethereum's 2 and 8 raises it by 12.5%). The two numbers are
parameters because OP Stack chains use others (elasticity 6, denominator 250
since Canyon).

EIP-4844: the excess blob gas carries the blob gas used above target over
to the next block, where it sets the blob base fee (``BlobParams.base_fee``).
The target is the next block's fork's (EIP-7691, EIP-7892: a fork boundary
measures the parent against the new target). From Osaka (EIP-7918) a blob
costs at least ``BLOB_BASE_COST`` execution gas: while the parent's blob
price is below that reserve, the excess only grows, by the used gas scaled
by ``(max - target) / max``; with ``base_cost`` 0 (before Osaka) that never
applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evm import gas as G
from ..evm.gas import BlobParams
from .header import Header


@dataclass(frozen=True, slots=True)
class BaseFeeParams:
    elasticity_multiplier: int = 2
    max_change_denominator: int = 8

    def __post_init__(self) -> None:
        if self.elasticity_multiplier < 1 or self.max_change_denominator < 1:
            raise ValueError("base fee elasticity and denominator must be positive")


def next_base_fee(parent: Header, params: BaseFeeParams) -> int:
    """The base fee of the block after ``parent``."""
    base_fee = parent.base_fee_per_gas
    target = parent.gas_limit // params.elasticity_multiplier
    if parent.gas_used == target or target == 0:
        return base_fee
    if parent.gas_used > target:
        delta = base_fee * (parent.gas_used - target) // target // params.max_change_denominator
        return base_fee + max(delta, 1)
    delta = base_fee * (target - parent.gas_used) // target // params.max_change_denominator
    return base_fee - delta


def next_excess_blob_gas(parent: Header, blobs: BlobParams) -> int:
    """The excess blob gas of the block after ``parent``, whose fork has ``blobs``."""
    total = parent.excess_blob_gas + parent.blob_gas_used
    if total < blobs.target_gas:
        return 0
    blob_price = G.GAS_PER_BLOB * blobs.base_fee(parent.excess_blob_gas)
    if blobs.base_cost * parent.base_fee_per_gas > blob_price:
        return parent.excess_blob_gas + parent.blob_gas_used * (blobs.max - blobs.target) // blobs.max
    return total - blobs.target_gas
