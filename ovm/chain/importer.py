"""
Block import
============

``import_block`` takes a block made elsewhere and either accepts it or says
which rule it breaks: its header against its parent's
(``validation.validate_header``), then its execution — the block is built
again on the parent's state with the header's own environment
(``BlockBuilder``: the start-of-block system calls, the transactions, the
withdrawals, the requests) and the header must be the one that building
gives, roots of the body included (``validation.check_execution``). Both
run under the fork the block's timestamp falls in (``ChainConfig.forks``),
so a chain imports across a fork boundary. A transaction that cannot be
included makes the whole block invalid, as does a failing request call.

``MemoryChain`` is a chain kept in memory that imports blocks one after
another, as Ethereum's blockchain tests feed them: each block goes onto the
known block its header names as parent, on a copy of that block's state, so
a rejected block leaves the chain as it was and the next block still imports.
The last block imported is the head.
"""

from __future__ import annotations

from ..evm.environment import BlockHashes, no_block_hashes
from ..evm.interpreter import CodeRunner
from ..evm.transactions import InvalidTransaction
from ..state import State
from .block import Block, InvalidBlock, Rule, parse_block
from .builder import BlockBuilder
from .genesis import ChainConfig
from .header import Header
from .receipt import Receipt
from .validation import check_execution, validate_header


def import_block(
    block: Block,
    parent: Header,
    state: State,
    config: ChainConfig,
    *,
    ancestor_hash: BlockHashes = no_block_hashes,
    code_runner: CodeRunner | None = None,
) -> list[Receipt]:
    """Validate and execute ``block`` on ``state``, its parent's state, which
    it changes in place (the caller keeps a copy in case the block is invalid).
    Returns the receipts; raises ``InvalidBlock`` naming the broken rule."""
    header = block.header
    validate_header(header, parent, config)
    builder = BlockBuilder(
        parent, state, config,
        timestamp=header.timestamp, coinbase=header.coinbase, prev_randao=header.prev_randao,
        extra_data=header.extra_data, parent_beacon_block_root=header.parent_beacon_block_root,
        ancestor_hash=ancestor_hash, code_runner=code_runner, gas_limit=header.gas_limit,
        withdrawals=block.withdrawals,
    )  # fmt: skip
    for index, tx in enumerate(block.transactions):
        try:
            builder.add_transaction(tx)
        except InvalidTransaction as exc:
            raise InvalidBlock(f"transaction {index}: {exc}", Rule.TRANSACTION) from None
    check_execution(header, builder.finish().header)
    return builder.receipts


def copy_state(state: State) -> State:
    """An independent copy of ``state``'s accounts and storage."""
    copy = State()
    for address, account in state.accounts.items():
        storage = dict(state.storage.get(address, {}))
        copy.load_account(address, account.nonce, account.balance, account.code, storage)
    return copy


class MemoryChain:
    """Blocks imported in memory on top of ``genesis`` (see the module docstring)."""

    def __init__(
        self, genesis: Block, state: State, config: ChainConfig, code_runner: CodeRunner | None = None,
    ) -> None:  # fmt: skip
        self.config = config
        self.code_runner = code_runner
        self._headers: dict[bytes, Header] = {genesis.hash: genesis.header}
        self._states: dict[bytes, State] = {genesis.hash: state}
        self.head = genesis

    @property
    def head_state(self) -> State:
        return self._states[self.head.hash]

    def import_rlp(self, data: bytes) -> Block:
        """Decode and import a block; raises ``InvalidBlock``."""
        block = parse_block(data)
        self.import_block(block)
        return block

    def import_block(self, block: Block) -> None:
        """Import ``block`` onto its parent and make it the head; raises
        ``InvalidBlock``, leaving the chain as it was."""
        parent = self._headers.get(block.header.parent_hash)
        if parent is None:
            raise InvalidBlock(f"unknown parent 0x{block.header.parent_hash.hex()}", Rule.PARENT)
        state = copy_state(self._states[block.header.parent_hash])
        import_block(
            block, parent, state, self.config,
            ancestor_hash=self._ancestor_hashes(parent), code_runner=self.code_runner,
        )  # fmt: skip
        self._headers[block.hash] = block.header
        self._states[block.hash] = state
        self.head = block

    def _ancestor_hashes(self, parent: Header) -> BlockHashes:
        """BLOCKHASH on ``parent``'s branch: walk back by parent hashes."""
        headers = self._headers

        def ancestor_hash(number: int) -> bytes:
            header = parent
            while header.number > number + 1:
                header = headers[header.parent_hash]
            return header.parent_hash

        return ancestor_hash
