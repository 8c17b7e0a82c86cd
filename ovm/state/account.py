"""
Accounts
========

An account's nonce, balance and code. Storage lives beside it in the world
state (``state.State``), keyed by address, so that an account object stays
small and cheap to copy into the journal.
"""

from __future__ import annotations

from ..primitives.crypto import EMPTY_KECCAK, keccak256


class Account:
    __slots__ = ("nonce", "balance", "code", "_code_hash")

    def __init__(self, nonce: int = 0, balance: int = 0, code: bytes = b"") -> None:
        self.nonce = nonce
        self.balance = balance
        self.code = code
        self._code_hash: bytes | None = None if code else EMPTY_KECCAK

    @property
    def code_hash(self) -> bytes:
        if self._code_hash is None:
            self._code_hash = keccak256(self.code)
        return self._code_hash

    def set_code(self, code: bytes) -> None:
        self.code = code
        self._code_hash = None if code else EMPTY_KECCAK

    def is_empty(self) -> bool:
        """Empty per EIP-161: no nonce, no balance, no code."""
        return self.nonce == 0 and self.balance == 0 and not self.code

    def copy(self) -> "Account":
        other = Account(self.nonce, self.balance, self.code)
        other._code_hash = self._code_hash
        return other

    def __repr__(self) -> str:
        return f"Account(nonce={self.nonce}, balance={self.balance}, code={len(self.code)} bytes)"
