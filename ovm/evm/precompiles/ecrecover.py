"""
ecrecover (0x01)
================

Input (right-padded with zeros to 128 bytes): ``hash ‖ v ‖ r ‖ s``, each a
32-byte big-endian word. The output is the signer's address left-padded to 32
bytes. The call never fails: a ``v`` that is not exactly 27 or 28 as a whole
word, ``r`` or ``s`` outside ``[1, n-1]``, or a signature that recovers no key
all give empty output. Unlike transactions, a high ``s`` is accepted.
"""

from __future__ import annotations

from ovm.primitives.crypto import InvalidSignature, keccak256, recover_public_key

ECRECOVER_GAS = 3000
INPUT_SIZE = 128


def gas(data: bytes) -> int:
    return ECRECOVER_GAS


def run(data: bytes) -> bytes:
    data = data[:INPUT_SIZE].ljust(INPUT_SIZE, b"\x00")
    msg_hash = data[:32]
    v = int.from_bytes(data[32:64], "big")
    r = int.from_bytes(data[64:96], "big")
    s = int.from_bytes(data[96:128], "big")
    if v not in (27, 28):
        return b""
    try:
        public_key = recover_public_key(msg_hash, v - 27, r, s)
    except InvalidSignature:
        return b""
    return keccak256(public_key)[12:].rjust(32, b"\x00")
