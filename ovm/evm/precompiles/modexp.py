"""
Modular exponentiation (0x05)
=============================

EIP-198 input: three 32-byte big-endian lengths ``Bsize ‖ Esize ‖ Msize``, then
``B``, ``E`` and ``M`` of those lengths. Input shorter than declared reads as
zeros, and anything past the three values is ignored. The output is
``B**E % M`` as ``Msize`` big-endian bytes (all zeros when ``M`` is 0).

Pricing is EIP-2565's:
``max(200, ceil(max(Bsize, Msize) / 8)**2 * iterations // 3)``, where the
iteration count comes from ``Esize`` and the first 32 bytes of ``E``. The
declared lengths may be near 2**256, so the price is computed from the lengths
alone (plus at most 32 bytes of ``E``); nothing of declared size is read until
the caller has charged for it.
"""

from __future__ import annotations

import gmpy2

MODEXP_MIN_GAS = 200
MODEXP_QUADRATIC_DIVISOR = 3
HEADER_SIZE = 96
EXPONENT_HEAD_SIZE = 32


def _read(data: bytes, start: int, size: int) -> bytes:
    """``size`` bytes from ``start``, zero-padded where the input ends.

    Python slicing clamps huge indices, so only the padding allocates.
    """
    return data[start : start + size].ljust(size, b"\x00")


def _lengths(data: bytes) -> tuple[int, int, int]:
    header = _read(data, 0, HEADER_SIZE)
    return (
        int.from_bytes(header[0:32], "big"),
        int.from_bytes(header[32:64], "big"),
        int.from_bytes(header[64:96], "big"),
    )


def _multiplication_complexity(base_size: int, modulus_size: int) -> int:
    words = (max(base_size, modulus_size) + 7) // 8
    return words * words


def _iteration_count(data: bytes, base_size: int, exponent_size: int) -> int:
    """The bit length of the exponent less one, estimated from its first word."""
    head_size = min(exponent_size, EXPONENT_HEAD_SIZE)
    head = int.from_bytes(_read(data, HEADER_SIZE + base_size, head_size), "big")
    head_bits = max(head.bit_length() - 1, 0)
    extra_bytes = max(exponent_size - EXPONENT_HEAD_SIZE, 0)
    return max(8 * extra_bytes + head_bits, 1)


def gas(data: bytes) -> int:
    base_size, exponent_size, modulus_size = _lengths(data)
    complexity = _multiplication_complexity(base_size, modulus_size)
    iterations = _iteration_count(data, base_size, exponent_size)
    return max(MODEXP_MIN_GAS, complexity * iterations // MODEXP_QUADRATIC_DIVISOR)


def run(data: bytes) -> bytes:
    base_size, exponent_size, modulus_size = _lengths(data)
    if modulus_size == 0:
        return b""
    offset = HEADER_SIZE
    base = int.from_bytes(_read(data, offset, base_size), "big")
    offset += base_size
    exponent = int.from_bytes(_read(data, offset, exponent_size), "big")
    offset += exponent_size
    modulus = int.from_bytes(_read(data, offset, modulus_size), "big")
    if modulus == 0:
        return bytes(modulus_size)
    result = int(gmpy2.powmod(base, exponent, modulus))
    return result.to_bytes(modulus_size, "big")
