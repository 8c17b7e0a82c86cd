"""
Block import
============

Blocks built by ``BlockBuilder`` (transfers, a BLOCKHASH reader, withdrawals)
import into a ``MemoryChain`` from their encoding, on either engine, and give
the builder's state and receipts. Blocks that lie are refused for the rule
they break — a wrong result in the header, a transaction that cannot be
included, withdrawals the header does not commit to, an unknown parent — and
leave the chain and its state at the parent, so that the next good block
still imports. Blocks on a side branch import onto their own parent's state
and see their own ancestors' hashes.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.block import Block, InvalidBlock, Rule, encode_block, transactions_root
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import ChainConfig, dev_genesis, genesis_block, genesis_state
from ovm.chain.header import block_hash
from ovm.chain.importer import MemoryChain, copy_state, import_block
from ovm.chain.withdrawal import Withdrawal
from ovm.evm.forks import CANCUN
from ovm.evm.transactions import FeeMarketTransaction
from ovm.transpiler import TranspilingRunner
from ovm.trie import EMPTY_TRIE_ROOT

from support import asm, fee_market_tx

CONFIG = ChainConfig(chain_id=1)
ALICE, BOB = dev_accounts()[:2]
DAVE = bytes.fromhex("da" * 20)
COINBASE = bytes.fromhex("c0" * 20)
GWEI = 10**9
# Initcode: store BLOCKHASH(NUMBER - 1) and BLOCKHASH(NUMBER - 2) at slots 1 and 2.
BLOCKHASH_READER = asm(
    "PUSH1 1", "NUMBER", "SUB", "BLOCKHASH", "PUSH1 1", "SSTORE",
    "PUSH1 2", "NUMBER", "SUB", "BLOCKHASH", "PUSH1 2", "SSTORE", "STOP",
)  # fmt: skip


def transfer(nonce: int, value: int = 1, key: bytes = ALICE.private_key, **fields) -> FeeMarketTransaction:
    return fee_market_tx(key, chain_id=1, **{"to": DAVE, "nonce": nonce, "value": value, **fields})


class Fixture:
    """A genesis and a way to build valid blocks on any known block."""

    def __init__(self) -> None:
        genesis = dev_genesis(CONFIG)
        self.genesis_state = genesis_state(genesis)
        self.genesis = genesis_block(genesis, self.genesis_state)
        self.blocks = {self.genesis.hash: self.genesis}
        self.states = {self.genesis.hash: self.genesis_state}

    def build(self, parent: Block, txs=(), withdrawals=(), timestamp=None) -> Block:
        state = copy_state(self.states[parent.hash])
        builder = BlockBuilder(
            parent.header, state, CONFIG, CANCUN,
            timestamp=timestamp or parent.header.timestamp + 12, coinbase=COINBASE,
            prev_randao=b"\x5a" * 32, ancestor_hash=self.ancestor_hash(parent),
            withdrawals=withdrawals,
        )  # fmt: skip
        for tx in txs:
            builder.add_transaction(tx)
        block = builder.finish()
        self.blocks[block.hash] = block
        self.states[block.hash] = state
        return block

    def ancestor_hash(self, parent: Block):
        def lookup(number: int) -> bytes:
            block = parent
            while block.number > number:
                block = self.blocks[block.header.parent_hash]
            return block.hash

        return lookup

    def chain(self, **options) -> MemoryChain:
        return MemoryChain(self.genesis, copy_state(self.genesis_state), CONFIG, CANCUN, **options)


def resealed(block: Block, **header_changes) -> Block:
    return Block(dataclasses.replace(block.header, **header_changes), block.transactions, block.withdrawals)


def rejection(chain: MemoryChain, block: Block) -> InvalidBlock:
    head, root = chain.head, chain.head_state.state_root()
    with pytest.raises(InvalidBlock) as caught:
        chain.import_rlp(encode_block(block))
    assert chain.head == head and chain.head_state.state_root() == root  # the chain stays where it was
    return caught.value


@pytest.fixture
def fx() -> Fixture:
    return Fixture()


@pytest.mark.parametrize("engine", ["interpreter", "transpiler"])
def test_built_blocks_import_from_their_encoding(fx, engine):
    runner = TranspilingRunner(threshold=0) if engine == "transpiler" else None
    withdrawals = (Withdrawal(0, 7, BOB.address, 3), Withdrawal(1, 8, bytes.fromhex("77" * 20), 0))
    first = fx.build(fx.genesis, [transfer(0), transfer(1, data=BLOCKHASH_READER, to=None, gas=100_000)],
                     withdrawals=withdrawals)  # fmt: skip
    second = fx.build(first, [transfer(2, value=5, to=None, data=BLOCKHASH_READER, gas=100_000)])
    chain = fx.chain(code_runner=runner)
    for block in (first, second):
        assert chain.import_rlp(encode_block(block)) == block
    assert chain.head == second
    assert chain.head_state.state_root() == second.header.state_root == fx.states[second.hash].state_root()
    state = chain.head_state
    assert state.get_balance(BOB.address) == fx.genesis_state.get_balance(BOB.address) + 3 * GWEI
    assert state.get_account(bytes.fromhex("77" * 20)) is None  # nothing withdrawn: no account


def test_import_gives_the_builders_receipts(fx):
    block = fx.build(fx.genesis, [transfer(0), transfer(1)])
    state = copy_state(fx.genesis_state)
    receipts = import_block(block, fx.genesis.header, state, CONFIG, CANCUN)
    assert [r.cumulative_gas_used for r in receipts] == [21_000, 42_000]
    assert state.state_root() == block.header.state_root


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"gas_used": 21_001}, Rule.GAS_USED),
        ({"state_root": b"\x01" * 32}, Rule.STATE_ROOT),
        ({"receipts_root": b"\x02" * 32}, Rule.RECEIPTS_ROOT),
        ({"logs_bloom": b"\x03" * 256}, Rule.LOGS_BLOOM),
        ({"coinbase": b"\x04" * 20}, Rule.STATE_ROOT),  # the fees go elsewhere
        ({"base_fee_per_gas": 1}, Rule.BASE_FEE),
        ({"blob_gas_used": 0x20000}, Rule.BLOB_GAS),
    ],
)
def test_a_header_that_lies_about_its_block_is_refused(fx, changes, rule):
    block = fx.build(fx.genesis, [transfer(0)])
    assert rejection(fx.chain(), resealed(block, **changes)).rule is rule


def test_a_transaction_that_cannot_be_included_refuses_the_block(fx):
    """Whatever the header says: the transactions root is right here, and the
    same transaction twice is a nonce too low (a replay within a block)."""
    good = fx.build(fx.genesis, [transfer(0)])
    chain = fx.chain()
    for txs in ([transfer(0), transfer(0)], [transfer(3)], [transfer(0, gas=CONFIG.gas_limit + 1)],
                [transfer(0, value=10**30)], [transfer(0, max_fee_per_gas=1)]):  # fmt: skip
        block = resealed(good, transactions_root=transactions_root(txs))
        block = Block(block.header, tuple(txs))
        error = rejection(chain, block)
        assert error.rule is Rule.TRANSACTION, error
    assert chain.import_rlp(encode_block(good)) == good  # the next good block still imports


def test_withdrawals_the_header_does_not_commit_to_are_refused(fx):
    """Minting by withdrawal needs the header's commitment to it: a block whose
    state root credits a withdrawal its withdrawals root leaves out is refused,
    and so is one that adds a withdrawal to an honest header."""
    minted = fx.build(fx.genesis, [transfer(0)], withdrawals=(Withdrawal(0, 0, BOB.address, 10**9),))
    forged = resealed(minted, withdrawals_root=EMPTY_TRIE_ROOT)
    assert rejection(fx.chain(), forged).rule is Rule.WITHDRAWALS_ROOT
    honest = fx.build(fx.genesis, [transfer(0)])
    added = Block(honest.header, honest.transactions, minted.withdrawals)
    assert rejection(fx.chain(), added).rule is Rule.STATE_ROOT


def test_a_block_on_an_unknown_parent_is_refused(fx):
    block = fx.build(fx.genesis, [transfer(0)])
    orphan = fx.build(block, [transfer(1)])
    chain = fx.chain()
    assert rejection(chain, orphan).rule is Rule.PARENT
    assert rejection(chain, resealed(block, parent_hash=bytes(32))).rule is Rule.PARENT


def test_a_side_branch_imports_on_its_own_parents_state(fx):
    a1 = fx.build(fx.genesis, [transfer(0, value=100)])
    a2 = fx.build(a1, [transfer(1, to=None, data=BLOCKHASH_READER, gas=100_000)])
    b1 = fx.build(fx.genesis, [transfer(0, value=200)], timestamp=fx.genesis.header.timestamp + 5)
    b2 = fx.build(b1, [transfer(1, to=None, data=BLOCKHASH_READER, gas=100_000)])
    chain = fx.chain()
    for block in (a1, a2, b1, b2):
        chain.import_rlp(encode_block(block))
    assert chain.head == b2
    assert chain.head_state.get_balance(DAVE) == 200
    assert b2.header.state_root != a2.header.state_root  # BLOCKHASH saw b1, not a1
    assert block_hash(b1.header) != block_hash(a1.header)


def test_copy_state_is_independent():
    state = genesis_state(dev_genesis(CONFIG))
    state.set_storage(ALICE.address, 1, 2)
    copy = copy_state(state)
    assert copy.state_root() == state.state_root()
    copy.add_balance(ALICE.address, 1)
    copy.set_storage(ALICE.address, 1, 3)
    assert state.get_storage(ALICE.address, 1) == 2
    assert copy.state_root() != state.state_root()
