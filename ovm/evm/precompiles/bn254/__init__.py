"""
bn254 elliptic curve (0x06 add, 0x07 mul, 0x08 pairing check)
==============================================================

EIP-196 and EIP-197 on alt_bn128 (BN254), priced by EIP-1108. G1 is the curve
``y² = x³ + 3`` over Fp; G2 is the subgroup of order r of the twist
``y² = x³ + 3/ξ`` over Fp2.

Encoding: a field element is a 32-byte big-endian word below p; a G1 point is
``x ‖ y``; a G2 point is ``x ‖ y`` with each Fp2 coordinate ``a·u + b`` written
``a ‖ b`` (imaginary part first). All zeros is the point at infinity. Any
other point must lie on its curve, and a G2 point in the subgroup (G1's
cofactor is 1). A bad encoding fails the call.

The pairing check returns 1 when ``∏ e(Pᵢ, Qᵢ) = 1``. It is an optimal ate
pairing: one Miller loop over ``6x + 2`` shared by all pairs (the accumulator
is squared once per step however many pairs there are), two Frobenius lines
per pair, then one final exponentiation of the product. The hard part of the
final exponentiation is the addition chain of Scott et al., "On the final
exponentiation for calculating pairings on ordinary elliptic curves" (2009),
with Granger–Scott squaring in the cyclotomic subgroup; it raises to exactly
``(p¹² − 1)/r``, so values agree with the textbook reduced pairing.

The tower is Fp2 = Fp[u]/(u² + 1), Fp6 = Fp2[v]/(v³ − ξ) with ξ = 9 + u,
Fp12 = Fp6[w]/(w² − v), so ``w⁶ = ξ``; the twist embeds by
``(x, y) ↦ (x·w², y·w³)``. Elements are tuples of gmpy2 integers: Fp2 a pair,
Fp6 a flat 6-tuple of Fp coefficients, Fp12 a pair of Fp6. The hot Fp6
products are written out over Fp with one reduction per coefficient: in Python
an operation costs about as much as another, multiplication or addition, and a
call costs more. Sums of reduced values are left unreduced; every product
reduces again, so they stay small. Points are affine: gmpy2's inversion costs
a few multiplications, less than projective formulas add.

G2 membership is tested as ``[x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q)`` (El
Housni, Guillevic and Piellard, "Co-factor clearing and subgroup membership
testing on pairing-friendly curves", 2022), ψ being the twisted Frobenius
endomorphism; it costs a multiplication by the 63-bit x rather than by r. On
G2, ψ acts as multiplication by p, and (x+1) + xp + xp² − 2xp³ ≡ 0 (mod r), so
G2 passes. Conversely, the endomorphism (x+1) + xψ + xψ² − 2xψ³ has degree
r·m with m coprime to the twist's cofactor 2p − r (the tests check both
facts), so its kernel holds no other point of the twist.

``fields`` holds the tower and the final exponentiation, ``curve`` the points
of G1 and G2, ``ate`` the pairing check; this module the precompiles.
"""

from __future__ import annotations

from gmpy2 import mpz

from .. import PrecompileError
from .ate import pairing_check
from .curve import G1Point, G2Point, g1_add, g1_mul, in_g2_subgroup, is_on_g1_curve, is_on_twist
from .fields import P

ADD_GAS = 150
MUL_GAS = 6000
PAIRING_BASE_GAS = 45000
PAIRING_PER_PAIR_GAS = 34000

ADD_INPUT_SIZE = 128
MUL_INPUT_SIZE = 96
PAIR_SIZE = 192


def _field_element(data: bytes, offset: int) -> mpz:
    value = int.from_bytes(data[offset : offset + 32], "big")
    if value >= P:
        raise PrecompileError("bn254 field element not below the modulus")
    return mpz(value)


def decode_g1(data: bytes, offset: int) -> G1Point | None:
    x = _field_element(data, offset)
    y = _field_element(data, offset + 32)
    if x == 0 and y == 0:
        return None
    if not is_on_g1_curve(x, y):
        raise PrecompileError("bn254 G1 point not on the curve")
    return x, y


def decode_g2(data: bytes, offset: int) -> G2Point | None:
    x = (_field_element(data, offset + 32), _field_element(data, offset))
    y = (_field_element(data, offset + 96), _field_element(data, offset + 64))
    if not any(x + y):
        return None
    if not is_on_twist(x, y):
        raise PrecompileError("bn254 G2 point not on the twist curve")
    if not in_g2_subgroup((x, y)):
        raise PrecompileError("bn254 G2 point not in the subgroup of order r")
    return x, y


def encode_g1(point: G1Point | None) -> bytes:
    if point is None:
        return bytes(64)
    return int(point[0]).to_bytes(32, "big") + int(point[1]).to_bytes(32, "big")


def add_gas(data: bytes) -> int:
    return ADD_GAS


def add(data: bytes) -> bytes:
    data = data[:ADD_INPUT_SIZE].ljust(ADD_INPUT_SIZE, b"\x00")
    return encode_g1(g1_add(decode_g1(data, 0), decode_g1(data, 64)))


def mul_gas(data: bytes) -> int:
    return MUL_GAS


def mul(data: bytes) -> bytes:
    data = data[:MUL_INPUT_SIZE].ljust(MUL_INPUT_SIZE, b"\x00")
    point = decode_g1(data, 0)
    return encode_g1(g1_mul(point, int.from_bytes(data[64:96], "big")))


def pairing_gas(data: bytes) -> int:
    return PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * (len(data) // PAIR_SIZE)


def pairing(data: bytes) -> bytes:
    if len(data) % PAIR_SIZE:
        raise PrecompileError("bn254 pairing input not a multiple of 192 bytes")
    pairs = []
    for offset in range(0, len(data), PAIR_SIZE):
        p = decode_g1(data, offset)
        q = decode_g2(data, offset + 64)
        if p is not None and q is not None:
            pairs.append((p, q))
    return (1 if pairing_check(pairs) else 0).to_bytes(32, "big")
