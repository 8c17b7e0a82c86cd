"""
Transaction processing
======================

One transaction against the world state, in four phases (as revm's handler
splits them): validate (stateless rules, then nonce, balance and fee caps
against the state and block), prepare (buy gas, bump the nonce, warm the
access list, start the first frame), execute (the machine), and settle
(refund, pay the coinbase its priority fee, delete self-destructed and touched
empty accounts).

``begin_transaction`` returns an ``Execution`` whose machine can be run to the
end or stepped one instruction at a time; ``process_transaction`` does both
in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state import Log, State
from . import gas as G
from .environment import BlockEnv, TxContext
from .exceptions import AddressCollision, EvmError
from .forks.base import Fork
from .frame import Frame
from .instructions.system import create_address
from .interpreter import CodeRunner, Machine
from .transactions import (
    AccessListTransaction,
    BlobTransaction,
    InvalidTransaction,
    LegacyTransaction,
    Transaction,
    intrinsic_gas,
    max_fee_per_gas,
    validate_transaction,
)


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


class NotIncludableNow(InvalidTransaction):
    """Cannot go into this block but may fit a later one: its nonce is ahead of
    the sender's, or it needs more gas or blob gas than the block has left.
    Block builders keep such a transaction for later instead of dropping it."""


def effective_gas_price(tx: Transaction, base_fee: int) -> int:
    if isinstance(tx, (LegacyTransaction, AccessListTransaction)):
        return tx.gas_price
    return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)


def blob_gas_used(tx: Transaction) -> int:
    if isinstance(tx, BlobTransaction):
        return G.GAS_PER_BLOB * len(tx.blob_versioned_hashes)
    return 0


def transaction_type(tx: Transaction) -> int:
    return type(tx).TYPE


def upfront_cost(tx: Transaction) -> int:
    """The most ``tx`` can cost its sender: all its gas at the fee cap, its value,
    and its blob gas at the blob fee cap."""
    cost = tx.gas * max_fee_per_gas(tx) + tx.value
    if isinstance(tx, BlobTransaction):
        cost += blob_gas_used(tx) * tx.max_fee_per_blob_gas
    return cost


def check_fee_cap(tx: Transaction, sender: bytes, base_fee: int) -> None:
    max_fee = max_fee_per_gas(tx)
    if max_fee < base_fee:
        raise InvalidTransaction(
            f"max fee per gas less than block base fee: address 0x{sender.hex()}, "
            f"maxFeePerGas: {max_fee}, baseFee: {base_fee}"
        )


def check_nonce_not_too_low(tx: Transaction, sender: bytes, nonce: int) -> None:
    if tx.nonce < nonce:
        raise InvalidTransaction(
            f"nonce too low: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}"
        )


def check_sender_is_eoa(sender: bytes, code: bytes) -> None:
    """EIP-3607: an account with code cannot send transactions."""
    if code:
        raise InvalidTransaction(f"sender not an eoa: address 0x{sender.hex()}")


def check_funds(tx: Transaction, sender: bytes, balance: int) -> None:
    cost = upfront_cost(tx)
    if balance < cost:
        raise InvalidTransaction(
            f"insufficient funds for gas * price + value: address 0x{sender.hex()} "
            f"have {balance} want {cost}"
        )


def validate_against_state(
    state: State, env: BlockEnv, tx: Transaction, sender: bytes, fork: Fork,
    block_gas_available: int | None = None,
) -> None:
    """The rules that need the state and the block; raises ``InvalidTransaction``.
    Messages follow geth's wording, which client libraries parse."""
    if transaction_type(tx) not in fork.transaction_types:
        raise InvalidTransaction(f"transaction type {transaction_type(tx)} not supported")
    if tx.gas > env.gas_limit:
        raise InvalidTransaction(f"gas limit reached: tx gas {tx.gas} > block gas {env.gas_limit}")
    if block_gas_available is not None and tx.gas > block_gas_available:
        raise NotIncludableNow(f"gas limit reached: tx gas {tx.gas} > block gas left {block_gas_available}")
    check_fee_cap(tx, sender, env.base_fee)
    if isinstance(tx, BlobTransaction):
        if tx.max_fee_per_blob_gas < env.blob_base_fee:
            raise InvalidTransaction(
                f"max fee per blob gas less than block blob gas fee: "
                f"{tx.max_fee_per_blob_gas} < {env.blob_base_fee}"
            )
        if blob_gas_used(tx) > G.MAX_BLOB_GAS_PER_BLOCK:
            raise InvalidTransaction("blob gas exceeds the block limit")
    nonce = state.get_nonce(sender)
    check_nonce_not_too_low(tx, sender, nonce)
    if tx.nonce > nonce:
        raise NotIncludableNow(f"nonce too high: address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
    check_sender_is_eoa(sender, state.get_code(sender))
    check_funds(tx, sender, state.get_balance(sender))


class Execution:
    """A transaction that has been validated and prepared, with its machine."""

    def __init__(
        self,
        state: State,
        env: BlockEnv,
        tx: Transaction,
        sender: bytes,
        fork: Fork,
        code_runner: CodeRunner | None = None,
    ) -> None:
        self.state = state
        self.env = env
        self.tx = tx
        self.sender = sender
        self.fork = fork
        self.gas_price = effective_gas_price(tx, env.base_fee)
        self.blob_gas = blob_gas_used(tx)
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

    def prepare(self) -> None:
        """Buy gas, bump the nonce, warm the access list and enter the first frame."""
        state, tx, sender = self.state, self.tx, self.sender
        state.begin_transaction()
        state.set_balance(
            sender,
            state.get_balance(sender)
            - tx.gas * self.gas_price
            - self.blob_gas * self.env.blob_base_fee,
        )
        state.increment_nonce(sender)
        target = tx.to if tx.to is not None else self.contract_address
        for address in (sender, target, self.env.coinbase, *self.fork.precompiles):
            state.warm_address(address)
        for address, keys in getattr(tx, "access_list", ()):
            state.warm_address(address)
            for key in keys:
                state.warm_slot(address, int.from_bytes(key, "big"))
        gas = tx.gas - intrinsic_gas(tx)
        machine = self.machine
        frame = Frame(
            machine,
            caller=sender,
            address=target,
            code_address=target,
            value=tx.value,
            data=tx.data if tx.to is not None else b"",
            code=state.get_code(target) if tx.to is not None else tx.data,
            gas=gas,
            depth=0,
            is_create=tx.to is None,
        )
        if tx.to is None and (state.has_code_or_nonce(target) or state.has_storage(target)):
            frame.gas = 0
            machine.result = frame
            machine.error = AddressCollision()
            return
        machine.enter(frame)

    def run(self) -> TransactionResult:
        if not self.machine.done:
            self.machine.run()
        return self.settle()

    def settle(self) -> TransactionResult:
        """Refund, pay the coinbase and clean up, once the machine is done."""
        state, env, tx, machine = self.state, self.env, self.tx, self.machine
        frame, error = machine.result, machine.error
        gas_left = frame.gas
        used_before_refund = tx.gas - gas_left
        refund = min(used_before_refund // G.MAX_REFUND_QUOTIENT, state.refund) if error is None else 0
        gas_used = used_before_refund - refund
        state.add_balance(self.sender, (gas_left + refund) * self.gas_price)
        fee = gas_used * (self.gas_price - env.base_fee)
        coinbase = env.coinbase
        if fee:
            state.add_balance(coinbase, fee)
        else:
            account = state.get_account(coinbase)
            if account is not None and account.is_empty():
                state.destroy_account(coinbase)
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
        )


def begin_transaction(
    state: State, env: BlockEnv, tx: Transaction, fork: Fork,
    block_gas_available: int | None = None, code_runner: CodeRunner | None = None,
) -> Execution:
    """Validate and prepare ``tx``; raises ``InvalidTransaction`` if it cannot be included."""
    sender = validate_transaction(tx, env.chain_id)
    validate_against_state(state, env, tx, sender, fork, block_gas_available)
    execution = Execution(state, env, tx, sender, fork, code_runner)
    execution.prepare()
    return execution


def process_transaction(
    state: State, env: BlockEnv, tx: Transaction, fork: Fork,
    block_gas_available: int | None = None, code_runner: CodeRunner | None = None,
) -> TransactionResult:
    return begin_transaction(state, env, tx, fork, block_gas_available, code_runner).run()
