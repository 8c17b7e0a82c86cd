"""
Account proofs
==============

``eth_getProof``'s answer (EIP-1186): an account's fields and storage root
with the Merkle-Patricia proof of the account under the state root, and for
each slot asked its value and proof under the storage root. The rollup's
withdrawal proofs are built from it too (``ovm.rollup.withdrawals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..state import State
from ..trie import EMPTY_TRIE_ROOT


@dataclass(frozen=True, slots=True)
class StorageProof:
    key: int
    value: int
    proof: list[bytes]


@dataclass(frozen=True, slots=True)
class AccountProof:
    """``eth_getProof``'s answer (EIP-1186), against the head's state root."""

    address: bytes
    balance: int
    nonce: int
    code_hash: bytes
    storage_hash: bytes
    account_proof: list[bytes]
    storage_proof: list[StorageProof]


def prove_account(state: State, address: bytes, slots: Sequence[int]) -> AccountProof:
    """The proofs of ``address`` and its ``slots`` in ``state``."""
    account = state.get_account(address)
    return AccountProof(
        address=address,
        balance=state.get_balance(address),
        nonce=state.get_nonce(address),
        code_hash=state.get_code_hash(address),
        storage_hash=EMPTY_TRIE_ROOT if account is None else state.storage_root(address),
        account_proof=state.prove_account(address),
        storage_proof=[
            StorageProof(slot, state.get_storage(address, slot), state.prove_storage(address, slot))
            for slot in slots
        ],
    )
