"""sha256 (0x02), ripemd160 (0x03) and identity (0x04): outputs and prices."""

from __future__ import annotations

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES

SHA256 = CANCUN_PRECOMPILES[(2).to_bytes(20, "big")]
RIPEMD160 = CANCUN_PRECOMPILES[(3).to_bytes(20, "big")]
IDENTITY = CANCUN_PRECOMPILES[(4).to_bytes(20, "big")]

# FIPS 180-2 and the RIPEMD-160 reference vectors.
SHA256_VECTORS = [
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ),
]
RIPEMD160_VECTORS = [
    (b"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
    (b"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
    (b"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
]


@pytest.mark.parametrize("data,digest", SHA256_VECTORS)
def test_sha256(data: bytes, digest: str) -> None:
    assert SHA256.run(data).hex() == digest


@pytest.mark.parametrize("data,digest", RIPEMD160_VECTORS)
def test_ripemd160_is_left_padded_to_a_word(data: bytes, digest: str) -> None:
    assert RIPEMD160.run(data).hex() == "00" * 12 + digest


@pytest.mark.parametrize("data", [b"", b"\x00", b"hello world" * 10])
def test_identity_copies(data: bytes) -> None:
    assert IDENTITY.run(data) == data


def test_identity_returns_bytes_for_memoryview_input() -> None:
    assert IDENTITY.run(memoryview(b"abc")) == b"abc"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "size,sha256_gas,ripemd160_gas,identity_gas",
    [
        (0, 60, 600, 15),
        (1, 72, 720, 18),
        (32, 72, 720, 18),
        (33, 84, 840, 21),
        (64, 84, 840, 21),
        (1000, 60 + 12 * 32, 600 + 120 * 32, 15 + 3 * 32),
    ],
)
def test_prices_per_word(size: int, sha256_gas: int, ripemd160_gas: int, identity_gas: int) -> None:
    data = b"\x01" * size
    assert SHA256.gas(data) == sha256_gas
    assert RIPEMD160.gas(data) == ripemd160_gas
    assert IDENTITY.gas(data) == identity_gas
