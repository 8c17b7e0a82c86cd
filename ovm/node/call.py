"""
Calls
=====

``eth_call`` on a state: a ``CallRequest`` becomes an unsigned transaction,
is checked as geth checks a call, and runs in a sandbox with the request's
state overrides (geth's shape: ``{address: {"balance", "nonce", "code",
"state" | "stateDiff"}}``); the answer is a ``CallResult``. ``Blockchain``
picks the state and block; ``ovm.node.estimate`` searches the gas limit.

Calls run on the head state itself and leave no trace: the call's state
overrides are applied in the journal, the call's own changes go into a second
journal (``Execution.prepare`` starts a fresh one), and both are rolled back.
The transaction is never settled, because settling deletes accounts outside
the journal. The call's gas is computed as settling would (refund capped at a
fifth of the gas used). A request with an ``authorization_list`` (even an
empty one, which fails as geth's does) runs as a set-code transaction: its
signed authorizations apply before the call, as in a block (EIP-7702).
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from ..evm import gas as G
from ..evm.environment import BlockEnv
from ..evm.exceptions import EvmError
from ..evm.forks import Fork
from ..evm.interpreter import CodeRunner
from ..evm.processor import Execution
from ..evm.transactions import (
    AccessList,
    AccessListTransaction,
    BlobTransaction,
    AuthorizationList,
    FeeMarketTransaction,
    InvalidTransaction,
    SetCodeTransaction,
    Transaction,
)
from ..evm.validation import check_call
from ..primitives.types import ZERO_ADDRESS
from ..state import Log, State

OVERRIDE_FIELDS = frozenset({"balance", "nonce", "code", "state", "stateDiff"})


class InvalidOverride(ValueError):
    """A state override of the wrong shape."""


@dataclass(frozen=True, slots=True)
class CallRequest:
    """A message for ``call``/``estimate_gas`` (``eth_call``'s fields).

    ``gas`` defaults to the block gas limit. Without a price (``gas_price``,
    or ``max_fee`` and ``max_priority_fee``) the call runs with base fee 0 and
    costs nothing, as on geth.
    """

    sender: bytes = ZERO_ADDRESS
    to: bytes | None = None
    gas: int | None = None
    gas_price: int | None = None
    max_fee: int | None = None
    max_priority_fee: int | None = None
    value: int = 0
    data: bytes = b""
    access_list: AccessList = ()
    blob_versioned_hashes: tuple[bytes, ...] = ()  # a blob transaction's, for BLOBHASH
    max_fee_per_blob_gas: int | None = None
    authorization_list: AuthorizationList | None = None  # a set-code transaction's (EIP-7702)

    @property
    def priced(self) -> bool:
        return bool(self.gas_price or self.max_fee or self.max_priority_fee)

    @property
    def fee_cap(self) -> int:
        return self.gas_price if self.gas_price is not None else self.max_fee or 0


@dataclass(frozen=True, slots=True)
class CallResult:
    """``gas_used`` is after the refund (``refund``), as in a receipt."""

    success: bool
    output: bytes
    gas_used: int
    error: EvmError | None
    logs: list[Log]
    refund: int = 0


def run_call(
    state: State,
    env: BlockEnv,
    request: CallRequest,
    overrides: Mapping | None,
    fork: Fork,
    code_runner: CodeRunner | None = None,
    finish: Callable[[Execution], Any] | None = None,
) -> Any:
    """Run ``request`` on ``state`` in the block ``env`` and leave no trace (see
    the module docstring); its ``CallResult``, or what ``finish`` makes of the
    prepared execution (which then always interprets)."""
    env = _call_env(env, request)
    gas = env.gas_limit if request.gas is None else request.gas
    with _sandbox(state, overrides):
        tx = _call_transaction(request, state.get_nonce(request.sender), gas, env.chain_id)
        _check_call(state, env, tx, request, fork)
        code_runner = code_runner if finish is None else None
        execution = Execution(state, env, tx, request.sender, fork, code_runner)
        execution.prepare()
        if finish is not None:
            return finish(execution)
        if not execution.machine.done:
            execution.machine.run()
        return _call_result(execution)


def _call_env(env: BlockEnv, request: CallRequest) -> BlockEnv:
    """An unpriced call runs with base fee 0 and free blob gas, as geth runs it."""
    if request.priced:
        return env
    env = dataclasses.replace(env, base_fee=0)
    env.blob_base_fee = 0
    return env


@contextmanager
def _sandbox(state: State, overrides: Mapping | None) -> Iterator[None]:
    """Apply ``overrides``, run the body, then undo both the body's changes and
    the overrides. ``Execution.prepare`` starts a new journal, so the overrides'
    journal is kept aside and rolled back after the call's."""
    state.begin_transaction()
    override_journal = state.journal
    try:
        _apply_overrides(state, overrides or {})
        yield
    finally:
        state.rollback(0)
        state.journal = override_journal
        state.rollback(0)
        state.begin_transaction()


def _apply_overrides(state: State, overrides: Mapping) -> None:
    for address, override in overrides.items():
        where = f"account 0x{address.hex()}"
        unknown = set(override) - OVERRIDE_FIELDS
        if unknown:
            names = ", ".join(sorted(unknown))
            raise InvalidOverride(f"{where}: unknown override field(s) {names}")
        if "state" in override and "stateDiff" in override:
            raise InvalidOverride(f"{where} has both 'state' and 'stateDiff'")
        if "balance" in override:
            state.set_balance(address, override["balance"])
        if "nonce" in override:
            state.set_nonce(address, override["nonce"])
        if "code" in override:
            state.set_code(address, override["code"])
        if "state" in override:
            for slot in list(state.storage.get(address, {})):
                state.set_storage(address, slot, 0)
        for slot, value in override.get("state", override.get("stateDiff", {})).items():
            state.set_storage(address, slot, value)


def overridden(overrides: Mapping | None, address: bytes, name: str, default: int) -> int:
    return (overrides or {}).get(address, {}).get(name, default)


def _call_transaction(request: CallRequest, nonce: int, gas: int, chain_id: int) -> Transaction:
    """An unsigned transaction carrying the request, for ``Execution``."""
    fields = dict(
        chain_id=chain_id, nonce=nonce, gas=gas, to=request.to, value=request.value,
        data=request.data, access_list=request.access_list, y_parity=0, r=0, s=0,
    )  # fmt: skip
    if request.authorization_list is not None:
        return SetCodeTransaction(
            max_priority_fee_per_gas=request.max_priority_fee or 0,
            max_fee_per_gas=request.fee_cap,
            authorization_list=request.authorization_list,
            **fields,
        )
    if request.blob_versioned_hashes:
        return BlobTransaction(
            max_priority_fee_per_gas=request.max_priority_fee or 0,
            max_fee_per_gas=request.fee_cap,
            max_fee_per_blob_gas=request.max_fee_per_blob_gas or 0,
            blob_versioned_hashes=request.blob_versioned_hashes,
            **fields,
        )
    if request.gas_price is not None or not request.priced:
        return AccessListTransaction(gas_price=request.gas_price or 0, **fields)
    return FeeMarketTransaction(
        max_priority_fee_per_gas=request.max_priority_fee or 0,
        max_fee_per_gas=request.max_fee or 0,
        **fields,
    )


def _check_call(state: State, env: BlockEnv, tx: Transaction, request: CallRequest, fork: Fork) -> None:
    """geth's checks for a call (``check_call``), that the request names one
    kind of price, and that the fork knows set-code transactions if it is one."""
    if isinstance(tx, SetCodeTransaction) and tx.TYPE not in fork.transaction_types:
        raise InvalidTransaction(f"transaction type {tx.TYPE} not supported: authorizationList needs Prague")
    dynamic = request.max_fee is not None or request.max_priority_fee is not None
    if request.gas_price is not None and dynamic:
        raise InvalidTransaction(
            "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified"
        )
    if request.gas_price is not None and request.authorization_list is not None:
        raise InvalidTransaction("both gasPrice and authorizationList specified")
    check_call(state, env, tx, request.sender)


def _call_result(execution: Execution) -> CallResult:
    """The outcome of a finished machine, with the gas settling would charge."""
    machine, state = execution.machine, execution.state
    error = machine.error
    used = execution.tx.gas - machine.result.gas
    # A failed call has undone its own refunds; authorizations' stay (EIP-7702).
    refund = min(used // G.MAX_REFUND_QUOTIENT, state.refund)
    logs = list(state.logs) if error is None else []
    return CallResult(error is None, machine.result.output, used - refund, error, logs, refund)
