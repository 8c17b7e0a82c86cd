"""
P256VERIFY (0x100)
==================

ECDSA signature verification on secp256r1 (NIST P-256), as EIP-7951 specifies
it for Ethereum's Osaka; OP chains have had the same precompile, as RIP-7212,
since Fjord. The input is 160 bytes, ``h ‖ r ‖ s ‖ qx ‖ qy`` (the message
hash, the signature, the public key), each a 32-byte big-endian integer. The
output is the 32-byte word 1 for a valid signature and empty for anything
else: this precompile never fails a call, and charges its gas either way.

Checks before verifying (EIP-7951): the input is exactly 160 bytes; r and s
are in [1, n); qx and qy are below p; the key is on the curve and is not the
point at infinity (encoded (0, 0)). The verification itself is the
``cryptography`` package's (OpenSSL): R' = (h·s⁻¹)·G + (r·s⁻¹)·Q, rejected if
R' is the point at infinity, accepted when R'.x ≡ r (mod n). The hash is taken
as given, not hashed again.

The price is the fork's choice (``ovm.evm.precompiles.p256verify_precompile``):
``OSAKA_GAS`` on Ethereum, ``FJORD_GAS`` as RIP-7212 set it. The two texts
also differ in the last comparison: RIP-7212 wrote ``R'.x == r``, EIP-7951
reduces R'.x mod n first, as ECDSA does and as the deployed OP chains' code
(Go's crypto/ecdsa) always did; this module follows EIP-7951.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

OSAKA_GAS = 6900
FJORD_GAS = 3450

INPUT_SIZE = 160
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

VALID = (1).to_bytes(32, "big")
INVALID = b""

_CURVE = ec.SECP256R1()
_ALGORITHM = ec.ECDSA(Prehashed(hashes.SHA256()))


def _words(data: bytes) -> tuple[bytes, int, int, int, int]:
    h = data[:32]
    r, s, qx, qy = (int.from_bytes(data[i : i + 32], "big") for i in range(32, INPUT_SIZE, 32))
    return h, r, s, qx, qy


def _public_key(qx: int, qy: int) -> ec.EllipticCurvePublicKey | None:
    """The key (qx, qy), or None if it is not a point of the curve."""
    if qx >= P or qy >= P or (qx == 0 and qy == 0):
        return None
    try:
        return ec.EllipticCurvePublicNumbers(qx, qy, _CURVE).public_key()
    except ValueError:  # not on the curve
        return None


def verify(data: bytes) -> bool:
    """Whether ``data`` is a well-formed, valid (hash, signature, key)."""
    if len(data) != INPUT_SIZE:
        return False
    h, r, s, qx, qy = _words(data)
    if not (0 < r < N and 0 < s < N):
        return False
    key = _public_key(qx, qy)
    if key is None:
        return False
    try:
        key.verify(encode_dss_signature(r, s), h, _ALGORITHM)
    except InvalidSignature:
        return False
    return True


def run(data: bytes) -> bytes:
    return VALID if verify(data) else INVALID
