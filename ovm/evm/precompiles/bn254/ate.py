"""
The bn254 pairing
=================

The optimal ate pairing check: one Miller loop over ``6x + 2`` shared by all
pairs, two Frobenius lines per pair, then one final exponentiation of the
product (see the package docstring).
"""

from __future__ import annotations

from gmpy2 import invert, mpz

from .curve import G1Point, G2Point, chord_slope, g2_neg, g2_psi, g2_sum, tangent_slope
from .fields import (
    BN_X,
    FP12_ONE,
    P,
    Fp2,
    Fp12,
    final_exponentiation,
    fp12_is_one,
    fp12_mul_by_line,
    fp12_sqr,
    naf,
)

ATE_LOOP_NAF = naf(6 * BN_X + 2)


def _line_step(
    f: Fp12, t: G2Point, x2: Fp2, slope: Fp2, p: tuple[mpz, mpz]
) -> tuple[Fp12, G2Point]:
    """Multiply f by the line of the given slope through t, evaluated at p, and
    move t to the line's other point (x2 its x).

    For the twisted line through ψ(t) the value at p is
    y_p − slope·x_p·w + (slope·x_t − y_t)·w³, and w³ = v·w. It is divided by
    y_p (p is passed as −x_p/y_p and 1/y_p), which makes the line sparser: a
    factor in Fp is erased by the final exponentiation.
    """
    minus_x_over_y, y_inverse = p
    (t0, t1), (u0, u1) = t
    s0, s1 = slope
    a = (minus_x_over_y * s0, minus_x_over_y * s1)
    b = ((s0 * t0 - s1 * t1 - u0) * y_inverse, (s0 * t1 + s1 * t0 - u1) * y_inverse)
    return fp12_mul_by_line(f, a, b), g2_sum(t, x2, slope)


def miller_loop(pairs: list[tuple[G1Point, G2Point]]) -> Fp12:
    """∏ f_{6x+2,Qᵢ}(Pᵢ) times the lines through π(Qᵢ) and −π²(Qᵢ), with one
    shared accumulator. The points T never meet ±Q or infinity for Q in G2, so
    the loop uses the plain tangent and chord slopes."""
    f = FP12_ONE
    ps = []
    for (x_p, y_p), _ in pairs:
        y_inverse = invert(y_p, P)
        ps.append((-x_p * y_inverse % P, y_inverse))
    ts = [q for _, q in pairs]
    for digit in ATE_LOOP_NAF[1:]:
        f = fp12_sqr(f)
        for i, p in enumerate(ps):
            t = ts[i]
            f, ts[i] = _line_step(f, t, t[0], tangent_slope(t), p)
        if digit:
            for i, (_, q) in enumerate(pairs):
                addend = q if digit == 1 else g2_neg(q)
                f, ts[i] = _line_step(f, ts[i], addend[0], chord_slope(ts[i], addend), ps[i])
    for i, (_, q) in enumerate(pairs):
        q1 = g2_psi(q)
        q2 = g2_neg(g2_psi(q1))
        f, t = _line_step(f, ts[i], q1[0], chord_slope(ts[i], q1), ps[i])
        f, _ = _line_step(f, t, q2[0], chord_slope(t, q2), ps[i])
    return f


def pairing_check(pairs: list[tuple[G1Point, G2Point]]) -> bool:
    """Whether ∏ e(Pᵢ, Qᵢ) = 1 for finite points Pᵢ in G1 and Qᵢ in G2."""
    if not pairs:
        return True
    return fp12_is_one(final_exponentiation(miller_loop(pairs)))
