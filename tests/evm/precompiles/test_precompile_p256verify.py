"""P256VERIFY (EIP-7951; RIP-7212 on OP chains) at 0x100.

go-ethereum's vector file (Wycheproof's P-256/SHA-256 sets and a few more,
exact output and gas), then EIP-7951's input checks one by one on signatures
made here: any failure is an empty output, never a failed call.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

from ovm.evm.precompiles import P256VERIFY_ADDRESS, p256verify_precompile
from ovm.evm.precompiles.p256verify import FJORD_GAS, N, OSAKA_GAS, P

VECTORS = json.loads((Path(__file__).with_name("vectors") / "p256Verify.json").read_text())
P256VERIFY = p256verify_precompile()
VALID = (1).to_bytes(32, "big")


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def signed_input(message: bytes = b"ovm", private_value: int = 0xC0FFEE) -> tuple[bytes, ...]:
    """(h, r, s, qx, qy) as 32-byte words, for a signature made with cryptography."""
    key = ec.derive_private_key(private_value, ec.SECP256R1())
    digest = hashlib.sha256(message).digest()
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    numbers = key.public_key().public_numbers()
    return digest, word(r), word(s), word(numbers.x), word(numbers.y)


def check(*words: bytes) -> bytes:
    return P256VERIFY.run(b"".join(words))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["Name"] for v in VECTORS])
def test_vector_output_and_gas(vector: dict) -> None:
    data = bytes.fromhex(vector["Input"])
    assert P256VERIFY.run(data).hex() == vector["Expected"]
    assert P256VERIFY.gas(data) == vector["Gas"] == OSAKA_GAS


def test_vectors_hold_both_outcomes() -> None:
    outputs = {v["Expected"] for v in VECTORS}
    assert outputs == {VALID.hex(), ""}


def test_address_and_the_forks_prices() -> None:
    assert P256VERIFY_ADDRESS == (0x100).to_bytes(20, "big")
    assert P256VERIFY.name == "p256verify"
    assert (OSAKA_GAS, FJORD_GAS) == (6900, 3450)
    fjord = p256verify_precompile(FJORD_GAS)
    for data in (b"", bytes(160), b"".join(signed_input())):
        assert P256VERIFY.gas(data) == 6900
        assert fjord.gas(data) == 3450
    assert fjord.run(b"".join(signed_input())) == VALID


def test_a_fresh_signature_verifies() -> None:
    assert check(*signed_input()) == VALID
    assert check(*signed_input(b"another message", 12345)) == VALID


def test_the_hash_is_taken_as_given() -> None:
    h, r, s, qx, qy = signed_input()
    assert check(hashlib.sha256(h).digest(), r, s, qx, qy) == b""
    assert check(bytes([h[0] ^ 1]) + h[1:], r, s, qx, qy) == b""


def test_high_s_is_accepted_as_nist_does() -> None:
    h, r, s, qx, qy = signed_input()
    assert check(h, r, word(N - int.from_bytes(s, "big")), qx, qy) == VALID


def test_r_equal_to_r_prime_mod_n_is_accepted() -> None:
    """Wycheproof's "k*G has a large x-coordinate": R'.x ≥ n and r = R'.x − n.
    EIP-7951 compares mod n (RIP-7212's text compared R'.x itself)."""
    (vector,) = [
        v for v in VECTORS
        if v["Name"].startswith("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json")
        and v["Name"].endswith("k*G has a large x-coordinate")
    ]
    assert P256VERIFY.run(bytes.fromhex(vector["Input"])) == VALID


@pytest.mark.parametrize("bad_r", [0, N, N + 1, (1 << 256) - 1])
def test_r_must_be_in_1_to_n(bad_r: int) -> None:
    h, r, s, qx, qy = signed_input()
    assert check(h, word(bad_r), s, qx, qy) == b""


@pytest.mark.parametrize("bad_s", [0, N, N + 1, (1 << 256) - 1])
def test_s_must_be_in_1_to_n(bad_s: int) -> None:
    h, r, s, qx, qy = signed_input()
    assert check(h, r, word(bad_s), qx, qy) == b""


def test_public_key_coordinates_must_be_below_p() -> None:
    """Wycheproof's key with a y below 2²⁵⁶ − p, so that y + p, the same
    coordinate mod p, still fits the word: refused."""
    (vector,) = [
        v for v in VECTORS
        if v["Name"].startswith("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json")
        and v["Name"].endswith("#214: y-coordinate of the public key is small")
    ]
    data = bytes.fromhex(vector["Input"])
    assert P256VERIFY.run(data) == VALID
    y = int.from_bytes(data[128:], "big")
    assert y + P < 1 << 256
    assert P256VERIFY.run(data[:128] + word(y + P)) == b""
    h, r, s, qx, _ = signed_input()
    assert check(h, r, s, qx, word(P)) == b""
    assert check(h, r, s, word(P), word(0)) == b""


def test_public_key_must_be_on_the_curve() -> None:
    h, r, s, qx, qy = signed_input()
    assert check(h, r, s, qx, word(int.from_bytes(qy, "big") ^ 1)) == b""


def test_public_key_must_not_be_infinity() -> None:
    h, r, s, _, _ = signed_input()
    assert check(h, r, s, word(0), word(0)) == b""


def test_wrong_key_fails() -> None:
    h, r, s, _, _ = signed_input()
    _, _, _, qx, qy = signed_input(private_value=0xBEEF)
    assert check(h, r, s, qx, qy) == b""


@pytest.mark.parametrize("size", [0, 1, 128, 159, 161, 192, 320])
def test_input_must_be_exactly_160_bytes(size: int) -> None:
    data = (b"".join(signed_input()) * 2)[:size]
    assert P256VERIFY.run(data) == b""
    assert P256VERIFY.gas(data) == OSAKA_GAS
