"""
Modular exponentiation (0x05)
=============================

EIP-198 input: three 32-byte big-endian lengths ``Bsize ‖ Esize ‖ Msize``, then
``B``, ``E`` and ``M`` of those lengths. Input shorter than declared reads as
zeros, and anything past the three values is ignored. The output is
``B**E % M`` as ``Msize`` big-endian bytes (all zeros when ``M`` is 0).

The price is ``max(minimum, complexity(max(Bsize, Msize)) * iterations // divisor)``,
where the iteration count is the bit length of the exponent less one,
estimated from ``Esize`` and the first 32 bytes of ``E`` (``iterations``). Two
forks' figures are here, each a ``ModexpRules``:

* ``BERLIN`` (EIP-2565, Cancun and Prague): minimum 200, divisor 3, 8
  iterations per exponent byte past the first 32, complexity ``words**2``
  (``words`` = ``ceil(max(Bsize, Msize) / 8)``); any length is accepted;
* ``OSAKA`` (EIP-7883): minimum 500, no divisor, 16 iterations per exponent
  byte past the first 32, complexity 16 for operands of up to 32 bytes and
  ``2 * words**2`` above; and EIP-7823 bounds each of ``Bsize``, ``Esize``,
  ``Msize`` to 1024 bytes: beyond it the call fails and consumes all the gas
  it was given (``run`` raises ``PrecompileError``, whatever the price was).

The declared lengths may be near 2**256, so the price is computed from the
lengths alone (plus at most 32 bytes of ``E``); nothing of declared size is
read until the caller has charged for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gmpy2

from . import PrecompileError

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


def _words(length: int) -> int:
    return (length + 7) // 8


def berlin_complexity(length: int) -> int:
    """EIP-2565: the square of the operand's 8-byte words."""
    return _words(length) ** 2


def osaka_complexity(length: int) -> int:
    """EIP-7883: 16 up to 32 bytes, twice the square of the words above."""
    return 16 if length <= 32 else 2 * _words(length) ** 2


@dataclass(frozen=True, slots=True)
class ModexpRules:
    """One fork's modexp: its price and the longest operand it accepts."""

    min_gas: int
    divisor: int
    bits_per_exponent_byte: int  # iterations for each byte of E past its first 32
    complexity: Callable[[int], int]  # of max(Bsize, Msize)
    max_length: int | None = None  # of each of Bsize, Esize, Msize; None: unbounded

    def iterations(self, data: bytes, base_size: int, exponent_size: int) -> int:
        """The bit length of the exponent less one, estimated from its first word."""
        head_size = min(exponent_size, EXPONENT_HEAD_SIZE)
        head = int.from_bytes(_read(data, HEADER_SIZE + base_size, head_size), "big")
        head_bits = max(head.bit_length() - 1, 0)
        extra_bytes = max(exponent_size - EXPONENT_HEAD_SIZE, 0)
        return max(self.bits_per_exponent_byte * extra_bytes + head_bits, 1)

    def gas(self, data: bytes) -> int:
        base_size, exponent_size, modulus_size = _lengths(data)
        complexity = self.complexity(max(base_size, modulus_size))
        iterations = self.iterations(data, base_size, exponent_size)
        return max(self.min_gas, complexity * iterations // self.divisor)

    def run(self, data: bytes) -> bytes:
        base_size, exponent_size, modulus_size = _lengths(data)
        if self.max_length is not None and max(base_size, exponent_size, modulus_size) > self.max_length:
            raise PrecompileError(f"modexp operand longer than {self.max_length} bytes")
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


BERLIN = ModexpRules(min_gas=200, divisor=3, bits_per_exponent_byte=8, complexity=berlin_complexity)
OSAKA = ModexpRules(
    min_gas=500, divisor=1, bits_per_exponent_byte=16, complexity=osaka_complexity, max_length=1024
)
