"""
The state and the substate's sets, as the state instructions open them
======================================================================

What the step machine and the verifier share about the instructions that
read or write the world state and the transaction's sets (BALANCE,
EXTCODEHASH, SLOAD, SSTORE, TLOAD, TSTORE): the keys of each trie, how a word is stored, how an account
is read. Every trie is a secure MPT (``ovm.fraud.context.substate_of``):

- the state trie: ``keccak256(address)`` → the account's RLP ``[nonce,
  balance, storage_root, code_hash]``; a storage trie: ``keccak256(slot)``
  → the RLP of the word (no entry for 0);
- ``Substate.transient``: ``keccak256(address ‖ slot)`` → the RLP of the
  word (no entry for 0);
- ``Substate.warm_addresses``: ``keccak256(address)`` → ``0x01``;
  ``Substate.warm_slots``: ``keccak256(address ‖ slot)`` → ``0x01``.

The sets stay MPTs (rather than, say, sorted lists) because a step proves
membership and inserts with one short proof whatever the set's size, with
the same library (``MptUpdate``) the state trie needs anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..primitives import rlp
from ..primitives.crypto import keccak256
from .context import PRESENT
from .mpt import mpt_read
from .opening import WitnessError

ADDRESS_MASK = (1 << 160) - 1
STATE_OPS = frozenset(("BALANCE", "EXTCODEHASH", "SLOAD", "SSTORE", "TLOAD", "TSTORE"))
"""The instructions run by ``verifier_state`` (on L1, ``StepsState``)."""

__all__ = ["PRESENT", "STATE_OPS", "Account", "account_key", "code_hash_word", "decode_word", "encode_word", "read_account", "slot_key",
           "storage_key", "word_address"]


def word_address(word: int) -> bytes:
    return (word & ADDRESS_MASK).to_bytes(20, "big")


def account_key(address: bytes) -> bytes:
    """The path of an account in the state trie and in ``warm_addresses``."""
    return keccak256(address)


def slot_key(address: bytes, slot: int) -> bytes:
    """The path of a slot in ``transient`` and ``warm_slots``."""
    return keccak256(address + slot.to_bytes(32, "big"))


def storage_key(slot: int) -> bytes:
    """The path of a slot in its account's storage trie."""
    return keccak256(slot.to_bytes(32, "big"))


def encode_word(value: int) -> bytes:
    """A stored word: its RLP, or ``b""`` (no entry) for 0."""
    return rlp.encode(rlp.int_to_be(value)) if value else b""


def decode_word(stored: bytes) -> int:
    if not stored:
        return 0
    try:
        payload = rlp.decode(stored)
    except rlp.DecodingError as exc:
        raise WitnessError(f"a stored word is not RLP: {exc}") from None
    if type(payload) is not bytes or len(payload) > 32:
        raise WitnessError("a stored word is not a string of at most 32 bytes")
    return int.from_bytes(payload, "big")


@dataclass(frozen=True)
class Account:
    nonce: int
    balance: int
    storage_root: bytes
    code_hash: bytes


def read_account(state_root: bytes, address: bytes, proof) -> Account | None:
    """The account at ``address`` under ``state_root`` (None when absent), from its proof."""
    encoded = mpt_read(state_root, account_key(address), tuple(proof))
    if not encoded:
        return None
    try:
        fields = rlp.decode(encoded)
    except rlp.DecodingError as exc:
        raise WitnessError(f"not an account: {exc}") from None
    if (type(fields) is not list or len(fields) != 4 or any(type(f) is not bytes for f in fields)
            or len(fields[0]) > 32 or len(fields[1]) > 32 or len(fields[2]) != 32 or len(fields[3]) != 32):
        raise WitnessError("not an account")
    return Account(int.from_bytes(fields[0], "big"), int.from_bytes(fields[1], "big"), fields[2], fields[3])


EMPTY_CODE_HASH = keccak256(b"")


def code_hash_word(account: Account | None) -> int:
    """EXTCODEHASH's word: 0 for an absent or empty account (EIP-161), else its code hash."""
    if account is None or (account.nonce == 0 and account.balance == 0 and account.code_hash == EMPTY_CODE_HASH):
        return 0
    return int.from_bytes(account.code_hash, "big")
