"""
KZG point evaluation (0x0a)
===========================

EIP-4844 input, exactly 192 bytes: ``versioned_hash ‖ z ‖ y ‖ commitment ‖
proof`` (32, 32, 32, 48 and 48 bytes). The call succeeds when the commitment
hashes to the versioned hash and the proof shows that the committed polynomial
takes the value ``y`` at ``z``; it then returns ``FIELD_ELEMENTS_PER_BLOB`` and
``BLS_MODULUS`` as two 32-byte words.

The proof is checked by ckzg against the mainnet trusted setup, shipped beside
this module as ``trusted_setup.txt`` (the ckzg wheel does not include it).
Loading the setup takes about two seconds, so it happens on first use, once per
process.
"""

from __future__ import annotations

import functools
from importlib import resources

import ckzg

from ..kzg import BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB, versioned_hash
from . import PrecompileError

POINT_EVALUATION_GAS = 50000
INPUT_SIZE = 192
SUCCESS_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")
TRUSTED_SETUP_FILE = "trusted_setup.txt"
# ckzg's precomputation only speeds up cell proofs (EIP-7594); 0 loads fastest.
TRUSTED_SETUP_PRECOMPUTE = 0


@functools.cache
def trusted_setup() -> object:
    """The mainnet KZG trusted setup, loaded on first use."""
    source = resources.files(__package__) / TRUSTED_SETUP_FILE
    with resources.as_file(source) as path:
        return ckzg.load_trusted_setup(str(path), TRUSTED_SETUP_PRECOMPUTE)


def gas(data: bytes) -> int:
    return POINT_EVALUATION_GAS


def run(data: bytes) -> bytes:
    if len(data) != INPUT_SIZE:
        raise PrecompileError("point evaluation input must be 192 bytes")
    claimed_hash, z, y = data[0:32], data[32:64], data[64:96]
    commitment, proof = data[96:144], data[144:192]
    if versioned_hash(commitment) != claimed_hash:
        raise PrecompileError("commitment does not match the versioned hash")
    try:
        valid = ckzg.verify_kzg_proof(commitment, z, y, proof, trusted_setup())
    except RuntimeError:
        # ckzg's answer to malformed points and field elements not below the modulus
        raise PrecompileError("malformed commitment, proof or field element") from None
    if not valid:
        raise PrecompileError("KZG proof does not verify")
    return SUCCESS_OUTPUT
