"""
KZG commitments (EIP-4844)
==========================

What blob transactions, their sidecars and the point-evaluation precompile
share: a blob is ``FIELD_ELEMENTS_PER_BLOB`` field elements of
``BYTES_PER_FIELD_ELEMENT`` bytes, each below ``BLS_MODULUS`` (the order of
BLS12-381's scalar field), and a transaction names a blob by the versioned hash
of its KZG commitment, ``0x01 ‖ sha256(commitment)[1:]``.
"""

from __future__ import annotations

import hashlib

FIELD_ELEMENTS_PER_BLOB = 4096
BYTES_PER_FIELD_ELEMENT = 32
BLS_MODULUS = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
VERSIONED_HASH_VERSION_KZG = 0x01


def versioned_hash(commitment: bytes) -> bytes:
    """The versioned hash a transaction carries for a blob with ``commitment``."""
    return bytes((VERSIONED_HASH_VERSION_KZG,)) + hashlib.sha256(commitment).digest()[1:]
