"""blake2f (0x09): the EIP-152 test vectors, valid and invalid."""

from __future__ import annotations

import hashlib
import struct

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES, PrecompileError

# BLAKE2b's initialisation vector (the SHA-512 one), for driving F by hand.
IV = (
    0x6A09E667F3BCC908,
    0xBB67AE8584CAA73B,
    0x3C6EF372FE94F82B,
    0xA54FF53A5F1D36F1,
    0x510E527FADE682D1,
    0x9B05688C2B3E6C1F,
    0x1F83D9ABFB41BD6B,
    0x5BE0CD19137E2179,
)

BLAKE2F = CANCUN_PRECOMPILES[(9).to_bytes(20, "big")]

# EIP-152's vectors share h, m and t; they differ in rounds and the final flag.
STATE = (
    "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
    "d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"
    "6162630000000000000000000000000000000000000000000000000000000000"
    + "00" * 96
    + "0300000000000000"
    + "0000000000000000"
)


def vector(rounds: str, final: str) -> bytes:
    return bytes.fromhex(rounds + STATE + final)


VALID = [
    (
        "vector 4",
        vector("00000000", "01"),
        "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
        "d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b",
    ),
    (
        "vector 5",
        vector("0000000c", "01"),
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    ),
    (
        "vector 6",
        vector("0000000c", "00"),
        "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d28752"
        "98743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735",
    ),
    (
        "vector 7",
        vector("00000001", "01"),
        "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fb"
        "a551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421",
    ),
]


@pytest.mark.parametrize("name,data,output", VALID, ids=[v[0] for v in VALID])
def test_valid_vectors(name: str, data: bytes, output: str) -> None:
    assert BLAKE2F.run(data).hex() == output
    assert BLAKE2F.gas(data) == int.from_bytes(data[:4], "big")


@pytest.mark.slow
def test_vector_8_eight_million_rounds() -> None:
    data = vector("007a1200", "01")
    assert BLAKE2F.gas(data) == 8_000_000
    assert BLAKE2F.run(data).hex() == (
        "6d2ce9e534d50e18ff866ae92d70cceba79bbcd14c63819fe48752c8aca87a4b"
        "b7dcc230d22a4047f0486cfcfb50a17b24b2899eb8fca370f22240adb5170189"
    )


INVALID = [
    ("vector 0: empty input", b""),
    ("vector 1: 212 bytes", vector("0000000c", "01")[1:]),
    ("vector 2: 214 bytes", b"\x00" + vector("0000000c", "01")),
    ("vector 3: final flag 2", vector("0000000c", "02")),
    ("final flag 0xff", vector("0000000c", "ff")),
]


@pytest.mark.parametrize("name,data", INVALID, ids=[v[0] for v in INVALID])
def test_invalid_vectors_fail(name: str, data: bytes) -> None:
    with pytest.raises(PrecompileError):
        BLAKE2F.run(data)


@pytest.mark.parametrize("size", [0, 212, 214])
def test_wrong_length_costs_nothing_before_failing(size: int) -> None:
    assert BLAKE2F.gas(b"\xff" * size) == 0


def test_max_rounds_price() -> None:
    assert BLAKE2F.gas(vector("ffffffff", "01")) == 0xFFFFFFFF


@pytest.mark.parametrize("message", [b"", b"abc", bytes(range(128))])
def test_twelve_rounds_agree_with_blake2b(message: bytes) -> None:
    """One final F with 12 rounds over a padded single block is BLAKE2b-512."""
    h = list(IV)
    h[0] ^= 0x01010000 ^ 64  # parameter block: digest length 64, no key, fanout 1, depth 1
    block = message.ljust(128, b"\x00")
    data = (
        (12).to_bytes(4, "big")
        + struct.pack("<8Q", *h)
        + block
        + struct.pack("<2Q", len(message), 0)
        + b"\x01"
    )
    assert BLAKE2F.run(data) == hashlib.blake2b(message).digest()
