"""
Transaction processing
======================

One transaction against the world state, in four phases (as revm's handler
splits them): validate (stateless rules, then nonce, balance and fee caps
against the state and block), prepare (buy gas, bump the nonce, warm the
access list, start the first frame), execute (the machine), and settle
(refund, pay the coinbase its priority fee, delete self-destructed and touched
empty accounts). On a fork with a calldata floor (``Fork.calldata_floor_per_token``,
from Prague) the gas limit must cover the floor, and a transaction that used
less, after its refund, pays for the floor. On a fork with code delegation
(``Fork.code_delegation``, from Prague, ``ovm.evm.delegation``) preparing
also applies a set-code transaction's authorizations (their refund goes into
the refund counter, which the call's failure does not undo), and a target
holding a delegation designator runs its delegate's code (the delegate warmed,
no gas charged for it).

On a fork with L2 rules (``Fork.l2``, ``ovm.evm.l2``) a transaction also pays
the L1 data fee with its gas, and settling pays the base fee and the L1 fee
to their vaults instead of burning the base fee. A deposit (type 0x7E) runs
as a ``DepositExecution``: mint, no checks beyond its type and gas, no fees.

``begin_transaction`` returns an ``Execution`` whose machine can be run to the
end or stepped one instruction at a time; ``process_transaction`` does both
in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state import Log, State
from . import gas as G
from .delegation import apply_authorizations, delegated_address
from .environment import BlockEnv, TxContext
from .exceptions import AddressCollision, EvmError, FailedDeposit
from .forks.base import Fork
from .frame import Frame
from .instructions.system import create_address
from .interpreter import CodeRunner, Machine
from .intrinsic import calldata_floor_gas, intrinsic_gas
from .l2 import L1Charge, deposit_failure
from .observer import Observer
from .transactions import (
    AccessListTransaction,
    DepositTransaction,
    LegacyTransaction,
    Transaction,
    authorizations,
    blob_gas_used,
)
from .validation import check_calldata_floor, check_fits_block, validate_against_state, validate_transaction


@dataclass(slots=True)
class TransactionResult:
    success: bool
    gas_used: int
    logs: list[Log]
    output: bytes
    error: EvmError | None
    contract_address: bytes | None
    blob_gas_used: int
    refund: int
    l1_charge: L1Charge | None = None  # the L1 data fee paid, on an L2
    deposit_nonce: int | None = None  # a deposit's sender nonce before it ran


def effective_gas_price(tx: Transaction, base_fee: int) -> int:
    if isinstance(tx, DepositTransaction):
        return 0
    if isinstance(tx, (LegacyTransaction, AccessListTransaction)):
        return tx.gas_price
    return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)


class Execution:
    """A transaction that has been validated and prepared, with its machine.

    ``l1_charge`` is the L1 data fee the transaction pays on an L2 (``None``:
    none, as on Ethereum, or for a call that is never settled);
    ``deposit_nonce`` is set for a deposit only (``DepositExecution``)."""

    deposit_nonce: int | None = None

    def __init__(
        self,
        state: State,
        env: BlockEnv,
        tx: Transaction,
        sender: bytes,
        fork: Fork,
        code_runner: CodeRunner | None = None,
        l1_charge: L1Charge | None = None,
    ) -> None:
        self.state = state
        self.env = env
        self.tx = tx
        self.sender = sender
        self.fork = fork
        self.l1_charge = l1_charge
        self.gas_price = effective_gas_price(tx, env.base_fee)
        self.blob_gas = blob_gas_used(tx)
        self.floor_gas = self._floor_gas()
        self.contract_address = (
            create_address(sender, state.get_nonce(sender)) if tx.to is None else None
        )
        context = TxContext(
            origin=sender,
            gas_price=self.gas_price,
            blob_hashes=getattr(tx, "blob_versioned_hashes", ()),
        )
        self.code_runner = code_runner
        self.machine = Machine(state, env, context, fork, code_runner)

    def _floor_gas(self) -> int:
        """The least gas this transaction uses: the fork's calldata floor."""
        return calldata_floor_gas(self.tx, self.fork.calldata_floor_per_token)

    @property
    def l1_fee(self) -> int:
        return 0 if self.l1_charge is None else self.l1_charge.fee

    def restarted(self, state: State) -> Execution:
        """The same transaction, not yet prepared, on ``state`` (its pre-state
        rebuilt), to resume from a machine snapshot."""
        return type(self)(
            state, self.env, self.tx, self.sender, self.fork, self.code_runner, self.l1_charge
        )

    def prepare(self) -> None:
        """Buy gas, bump the nonce, warm the access list and enter the first frame."""
        self.state.begin_transaction()
        self._buy_gas()
        self._start()

    def _buy_gas(self) -> None:
        """Take all the gas, blob gas and the L1 data fee from the sender."""
        state, tx, sender = self.state, self.tx, self.sender
        cost = tx.gas * self.gas_price + self.blob_gas * self.env.blob_base_fee + self.l1_fee
        state.set_balance(sender, state.get_balance(sender) - cost)

    def _start(self) -> None:
        """Bump the nonce, warm the access list and enter the first frame."""
        state, tx, sender, target = self.state, self.tx, self.sender, self._target
        state.increment_nonce(sender)
        for address in (sender, target, self.env.coinbase, *self.fork.precompiles):
            state.warm_address(address)
        for address, keys in getattr(tx, "access_list", ()):
            state.warm_address(address)
            for key in keys:
                state.warm_slot(address, int.from_bytes(key, "big"))
        if authorizations(tx):
            state.add_refund(apply_authorizations(state, self.env.chain_id, authorizations(tx)))
        frame = self._first_frame()
        if tx.to is None and (state.has_code_or_nonce(target) or state.has_storage(target)):
            self._end_early(frame, AddressCollision())
            return
        # The message's code is another account's only when it is a delegate's.
        self.machine.enter(frame, delegated=frame.code_address != target)

    @property
    def _target(self) -> bytes:
        return self.tx.to if self.tx.to is not None else self.contract_address

    def _first_frame(self) -> Frame:
        """The transaction's message; its ``code_address`` is the target's
        delegate where the target holds a designator (and the fork follows it)."""
        tx, target = self.tx, self._target
        code_address, code = self._code_to_run()
        return Frame(
            self.machine,
            caller=self.sender,
            address=target,
            code_address=code_address,
            value=tx.value,
            data=tx.data if tx.to is not None else b"",
            code=code,
            gas=tx.gas - intrinsic_gas(tx),
            depth=0,
            is_create=tx.to is None,
        )

    def _code_to_run(self) -> tuple[bytes, bytes]:
        """(code address, code) of the transaction's message: the initcode of a
        creation, the target's code, or its delegate's (warmed, EIP-7702)."""
        tx, target, state = self.tx, self._target, self.state
        if tx.to is None:
            return target, tx.data
        code = state.get_code(target)
        delegate = delegated_address(code) if self.fork.code_delegation else None
        if delegate is None:
            return target, code
        state.warm_address(delegate)
        return delegate, state.get_code(delegate)

    def _end_early(self, frame: Frame, error: EvmError) -> None:
        """End before any code runs, with all the gas used."""
        frame.gas = 0
        self.machine.result = frame
        self.machine.error = error

    def run(self) -> TransactionResult:
        if not self.machine.done:
            self.machine.run()
        return self.settle()

    def settle(self) -> TransactionResult:
        """Refund, pay the fees and clean up, once the machine is done."""
        state, tx, machine = self.state, self.tx, self.machine
        frame, error = machine.result, machine.error
        gas_left = frame.gas
        used_before_refund = tx.gas - gas_left
        # A failed call has undone its own refunds; what is left (authorizations') stays.
        refund = min(used_before_refund // G.MAX_REFUND_QUOTIENT, state.refund)
        gas_used = max(used_before_refund - refund, self.floor_gas)
        self._pay_for_gas(gas_used, tx.gas - gas_used)
        for address in state.selfdestructed:
            state.destroy_account(address)
        for address in state.touched:
            account = state.get_account(address)
            if account is not None and account.is_empty():
                state.destroy_account(address)
        success = error is None
        return TransactionResult(
            success=success,
            gas_used=gas_used,
            logs=list(state.logs) if success else [],
            output=frame.output,
            error=error,
            contract_address=self.contract_address if success else None,
            blob_gas_used=self.blob_gas,
            refund=refund,
            l1_charge=self.l1_charge,
            deposit_nonce=self.deposit_nonce,
        )

    def _pay_for_gas(self, gas_used: int, gas_returned: int) -> None:
        """Return the unused gas to the sender and pay the priority fee to the
        coinbase. The base fee is burned on Ethereum; on an L2 it goes to the
        base fee vault, and the L1 data fee to the L1 fee vault (op-geth's order)."""
        state, env = self.state, self.env
        state.add_balance(self.sender, gas_returned * self.gas_price)
        _credit(state, env.coinbase, gas_used * (self.gas_price - env.base_fee))
        rules = self.fork.l2
        if rules is not None:
            _credit(state, rules.base_fee_vault, gas_used * env.base_fee)
            _credit(state, rules.l1_fee_vault, self.l1_fee)


class DepositExecution(Execution):
    """A deposit (type 0x7E) by the OP Stack's rules (see ``ovm.evm.l2``): the
    mint is credited first and kept whatever happens; no nonce, fee or balance
    check; no gas bought, nothing paid or refunded. A deposit that cannot start
    uses all its gas and fails, with only its mint and nonce increment kept."""

    def __init__(
        self,
        state: State,
        env: BlockEnv,
        tx: DepositTransaction,
        sender: bytes,
        fork: Fork,
        code_runner: CodeRunner | None = None,
        l1_charge: L1Charge | None = None,
    ) -> None:
        super().__init__(state, env, tx, sender, fork, code_runner, l1_charge)
        self.deposit_nonce = state.get_nonce(sender)

    def _floor_gas(self) -> int:
        """None: a deposit's gas was bought on L1."""
        return 0

    def prepare(self) -> None:
        """Mint, then start, or end as a failed deposit."""
        state, tx = self.state, self.tx
        state.begin_transaction()
        state.add_balance(self.sender, tx.mint)
        reason = deposit_failure(state, tx)
        if reason is None:
            self._start()
            return
        state.increment_nonce(self.sender)
        self._end_early(self._first_frame(), FailedDeposit(reason))

    def _pay_for_gas(self, gas_used: int, gas_returned: int) -> None:
        """Nothing: a deposit's gas was bought on L1."""


def _credit(state: State, address: bytes, amount: int) -> None:
    """Pay ``amount`` to ``address``. Paying nothing still touches it, so an
    empty account there is deleted (EIP-161), as geth's zero transfer does."""
    if amount:
        state.add_balance(address, amount)
        return
    account = state.get_account(address)
    if account is not None and account.is_empty():
        state.destroy_account(address)


def begin_transaction(
    state: State, env: BlockEnv, tx: Transaction, fork: Fork,
    block_gas_available: int | None = None, code_runner: CodeRunner | None = None,
    observer: Observer | None = None,
) -> Execution:
    """Validate and prepare ``tx``; raises ``InvalidTransaction`` if it cannot be included.
    An ``observer`` is set on the machine before the first frame is entered, so
    it sees that frame start too.

    A deposit is checked for its type and gas only: derivation vouches for the rest."""
    if isinstance(tx, DepositTransaction):
        check_fits_block(tx, env, fork, block_gas_available)
        execution: Execution = DepositExecution(state, env, tx, tx.sender, fork, code_runner)
    else:
        sender = validate_transaction(tx, env.chain_id, fork.impersonation)
        check_calldata_floor(tx, fork)
        l1_charge = None if fork.l2 is None else fork.l2.l1_charge(state, tx)
        l1_fee = 0 if l1_charge is None else l1_charge.fee
        validate_against_state(state, env, tx, sender, fork, block_gas_available, l1_fee)
        execution = Execution(state, env, tx, sender, fork, code_runner, l1_charge)
    execution.machine.observer = observer
    execution.prepare()
    return execution


def process_transaction(
    state: State, env: BlockEnv, tx: Transaction, fork: Fork,
    block_gas_available: int | None = None, code_runner: CodeRunner | None = None,
) -> TransactionResult:
    return begin_transaction(state, env, tx, fork, block_gas_available, code_runner).run()
