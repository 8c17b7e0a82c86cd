"""
World state
===========

Accounts and their storage, with everything a transaction needs around them:
the journal (undo log with nested checkpoints), original storage values for
SSTORE pricing (EIP-2200), warm address and slot sets (EIP-2929/2930),
transient storage (EIP-1153), accounts created and self-destructed in the
transaction (EIP-6780), touched accounts (EIP-161), logs and the refund counter.

Storage keys and values are ``int``; addresses are 20-byte ``bytes``. The state
root is kept incrementally: mutations mark accounts and slots dirty, and
``state_root()`` updates only those leaves of the account and storage tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

from ..primitives import rlp
from ..primitives.crypto import EMPTY_KECCAK
from ..trie import EMPTY_TRIE_ROOT, SecureTrie, prove
from . import journal as J
from .account import Account


@dataclass
class StateDiff:
    """Changes to persist: accounts (None: deleted), storage slots (0: deleted)
    and the accounts whose whole storage was wiped before those slots were set."""

    accounts: dict[bytes, Account | None]
    storage: dict[bytes, dict[int, int]]
    storage_cleared: set[bytes]


class Log(NamedTuple):
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


class State:
    """The world state plus the substate of the transaction being executed."""

    def __init__(self) -> None:
        self.accounts: dict[bytes, Account] = {}
        self.storage: dict[bytes, dict[int, int]] = {}
        self._account_trie = SecureTrie()
        self._storage_tries: dict[bytes, SecureTrie] = {}
        self._dirty_accounts: set[bytes] = set()
        self._dirty_slots: dict[bytes, set[int]] = {}
        # What changed since the last ``take_diff`` (filled as roots are computed).
        self._unsaved_accounts: set[bytes] = set()
        self._unsaved_slots: dict[bytes, set[int]] = {}
        self._unsaved_cleared: set[bytes] = set()
        self._begin_substate()

    # -- transaction substate -------------------------------------------------

    def _begin_substate(self) -> None:
        self.journal: list[J.Entry] = []
        self.original: dict[tuple[bytes, int], int] = {}
        self.warm_addresses: set[bytes] = set()
        self.warm_slots: set[tuple[bytes, int]] = set()
        self.transient: dict[tuple[bytes, int], int] = {}
        self.touched: set[bytes] = set()
        self.created: set[bytes] = set()
        self.selfdestructed: set[bytes] = set()
        self.logs: list[Log] = []
        self.refund = 0

    def begin_transaction(self) -> None:
        """Start a fresh transaction substate (the world state is kept)."""
        self._begin_substate()

    def checkpoint(self) -> int:
        return len(self.journal)

    def rollback(self, checkpoint: int) -> None:
        """Undo every change made since ``checkpoint``."""
        entries = self.journal
        while len(entries) > checkpoint:
            self._undo(entries.pop())

    def _undo(self, entry: J.Entry) -> None:
        tag = entry[0]
        if tag == J.STORAGE:
            _, address, key, old = entry
            slots = self.storage[address]
            if old:
                slots[key] = old
            else:
                slots.pop(key, None)
            self._mark_slot(address, key)
        elif tag == J.BALANCE:
            self.accounts[entry[1]].balance = entry[2]
            self._dirty_accounts.add(entry[1])  # a root taken since may hold the undone value
        elif tag == J.NONCE:
            self.accounts[entry[1]].nonce = entry[2]
            self._dirty_accounts.add(entry[1])
        elif tag == J.CODE:
            self.accounts[entry[1]].set_code(entry[2])
            self._dirty_accounts.add(entry[1])
        elif tag == J.ACCOUNT_CREATED:
            del self.accounts[entry[1]]
            self._dirty_accounts.add(entry[1])
        elif tag == J.WARM_ADDRESS:
            self.warm_addresses.discard(entry[1])
        elif tag == J.WARM_SLOT:
            self.warm_slots.discard((entry[1], entry[2]))
        elif tag == J.TRANSIENT:
            _, address, key, old = entry
            if old:
                self.transient[(address, key)] = old
            else:
                self.transient.pop((address, key), None)
        elif tag == J.TOUCHED:
            self.touched.discard(entry[1])
        elif tag == J.CREATED:
            self.created.discard(entry[1])
        elif tag == J.SELFDESTRUCTED:
            self.selfdestructed.discard(entry[1])
        elif tag == J.LOG:
            self.logs.pop()
        elif tag == J.REFUND:
            self.refund = entry[1]
        else:  # pragma: no cover - a new tag without an undo rule is a bug
            raise AssertionError(f"unknown journal entry {entry!r}")

    # -- accounts -------------------------------------------------------------

    def get_account(self, address: bytes) -> Account | None:
        return self.accounts.get(address)

    def account_exists(self, address: bytes) -> bool:
        return address in self.accounts

    def is_alive(self, address: bytes) -> bool:
        """Exists and is not empty (EIP-161)."""
        account = self.accounts.get(address)
        return account is not None and not account.is_empty()

    def _account_for_write(self, address: bytes) -> Account:
        account = self.accounts.get(address)
        if account is None:
            account = self.accounts[address] = Account()
            self.journal.append((J.ACCOUNT_CREATED, address))
        self._dirty_accounts.add(address)
        return account

    def get_balance(self, address: bytes) -> int:
        account = self.accounts.get(address)
        return 0 if account is None else account.balance

    def get_nonce(self, address: bytes) -> int:
        account = self.accounts.get(address)
        return 0 if account is None else account.nonce

    def get_code(self, address: bytes) -> bytes:
        account = self.accounts.get(address)
        return b"" if account is None else account.code

    def get_code_hash(self, address: bytes) -> bytes:
        account = self.accounts.get(address)
        return EMPTY_KECCAK if account is None else account.code_hash

    def set_balance(self, address: bytes, balance: int) -> None:
        account = self._account_for_write(address)
        self.journal.append((J.BALANCE, address, account.balance))
        account.balance = balance

    def add_balance(self, address: bytes, amount: int) -> None:
        self.set_balance(address, self.get_balance(address) + amount)

    def transfer(self, sender: bytes, recipient: bytes, amount: int) -> None:
        """Move ``amount`` wei; the caller has checked the sender's balance."""
        self.set_balance(sender, self.get_balance(sender) - amount)
        self.set_balance(recipient, self.get_balance(recipient) + amount)

    def set_nonce(self, address: bytes, nonce: int) -> None:
        account = self._account_for_write(address)
        self.journal.append((J.NONCE, address, account.nonce))
        account.nonce = nonce

    def increment_nonce(self, address: bytes) -> None:
        self.set_nonce(address, self.get_nonce(address) + 1)

    def set_code(self, address: bytes, code: bytes) -> None:
        account = self._account_for_write(address)
        self.journal.append((J.CODE, address, account.code))
        account.set_code(code)

    def has_code_or_nonce(self, address: bytes) -> bool:
        account = self.accounts.get(address)
        return account is not None and (account.nonce != 0 or bool(account.code))

    def has_storage(self, address: bytes) -> bool:
        return bool(self.storage.get(address))

    def destroy_account(self, address: bytes) -> None:
        """Delete an account and its storage; only at the end of a transaction,
        so this is not journaled."""
        self.accounts.pop(address, None)
        self.storage.pop(address, None)
        self._storage_tries.pop(address, None)
        self._dirty_slots.pop(address, None)
        self._dirty_accounts.add(address)
        self._unsaved_slots.pop(address, None)
        self._unsaved_cleared.add(address)

    # -- storage --------------------------------------------------------------

    def get_storage(self, address: bytes, key: int) -> int:
        slots = self.storage.get(address)
        return 0 if slots is None else slots.get(key, 0)

    def get_original_storage(self, address: bytes, key: int) -> int:
        """The slot's value at the start of the transaction."""
        original = self.original.get((address, key))
        if original is None:
            return self.get_storage(address, key)
        return original

    def set_storage(self, address: bytes, key: int, value: int) -> None:
        slots = self.storage.get(address)
        if slots is None:
            slots = self.storage[address] = {}
        old = slots.get(key, 0)
        if (address, key) not in self.original:
            self.original[(address, key)] = old
        self.journal.append((J.STORAGE, address, key, old))
        if value:
            slots[key] = value
        else:
            slots.pop(key, None)
        self._mark_slot(address, key)

    def _mark_slot(self, address: bytes, key: int) -> None:
        dirty = self._dirty_slots.get(address)
        if dirty is None:
            dirty = self._dirty_slots[address] = set()
        dirty.add(key)
        self._dirty_accounts.add(address)

    # -- access sets, transient storage, tx bookkeeping -----------------------

    def warm_address(self, address: bytes) -> bool:
        """Mark ``address`` warm; return whether it already was."""
        if address in self.warm_addresses:
            return True
        self.warm_addresses.add(address)
        self.journal.append((J.WARM_ADDRESS, address))
        return False

    def warm_slot(self, address: bytes, key: int) -> bool:
        """Mark a storage slot warm; return whether it already was."""
        slot = (address, key)
        if slot in self.warm_slots:
            return True
        self.warm_slots.add(slot)
        self.journal.append((J.WARM_SLOT, address, key))
        return False

    def get_transient(self, address: bytes, key: int) -> int:
        return self.transient.get((address, key), 0)

    def set_transient(self, address: bytes, key: int, value: int) -> None:
        slot = (address, key)
        self.journal.append((J.TRANSIENT, address, key, self.transient.get(slot, 0)))
        if value:
            self.transient[slot] = value
        else:
            self.transient.pop(slot, None)

    def touch(self, address: bytes) -> None:
        if address not in self.touched:
            self.touched.add(address)
            self.journal.append((J.TOUCHED, address))

    def mark_created(self, address: bytes) -> None:
        if address not in self.created:
            self.created.add(address)
            self.journal.append((J.CREATED, address))

    def mark_selfdestructed(self, address: bytes) -> None:
        if address not in self.selfdestructed:
            self.selfdestructed.add(address)
            self.journal.append((J.SELFDESTRUCTED, address))

    def add_log(self, log: Log) -> None:
        self.logs.append(log)
        self.journal.append((J.LOG, log))

    def add_refund(self, amount: int) -> None:
        self.journal.append((J.REFUND, self.refund))
        self.refund += amount

    def restore_substate(
        self,
        journal: list[J.Entry],
        accounts: dict[bytes, Account | None],
        slots: dict[tuple[bytes, int], int],
        transient: dict[tuple[bytes, int], int],
        refund: int,
    ) -> None:
        """Resume a transaction from a snapshot: this state must be the
        pre-transaction state; ``accounts``, ``slots`` and ``transient`` hold the
        current values of everything ``journal`` mentions."""
        self._begin_substate()
        for address, account in accounts.items():
            if account is None:
                self.accounts.pop(address, None)
            else:
                self.accounts[address] = account
            self._dirty_accounts.add(address)
        for (address, key), value in slots.items():
            storage = self.storage.setdefault(address, {})
            if value:
                storage[key] = value
            else:
                storage.pop(key, None)
            self._mark_slot(address, key)
        self.transient = {slot: value for slot, value in transient.items() if value}
        self.journal = journal
        self.refund = refund
        for entry in journal:
            self._replay_substate(entry)

    def _replay_substate(self, entry: J.Entry) -> None:
        """Rebuild the tx-scoped sets from one journal entry."""
        tag = entry[0]
        if tag == J.STORAGE:
            self.original.setdefault((entry[1], entry[2]), entry[3])
        elif tag == J.WARM_ADDRESS:
            self.warm_addresses.add(entry[1])
        elif tag == J.WARM_SLOT:
            self.warm_slots.add((entry[1], entry[2]))
        elif tag == J.TOUCHED:
            self.touched.add(entry[1])
        elif tag == J.CREATED:
            self.created.add(entry[1])
        elif tag == J.SELFDESTRUCTED:
            self.selfdestructed.add(entry[1])
        elif tag == J.LOG:
            self.logs.append(entry[1])

    # -- roots ----------------------------------------------------------------

    def storage_root(self, address: bytes) -> bytes:
        self._flush_storage(address)
        trie = self._storage_tries.get(address)
        return EMPTY_TRIE_ROOT if trie is None else trie.root_hash()

    def _flush_storage(self, address: bytes) -> None:
        """Bring the account's storage trie up to date with its dirty slots."""
        dirty = self._dirty_slots.pop(address, None)
        if not dirty:
            return
        trie = self._storage_tries.get(address)
        if trie is None:
            trie = self._storage_tries[address] = SecureTrie()
        slots = self.storage.get(address, {})
        for key in dirty:
            value = slots.get(key, 0)
            trie.set(key.to_bytes(32, "big"), rlp.encode(rlp.int_to_be(value)) if value else b"")
        self._unsaved_slots.setdefault(address, set()).update(dirty)

    def state_root(self) -> bytes:
        trie = self._account_trie
        for address in self._dirty_accounts:
            account = self.accounts.get(address)
            if account is None:
                trie.delete(address)
                continue
            trie.set(address, encode_account(account, self.storage_root(address)))
        self._unsaved_accounts.update(self._dirty_accounts)
        self._dirty_accounts.clear()
        return trie.root_hash()

    def prove_account(self, address: bytes) -> list[bytes]:
        """The EIP-1186 proof of ``address`` (or of its absence) under ``state_root()``."""
        self.state_root()
        return prove(self._account_trie, address)

    def prove_storage(self, address: bytes, key: int) -> list[bytes]:
        """The EIP-1186 proof of a slot (or of its absence) under ``storage_root(address)``."""
        self.storage_root(address)
        trie = self._storage_tries.get(address)
        return [] if trie is None else prove(trie, key.to_bytes(32, "big"))

    def take_diff(self) -> "StateDiff":
        """Everything that changed since the last call (or since the state was
        built), with current values, for a store to persist; then forget it."""
        self.state_root()
        diff = StateDiff(
            accounts={
                address: self.accounts[address].copy() if address in self.accounts else None
                for address in self._unsaved_accounts
            },
            storage={
                address: {key: self.get_storage(address, key) for key in keys}
                for address, keys in self._unsaved_slots.items()
            },
            storage_cleared=set(self._unsaved_cleared),
        )
        self._unsaved_accounts.clear()
        self._unsaved_slots.clear()
        self._unsaved_cleared.clear()
        return diff

    # -- construction ---------------------------------------------------------

    def load_account(
        self, address: bytes, nonce: int, balance: int, code: bytes, storage: dict[int, int]
    ) -> None:
        """Put an account into the state outside any transaction (genesis, tests)."""
        self.accounts[address] = Account(nonce, balance, code)
        if storage:
            self.storage[address] = {k: v for k, v in storage.items() if v}
            self._dirty_slots[address] = set(storage)
        self._dirty_accounts.add(address)

    def addresses(self) -> Iterable[bytes]:
        return self.accounts.keys()


def encode_account(account: Account, storage_root: bytes) -> bytes:
    return rlp.encode(
        [
            rlp.int_to_be(account.nonce),
            rlp.int_to_be(account.balance),
            storage_root,
            account.code_hash,
        ]
    )

