"""
Precompiled contracts
=====================

The Cancun precompiles at addresses 0x01–0x0a, Prague's BLS12-381 operations at
0x0b–0x11, and what Osaka changes (``OSAKA_PRECOMPILES``: modexp repriced and
bounded, ``modexp.OSAKA``; P256VERIFY added at 0x100 for 6900 gas), one module
per family; P256VERIFY can be had at another price (``p256verify_precompile``)
for a fork that chooses one. Each is a :class:`Precompile`: a price for an
input, and a function from input to output. The interpreter charges
``gas(data)`` (refusing the call when it exceeds the gas available) before it
calls ``run(data)``; a :class:`PrecompileError` from ``run`` fails the call and
consumes all the gas given to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class PrecompileError(Exception):
    """Invalid input: the call fails and consumes all gas it was given."""


@dataclass(frozen=True, slots=True)
class Precompile:
    name: str
    gas: Callable[[bytes], int]
    run: Callable[[bytes], bytes]


@dataclass(frozen=True, slots=True)
class FlatPrice:
    """The same gas for every input."""

    gas: int

    def __call__(self, data: bytes) -> int:
        return self.gas


# The families raise PrecompileError, so they are imported once it exists.
from . import (  # noqa: E402
    blake2f,
    bls12_381,
    bn254,
    ecrecover,
    hashes,
    modexp,
    p256verify,
    point_evaluation,
)


def _address(number: int) -> bytes:
    return number.to_bytes(20, "big")


CANCUN_PRECOMPILES: dict[bytes, Precompile] = {
    _address(0x01): Precompile("ecrecover", ecrecover.gas, ecrecover.run),
    _address(0x02): Precompile("sha256", hashes.sha256_gas, hashes.sha256),
    _address(0x03): Precompile("ripemd160", hashes.ripemd160_gas, hashes.ripemd160),
    _address(0x04): Precompile("identity", hashes.identity_gas, hashes.identity),
    _address(0x05): Precompile("modexp", modexp.BERLIN.gas, modexp.BERLIN.run),
    _address(0x06): Precompile("bn254_add", bn254.add_gas, bn254.add),
    _address(0x07): Precompile("bn254_mul", bn254.mul_gas, bn254.mul),
    _address(0x08): Precompile("bn254_pairing", bn254.pairing_gas, bn254.pairing),
    _address(0x09): Precompile("blake2f", blake2f.gas, blake2f.run),
    _address(0x0A): Precompile(
        "point_evaluation", point_evaluation.gas, point_evaluation.run
    ),
}

BLS12_381_PRECOMPILES: dict[bytes, Precompile] = {
    _address(0x0B): Precompile("bls12_g1add", bls12_381.g1_add_gas, bls12_381.g1_add),
    _address(0x0C): Precompile("bls12_g1msm", bls12_381.g1_msm_gas, bls12_381.g1_msm),
    _address(0x0D): Precompile("bls12_g2add", bls12_381.g2_add_gas, bls12_381.g2_add),
    _address(0x0E): Precompile("bls12_g2msm", bls12_381.g2_msm_gas, bls12_381.g2_msm),
    _address(0x0F): Precompile(
        "bls12_pairing_check", bls12_381.pairing_check_gas, bls12_381.pairing_check
    ),
    _address(0x10): Precompile(
        "bls12_map_fp_to_g1", bls12_381.map_fp_to_g1_gas, bls12_381.map_fp_to_g1
    ),
    _address(0x11): Precompile(
        "bls12_map_fp2_to_g2", bls12_381.map_fp2_to_g2_gas, bls12_381.map_fp2_to_g2
    ),
}

P256VERIFY_ADDRESS = _address(0x100)


def p256verify_precompile(gas: int = p256verify.OSAKA_GAS) -> Precompile:
    """P256VERIFY at the price a fork chooses: ``p256verify.OSAKA_GAS`` (6900,
    Ethereum from Osaka) or ``p256verify.FJORD_GAS`` (3450, OP chains since Fjord)."""
    return Precompile("p256verify", FlatPrice(gas), p256verify.run)


MODEXP_ADDRESS = _address(0x05)

OSAKA_PRECOMPILES: dict[bytes, Precompile] = {
    MODEXP_ADDRESS: Precompile("modexp", modexp.OSAKA.gas, modexp.OSAKA.run),
    P256VERIFY_ADDRESS: p256verify_precompile(p256verify.OSAKA_GAS),
}
"""What Osaka changes: modexp's price and bounds (EIP-7883, EIP-7823), and
P256VERIFY (EIP-7951)."""


__all__ = [
    "BLS12_381_PRECOMPILES",
    "CANCUN_PRECOMPILES",
    "FlatPrice",
    "MODEXP_ADDRESS",
    "OSAKA_PRECOMPILES",
    "P256VERIFY_ADDRESS",
    "Precompile",
    "PrecompileError",
    "p256verify_precompile",
]
