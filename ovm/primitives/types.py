"""
Basic types and conversions
===========================

Values are plain Python objects for speed: 256-bit words are ``int``, addresses
are 20-byte ``bytes``, hashes are 32-byte ``bytes``. The aliases document intent.
"""

from __future__ import annotations

Address = bytes
Hash32 = bytes
U256 = int

UINT256_MAX = (1 << 256) - 1
UINT256_CEIL = 1 << 256
UINT64_MAX = (1 << 64) - 1
ZERO_ADDRESS = b"\x00" * 20
ZERO_HASH = b"\x00" * 32


class HexError(ValueError):
    """A string is not the hex it should be."""


def hex_to_bytes(text: str) -> bytes:
    """Decode ``0x``-prefixed (or bare) hex; odd lengths are an error."""
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise HexError(f"invalid hex string: {text[:40]!r}") from None


def hex_to_int(text: str) -> int:
    """Parse a ``0x`` hex quantity (decimal is accepted too, as fixtures use it)."""
    try:
        if text[:2] in ("0x", "0X"):
            return int(text[2:] or "0", 16)
        return int(text)
    except ValueError:
        raise HexError(f"invalid number: {text[:40]!r}") from None


def hex_to_address(text: str) -> Address:
    raw = hex_to_bytes(text)
    if len(raw) != 20:
        raise HexError(f"address must be 20 bytes: {text!r}")
    return raw


def to_hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def int_to_hex(value: int) -> str:
    return hex(value)


def to_bytes32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def to_address(value: int) -> Address:
    """The low 20 bytes of a word, as an address."""
    return (value & ((1 << 160) - 1)).to_bytes(20, "big")
