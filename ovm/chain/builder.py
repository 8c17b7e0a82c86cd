"""
Block building
==============

``BlockBuilder`` makes the block after ``parent``: it derives the block
environment (number, base fee from the parent by EIP-1559, excess blob gas by
EIP-4844, ancestor hashes for BLOCKHASH), makes the EIP-4788 beacon-roots
system call where the chain does (``ChainConfig.beacon_roots``), runs
transactions one at a time on the state, keeps the receipts and cumulative
gas, and ``finish`` credits the block's withdrawals (EIP-4895; an L2 has none)
and seals the header over the resulting state root, transactions, receipts,
bloom and withdrawals (on an Isthmus L2 the header's withdrawals root is the
L2ToL1MessagePasser's storage root instead: ``block.header_withdrawals_root``).

A transaction that cannot be included raises ``InvalidTransaction`` from
``add_transaction``: every check (signature, chain id, nonce, balance, fee
caps, gas and blob gas left in the block) runs before the first state change,
so the state and the block are exactly as they were, and the caller (the
sequencer) can drop the transaction and go on with the next.

The state is changed in place, from the beacon-roots call made by the
constructor on; a caller that may discard the block keeps its own copy.
"""

from __future__ import annotations

from typing import Sequence

from ..evm import gas as G
from ..evm.environment import BlockEnv, BlockHashes, no_block_hashes
from ..evm.forks import Fork
from ..evm.interpreter import CodeRunner
from ..evm.processor import begin_transaction
from ..evm.transactions import Transaction, blob_gas_used, transaction_hash, transaction_type
from ..evm.validation import NotIncludableNow
from ..primitives.types import UINT64_MAX, ZERO_HASH
from ..state import State
from .base_fee import next_base_fee, next_excess_blob_gas
from .block import Block, InvalidBlock, Rule, header_withdrawals_root, transactions_root
from .bloom import combine_blooms
from .genesis import ChainConfig
from .header import MAX_EXTRA_DATA_BYTES, Header, block_hash
from .receipt import Receipt, ReceiptDetails, make_receipt, receipts_root
from .system_call import store_beacon_root
from .withdrawal import Withdrawal, apply_withdrawals


class BlockBuilder:
    """Builds one block on top of ``parent`` by executing transactions on ``state``.

    ``ancestor_hash(number)`` answers BLOCKHASH for blocks older than the
    parent, whose hash the builder knows itself. ``code_runner`` runs contract
    code (the transpiler); the interpreter does by default. ``gas_limit`` is
    the chain's (``config.gas_limit``) unless given (a block being imported).
    """

    def __init__(
        self,
        parent: Header,
        state: State,
        config: ChainConfig,
        fork: Fork,
        *,
        timestamp: int,
        coinbase: bytes,
        prev_randao: bytes = ZERO_HASH,
        extra_data: bytes = b"",
        parent_beacon_block_root: bytes = ZERO_HASH,
        ancestor_hash: BlockHashes = no_block_hashes,
        code_runner: CodeRunner | None = None,
        gas_limit: int | None = None,
        withdrawals: Sequence[Withdrawal] = (),
    ) -> None:
        if timestamp <= parent.timestamp:
            raise InvalidBlock(
                f"timestamp {timestamp} is not after the parent's {parent.timestamp}",
                Rule.TIMESTAMP,
            )
        if timestamp > UINT64_MAX:
            raise InvalidBlock(f"timestamp {timestamp} does not fit in 64 bits", Rule.TIMESTAMP)
        if len(extra_data) > MAX_EXTRA_DATA_BYTES:
            raise InvalidBlock(
                f"extra data is {len(extra_data)} bytes, at most {MAX_EXTRA_DATA_BYTES} allowed",
                Rule.EXTRA_DATA,
            )
        if fork.l2 is not None and withdrawals:
            raise InvalidBlock("an L2 block has no withdrawals", Rule.WITHDRAWALS_ROOT)
        self.parent = parent
        self.parent_hash = block_hash(parent)
        self.state = state
        self.fork = fork
        self.extra_data = extra_data
        self.parent_beacon_block_root = parent_beacon_block_root
        self.withdrawals = tuple(withdrawals)
        self._ancestor_hash = ancestor_hash
        self.code_runner = code_runner
        self.env = BlockEnv(
            coinbase=coinbase,
            number=parent.number + 1,
            timestamp=timestamp,
            gas_limit=config.gas_limit if gas_limit is None else gas_limit,
            base_fee=next_base_fee(parent, config.base_fee_params),
            prev_randao=prev_randao,
            chain_id=config.chain_id,
            excess_blob_gas=next_excess_blob_gas(parent),
            block_hash=self._block_hash,
        )
        self.transactions: list[Transaction] = []
        self.receipts: list[Receipt] = []
        self.details: list[ReceiptDetails] = []
        self.gas_used = 0
        self.blob_gas_used = 0
        self._log_count = 0
        self._finished = False
        if config.beacon_roots:
            store_beacon_root(state, self.env, fork, parent_beacon_block_root, code_runner)

    def _block_hash(self, number: int) -> bytes:
        return self.parent_hash if number == self.parent.number else self._ancestor_hash(number)

    @property
    def gas_available(self) -> int:
        """Gas left in the block for further transactions."""
        return self.env.gas_limit - self.gas_used

    def _check_open(self) -> None:
        if self._finished:
            raise RuntimeError("the block is already finished")

    def _check_blob_gas(self, tx: Transaction) -> None:
        blob_gas = blob_gas_used(tx)
        if self.blob_gas_used + blob_gas > G.MAX_BLOB_GAS_PER_BLOCK:
            raise NotIncludableNow(
                f"blob gas limit reached: tx blob gas {blob_gas} > block blob gas "
                f"{G.MAX_BLOB_GAS_PER_BLOCK - self.blob_gas_used}"
            )

    def add_transaction(self, tx: Transaction) -> tuple[Receipt, ReceiptDetails]:
        """Execute ``tx`` and append it to the block.

        Raises ``InvalidTransaction``, with nothing changed, if it cannot be included.
        """
        self._check_open()
        self._check_blob_gas(tx)
        execution = begin_transaction(
            self.state, self.env, tx, self.fork, self.gas_available, self.code_runner
        )
        result = execution.run()
        self.gas_used += result.gas_used
        self.blob_gas_used += result.blob_gas_used
        receipt = make_receipt(
            transaction_type(tx), result.success, self.gas_used, result.logs, result.deposit_nonce
        )
        details = ReceiptDetails(
            transaction_hash=transaction_hash(tx),
            transaction_index=len(self.transactions),
            sender=execution.sender,
            to=tx.to,
            gas_used=result.gas_used,
            effective_gas_price=execution.gas_price,
            contract_address=result.contract_address,
            first_log_index=self._log_count,
            blob_gas_used=result.blob_gas_used,
            blob_gas_price=self.env.blob_base_fee if result.blob_gas_used else None,
            l1_charge=result.l1_charge,
        )
        self._log_count += len(receipt.logs)
        self.transactions.append(tx)
        self.receipts.append(receipt)
        self.details.append(details)
        return receipt, details

    def finish(self) -> Block:
        """Seal the block: credit the withdrawals, compute the state root and the header."""
        self._check_open()
        self._finished = True
        apply_withdrawals(self.state, self.withdrawals)
        env = self.env
        header = Header(
            parent_hash=self.parent_hash,
            coinbase=env.coinbase,
            state_root=self.state.state_root(),
            transactions_root=transactions_root(self.transactions),
            receipts_root=receipts_root(self.receipts),
            logs_bloom=combine_blooms(receipt.bloom for receipt in self.receipts),
            number=env.number,
            gas_limit=env.gas_limit,
            gas_used=self.gas_used,
            timestamp=env.timestamp,
            extra_data=self.extra_data,
            prev_randao=env.prev_randao,
            base_fee_per_gas=env.base_fee,
            blob_gas_used=self.blob_gas_used,
            excess_blob_gas=env.excess_blob_gas,
            withdrawals_root=header_withdrawals_root(self.fork, self.state, self.withdrawals),
            parent_beacon_block_root=self.parent_beacon_block_root,
        )
        return Block(header, tuple(self.transactions), self.withdrawals)
