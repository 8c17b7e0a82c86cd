"""bn254 add (0x06), mul (0x07) and pairing check (0x08).

Vectors from go-ethereum's bn256Add.json, bn256ScalarMul.json and
bn256Pairing.json (the EIP-196/197 test sets of chfast, cdetrio and jeff), and
the invalid inputs of ethereum/tests' stZeroKnowledge; the pairing itself is
also compared with py_ecc's.
"""

from __future__ import annotations

import math
import random

import pytest
from gmpy2 import mpz
from py_ecc import optimized_bn128 as reference

from ovm.evm.precompiles import CANCUN_PRECOMPILES, PrecompileError
from ovm.evm.precompiles.bn254 import ate, curve, fields

ADD = CANCUN_PRECOMPILES[(6).to_bytes(20, "big")]
MUL = CANCUN_PRECOMPILES[(7).to_bytes(20, "big")]
PAIRING = CANCUN_PRECOMPILES[(8).to_bytes(20, "big")]

TRUE = (1).to_bytes(32, "big")
FALSE = bytes(32)

G1 = "0000000000000000000000000000000000000000000000000000000000000001" + (
    "0000000000000000000000000000000000000000000000000000000000000002"
)
G2 = (
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
)
MINUS_G2 = G2[:128] + (
    "275dc4a288d1afb3cbb1ac09187524c7db36395df7be3b99e673b13a075a65ec"
    "1d9befcd05a5323e6da4d435f3b617cdb3af83285c2df711ef39c01571827f9d"
)
ZERO_G1 = "00" * 64
ZERO_G2 = "00" * 128
P_HEX = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47"

# --- add ----------------------------------------------------------------------

ADD_VECTORS = [
    (
        "chfast1",
        "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9"
        "063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266"
        "07c2b7f58a84bd6145f00c9c2bc0bb1a187f20ff2c92963a88019e7c6a014eed"
        "06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7",
        "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703"
        "301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915",
    ),
    (
        "chfast2",
        "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703"
        "301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915"
        "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9"
        "063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266",
        "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb7"
        "21611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204",
    ),
    ("cdetrio1", "00" * 128, "00" * 64),
    ("cdetrio2", "00" * 64, "00" * 64),
    ("cdetrio4", "", "00" * 64),
    ("cdetrio5", "00" * 192, "00" * 64),
    ("cdetrio6", ZERO_G1 + G1, G1),
    ("cdetrio9", G1 + ZERO_G1, G1),
    ("cdetrio10", G1 + "00" * 128, G1),
    (
        "cdetrio11",
        G1 + G1,
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4",
    ),
    (
        "cdetrio13",
        "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
        "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
        "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
        "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98",
        "15bf2bb17880144b5d1cd2b1f46eff9d617bffd1ca57c37fb5a49bd84e53cf66"
        "049c797f9ce0d17083deb32b5e36f2ea2a212ee036598dd7624c168993d1355f",
    ),
    (
        "cdetrio14",
        "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
        "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
        "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
        "2e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb",
        "00" * 64,
    ),
]


@pytest.mark.parametrize("name,data,output", ADD_VECTORS, ids=[v[0] for v in ADD_VECTORS])
def test_add_vectors(name: str, data: str, output: str) -> None:
    assert ADD.run(bytes.fromhex(data)).hex() == output
    assert ADD.gas(bytes.fromhex(data)) == 150


@pytest.mark.parametrize(
    "data",
    [
        "00" * 63 + "01" + "00" * 31 + "03" + ZERO_G1,  # (1, 3) is not on the curve
        ZERO_G1 + "00" * 31 + "01" + "00" * 31 + "03",
        P_HEX + "00" * 32 + ZERO_G1,  # (p, 0) is (0, 0) reduced, but not below p
        "00" * 32 + P_HEX + ZERO_G1,
        "ff" * 64 + ZERO_G1,
    ],
    ids=["first-off-curve", "second-off-curve", "x=p", "y=p", "x=y=max"],
)
def test_add_rejects_bad_points(data: str) -> None:
    with pytest.raises(PrecompileError):
        ADD.run(bytes.fromhex(data))


# --- mul ----------------------------------------------------------------------

CDETRIO_POINT = (
    "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
    "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
)
ORDER_HEX = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"
MUL_VECTORS = [
    (
        "chfast1",
        "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb7"
        "21611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204"
        "00000000000000000000000000000000000000000000000011138ce750fa15c2",
        "070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c"
        "031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc",
    ),
    (
        "chfast2",
        "070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c"
        "031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc"
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46",
        "025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb"
        "2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e",
    ),
    (
        "chfast3",
        "025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb"
        "2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e"
        "183227397098d014dc2822db40c0ac2ecbc0b548b438e5469e10460b6c3e7ea3",
        "14789d0d4a730b354403b5fac948113739e276c23e0258d8596ee72f9cd9d323"
        "0af18a63153e0ec25ff9f2951dd3fa90ed0197bfef6e2a1a62b5095b9d2b4a27",
    ),
    (
        "cdetrio1",
        CDETRIO_POINT + "ff" * 32,
        "2cde5879ba6f13c0b5aa4ef627f159a3347df9722efce88a9afbb20b763b4c41"
        "1aa7e43076f6aee272755a7f9b84832e71559ba0d2e0b17d5f9f01755e5b0d11",
    ),
    (
        "cdetrio2",
        CDETRIO_POINT + ORDER_HEX[:-1] + "0",
        "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
        "163511ddc1c3f25d396745388200081287b3fd1472d8339d5fecb2eae0830451",
    ),
    (
        "cdetrio3",
        CDETRIO_POINT + "0000000000000000000000000000000100000000000000000000000000000000",
        "1051acb0700ec6d42a88215852d582efbaef31529b6fcbc3277b5c1b300f5cf0"
        "135b2394bb45ab04b8bd7611bd2dfe1de6a4e6e2ccea1ea1955f577cd66af85b",
    ),
    (
        "cdetrio4",
        CDETRIO_POINT + "00" * 31 + "09",
        "1dbad7d39dbc56379f78fac1bca147dc8e66de1b9d183c7b167351bfe0aeab74"
        "2cd757d51289cd8dbd0acf9e673ad67d0f0a89f912af47ed1be53664f5692575",
    ),
    ("cdetrio5", CDETRIO_POINT + "00" * 31 + "01", CDETRIO_POINT),
    (
        "cdetrio11",
        "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
        "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98" + "ff" * 32,
        "00a1a234d08efaa2616607e31eca1980128b00b415c845ff25bba3afcb81dc00"
        "242077290ed33906aeb8e42fd98c41bcb9057ba03421af3f2d08cfc441186024",
    ),
    ("scalar-zero", CDETRIO_POINT + "00" * 32, "00" * 64),
    ("scalar-order", CDETRIO_POINT + ORDER_HEX, "00" * 64),
    ("infinity", ZERO_G1 + "ff" * 32, "00" * 64),
    ("empty", "", "00" * 64),
]


@pytest.mark.parametrize("name,data,output", MUL_VECTORS, ids=[v[0] for v in MUL_VECTORS])
def test_mul_vectors(name: str, data: str, output: str) -> None:
    assert MUL.run(bytes.fromhex(data)).hex() == output
    assert MUL.gas(bytes.fromhex(data)) == 6000


def test_short_scalar_is_right_padded() -> None:
    # Scalar byte 0x02 alone reads as 2 << 248, which equals the same bytes zero-padded.
    padded = bytes.fromhex(G1 + "02" + "00" * 31)
    assert MUL.run(bytes.fromhex(G1 + "02")) == MUL.run(padded)
    assert MUL.run(padded) != MUL.run(bytes.fromhex(G1 + "00" * 31 + "02"))


def test_mul_by_two_is_add_to_itself() -> None:
    point = bytes.fromhex(CDETRIO_POINT)
    assert MUL.run(point + (2).to_bytes(32, "big")) == ADD.run(point + point)


@pytest.mark.parametrize(
    "data",
    ["00" * 31 + "01" + "00" * 31 + "03" + "00" * 31 + "02", P_HEX + "00" * 64],
    ids=["off-curve", "x=p"],
)
def test_mul_rejects_bad_points(data: str) -> None:
    with pytest.raises(PrecompileError):
        MUL.run(bytes.fromhex(data))


# --- pairing ------------------------------------------------------------------

JEFF1 = (
    "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
    "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
    "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
    "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
    "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
    "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550"
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
    "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411" + G2
)
JEFF2 = (
    "2eca0c7238bf16e83e7a1e6c5d49540685ff51380f309842a98561558019fc02"
    "03d3260361bb8451de5ff5ecd17f010ff22f5c31cdf184e9020b06fa5997db84"
    "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee"
    "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f"
    "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237"
    "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f"
    "06967a1237ebfeca9aaae0d6d0bab8e28c198c5a339ef8a2407e31cdac516db9"
    "22160fa257a5fd5b280642ff47b65eca77e626cb685c84fa6d3b6882a283ddd1" + G2
)
JEFF6 = JEFF1[:448] + (
    "103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936"
) + G2
TWO_POINT_MATCH_2 = G1 + G2 + G1 + MINUS_G2

PAIRING_VECTORS = [
    ("jeff1", JEFF1, TRUE, 113000),
    ("jeff2", JEFF2, TRUE, 113000),
    ("jeff6", JEFF6, FALSE, 113000),
    ("empty_data", "", TRUE, 45000),
    ("one_point", G1 + G2, FALSE, 79000),
    ("two_point_match_2", TWO_POINT_MATCH_2, TRUE, 113000),
    ("ten_point_match_1", TWO_POINT_MATCH_2 * 5, TRUE, 385000),
    ("one_point_with_g1_zero", ZERO_G1 + G2, TRUE, 79000),
    ("one_point_with_g2_zero", G1 + ZERO_G2, TRUE, 79000),
    ("two_points_with_one_g2_zero", G1 + ZERO_G2 + G1 + G2, FALSE, 113000),
    ("two_point_fail", G1 + G2 + G1 + G2, FALSE, 113000),
]


@pytest.mark.parametrize(
    "name,data,output,gas", PAIRING_VECTORS, ids=[v[0] for v in PAIRING_VECTORS]
)
def test_pairing_vectors(name: str, data: str, output: bytes, gas: int) -> None:
    assert PAIRING.run(bytes.fromhex(data)) == output
    assert PAIRING.gas(bytes.fromhex(data)) == gas


def add_to_word(data: str, word_index: int, amount: int) -> str:
    start = 64 * word_index
    value = int(data[start : start + 64], 16) + amount
    return data[:start] + f"{value:064x}" + data[start + 64 :]


# A point on the twist outside G2: x = 1, y a square root of 1 + 3/ξ.
TWIST_POINT_OUTSIDE_G2 = (
    "00" * 32
    + "00" * 31
    + "01"
    + "0d1271953ed9ea0836846e70a1934187998c7f790cb4d7511b7f8da82de048a4"
    + "2869111d5381f072f8e2728fdb825a51aadd70e52c9830e9ab4b871c0531f1bb"
)
P = int(P_HEX, 16)
ORDER = int(ORDER_HEX, 16)

INVALID_PAIRINGS = [
    ("bad_length_191", (G1 + G2)[:-2]),
    ("bad_length_193", G1 + G2 + "00"),
    ("g1_off_curve", add_to_word(G1 + G2, 1, 1)),
    ("g1_x_plus_p", add_to_word(G1 + G2, 0, P)),
    ("g2_zero_and_g1_invalid", "00" * 31 + "11" + "00" * 31 + "02" + ZERO_G2),
    ("zero_point_perturbed_by_one", add_to_word(ZERO_G1 + ZERO_G2, 5, 1)),
    ("zero_point_perturbed_by_modulus", add_to_word(ZERO_G1 + ZERO_G2, 2, P)),
    ("g2_perturbed_by_one", add_to_word(G1 + G2, 5, 1)),
    ("g2_perturbed_by_field_modulus", add_to_word(G1 + G2, 3, P)),
    ("g2_perturbed_by_curve_order", add_to_word(G1 + G2, 3, ORDER)),
    ("g2_not_in_subgroup", G1 + TWIST_POINT_OUTSIDE_G2),
    ("g2_not_in_subgroup_with_g1_zero", ZERO_G1 + TWIST_POINT_OUTSIDE_G2),
    ("second_pair_invalid", G1 + G2 + add_to_word(G1 + G2, 1, 1)),
]


@pytest.mark.parametrize("name,data", INVALID_PAIRINGS, ids=[v[0] for v in INVALID_PAIRINGS])
def test_pairing_rejects_invalid_input(name: str, data: str) -> None:
    with pytest.raises(PrecompileError):
        PAIRING.run(bytes.fromhex(data))


def test_pairing_gas_counts_whole_pairs_only() -> None:
    assert PAIRING.gas(bytes(191)) == 45000
    assert PAIRING.gas(bytes(193)) == 79000
    assert PAIRING.gas(bytes(192 * 100)) == 45000 + 34000 * 100


# --- the G2 subgroup test ----------------------------------------------------


def test_twist_point_outside_g2_is_on_the_twist_but_not_of_order_r() -> None:
    x = (mpz(1), mpz(0))
    y = (
        mpz(0x2869111D5381F072F8E2728FDB825A51AADD70E52C9830E9AB4B871C0531F1BB),
        mpz(0x0D1271953ED9EA0836846E70A1934187998C7F790CB4D7511B7F8DA82DE048A4),
    )
    assert curve.is_on_twist(x, y)
    assert not curve.in_g2_subgroup((x, y))
    multiple = None
    for bit in bin(ORDER)[2:]:
        multiple = curve.g2_add(multiple, multiple)
        if bit == "1":
            multiple = curve.g2_add(multiple, (x, y))
    assert multiple is not None


def test_subgroup_test_endomorphism_vanishes_exactly_on_g2() -> None:
    """(x+1) + xψ + xψ² − 2xψ³ is 0 on G2 (ψ acts as p there), and its degree,
    the norm a² + abt + b²p of its form a + bψ (using ψ² = tψ − p), is r times a
    number coprime to the twist's cofactor 2p − r."""
    x, p, r = fields.BN_X, int(fields.P), curve.R
    assert ((x + 1) + x * p + x * p**2 - 2 * x * p**3) % r == 0
    t = 6 * x * x + 1
    a = x + 1 - x * p + 2 * x * t * p  # from ψ³ = (t² − p)ψ − tp
    b = x + x * t - 2 * x * (t * t - p)
    degree = a * a + a * b * t + b * b * p
    assert degree % r == 0 and degree // r % r != 0
    assert math.gcd(degree // r, 2 * p - r) == 1


# --- the pairing against py_ecc ----------------------------------------------


def ours(point: tuple) -> tuple:
    x, y = reference.normalize(point)
    if isinstance(x, reference.FQ):
        return mpz(int(x)), mpz(int(y))
    return tuple((mpz(int(c.coeffs[0])), mpz(int(c.coeffs[1]))) for c in (x, y))


def as_reference_fq12(f: fields.Fp12) -> reference.FQ12:
    """Our tower element as py_ecc's polynomial in w (w⁶ = 9 + u, so u = w⁶ − 9)."""
    g, h = f
    coefficients = [0] * 12
    for k, (real, imaginary) in enumerate(
        [g[0:2], h[0:2], g[2:4], h[2:4], g[4:6], h[4:6]]
    ):
        coefficients[k] += int(real) - 9 * int(imaginary)
        coefficients[k + 6] += int(imaginary)
    return reference.FQ12([c % reference.field_modulus for c in coefficients])


def test_pairing_value_equals_py_ecc() -> None:
    rng = random.Random(254)
    p = reference.multiply(reference.G1, rng.randrange(1, ORDER))
    q = reference.multiply(reference.G2, rng.randrange(1, ORDER))
    value = fields.final_exponentiation(ate.miller_loop([(ours(p), ours(q))]))
    assert as_reference_fq12(value) == reference.pairing(q, p)


def test_pairing_is_bilinear() -> None:
    rng = random.Random(197)
    a, b = rng.randrange(1, ORDER), rng.randrange(1, ORDER)
    p = ours(reference.multiply(reference.G1, a))
    q = ours(reference.multiply(reference.G2, b))
    g1 = ours(reference.G1)
    ab_q = ours(reference.multiply(reference.G2, a * b % ORDER))
    minus_g1 = ours(reference.neg(reference.G1))
    assert ate.pairing_check([(p, q), (minus_g1, ab_q)])
    assert not ate.pairing_check([(p, q), (g1, ab_q)])


def test_cyclotomic_squaring_matches_squaring() -> None:
    g = ours(reference.G1), ours(reference.G2)
    f = fields.final_exponentiation(ate.miller_loop([g]))
    assert as_reference_fq12(fields.cyclotomic_sqr(f)) == as_reference_fq12(fields.fp12_sqr(f))
