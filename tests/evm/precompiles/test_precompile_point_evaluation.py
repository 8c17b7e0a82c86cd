"""KZG point evaluation (0x0a): EIP-4844 vectors against the mainnet setup."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES, PrecompileError
from ovm.evm.precompiles.point_evaluation import trusted_setup
from support import ETHEREUM_TESTS

POINT_EVALUATION = CANCUN_PRECOMPILES[(10).to_bytes(20, "big")]
SUCCESS = bytes.fromhex(
    "0000000000000000000000000000000000000000000000000000000000001000"
    "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"
)

# The c-kzg-4844 / go-kzg-4844 verify_kzg_proof vectors correct_proof_26b753dec0560daa
# and incorrect_proof_26b753dec0560daa, as encoded by execution-spec-tests.
VERSIONED_HASH = "01ad7666ef9d8f53b5adf54f029b13b6f171b1d0bd346a2ede315d3e243484ef"
Z = "0000000000000000000000000000000000000000000000000000000000000000"
Y = "73e66878b46ae3705eb6a46a89213de7d3686828bfce5c19400fffff00100001"
COMMITMENT = (
    "93efc82d2017e9c57834a1246463e64774e56183bb247c8fc9dd98c56817e878"
    "d97b05f5c8d900acf1fbbbca6f146556"
)
PROOF = (
    "b82ded761997f2c6f1bb3db1e1dada2ef06d936551667c82f659b75f99d2da20"
    "68b81340823ee4e829a93c9fbed7810d"
)
WRONG_PROOF = (
    "90f53a4837bbde6ab0838fef0c0be5339ab03a78342c221cf6b2d6e465d01a3d"
    "47585a808c9d8d25dee885007deeb107"
)
VALID = bytes.fromhex(VERSIONED_HASH + Z + Y + COMMITMENT + PROOF)


def test_valid_proof_returns_blob_size_and_modulus() -> None:
    assert POINT_EVALUATION.run(VALID) == SUCCESS
    assert POINT_EVALUATION.gas(VALID) == 50000


def test_versioned_hash_is_version_byte_and_sha256_tail() -> None:
    digest = hashlib.sha256(bytes.fromhex(COMMITMENT)).digest()
    assert bytes.fromhex(VERSIONED_HASH) == b"\x01" + digest[1:]


def test_wrong_proof_fails() -> None:
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(bytes.fromhex(VERSIONED_HASH + Z + Y + COMMITMENT + WRONG_PROOF))


def test_wrong_value_fails() -> None:
    other_y = Y[:-1] + "2"
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(bytes.fromhex(VERSIONED_HASH + Z + other_y + COMMITMENT + PROOF))


def test_bad_version_byte_fails() -> None:
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(b"\x02" + VALID[1:])


def test_mismatched_versioned_hash_fails() -> None:
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(VALID[:31] + bytes([VALID[31] ^ 1]) + VALID[32:])


@pytest.mark.parametrize("size", [0, 191, 193])
def test_wrong_length_fails(size: int) -> None:
    data = (VALID + b"\x00")[:size]
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(data)
    assert POINT_EVALUATION.gas(data) == 50000


@pytest.mark.parametrize(
    "z,y",
    [
        ("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", Y),
        (Z, "ff" * 32),
    ],
    ids=["z=modulus", "y>modulus"],
)
def test_field_elements_not_below_the_modulus_fail(z: str, y: str) -> None:
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(bytes.fromhex(VERSIONED_HASH + z + y + COMMITMENT + PROOF))


def test_commitment_not_on_the_curve_fails() -> None:
    commitment = bytes.fromhex(COMMITMENT)[:-1] + b"\x00"
    versioned = b"\x01" + hashlib.sha256(commitment).digest()[1:]
    data = versioned + bytes.fromhex(Z + Y) + commitment + bytes.fromhex(PROOF)
    with pytest.raises(PrecompileError):
        POINT_EVALUATION.run(data)


def test_trusted_setup_is_loaded_once() -> None:
    assert trusted_setup() is trusted_setup()


EXTERNAL_VECTORS = (
    ETHEREUM_TESTS
    / "GeneralStateTests/Pyspecs/cancun/eip4844_blobs"
    / "point_evaluation_precompile_external_vectors.json"
)


def external_vectors() -> list[tuple[str, bytes]]:
    """The inputs of execution-spec-tests' external-vector state tests, each named
    by its go-kzg-4844 case (correct_proof_…, incorrect_proof_…, invalid_…)."""
    fixtures = json.loads(EXTERNAL_VECTORS.read_text())
    vectors = []
    for name, fixture in fixtures.items():
        case = re.search(r"verify_kzg_proof_case_(\w+)\]", name)
        if case:
            vectors.append((case.group(1), bytes.fromhex(fixture["transaction"]["data"][0][2:])))
    return vectors


@pytest.mark.skipif(not EXTERNAL_VECTORS.exists(), reason="shared fixtures not present")
@pytest.mark.parametrize("case,data", external_vectors() or [("none", b"")])
def test_external_vectors(case: str, data: bytes) -> None:
    if case.startswith("correct_proof"):
        assert POINT_EVALUATION.run(data) == SUCCESS
    else:
        with pytest.raises(PrecompileError):
            POINT_EVALUATION.run(data)
