"""
The bn254 field tower
=====================

Fp, Fp2 = Fp[u]/(u² + 1), Fp6 = Fp2[v]/(v³ − ξ) and Fp12 = Fp6[w]/(w² − v),
with the Frobenius maps, squaring in the cyclotomic subgroup and the final
exponentiation of the pairing (see the package docstring for the
representation and the algorithms).
"""

from __future__ import annotations

from gmpy2 import invert, mpz

P = mpz(0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47)
# The BN parameter: p = 36x⁴ + 36x³ + 24x² + 6x + 1, r = 36x⁴ + 36x³ + 18x² + 6x + 1.
BN_X = 4965661367192848881

Fp2 = tuple[mpz, mpz]
Fp6 = tuple[mpz, mpz, mpz, mpz, mpz, mpz]
Fp12 = tuple[Fp6, Fp6]


def naf(k: int) -> tuple[int, ...]:
    """The non-adjacent form of k > 0 (digits -1, 0, 1), most significant first."""
    digits = []
    while k:
        digit = 2 - k % 4 if k & 1 else 0
        digits.append(digit)
        k = (k - digit) // 2
    return tuple(reversed(digits))


BN_X_NAF = naf(BN_X)


# --- Fp2: always reduced -----------------------------------------------------


def fp2_add(a: Fp2, b: Fp2) -> Fp2:
    return (a[0] + b[0]) % P, (a[1] + b[1]) % P


def fp2_sub(a: Fp2, b: Fp2) -> Fp2:
    return (a[0] - b[0]) % P, (a[1] - b[1]) % P


def fp2_neg(a: Fp2) -> Fp2:
    return -a[0] % P, -a[1] % P


def fp2_conj(a: Fp2) -> Fp2:
    """The Frobenius map of Fp2: a^p."""
    return a[0] % P, -a[1] % P


def fp2_mul(a: Fp2, b: Fp2) -> Fp2:
    a0, a1 = a
    b0, b1 = b
    return (a0 * b0 - a1 * b1) % P, (a0 * b1 + a1 * b0) % P


def fp2_sqr(a: Fp2) -> Fp2:
    a0, a1 = a
    return (a0 + a1) * (a0 - a1) % P, 2 * a0 * a1 % P


def fp2_scale(a: Fp2, k: int) -> Fp2:
    return a[0] * k % P, a[1] * k % P


def fp2_mul_xi(a: Fp2) -> Fp2:
    a0, a1 = a
    return (9 * a0 - a1) % P, (a0 + 9 * a1) % P


def fp2_inv(a: Fp2) -> Fp2:
    a0, a1 = a
    norm_inverse = invert(a0 * a0 + a1 * a1, P)
    return a0 * norm_inverse % P, -a1 * norm_inverse % P


def fp2_div(a: Fp2, b: Fp2) -> Fp2:
    """a / b = a·b̄ / (b·b̄), for b ≠ 0; inputs need not be reduced."""
    a0, a1 = a
    b0, b1 = b
    norm_inverse = invert(b0 * b0 + b1 * b1, P)
    return (a0 * b0 + a1 * b1) * norm_inverse % P, (a1 * b0 - a0 * b1) * norm_inverse % P


def fp2_pow(a: Fp2, exponent: int) -> Fp2:
    result = (mpz(1), mpz(0))
    for bit in bin(exponent)[2:]:
        result = fp2_sqr(result)
        if bit == "1":
            result = fp2_mul(result, a)
    return result


XI = (mpz(9), mpz(1))


# --- Fp6 ---------------------------------------------------------------------


def fp6_add(a: Fp6, b: Fp6) -> Fp6:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], a[5] + b[5]


def fp6_sub(a: Fp6, b: Fp6) -> Fp6:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3], a[4] - b[4], a[5] - b[5]


def fp6_neg(a: Fp6) -> Fp6:
    return -a[0], -a[1], -a[2], -a[3], -a[4], -a[5]


def fp6_mul_by_v(a: Fp6) -> Fp6:
    a0, a1, a2, a3, a4, a5 = a
    return 9 * a4 - a5, a4 + 9 * a5, a0, a1, a2, a3


def fp6_mul(a: Fp6, b: Fp6) -> Fp6:
    """Schoolbook product: with A = A0 + A1·v + A2·v² and likewise B,
    C0 = A0B0 + ξ(A1B2 + A2B1), C1 = A0B1 + A1B0 + ξA2B2, C2 = A0B2 + A1B1 + A2B0."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    s0 = a2 * b4 - a3 * b5 + a4 * b2 - a5 * b3  # A1B2 + A2B1
    s1 = a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2
    t0 = a4 * b4 - a5 * b5  # A2B2
    t1 = a4 * b5 + a5 * b4
    return (
        (a0 * b0 - a1 * b1 + 9 * s0 - s1) % P,
        (a0 * b1 + a1 * b0 + s0 + 9 * s1) % P,
        (a0 * b2 - a1 * b3 + a2 * b0 - a3 * b1 + 9 * t0 - t1) % P,
        (a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + t0 + 9 * t1) % P,
        (a0 * b4 - a1 * b5 + a2 * b2 - a3 * b3 + a4 * b0 - a5 * b1) % P,
        (a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0) % P,
    )


def fp6_mul_by_01(a: Fp6, c0: Fp2, c1: Fp2) -> Fp6:
    """a · (c0 + c1·v), the sparse product a line needs."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1 = c0
    d0, d1 = c1
    e0 = a4 * d0 - a5 * d1  # A2·c1, which wraps around v³ = ξ
    e1 = a4 * d1 + a5 * d0
    return (
        (a0 * b0 - a1 * b1 + 9 * e0 - e1) % P,
        (a0 * b1 + a1 * b0 + e0 + 9 * e1) % P,
        (a0 * d0 - a1 * d1 + a2 * b0 - a3 * b1) % P,
        (a0 * d1 + a1 * d0 + a2 * b1 + a3 * b0) % P,
        (a2 * d0 - a3 * d1 + a4 * b0 - a5 * b1) % P,
        (a2 * d1 + a3 * d0 + a4 * b1 + a5 * b0) % P,
    )


def fp6_inv(a: Fp6) -> Fp6:
    c0, c1, c2 = (a[0], a[1]), (a[2], a[3]), (a[4], a[5])
    t0 = fp2_sub(fp2_sqr(c0), fp2_mul_xi(fp2_mul(c1, c2)))
    t1 = fp2_sub(fp2_mul_xi(fp2_sqr(c2)), fp2_mul(c0, c1))
    t2 = fp2_sub(fp2_sqr(c1), fp2_mul(c0, c2))
    norm = fp2_add(fp2_mul(c0, t0), fp2_mul_xi(fp2_add(fp2_mul(c2, t1), fp2_mul(c1, t2))))
    norm_inverse = fp2_inv(norm)
    return (*fp2_mul(t0, norm_inverse), *fp2_mul(t1, norm_inverse), *fp2_mul(t2, norm_inverse))


# --- Fp12 --------------------------------------------------------------------

FP6_ZERO = (mpz(0),) * 6
FP12_ONE = ((mpz(1),) + FP6_ZERO[1:], FP6_ZERO)


def fp12_mul(f: Fp12, g: Fp12) -> Fp12:
    f0, f1 = f
    g0, g1 = g
    t0 = fp6_mul(f0, g0)
    t1 = fp6_mul(f1, g1)
    cross = fp6_mul(fp6_add(f0, f1), fp6_add(g0, g1))
    return fp6_add(t0, fp6_mul_by_v(t1)), fp6_sub(fp6_sub(cross, t0), t1)


def fp12_sqr(f: Fp12) -> Fp12:
    f0, f1 = f
    t = fp6_mul(f0, f1)
    mixed = fp6_mul(fp6_add(f0, f1), fp6_add(f0, fp6_mul_by_v(f1)))
    return fp6_sub(fp6_sub(mixed, t), fp6_mul_by_v(t)), fp6_add(t, t)


def fp12_conj(f: Fp12) -> Fp12:
    """f^(p⁶); the inverse of an element of the cyclotomic subgroup."""
    return f[0], fp6_neg(f[1])


def fp12_inv(f: Fp12) -> Fp12:
    f0, f1 = f
    norm_inverse = fp6_inv(fp6_sub(fp6_mul(f0, f0), fp6_mul_by_v(fp6_mul(f1, f1))))
    return fp6_mul(f0, norm_inverse), fp6_neg(fp6_mul(f1, norm_inverse))


def fp12_mul_by_line(f: Fp12, a: Fp2, b: Fp2) -> Fp12:
    """f · (1 + (a + b·v)·w), the value of a Miller-loop line."""
    f0, f1 = f
    return (
        fp6_add(f0, fp6_mul_by_v(fp6_mul_by_01(f1, a, b))),
        fp6_add(f1, fp6_mul_by_01(f0, a, b)),
    )


def fp12_is_one(f: Fp12) -> bool:
    f0, f1 = f
    return f0[0] % P == 1 and all(c % P == 0 for c in f0[1:] + f1)


def _frobenius_coefficients(power: int) -> tuple[Fp2, ...]:
    """ξ^(k(pⁿ − 1)/6) for k = 0..5: the factor w^(k·pⁿ) / w^k."""
    return tuple(fp2_pow(XI, k * (P**power - 1) // 6) for k in range(6))


FROBENIUS = {power: _frobenius_coefficients(power) for power in (1, 2, 3)}


def fp12_frobenius(f: Fp12, power: int) -> Fp12:
    """f^(pⁿ): conjugate each Fp2 coefficient of w^k n times, times ξ^(k(pⁿ−1)/6).

    In the tower, the coefficient of w^k is in f[k % 2] at Fp6 position k // 2.
    """
    gammas = FROBENIUS[power]
    sign = -1 if power % 2 else 1
    halves = []
    for parity, half in enumerate(f):
        coefficients: list[mpz] = []
        for j in range(3):
            coefficient = (half[2 * j], sign * half[2 * j + 1])
            coefficients.extend(fp2_mul(coefficient, gammas[2 * j + parity]))
        halves.append(tuple(coefficients))
    return halves[0], halves[1]


def _fp4_sqr(x0: mpz, x1: mpz, y0: mpz, y1: mpz) -> tuple[mpz, mpz, mpz, mpz]:
    """(x + y·s)² in Fp4 = Fp2[s]/(s² − ξ): x² + ξy² and 2xy, unreduced."""
    t0 = (y0 + y1) * (y0 - y1)
    t1 = 2 * y0 * y1
    return (
        (x0 + x1) * (x0 - x1) + 9 * t0 - t1,
        2 * x0 * x1 + t0 + 9 * t1,
        2 * (x0 * y0 - x1 * y1),
        2 * (x0 * y1 + x1 * y0),
    )


def cyclotomic_sqr(f: Fp12) -> Fp12:
    """Granger–Scott squaring, valid after the easy part of the final exponentiation.

    Over Fp4 with s = w³, f = A + B·w + C·w² where A = g0 + h1·s,
    B = h0 + g2·s, C = g1 + h2·s for f = (g, h); then
    f² = (3A² − 2Ā) + (3sC² + 2B̄)·w + (3B² − 2C̄)·w², the bar being s ↦ −s.
    """
    g0r, g0i, g1r, g1i, g2r, g2i = f[0]
    h0r, h0i, h1r, h1i, h2r, h2i = f[1]
    a0r, a0i, a1r, a1i = _fp4_sqr(g0r, g0i, h1r, h1i)
    b0r, b0i, b1r, b1i = _fp4_sqr(h0r, h0i, g2r, g2i)
    c0r, c0i, c1r, c1i = _fp4_sqr(g1r, g1i, h2r, h2i)
    # s·C² = ξ·(C²)₁ + (C²)₀·s
    sc0r, sc0i = 9 * c1r - c1i, c1r + 9 * c1i
    g = (
        (3 * a0r - 2 * g0r) % P,
        (3 * a0i - 2 * g0i) % P,
        (3 * b0r - 2 * g1r) % P,
        (3 * b0i - 2 * g1i) % P,
        (3 * c0r - 2 * g2r) % P,
        (3 * c0i - 2 * g2i) % P,
    )
    h = (
        (3 * sc0r + 2 * h0r) % P,
        (3 * sc0i + 2 * h0i) % P,
        (3 * a1r + 2 * h1r) % P,
        (3 * a1i + 2 * h1i) % P,
        (3 * b1r + 2 * h2r) % P,
        (3 * b1i + 2 * h2i) % P,
    )
    return g, h


def cyclotomic_pow_x(f: Fp12) -> Fp12:
    """f^x for f in the cyclotomic subgroup, where the inverse is the conjugate."""
    f_inverse = fp12_conj(f)
    result = f
    for digit in BN_X_NAF[1:]:
        result = cyclotomic_sqr(result)
        if digit == 1:
            result = fp12_mul(result, f)
        elif digit == -1:
            result = fp12_mul(result, f_inverse)
    return result


def final_exponentiation(f: Fp12) -> Fp12:
    """f^((p¹² − 1)/r) = f^((p⁶ − 1)(p² + 1)) raised to the hard part (p⁴ − p² + 1)/r."""
    f = fp12_mul(fp12_conj(f), fp12_inv(f))
    f = fp12_mul(fp12_frobenius(f, 2), f)
    return _hard_part(f)


def _hard_part(f: Fp12) -> Fp12:
    """f^((p⁴ − p² + 1)/r) as y0·y1²·y2⁶·y3¹²·y4¹⁸·y5³⁰·y6³⁶ (Scott et al. 2009)."""
    fx = cyclotomic_pow_x(f)
    fx2 = cyclotomic_pow_x(fx)
    fx3 = cyclotomic_pow_x(fx2)
    y0 = fp12_mul(fp12_frobenius(f, 1), fp12_frobenius(f, 2))
    y0 = fp12_mul(y0, fp12_frobenius(f, 3))
    y1 = fp12_conj(f)
    y2 = fp12_frobenius(fx2, 2)
    y3 = fp12_conj(fp12_frobenius(fx, 1))
    y4 = fp12_conj(fp12_mul(fx, fp12_frobenius(fx2, 1)))
    y5 = fp12_conj(fx2)
    y6 = fp12_conj(fp12_mul(fx3, fp12_frobenius(fx3, 1)))
    t0 = fp12_mul(fp12_mul(cyclotomic_sqr(y6), y4), y5)
    t1 = fp12_mul(fp12_mul(y3, y5), t0)
    t0 = fp12_mul(t0, y2)
    t1 = cyclotomic_sqr(fp12_mul(cyclotomic_sqr(t1), t0))
    t0 = fp12_mul(t1, y1)
    t1 = fp12_mul(t1, y0)
    return fp12_mul(cyclotomic_sqr(t0), t1)
