"""modexp (0x05): EIP-198 input handling and EIP-2565 prices.

Vectors: the EIP-198 examples, go-ethereum's modexp_eip2565.json (outputs and
gas), and the small cases of execution-spec-tests' eip198_modexp_precompile.
"""

from __future__ import annotations

import time

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES

MODEXP = CANCUN_PRECOMPILES[(5).to_bytes(20, "big")]


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def modexp_input(base: bytes, exponent: bytes, modulus: bytes) -> bytes:
    return word(len(base)) + word(len(exponent)) + word(len(modulus)) + base + exponent + modulus


SECP256K1_P = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
SECP256K1_P_MINUS_1 = bytes.fromhex(
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"
)

NAGYDANI_1_BASE = bytes.fromhex(
    "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb003"
    "3ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5"
)
NAGYDANI_1_MODULUS = bytes.fromhex(
    "fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac2b"
    "b02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c6b"
)

# (name, input, expected output, gas)
VECTORS = [
    (
        "eip_example1",
        modexp_input(b"\x03", SECP256K1_P_MINUS_1, SECP256K1_P),
        word(1),
        1360,
    ),
    ("eip_example2", modexp_input(b"", SECP256K1_P_MINUS_1, SECP256K1_P), word(0), 1360),
    (
        "nagydani-1-square",
        modexp_input(NAGYDANI_1_BASE, b"\x02", NAGYDANI_1_MODULUS),
        bytes.fromhex(
            "60008f1614cc01dcfb6bfb09c625cf90b47d4468db81b5f8b7a39d42f332eab9"
            "b2da8f2d95311648a8f243f4bb13cfb3d8f7f2a3c014122ebb3ed41b02783adc"
        ),
        200,
    ),
    (
        "nagydani-1-qube",
        modexp_input(NAGYDANI_1_BASE, b"\x03", NAGYDANI_1_MODULUS),
        bytes.fromhex(
            "4834a46ba565db27903b1c720c9d593e84e4cbd6ad2e64b31885d944f68cd801"
            "f92225a8961c952ddf2797fa4701b330c85c4b363798100b921a1a22a46a7fec"
        ),
        200,
    ),
    (
        "nagydani-1-pow0x10001",
        modexp_input(NAGYDANI_1_BASE, b"\x01\x00\x01", NAGYDANI_1_MODULUS),
        bytes.fromhex(
            "c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b84091"
            "28a5573e416d0ebe38f5f736766d9dc27143e4da981dfa4d67f7dc474cbee6d2"
        ),
        341,
    ),
]


@pytest.mark.parametrize("name,data,output,gas", VECTORS, ids=[v[0] for v in VECTORS])
def test_published_vectors(name: str, data: bytes, output: bytes, gas: int) -> None:
    assert MODEXP.run(data) == output
    assert MODEXP.gas(data) == gas


# execution-spec-tests ModExpInput cases: (base, exponent, modulus, output), hex.
SMALL_CASES = [
    ("", "", "", ""),
    ("", "", "00", "00"),
    ("", "", "0001", "0000"),
    ("", "", "0002", "0001"),
    ("", "", "01", "00"),
    ("", "", "02", "01"),
    ("", "01", "02", "00"),
    ("00", "00", "02", "01"),
    ("01", "01", "02", "01"),
    ("02", "01", "03", "02"),
    ("02", "02", "05", "04"),
]


@pytest.mark.parametrize("base,exponent,modulus,output", SMALL_CASES)
def test_small_cases(base: str, exponent: str, modulus: str, output: str) -> None:
    data = modexp_input(bytes.fromhex(base), bytes.fromhex(exponent), bytes.fromhex(modulus))
    assert MODEXP.run(data).hex() == output
    assert MODEXP.gas(data) == 200


# Gas of go-ethereum's larger vectors depends only on the lengths and exponent,
# so inputs of the same shape must cost the same.
@pytest.mark.parametrize(
    "name,size,exponent,gas",
    [
        ("nagydani-2-pow0x10001", 128, b"\x01\x00\x01", 1365),
        ("nagydani-3-square", 256, b"\x02", 341),
        ("nagydani-3-pow0x10001", 256, b"\x01\x00\x01", 5461),
        ("nagydani-4-square", 512, b"\x02", 1365),
        ("nagydani-5-pow0x10001", 1024, b"\x01\x00\x01", 87381),
    ],
)
def test_gas_of_published_shapes(name: str, size: int, exponent: bytes, gas: int) -> None:
    data = modexp_input(b"\x5a" * size, exponent, b"\xa5" * size)
    assert MODEXP.gas(data) == gas


def test_input_shorter_than_declared_reads_zeros() -> None:
    # EIP-198 case 5: the modulus is declared 32 bytes long but only 0x80 is given.
    data = word(1) + word(2) + word(32) + bytes.fromhex("03ffff80")
    expected = pow(3, 0xFFFF, 0x80 << 248)
    assert MODEXP.run(data) == word(expected)
    assert MODEXP.gas(data) == 200


def test_data_past_the_values_is_ignored() -> None:
    # EIP-198 case 4: one byte beyond the modulus.
    data = word(1) + word(2) + word(32) + bytes.fromhex("03ffff80" + "00" * 31 + "07")
    assert MODEXP.run(data) == word(pow(3, 0xFFFF, 0x80 << 248))


def test_zero_modulus_gives_zeros_of_modulus_length() -> None:
    data = modexp_input(b"\x05", b"\x03", bytes(4))
    assert MODEXP.run(data) == bytes(4)


def test_zero_length_modulus_gives_empty_output() -> None:
    assert MODEXP.run(modexp_input(b"\x05", b"\x03", b"")) == b""


def test_empty_input() -> None:
    assert MODEXP.run(b"") == b""
    assert MODEXP.gas(b"") == 200


def test_iteration_count_of_long_exponents_uses_the_first_word() -> None:
    # 40-byte exponent starting with 0x01: 8 * (40 - 32) + (bit_length(head) - 1).
    exponent = b"\x01" + bytes(39)
    head_bits = int.from_bytes(exponent[:32], "big").bit_length() - 1
    data = modexp_input(b"\x02" * 64, exponent, b"\x03" * 64)
    assert MODEXP.gas(data) == 64 * (8 * 8 + head_bits) // 3
    # A zero first word counts only the length beyond 32 bytes.
    data = modexp_input(b"\x02" * 64, bytes(40), b"\x03" * 64)
    assert MODEXP.gas(data) == max(200, 64 * 64 // 3)


def test_huge_declared_lengths_are_priced_without_reading_them() -> None:
    # EIP-198 case 3: a modulus length of 2**256 - 1.
    data = bytes.fromhex(
        "00" * 32
        + "00" * 31
        + "20"
        + "ff" * 32
        + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffffd"
    )
    start = time.monotonic()
    assert MODEXP.gas(data) > 2**500
    # The exponent's first word is 0xff followed by padding: 255 bits after the top one.
    huge_exponent = word(1) + word(2**256 - 1) + word(1) + b"\x02\xff"
    assert MODEXP.gas(huge_exponent) == (8 * (2**256 - 1 - 32) + 255) // 3
    assert time.monotonic() - start < 1


def test_huge_exponent_length_with_empty_modulus_is_cheap_and_empty() -> None:
    data = word(0) + word(2**256 - 1) + word(0)
    assert MODEXP.gas(data) == 200
    assert MODEXP.run(data) == b""


def test_exponent_read_with_padding() -> None:
    # The exponent's declared 2 bytes run off the end: 0x01 then a zero byte.
    data = word(1) + word(2) + word(1) + b"\x02\x01"
    assert MODEXP.run(data) == b"\x00"  # modulus reads as 0
    data = word(1) + word(1) + word(1) + b"\x02\x05\x07"
    assert MODEXP.run(data) == bytes([pow(2, 5, 7)])


@pytest.mark.parametrize("exponent", [b"", b"\x00", b"\x01", bytes(32)])
def test_iteration_count_is_at_least_one(exponent: bytes) -> None:
    # 256-byte operands: 32 words, so 32**2 // 3 = 341 is above the 200 floor.
    base, modulus = b"\x07" * 256, b"\x09" * 256
    data = modexp_input(base, exponent, modulus)
    assert MODEXP.gas(data) == 341
    expected = pow(
        int.from_bytes(base, "big"), int.from_bytes(exponent, "big"), int.from_bytes(modulus, "big")
    )
    assert MODEXP.run(data) == expected.to_bytes(256, "big")
