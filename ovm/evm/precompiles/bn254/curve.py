"""
The bn254 curves
================

G1, the curve ``y² = x³ + 3`` over Fp, and G2, the subgroup of order r of
the twist ``y² = x³ + 3/ξ`` over Fp2, in affine coordinates: addition,
multiplication, the twisted Frobenius ψ and the G2 subgroup test (see the
package docstring).
"""

from __future__ import annotations

from gmpy2 import invert, mpz

from .fields import (
    BN_X_NAF,
    FROBENIUS,
    P,
    XI,
    Fp2,
    fp2_add,
    fp2_conj,
    fp2_div,
    fp2_inv,
    fp2_mul,
    fp2_neg,
    fp2_scale,
    fp2_sqr,
    naf,
)

R = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
CURVE_B = 3
TWIST_B = fp2_scale(fp2_inv(XI), CURVE_B)

G1Point = tuple[mpz, mpz]  # affine; None is the point at infinity
G2Point = tuple[Fp2, Fp2]


def g1_add(p1: G1Point | None, p2: G1Point | None) -> G1Point | None:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if y1 != y2:  # p2 = −p1 (no point of G1 has y = 0)
            return None
        slope = 3 * x1 * x1 * invert(2 * y1, P) % P
    else:
        slope = (y2 - y1) * invert(x2 - x1, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def g1_mul(point: G1Point | None, scalar: int) -> G1Point | None:
    scalar %= R
    if point is None or scalar == 0:
        return None
    negated = (point[0], -point[1] % P)
    result = None
    for digit in naf(scalar):
        result = g1_add(result, result)
        if digit == 1:
            result = g1_add(result, point)
        elif digit == -1:
            result = g1_add(result, negated)
    return result


# The G2 steps below are written out over Fp: each pair takes about 180 of them.


def tangent_slope(point: G2Point) -> Fp2:
    """3x² / 2y."""
    (x0, x1), (y0, y1) = point
    return fp2_div((3 * (x0 + x1) * (x0 - x1), 6 * x0 * x1), (2 * y0, 2 * y1))


def chord_slope(p1: G2Point, p2: G2Point) -> Fp2:
    """(y2 − y1) / (x2 − x1)."""
    (x0, x1), (y0, y1) = p1
    (u0, u1), (v0, v1) = p2
    return fp2_div((v0 - y0, v1 - y1), (u0 - x0, u1 - x1))


def g2_sum(p1: G2Point, x2: Fp2, slope: Fp2) -> G2Point:
    """p1 + p2 from p2's x and the slope of the line through them:
    x3 = slope² − x1 − x2, y3 = slope·(x1 − x3) − y1."""
    (x0, x1), (y0, y1) = p1
    s0, s1 = slope
    x3_0 = ((s0 + s1) * (s0 - s1) - x0 - x2[0]) % P
    x3_1 = (2 * s0 * s1 - x1 - x2[1]) % P
    e0, e1 = x0 - x3_0, x1 - x3_1
    return (x3_0, x3_1), ((s0 * e0 - s1 * e1 - y0) % P, (s0 * e1 + s1 * e0 - y1) % P)


def g2_add(p1: G2Point | None, p2: G2Point | None) -> G2Point | None:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    if p1[0] == p2[0]:
        if p1[1] != p2[1]:  # p2 = −p1 (the twist has no point with y = 0)
            return None
        slope = tangent_slope(p1)
    else:
        slope = chord_slope(p1, p2)
    return g2_sum(p1, p2[0], slope)


def g2_neg(point: G2Point) -> G2Point:
    return point[0], fp2_neg(point[1])


def g2_psi(point: G2Point) -> G2Point:
    """The twisted Frobenius endomorphism: untwist, raise to p, twist back."""
    x, y = point
    return fp2_mul(fp2_conj(x), FROBENIUS[1][2]), fp2_mul(fp2_conj(y), FROBENIUS[1][3])


def g2_mul_x(point: G2Point) -> G2Point | None:
    """[x]point, x the BN parameter."""
    negated = g2_neg(point)
    result = None
    for digit in BN_X_NAF:
        result = g2_add(result, result)
        if digit == 1:
            result = g2_add(result, point)
        elif digit == -1:
            result = g2_add(result, negated)
    return result


def in_g2_subgroup(point: G2Point) -> bool:
    """[x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q) (see the module docstring)."""
    xq = g2_mul_x(point)
    if xq is None:  # the order of Q divides x, so it is not r
        return False
    psi_xq = g2_psi(xq)
    left = g2_add(g2_add(g2_add(xq, point), psi_xq), g2_psi(psi_xq))
    return left == g2_psi(g2_psi(g2_psi(g2_add(xq, xq))))


def is_on_g1_curve(x: mpz, y: mpz) -> bool:
    return (y * y - x * x * x - CURVE_B) % P == 0


def is_on_twist(x: Fp2, y: Fp2) -> bool:
    return fp2_sqr(y) == fp2_add(fp2_mul(fp2_sqr(x), x), TWIST_B)
