"""BLS12-381 precompiles (EIP-2537, 0x0b–0x11).

go-ethereum's vector files (``vectors/``: output and exact gas of every valid
input, and every input that must fail), then the EIP's fine points one by one,
checked against py_ecc's independent arithmetic where a result is computed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from py_ecc.bls.hash_to_curve import (
    clear_cofactor_G1,
    clear_cofactor_G2,
    map_to_curve_G1,
    map_to_curve_G2,
)
from py_ecc.fields import optimized_bls12_381_FQ as FQ
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
from py_ecc.optimized_bls12_381 import G1, G2, add, curve_order, is_inf, multiply, neg, normalize

from ovm.evm.precompiles import (
    BLS12_381_PRECOMPILES,
    CANCUN_PRECOMPILES,
    PrecompileError,
)
from ovm.evm.forks import CANCUN, PRAGUE
from ovm.evm.precompiles.bls12_381 import G1_MSM_DISCOUNTS, G2_MSM_DISCOUNTS, P, Q
from ovm.transpiler import TranspilingRunner
from support import asm, call_contract, make_state

VECTORS = Path(__file__).with_name("vectors")
# go-ethereum's file names; its single-multiplication files run on the MSMs.
FAMILIES = {
    "blsG1Add": 0x0B,
    "blsG1Mul": 0x0C,
    "blsG1MultiExp": 0x0C,
    "blsG2Add": 0x0D,
    "blsG2Mul": 0x0E,
    "blsG2MultiExp": 0x0E,
    "blsPairing": 0x0F,
    "blsMapG1": 0x10,
    "blsMapG2": 0x11,
}


def address(number: int) -> bytes:
    return number.to_bytes(20, "big")


G1ADD, G1MSM, G2ADD, G2MSM, PAIRING, MAP_G1, MAP_G2 = (
    BLS12_381_PRECOMPILES[address(n)] for n in range(0x0B, 0x12)
)
TRUE, FALSE = (1).to_bytes(32, "big"), bytes(32)


def load_vectors(prefix: str) -> list:
    params = []
    for family, number in FAMILIES.items():
        for vector in json.loads((VECTORS / f"{prefix}{family}.json").read_text()):
            params.append(pytest.param(number, vector, id=f"{prefix}{family}:{vector['Name']}"))
    return params


# --- go-ethereum's vectors -------------------------------------------------------


@pytest.mark.parametrize("number, vector", load_vectors(""))
def test_vector_output_and_gas(number: int, vector: dict) -> None:
    precompile = BLS12_381_PRECOMPILES[address(number)]
    data = bytes.fromhex(vector["Input"])
    assert precompile.run(data).hex() == vector["Expected"]
    assert precompile.gas(data) == vector["Gas"]


@pytest.mark.parametrize("number, vector", load_vectors("fail-"))
def test_failure_vector_fails(number: int, vector: dict) -> None:
    precompile = BLS12_381_PRECOMPILES[address(number)]
    data = bytes.fromhex(vector["Input"])
    assert isinstance(precompile.gas(data), int)
    with pytest.raises(PrecompileError):
        precompile.run(data)


def test_every_vector_file_is_used() -> None:
    used = {f"{prefix}{family}.json" for family in FAMILIES for prefix in ("", "fail-")}
    assert {path.name for path in VECTORS.glob("bls*.json")} | {
        path.name for path in VECTORS.glob("fail-bls*.json")
    } == used


# --- the table --------------------------------------------------------------------


def test_prague_table_is_cancun_plus_0x0b_to_0x11() -> None:
    assert sorted(BLS12_381_PRECOMPILES) == [address(n) for n in range(0x0B, 0x12)]
    assert PRAGUE.precompiles == {**CANCUN_PRECOMPILES, **BLS12_381_PRECOMPILES}
    assert [p.name for p in BLS12_381_PRECOMPILES.values()] == [
        "bls12_g1add",
        "bls12_g1msm",
        "bls12_g2add",
        "bls12_g2msm",
        "bls12_pairing_check",
        "bls12_map_fp_to_g1",
        "bls12_map_fp2_to_g2",
    ]


# --- gas ----------------------------------------------------------------------------


def test_flat_prices() -> None:
    assert G1ADD.gas(bytes(256)) == 375
    assert G2ADD.gas(bytes(512)) == 600
    assert MAP_G1.gas(bytes(64)) == 5500
    assert MAP_G2.gas(bytes(128)) == 23800


@pytest.mark.parametrize(
    "precompile, pair_size, multiplication, table",
    [(G1MSM, 160, 12000, G1_MSM_DISCOUNTS), (G2MSM, 288, 22500, G2_MSM_DISCOUNTS)],
    ids=["G1MSM", "G2MSM"],
)
def test_msm_price_follows_the_discount_table_and_its_cap(
    precompile, pair_size: int, multiplication: int, table: tuple
) -> None:
    assert len(table) == 128 and table[0] == 1000
    assert list(table) == sorted(table, reverse=True)
    for k in (1, 2, 3, 64, 127, 128, 129, 200, 1024):
        discount = table[min(k, 128) - 1]
        assert precompile.gas(bytes(k * pair_size)) == k * multiplication * discount // 1000
    assert precompile.gas(bytes(pair_size)) == multiplication
    assert precompile.gas(bytes(129 * pair_size)) == 129 * multiplication * table[-1] // 1000
    # too short for one pair, or a ragged tail: priced by whole pairs, and fails anyway
    assert precompile.gas(b"") == 0
    assert precompile.gas(bytes(pair_size - 1)) == 0
    assert precompile.gas(bytes(2 * pair_size + 7)) == precompile.gas(bytes(2 * pair_size))


def test_msm_discount_tables_at_known_points() -> None:
    assert (G1_MSM_DISCOUNTS[1], G1_MSM_DISCOUNTS[-1]) == (949, 519)
    assert (G2_MSM_DISCOUNTS[1], G2_MSM_DISCOUNTS[2], G2_MSM_DISCOUNTS[-1]) == (1000, 923, 524)
    assert G1MSM.gas(bytes(2 * 160)) == 22776
    assert G2MSM.gas(bytes(2 * 288)) == 45000


@pytest.mark.parametrize("k", [1, 2, 5, 100])
def test_pairing_price(k: int) -> None:
    assert PAIRING.gas(bytes(384 * k)) == 37700 + 32600 * k


# --- encodings ------------------------------------------------------------------------


def fp(value: int) -> bytes:
    return value.to_bytes(64, "big")


def fp2(element) -> bytes:
    c0, c1 = element.coeffs
    return fp(int(c0)) + fp(int(c1))


def g1(point) -> bytes:
    """py_ecc's point, as the EIP encodes it."""
    if is_inf(point):
        return bytes(128)
    x, y = normalize(point)
    return fp(int(x)) + fp(int(y))


def g2(point) -> bytes:
    if is_inf(point):
        return bytes(256)
    x, y = normalize(point)
    return fp2(x) + fp2(y)


def scalar(value: int) -> bytes:
    return value.to_bytes(32, "big")


# On the curve but not in the subgroup of order q: the SWU maps before cofactor clearing.
OUTSIDE_G1 = map_to_curve_G1(FQ(7))
OUTSIDE_G2 = map_to_curve_G2(FQ2((7, 11)))


def test_the_points_outside_the_subgroup_are_on_their_curves_and_outside() -> None:
    from py_ecc.optimized_bls12_381 import b, b2, is_on_curve

    assert is_on_curve(OUTSIDE_G1, b) and not is_inf(multiply(OUTSIDE_G1, curve_order))
    assert is_on_curve(OUTSIDE_G2, b2) and not is_inf(multiply(OUTSIDE_G2, curve_order))


def test_field_element_must_have_16_zero_top_bytes() -> None:
    data = fp(5)
    assert len(MAP_G1.run(data)) == 128
    for position in (0, 15):
        padded = bytearray(data)
        padded[position] = 1
        with pytest.raises(PrecompileError, match="top 16 bytes"):
            MAP_G1.run(bytes(padded))


def test_field_element_must_be_below_p() -> None:
    assert MAP_G1.run(fp(P - 1)) == g1(clear_cofactor_G1(map_to_curve_G1(FQ(P - 1))))
    for value in (P, P + 1, (1 << 384) - 1):
        with pytest.raises(PrecompileError, match="modulus"):
            MAP_G1.run(fp(value))
        with pytest.raises(PrecompileError, match="modulus"):
            MAP_G2.run(fp(1) + fp(value))


def test_coordinate_at_p_is_refused_in_every_operation() -> None:
    x, y = (int(c) for c in normalize(G1))
    bad = fp(x + P) if x + P < 1 << 384 else fp(P)
    with pytest.raises(PrecompileError):
        G1ADD.run(bad + fp(y) + g1(G1))
    with pytest.raises(PrecompileError):
        G1MSM.run(bad + fp(y) + scalar(1))
    with pytest.raises(PrecompileError):
        PAIRING.run(bad + fp(y) + g2(G2))


@pytest.mark.parametrize(
    "precompile, size",
    [(G1ADD, 256), (G2ADD, 512), (MAP_G1, 64), (MAP_G2, 128)],
    ids=["G1ADD", "G2ADD", "MAP_FP_TO_G1", "MAP_FP2_TO_G2"],
)
def test_fixed_length_inputs_refuse_any_other_length(precompile, size: int) -> None:
    for length in (0, 1, size - 1, size + 1, 2 * size):
        with pytest.raises(PrecompileError, match="bytes, expected"):
            precompile.run(bytes(length))


@pytest.mark.parametrize(
    "precompile, pair_size",
    [(G1MSM, 160), (G2MSM, 288), (PAIRING, 384)],
    ids=["G1MSM", "G2MSM", "PAIRING_CHECK"],
)
def test_variable_length_inputs_refuse_empty_and_ragged(precompile, pair_size: int) -> None:
    for length in (0, 1, pair_size - 1, pair_size + 1, 3 * pair_size - 32):
        with pytest.raises(PrecompileError, match="positive multiple"):
            precompile.run(bytes(length))


# --- subgroup checks: not for addition, always for MSM and pairing --------------------------


def test_g1_addition_takes_points_outside_the_subgroup() -> None:
    result = G1ADD.run(g1(OUTSIDE_G1) + g1(G1))
    assert result == g1(add(OUTSIDE_G1, G1))


def test_g2_addition_takes_points_outside_the_subgroup() -> None:
    result = G2ADD.run(g2(OUTSIDE_G2) + g2(OUTSIDE_G2))
    assert result == g2(add(OUTSIDE_G2, OUTSIDE_G2))


def test_addition_refuses_points_off_the_curve() -> None:
    x, y = (int(c) for c in normalize(G1))
    with pytest.raises(PrecompileError, match="not on the curve"):
        G1ADD.run(fp(x) + fp(y + 1) + g1(G1))
    encoded = bytearray(g2(G2))
    encoded[-1] ^= 1
    with pytest.raises(PrecompileError, match="not on the curve"):
        G2ADD.run(g2(G2) + bytes(encoded))


def test_msm_refuses_points_outside_the_subgroup() -> None:
    with pytest.raises(PrecompileError, match="subgroup"):
        G1MSM.run(g1(G1) + scalar(1) + g1(OUTSIDE_G1) + scalar(0))
    with pytest.raises(PrecompileError, match="subgroup"):
        G2MSM.run(g2(OUTSIDE_G2) + scalar(3))


def test_pairing_refuses_points_outside_the_subgroup() -> None:
    with pytest.raises(PrecompileError, match="G1 point not in the subgroup"):
        PAIRING.run(g1(OUTSIDE_G1) + g2(G2))
    with pytest.raises(PrecompileError, match="G2 point not in the subgroup"):
        PAIRING.run(g1(G1) + g2(OUTSIDE_G2))
    # even beside a pair with the point at infinity, which contributes nothing
    with pytest.raises(PrecompileError, match="subgroup"):
        PAIRING.run(bytes(128) + g2(OUTSIDE_G2))


# --- the point at infinity ------------------------------------------------------------


def test_infinity_is_all_zeros_in_and_out() -> None:
    assert G1ADD.run(bytes(256)) == bytes(128)
    assert G2ADD.run(bytes(512)) == bytes(256)
    assert G1ADD.run(g1(G1) + g1(neg(G1))) == bytes(128)
    assert G2ADD.run(bytes(256) + g2(G2)) == g2(G2)
    assert G1MSM.run(g1(G1) + scalar(0)) == bytes(128)
    assert G1MSM.run(bytes(128) + scalar(5)) == bytes(128)
    assert G2MSM.run(g2(G2) + scalar(Q)) == bytes(256)


def test_pairs_with_infinity_contribute_one() -> None:
    assert PAIRING.run(bytes(128) + g2(G2)) == TRUE
    assert PAIRING.run(g1(G1) + bytes(256)) == TRUE
    assert PAIRING.run(g1(G1) + g2(G2) + bytes(384)) == FALSE


# --- arithmetic, against py_ecc ------------------------------------------------------


def test_scalars_need_not_be_below_q() -> None:
    assert G1MSM.run(g1(G1) + scalar(Q + 2)) == g1(multiply(G1, 2))
    big = (1 << 256) - 1
    assert G1MSM.run(g1(G1) + scalar(big)) == g1(multiply(G1, big % Q))


def test_msm_is_the_sum_of_the_products() -> None:
    rng = random.Random(1)
    scalars = [rng.randrange(1 << 256) for _ in range(3)]
    points = [multiply(G1, rng.randrange(1, Q)) for _ in range(3)]
    data = b"".join(g1(p) + scalar(s) for p, s in zip(points, scalars))
    expected = None
    for p, s in zip(points, scalars):
        product = multiply(p, s % Q)
        expected = product if expected is None else add(expected, product)
    assert G1MSM.run(data) == g1(expected)


def test_g2_msm_of_two_pairs() -> None:
    data = g2(G2) + scalar(3) + g2(multiply(G2, 5)) + scalar(7)
    assert G2MSM.run(data) == g2(multiply(G2, 38))


def test_pairing_is_bilinear() -> None:
    a, b = 1234567, 7654321
    left = g1(multiply(G1, a)) + g2(multiply(G2, b))
    assert PAIRING.run(left + g1(neg(multiply(G1, a * b))) + g2(G2)) == TRUE
    assert PAIRING.run(left + g1(neg(multiply(G1, a * b + 1))) + g2(G2)) == FALSE
    assert PAIRING.run(g1(G1) + g2(G2)) == FALSE


@pytest.mark.parametrize("value", [0, 1, 2, 0x1234, P - 1, 1 << 380])
def test_map_to_g1_is_swu_then_cofactor_clearing(value: int) -> None:
    assert MAP_G1.run(fp(value)) == g1(clear_cofactor_G1(map_to_curve_G1(FQ(value))))


@pytest.mark.parametrize("c0, c1", [(0, 0), (1, 0), (0, 1), (P - 1, 12345)])
def test_map_to_g2_is_swu_then_cofactor_clearing(c0: int, c1: int) -> None:
    expected = clear_cofactor_G2(map_to_curve_G2(FQ2((c0, c1))))
    assert MAP_G2.run(fp(c0) + fp(c1)) == g2(expected)


# --- never anything but bytes or PrecompileError ----------------------------------------


@pytest.mark.parametrize("number", range(0x0B, 0x12))
def test_random_inputs_give_bytes_or_precompile_error(number: int) -> None:
    precompile = BLS12_381_PRECOMPILES[address(number)]
    rng = random.Random(number)
    sizes = (0, 1, 64, 128, 160, 256, 288, 384, 512, 1000)
    for size in sizes:
        for _ in range(4):
            data = bytes(16) * (size // 64) + rng.randbytes(size - 16 * (size // 64))
            assert precompile.gas(data) >= 0
            try:
                output = precompile.run(data)
            except PrecompileError:
                continue
            assert isinstance(output, bytes)


# --- through a transaction, on both engines -----------------------------------------

ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
CALL_GAS = 50_000
# Between the two GAS readings: five pushes and CALLDATASIZE (17), the second
# GAS (2), and STATICCALL's access to a warm address (100).
AROUND_THE_CALL = 17 + 2 + 100


def caller(target: int, call_gas: int = CALL_GAS) -> bytes:
    """Copies its calldata to memory, STATICCALLs ``target`` with it, and
    returns (success, gas the call took, output size) as three words."""
    return asm(
        "CALLDATASIZE", "PUSH1 0", "PUSH1 0", "CALLDATACOPY",
        "GAS",
        "PUSH1 0", "PUSH1 0", "CALLDATASIZE", "PUSH1 0", f"PUSH2 {target}", f"PUSH3 {call_gas}",
        "STATICCALL",
        "GAS",
        "SWAP1", "PUSH1 0", "MSTORE",
        "SWAP1", "SUB", "PUSH1 32", "MSTORE",
        "RETURNDATASIZE", "PUSH1 64", "MSTORE",
        "PUSH1 96", "PUSH1 0", "RETURN",
    )  # fmt: skip


def call_through_evm(target: int, data: bytes, engine: str, fork=PRAGUE, call_gas: int = CALL_GAS):
    """(success, gas the STATICCALL took beyond AROUND_THE_CALL, output size)."""
    result = call_contract(
        make_state(), caller(target, call_gas), data=data, fork=fork, code_runner=ENGINES[engine]
    )
    assert result.success, result.error
    success, taken, size = (int.from_bytes(result.output[i : i + 32], "big") for i in (0, 32, 64))
    return success, taken - AROUND_THE_CALL, size


def first_vector(prefix: str, family: str) -> bytes:
    return bytes.fromhex(json.loads((VECTORS / f"{prefix}{family}.json").read_text())[0]["Input"])


TRANSACTION_CASES = [
    ("blsG1Add", 0x0B, 128),
    ("blsG1MultiExp", 0x0C, 128),
    ("blsG2Add", 0x0D, 256),
    ("blsG2MultiExp", 0x0E, 256),
    ("blsPairing", 0x0F, 32),
    ("blsMapG1", 0x10, 128),
    ("blsMapG2", 0x11, 256),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family, number, output_size", TRANSACTION_CASES)
def test_call_charges_exactly_the_price(family: str, number: int, output_size: int, engine: str) -> None:
    data = first_vector("", family)
    price = BLS12_381_PRECOMPILES[address(number)].gas(data)
    success, taken, size = call_through_evm(number, data, engine, call_gas=price + 1000)
    assert (success, size) == (1, output_size)
    assert taken == price


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family, number, output_size", TRANSACTION_CASES)
def test_failed_call_consumes_all_the_gas_it_was_given(
    family: str, number: int, output_size: int, engine: str
) -> None:
    data = first_vector("fail-", family)
    assert call_through_evm(number, data, engine) == (0, CALL_GAS, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_too_little_gas_fails_the_call_and_consumes_it(engine: str) -> None:
    data = first_vector("", "blsPairing")
    price = PAIRING.gas(data)
    assert call_through_evm(0x0F, data, engine, call_gas=price - 1) == (0, price - 1, 0)
    assert call_through_evm(0x0F, data, engine, call_gas=price) == (1, price, 32)


@pytest.mark.parametrize("engine", ENGINES)
def test_cancun_has_no_precompile_at_0x0b(engine: str) -> None:
    """An empty account there, and cold: the call succeeds with no output."""
    data = first_vector("", "blsG1Add")
    success, taken, size = call_through_evm(0x0B, data, engine, fork=CANCUN)
    assert (success, size) == (1, 0)
    assert taken == 2600 - 100
