"""
Code delegation (EIP-7702)
==========================

From Prague an account may carry, instead of code, a *delegation designator*:
``0xef0100 ‖ address`` (23 bytes). Such an account runs ``address``'s code
whenever it is called, in its own context (its storage, its balance, its
address); the designator itself is what ``EXTCODESIZE``, ``EXTCODECOPY`` and
``EXTCODEHASH`` see. Only one step is followed: a delegate that is itself
delegated runs its designator as code (``0xef`` is an invalid opcode), and a
delegation to a precompile runs nothing. No creation can deploy a designator
(code starting with ``0xef`` is refused, EIP-3541): only authorizations set one.

A set-code transaction (type 4, ``ovm.evm.transactions.SetCodeTransaction``)
carries authorizations, applied in order after the sender's nonce is bumped
and before the call (``apply_authorizations``). One that is not for this
chain (nor chain 0), whose nonce is at the limit (2^64 − 1), whose signature
recovers no authority, whose authority has code other than a designator, or
whose nonce is not the authority's is skipped: the transaction stays valid.
A valid one warms its authority (so do those skipped after recovery), sets or,
for address 0, clears the designator, and bumps the authority's nonce; where
the authority already existed, ``PER_EMPTY_ACCOUNT_COST − PER_AUTH_BASE_COST``
of the intrinsic gas comes back through the refund counter (capped with the
rest of the refund at a fifth of the gas used, and kept if the call fails).

Who follows designators is the fork's data: its call instructions
(``ovm.evm.instructions.system.CALLS_FOLLOWING_DELEGATION``, which also pay
for the delegate's access) and ``Fork.code_delegation`` for the transaction's
own target and the sender rule of EIP-3607 (a delegated sender may still send).
"""

from __future__ import annotations

from ..primitives import rlp
from ..primitives.crypto import SECP256K1_HALF_N, SECP256K1_N, InvalidSignature, keccak256, recover_address, sign
from ..primitives.types import UINT64_MAX, Address
from ..state import State
from . import gas as G
from .transactions import Authorization, AuthorizationList

DELEGATION_MARKER = b"\xef\x01\x00"
DESIGNATOR_LENGTH = len(DELEGATION_MARKER) + 20
AUTHORIZATION_MAGIC = b"\x05"
NULL_ADDRESS = bytes(20)
EXISTING_AUTHORITY_REFUND = G.PER_EMPTY_ACCOUNT_COST - G.PER_AUTH_BASE_COST


def designator(address: Address) -> bytes:
    """The code that delegates to ``address``."""
    return DELEGATION_MARKER + address


def delegated_address(code: bytes) -> Address | None:
    """The delegate if ``code`` is a delegation designator, else ``None``."""
    if len(code) == DESIGNATOR_LENGTH and code[:3] == DELEGATION_MARKER:
        return code[3:]
    return None


def is_designator(code: bytes) -> bool:
    return delegated_address(code) is not None


# --- authorizations --------------------------------------------------------------


def authorization_hash(chain_id: int, address: Address, nonce: int) -> bytes:
    """What an authority signs: keccak256(0x05 ‖ rlp([chain_id, address, nonce]))."""
    return keccak256(AUTHORIZATION_MAGIC + rlp.encode([rlp.int_to_be(chain_id), address, rlp.int_to_be(nonce)]))


def sign_authorization(private_key: bytes, chain_id: int, address: Address, nonce: int) -> Authorization:
    y_parity, r, s = sign(authorization_hash(chain_id, address, nonce), private_key)
    return Authorization(chain_id, address, nonce, y_parity, r, s)


def signature_fault(auth: Authorization) -> str | None:
    """Why the signature values cannot be valid (EIP-2's low s included), or ``None``."""
    if auth.y_parity not in (0, 1):
        return f"y_parity must be 0 or 1, got {auth.y_parity}"
    if not 0 < auth.r < SECP256K1_N:
        return "signature r out of range"
    if not 0 < auth.s <= SECP256K1_HALF_N:
        return "signature s out of range (must be in the lower half, EIP-2)"
    return None


def recover_authority(auth: Authorization) -> Address | None:
    """The account that signed ``auth``, or ``None`` if its signature is not valid."""
    if signature_fault(auth) is not None:
        return None
    try:
        return recover_address(authorization_hash(auth.chain_id, auth.address, auth.nonce), auth.y_parity,
                               auth.r, auth.s)  # fmt: skip
    except InvalidSignature:
        return None


def skip_reason(state: State, chain_id: int, auth: Authorization) -> tuple[Address | None, str | None]:
    """The authority of ``auth`` (if it recovers one) and why ``auth`` is skipped
    on ``state`` in a chain of id ``chain_id`` (``None``: it applies)."""
    if auth.chain_id not in (0, chain_id):
        return None, f"chain id {auth.chain_id} is neither 0 nor {chain_id}"
    if auth.nonce >= UINT64_MAX:
        return None, f"nonce {auth.nonce} is at the limit"
    authority = recover_authority(auth)
    if authority is None:
        return None, "invalid signature"
    code = state.get_code(authority)
    if code and not is_designator(code):
        return authority, "the authority has code"
    nonce = state.get_nonce(authority)
    if nonce != auth.nonce:
        return authority, f"nonce {auth.nonce} is not the authority's ({nonce})"
    return authority, None


def apply_authorizations(state: State, chain_id: int, authorizations: AuthorizationList) -> int:
    """Apply ``authorizations`` in order (see the module docstring); returns the
    refund they earn."""
    refund = 0
    for auth in authorizations:
        authority, reason = skip_reason(state, chain_id, auth)
        if authority is not None:
            state.warm_address(authority)
        if reason is not None:
            continue
        if state.account_exists(authority):
            refund += EXISTING_AUTHORITY_REFUND
        state.set_code(authority, b"" if auth.address == NULL_ADDRESS else designator(auth.address))
        state.increment_nonce(authority)
    return refund
