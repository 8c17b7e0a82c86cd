"""
The L2 header's withdrawals root
================================

Isthmus (specs ``isthmus/exec-engine.md``): an L2 block's header carries the
L2ToL1MessagePasser's storage root, after the block, as its
``withdrawalsRoot``, from the genesis block on. Blocks built on ``OvmIsthmus``
over the L2 genesis, one of them with a withdrawal through the L2 bridge:
their headers commit to the message passer's storage, importing them checks
it, a block whose header carries another root is refused, and ``OvmCancun``
keeps the root of the (empty) withdrawal list.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.block import Block, InvalidBlock, Rule
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import genesis_block, genesis_state
from ovm.chain.importer import MemoryChain
from ovm.chain.withdrawal import Withdrawal
from ovm.evm.forks import OVM_CANCUN, OVM_ISTHMUS
from ovm.evm.l2 import L2_TO_L1_MESSAGE_PASSER, L1Origin, l1_info_deposit
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import PREDEPLOYS
from ovm.rollup.genesis import l2_genesis
from ovm.trie import EMPTY_TRIE_ROOT

GWEI = 10**9
ALICE = dev_accounts()[0]
ORIGIN = L1Origin(number=7, timestamp=1_730_000_000, base_fee=9 * GWEI, blob_base_fee=5, hash=b"\xa1" * 32)
WITHDRAW_ETH = keccak256(b"withdrawETH()")[:4]


def _withdrawal(nonce: int, value: int) -> FeeMarketTransaction:
    tx = FeeMarketTransaction(
        chain_id=901, nonce=nonce, max_priority_fee_per_gas=GWEI // 100, max_fee_per_gas=3 * GWEI,
        gas=200_000, to=PREDEPLOYS["L2Bridge"], value=value, data=WITHDRAW_ETH, access_list=(),
        y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, ALICE.private_key, 901)


def _build(fork, parent, state, config, timestamp, txs, **kwargs):
    builder = BlockBuilder(parent, state, config, fork, timestamp=timestamp, coinbase=config.fee_recipient, **kwargs)
    for tx in txs:
        builder.add_transaction(tx)
    return builder.finish()


def _chain(fork):
    """Genesis and two blocks: the second one withdraws."""
    genesis = l2_genesis(fork=fork)
    state = genesis_state(genesis)
    first = genesis_block(genesis, state, fork)
    blocks, parent = [], first.header
    for number, txs in ((1, [l1_info_deposit(ORIGIN, 0, bytes(32), 1, 1)]),
                        (2, [l1_info_deposit(ORIGIN, 1, bytes(32), 1, 1), _withdrawal(0, 12345)])):  # fmt: skip
        block = _build(fork, parent, state, genesis.config, number, txs)
        blocks.append(block)
        parent = block.header
    return genesis, first, blocks, state


@pytest.fixture(scope="module")
def isthmus():
    return _chain(OVM_ISTHMUS)


def test_the_header_carries_the_message_passers_storage_root(isthmus):
    _, first, (quiet, withdrawing), state = isthmus
    assert first.header.withdrawals_root == EMPTY_TRIE_ROOT  # no storage yet
    assert quiet.header.withdrawals_root == EMPTY_TRIE_ROOT
    assert state.has_storage(L2_TO_L1_MESSAGE_PASSER)
    assert withdrawing.header.withdrawals_root == state.storage_root(L2_TO_L1_MESSAGE_PASSER) != EMPTY_TRIE_ROOT
    assert withdrawing.withdrawals == ()


def test_the_genesis_block_commits_to_genesis_storage():
    genesis = l2_genesis(fork=OVM_ISTHMUS)
    storage = {1: 5}  # a message passer with a nonce already, as a chain's genesis may hold
    alloc = dict(genesis.alloc)
    alloc[L2_TO_L1_MESSAGE_PASSER] = dataclasses.replace(alloc[L2_TO_L1_MESSAGE_PASSER], storage=storage)
    genesis = dataclasses.replace(genesis, alloc=alloc)
    state = genesis_state(genesis)
    header = genesis_block(genesis, state, OVM_ISTHMUS).header
    assert header.withdrawals_root == state.storage_root(L2_TO_L1_MESSAGE_PASSER) != EMPTY_TRIE_ROOT
    assert genesis_block(genesis, genesis_state(genesis), OVM_CANCUN).header.withdrawals_root == EMPTY_TRIE_ROOT


def test_importing_checks_the_root(isthmus):
    genesis, first, blocks, _ = isthmus
    chain = MemoryChain(first, genesis_state(genesis), genesis.config, OVM_ISTHMUS)
    for block in blocks:
        chain.import_block(block)
    assert chain.head == blocks[-1]


def test_a_header_with_another_root_is_refused(isthmus):
    genesis, first, (quiet, withdrawing), _ = isthmus
    chain = MemoryChain(first, genesis_state(genesis), genesis.config, OVM_ISTHMUS)
    chain.import_block(quiet)
    forged = Block(dataclasses.replace(withdrawing.header, withdrawals_root=EMPTY_TRIE_ROOT), withdrawing.transactions)
    with pytest.raises(InvalidBlock) as refused:
        chain.import_block(forged)
    assert refused.value.rule == Rule.WITHDRAWALS_ROOT
    assert chain.head == quiet


def test_ovm_cancun_keeps_the_empty_withdrawals_root():
    _, first, blocks, state = _chain(OVM_CANCUN)
    assert state.has_storage(L2_TO_L1_MESSAGE_PASSER)
    assert [b.header.withdrawals_root for b in (first, *blocks)] == [EMPTY_TRIE_ROOT] * 3


def test_an_l2_block_has_no_withdrawals(isthmus):
    genesis, first, _, _ = isthmus
    withdrawal = Withdrawal(index=0, validator_index=1, address=ALICE.address, amount=1)
    with pytest.raises(InvalidBlock, match="no withdrawals"):
        BlockBuilder(first.header, genesis_state(genesis), genesis.config, OVM_ISTHMUS, timestamp=1,
                     coinbase=genesis.config.fee_recipient, withdrawals=[withdrawal])  # fmt: skip
