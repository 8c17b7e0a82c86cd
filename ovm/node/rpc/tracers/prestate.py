"""
The prestate tracer
===================

geth's ``prestateTracer``: the accounts a transaction reached, as they were
before it ran, ``{address: {balance, nonce, code, codeHash, storage}}`` —
balance as hex, nonce as a JSON number (left out at 0), code and its hash
left out for an account without code, storage the slots the transaction read
or wrote (32-byte hex keys and values). An account that did not exist before
the transaction is left out.

With ``diffMode`` it answers ``{pre, post}``, what the transaction changed:
``pre`` holds the accounts it changed as they were before (only the changed
slots, and no zero slot), ``post`` the same accounts after, with only the
fields that changed (no zero slot either). An account the transaction
created is absent from ``pre``; one it deleted (a self-destruct) is absent
from ``post``; an account it reached but did not change is in neither.

The accounts reached are geth's: the sender, the recipient (or the created
contract) and the coinbase, every account an instruction names (BALANCE,
EXTCODESIZE, EXTCODECOPY, EXTCODEHASH, SELFDESTRUCT's beneficiary, the
target of a CALL, CALLCODE, DELEGATECALL or STATICCALL) and every account a
frame ran at (created contracts included); the slots are those of SLOAD and
SSTORE.

How the "before" is known: tracing starts on a prepared execution (gas
already bought, nonce already bumped), but every change a transaction makes
until it settles is in the state's journal with the value it replaced, so
the value before the transaction is the one the first journal entry for it
replaced, or else the current one. The pre-state is read that way when the
machine stops, before the transaction settles (settling deletes accounts
without a journal entry); the post-state after it settles.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....evm.frame import Frame
from ....evm.observer import Observer
from ....evm.opcodes import BY_NAME
from ....evm.processor import Execution, TransactionResult
from ....primitives.crypto import keccak256
from ....state import journal as J
from .budget import FRAME_BYTES, WORD_BYTES, TraceBudget
from .running import address_hex, hex_data, word_hex

ADDRESS_MASK = (1 << 160) - 1
NAMES_ACCOUNT = frozenset(BY_NAME[name].code for name in
                          ("BALANCE", "EXTCODESIZE", "EXTCODECOPY", "EXTCODEHASH", "SELFDESTRUCT"))
CALLS = frozenset(BY_NAME[name].code for name in ("CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"))
STORAGE_OPS = frozenset(BY_NAME[name].code for name in ("SLOAD", "SSTORE"))


@dataclass(frozen=True, slots=True)
class PrestateOptions:
    """geth's prestateTracer config: ``diffMode``, ``disableCode``, ``disableStorage``."""

    diff_mode: bool = False
    disable_code: bool = False
    disable_storage: bool = False


@dataclass(slots=True)
class AccountView:
    """An account as the tracer reports it; ``exists`` False for no account."""

    exists: bool
    balance: int
    nonce: int
    code: bytes
    storage: dict[int, int]


class PrestateTracer(Observer):
    def __init__(self, execution: Execution, budget: TraceBudget | None = None) -> None:
        self.budget = budget or TraceBudget()
        self.state = execution.state
        self.slots: dict[bytes, set[int]] = {}
        target = execution.tx.to if execution.tx.to is not None else execution.contract_address
        for address in (execution.sender, target, execution.env.coinbase):
            self._reach(address)

    def _reach(self, address: bytes) -> set[int]:
        slots = self.slots.get(address)
        if slots is None:
            self.budget.charge(FRAME_BYTES)
            slots = self.slots[address] = set()
        return slots

    def before_step(self, frame: Frame) -> None:
        self.budget.tick()
        op, stack = frame.code[frame.pc], frame.stack
        if not stack:
            return
        if op in STORAGE_OPS:
            slots = self._reach(frame.address)
            if stack[-1] not in slots:
                self.budget.charge(2 * WORD_BYTES)
                slots.add(stack[-1])
        elif op in NAMES_ACCOUNT:
            self._reach(_address(stack[-1]))
        elif op in CALLS and len(stack) >= 2:
            self._reach(_address(stack[-2]))

    def frame_entered(self, frame: Frame) -> None:
        self._reach(frame.address)

    # -- reading the state ------------------------------------------------------------

    def before(self) -> dict[bytes, AccountView]:
        """Every account reached, as it was before the transaction (read from the
        journal; call when the machine has stopped, before settling)."""
        replaced = _first_replaced(self.state.journal)
        views = {}
        for address, slots in self.slots.items():
            if (J.ACCOUNT_CREATED, address) in replaced:
                views[address] = AccountView(False, 0, 0, b"", {slot: 0 for slot in slots})
                continue
            current = self._view(address, slots)
            views[address] = AccountView(
                current.exists,
                replaced.get((J.BALANCE, address), current.balance),
                replaced.get((J.NONCE, address), current.nonce),
                replaced.get((J.CODE, address), current.code),
                {slot: replaced.get((J.STORAGE, address, slot), value) for slot, value in current.storage.items()},
            )
        return views

    def after(self) -> dict[bytes, AccountView]:
        return {address: self._view(address, slots) for address, slots in self.slots.items()}

    def _view(self, address: bytes, slots: set[int]) -> AccountView:
        state = self.state
        return AccountView(state.account_exists(address), state.get_balance(address), state.get_nonce(address),
                           state.get_code(address), {slot: state.get_storage(address, slot) for slot in slots})


def _address(word: int) -> bytes:
    return (word & ADDRESS_MASK).to_bytes(20, "big")


def _first_replaced(journal: list) -> dict[tuple, object]:
    """For each account field and slot the journal changed, the value its first
    entry replaced (an account created has no value before)."""
    replaced: dict[tuple, object] = {}
    for entry in journal:
        tag = entry[0]
        if tag in (J.BALANCE, J.NONCE, J.CODE):
            replaced.setdefault((tag, entry[1]), entry[2])
        elif tag == J.STORAGE:
            replaced.setdefault((tag, entry[1], entry[2]), entry[3])
        elif tag == J.ACCOUNT_CREATED:
            replaced.setdefault((tag, entry[1]), True)
    return replaced


def _account_json(view: AccountView, options: PrestateOptions, slots: dict[int, int] | None = None,
                  fields: frozenset[str] = frozenset({"balance", "nonce", "code"})) -> dict:
    out: dict = {}
    if "balance" in fields:
        out["balance"] = hex(view.balance)
    if "nonce" in fields and view.nonce:
        out["nonce"] = view.nonce
    if "code" in fields and view.code and not options.disable_code:
        out["code"] = hex_data(view.code)
        out["codeHash"] = hex_data(keccak256(view.code))
    storage = view.storage if slots is None else slots
    if storage and not options.disable_storage:
        out["storage"] = {word_hex(slot): word_hex(value) for slot, value in sorted(storage.items())}
    return out


def prestate_json(before: dict[bytes, AccountView], options: PrestateOptions) -> dict:
    return {address_hex(address): _account_json(view, options)
            for address, view in before.items() if view.exists}


def diff_json(before: dict[bytes, AccountView], after: dict[bytes, AccountView], options: PrestateOptions) -> dict:
    pre, post = {}, {}
    for address, old in before.items():
        new = after[address]
        if not old.exists and not new.exists:
            continue
        changed = {slot for slot in old.storage if old.storage[slot] != new.storage[slot]}
        fields = frozenset(name for name in ("balance", "nonce", "code") if getattr(old, name) != getattr(new, name))
        if not changed and not fields and old.exists == new.exists:
            continue
        key = address_hex(address)
        if old.exists:
            pre[key] = _account_json(old, options, {s: old.storage[s] for s in changed if old.storage[s]})
        if new.exists:
            post[key] = _account_json(new, options, {s: new.storage[s] for s in changed if new.storage[s]}, fields)
    return {"pre": pre, "post": post}


def trace_prestate(
    execution: Execution, options: PrestateOptions = PrestateOptions(), budget: TraceBudget | None = None
) -> tuple[dict, TransactionResult]:
    """Run ``execution`` under geth's prestateTracer; return its JSON. Raises
    ``TraceLimitExceeded`` if it runs past ``budget``."""
    tracer = PrestateTracer(execution, budget)
    machine = execution.machine
    machine.observer = tracer
    try:
        if not machine.done:
            machine.run()
    finally:
        machine.observer = None
    before = tracer.before()
    result = execution.settle()
    if not options.diff_mode:
        return prestate_json(before, options), result
    return diff_json(before, tracer.after(), options), result
