"""
Block building
==============

``BlockBuilder`` makes the block after ``parent``, under the fork its
timestamp falls in (``ChainConfig.forks``): it derives the block environment
(number, base fee from the parent by EIP-1559, excess blob gas by EIP-4844
with the fork's blob parameters, ancestor hashes for BLOCKHASH), makes the
fork's system calls at the start of the block (EIP-4788's beacon root,
EIP-2935's parent hash), runs transactions one at a time on the state, keeps
the receipts and cumulative gas, and ``finish`` credits the block's
withdrawals (EIP-4895; an L2 has none), gathers the fork's requests
(EIP-7685: deposits from logs, the withdrawal and consolidation queues'
end-of-block calls) and seals the header over the resulting state root,
transactions, receipts, bloom, withdrawals (on an Isthmus L2 the header's
withdrawals root is the L2ToL1MessagePasser's storage root instead:
``block.header_withdrawals_root``) and, from Prague, requests hash.

A transaction that cannot be included raises ``InvalidTransaction`` from
``add_transaction``: every check (signature, chain id, nonce, balance, fee
caps, gas and blob gas left in the block) runs before the first state change,
so the state and the block are exactly as they were, and the caller (the
sequencer) can drop the transaction and go on with the next.

The state is changed in place, from the start calls made by the
constructor on; a caller that may discard the block keeps its own copy. A
failing end-of-block request call makes the block impossible: ``finish``
raises ``InvalidBlock``.
"""

from __future__ import annotations

from typing import Sequence

from ..evm.environment import BlockEnv, BlockHashes, no_block_hashes
from ..evm.interpreter import CodeRunner
from ..evm.processor import begin_transaction
from ..evm.transactions import BlobTransaction, Transaction, blob_gas_used, transaction_hash, transaction_type
from ..evm.validation import NotIncludableNow, check_blob_count
from ..primitives.types import UINT64_MAX, ZERO_HASH
from ..state import State
from .base_fee import next_base_fee, next_excess_blob_gas
from .block import Block, InvalidBlock, Rule, header_withdrawals_root, transactions_root
from .bloom import combine_blooms
from .genesis import ChainConfig
from .header import MAX_EXTRA_DATA_BYTES, Header, block_hash
from .receipt import Receipt, ReceiptDetails, make_receipt, receipts_root
from .requests import collect_requests, requests_hash
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
        self.parent = parent
        self.parent_hash = block_hash(parent)
        self.state = state
        self.chain_fork = config.forks.at(timestamp)
        self.fork = self.chain_fork.fork
        if self.fork.l2 is not None and withdrawals:
            raise InvalidBlock("an L2 block has no withdrawals", Rule.WITHDRAWALS_ROOT)
        self.deposit_contract = config.deposit_contract
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
            excess_blob_gas=next_excess_blob_gas(parent, self.fork.blobs),
            block_hash=self._block_hash,
            blob_params=self.fork.blobs,
        )
        self.transactions: list[Transaction] = []
        self.receipts: list[Receipt] = []
        self.details: list[ReceiptDetails] = []
        self.gas_used = 0
        self.blob_gas_used = 0
        self._log_count = 0
        self._finished = False
        self.requests: list[bytes] = []
        for call in self.chain_fork.block.start_calls:
            call.make(state, self.env, self.fork, self, code_runner)

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
        """More blobs than the fork lets a transaction carry is never includable
        (``InvalidTransaction``); more than this block has room for waits."""
        if isinstance(tx, BlobTransaction):
            check_blob_count(tx, self.fork.blobs)
        blob_gas, limit = blob_gas_used(tx), self.fork.blobs.max_gas
        if self.blob_gas_used + blob_gas > limit:
            raise NotIncludableNow(
                f"blob gas limit reached: tx blob gas {blob_gas} > block blob gas "
                f"{limit - self.blob_gas_used}"
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
        """Seal the block: credit the withdrawals, gather the requests, compute
        the state root and the header. ``InvalidBlock`` if a request call fails."""
        self._check_open()
        self._finished = True
        apply_withdrawals(self.state, self.withdrawals)
        sources = self.chain_fork.block.requests
        if sources is not None:
            self.requests = collect_requests(sources, self)
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
            requests_hash=None if sources is None else requests_hash(self.requests),
        )
        return Block(header, tuple(self.transactions), self.withdrawals)
