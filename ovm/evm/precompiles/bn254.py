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
"""

from __future__ import annotations

from gmpy2 import invert, mpz

from . import PrecompileError

ADD_GAS = 150
MUL_GAS = 6000
PAIRING_BASE_GAS = 45000
PAIRING_PER_PAIR_GAS = 34000

ADD_INPUT_SIZE = 128
MUL_INPUT_SIZE = 96
PAIR_SIZE = 192

P = mpz(0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47)
R = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
# The BN parameter: p = 36x⁴ + 36x³ + 24x² + 6x + 1, r = 36x⁴ + 36x³ + 18x² + 6x + 1.
BN_X = 4965661367192848881
CURVE_B = 3

Fp2 = tuple[mpz, mpz]
Fp6 = tuple[mpz, mpz, mpz, mpz, mpz, mpz]
Fp12 = tuple[Fp6, Fp6]
G1Point = tuple[mpz, mpz]  # affine; None is the point at infinity
G2Point = tuple[Fp2, Fp2]


def _naf(k: int) -> tuple[int, ...]:
    """The non-adjacent form of k > 0 (digits -1, 0, 1), most significant first."""
    digits = []
    while k:
        digit = 2 - k % 4 if k & 1 else 0
        digits.append(digit)
        k = (k - digit) // 2
    return tuple(reversed(digits))


ATE_LOOP_NAF = _naf(6 * BN_X + 2)
BN_X_NAF = _naf(BN_X)


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
TWIST_B = fp2_scale(fp2_inv(XI), CURVE_B)


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


# --- Points --------------------------------------------------------------------


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
    for digit in _naf(scalar):
        result = g1_add(result, result)
        if digit == 1:
            result = g1_add(result, point)
        elif digit == -1:
            result = g1_add(result, negated)
    return result


# The G2 steps below are written out over Fp: each pair takes about 180 of them.


def _tangent_slope(point: G2Point) -> Fp2:
    """3x² / 2y."""
    (x0, x1), (y0, y1) = point
    return fp2_div((3 * (x0 + x1) * (x0 - x1), 6 * x0 * x1), (2 * y0, 2 * y1))


def _chord_slope(p1: G2Point, p2: G2Point) -> Fp2:
    """(y2 − y1) / (x2 − x1)."""
    (x0, x1), (y0, y1) = p1
    (u0, u1), (v0, v1) = p2
    return fp2_div((v0 - y0, v1 - y1), (u0 - x0, u1 - x1))


def _g2_sum(p1: G2Point, x2: Fp2, slope: Fp2) -> G2Point:
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
        slope = _tangent_slope(p1)
    else:
        slope = _chord_slope(p1, p2)
    return _g2_sum(p1, p2[0], slope)


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


# --- Pairing -------------------------------------------------------------------


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
    return fp12_mul_by_line(f, a, b), _g2_sum(t, x2, slope)


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
            f, ts[i] = _line_step(f, t, t[0], _tangent_slope(t), p)
        if digit:
            for i, (_, q) in enumerate(pairs):
                addend = q if digit == 1 else g2_neg(q)
                f, ts[i] = _line_step(f, ts[i], addend[0], _chord_slope(ts[i], addend), ps[i])
    for i, (_, q) in enumerate(pairs):
        q1 = g2_psi(q)
        q2 = g2_neg(g2_psi(q1))
        f, t = _line_step(f, ts[i], q1[0], _chord_slope(ts[i], q1), ps[i])
        f, _ = _line_step(f, t, q2[0], _chord_slope(t, q2), ps[i])
    return f


def pairing_check(pairs: list[tuple[G1Point, G2Point]]) -> bool:
    """Whether ∏ e(Pᵢ, Qᵢ) = 1 for finite points Pᵢ in G1 and Qᵢ in G2."""
    if not pairs:
        return True
    return fp12_is_one(final_exponentiation(miller_loop(pairs)))


# --- Precompiles -----------------------------------------------------------------


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
