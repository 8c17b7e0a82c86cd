"""
Hashes and identity (0x02 sha256, 0x03 ripemd160, 0x04 identity)
=================================================================

Each is priced as a base cost plus a cost per 32-byte word of input. ripemd160
comes from pycryptodome because OpenSSL 3 builds may leave it out of hashlib;
its 20-byte digest is returned left-padded to a 32-byte word.
"""

from __future__ import annotations

import hashlib

from Crypto.Hash import RIPEMD160

SHA256_BASE = 60
SHA256_WORD = 12
RIPEMD160_BASE = 600
RIPEMD160_WORD = 120
IDENTITY_BASE = 15
IDENTITY_WORD = 3


def word_count(data: bytes) -> int:
    return (len(data) + 31) // 32


def sha256_gas(data: bytes) -> int:
    return SHA256_BASE + SHA256_WORD * word_count(data)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def ripemd160_gas(data: bytes) -> int:
    return RIPEMD160_BASE + RIPEMD160_WORD * word_count(data)


def ripemd160(data: bytes) -> bytes:
    return RIPEMD160.new(data).digest().rjust(32, b"\x00")


def identity_gas(data: bytes) -> int:
    return IDENTITY_BASE + IDENTITY_WORD * word_count(data)


def identity(data: bytes) -> bytes:
    return bytes(data)
