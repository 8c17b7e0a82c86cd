"""
The sequencing window on the embedded L1: a sequencer whose batcher stops
posting keeps building blocks (one of them with a user's transaction), the
window passes, and its own derivation replaces those blocks by the
deposit-only ones a replica forces; once the batcher posts again, the user's
transaction is in a block exactly once, a deposit made meanwhile is credited,
and a replica deriving from L1 alone has the sequencer's safe chain, block for
block. The sequencer and the replica run in this process (their services on
this event loop), the L1 in its own.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from support import fee_market_tx
from ovm.chain.dev_accounts import dev_accounts
from ovm.cli.rollup_node import open_replica, open_sequencer
from ovm.evm.transactions import encode_transaction, transaction_hash
from ovm.rollup.artifacts import load
from ovm.rollup.config import Operator, RollupConfig
from ovm.rollup.deploy import deploy_rollup
from ovm.rollup.derivation.attributes import recorded_origin
from ovm.rollup.l1 import BlockRef, Contract, DevChain

pytestmark = pytest.mark.slow

DEPLOYER, BATCHER, PROPOSER = dev_accounts()[0], dev_accounts()[8], dev_accounts()[9]
USER, DEPOSITOR = dev_accounts()[3], dev_accounts()[6]
WINDOW = 4
ETHER = 10**18


def deploy(client) -> RollupConfig:
    anchor = client.head().ref  # before the contracts, as ovm devnet anchors it
    contracts = deploy_rollup(client, DEPLOYER.private_key, batcher=BATCHER.address, proposer=PROPOSER.address,
                              challenge_period=60, bond=ETHER, l2_genesis_timestamp=anchor.timestamp)
    return RollupConfig(
        contracts=contracts, batcher=Operator(BATCHER.address, BATCHER.private_key),
        proposer=Operator(PROPOSER.address, PROPOSER.private_key), l1_anchor=anchor,
        l2_genesis=BlockRef(0, bytes(32), anchor.timestamp), l2_block_time=1, sequencing_window=WINDOW,
        challenge_period=60, proposal_interval=3,
    )  # fmt: skip


def user_tx() -> bytes:
    tx = fee_market_tx(USER.private_key, chain_id=901, to=DEPOSITOR.address, value=7, max_fee_per_gas=100 * 10**9)
    return encode_transaction(tx)


async def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        await asyncio.sleep(0.25)


def safe_origin(chain, safe: int) -> int:
    """The L1 origin of the safe head: past the epoch of an L1 block, its deposits are in."""
    return recorded_origin(chain.block(safe).transactions).number


def blocks_holding(chain, tx_hash: bytes) -> list[int]:
    return [n for n in range(chain.head.number + 1)
            if any(transaction_hash(tx) == tx_hash for tx in chain.block(n).transactions)]


async def scenario(tmp_path, l1_url: str, client, config: RollupConfig) -> None:
    sequencer = open_sequencer(tmp_path / "l2", config, client, block_time=1.0, instant=False,
                               batch_interval=1.0, confirmations=1)
    replica = open_replica(tmp_path / "replica", config, client.__class__(l1_url))
    node, services = sequencer.node, sequencer.services
    await node.sequencer.start()
    services.start()
    replica.services.start()
    try:
        await wait_for(lambda: services.derivation.safe_head >= 2, "the first safe blocks")
        [batcher] = [task for task in services.pollers if task.name == "batcher"]
        await batcher.stop()  # the batcher goes quiet
        tx_hash = node.sequencer.submit(user_tx())
        await wait_for(lambda: blocks_holding(node.chain, tx_hash), "the user's block")
        bridge = Contract.at(client, load("L1Bridge"), config.contracts.l1_bridge)
        deposit = await asyncio.to_thread(bridge.transact, DEPOSITOR.private_key, "depositETH", value=3 * ETHER)
        # Derivation counts a forced block once the sequencer's chain has it: wait for both.
        await wait_for(lambda: services.safe_chain.replaced > 0 and services.derivation.status.forced_blocks > 0,
                       "the sequencer's blocks to be replaced by forced ones")

        batcher.start()  # posting again
        await wait_for(lambda: any(n <= services.derivation.safe_head for n in blocks_holding(node.chain, tx_hash))
                       and safe_origin(node.chain, services.derivation.safe_head) >= deposit.block_number,
                       "the user's transaction and the deposit in safe blocks")
        safe = services.derivation.safe_head
        await wait_for(lambda: replica.node.chain.head.number >= safe, "the replica")
        seq_chain, rep_chain = node.chain, replica.node.chain
        assert [seq_chain.block(n).hash for n in range(safe + 1)] == [rep_chain.block(n).hash for n in range(safe + 1)]
        assert len(blocks_holding(seq_chain, tx_hash)) == 1 and len(blocks_holding(rep_chain, tx_hash)) == 1
        genesis_balance = 10_000 * ETHER
        for chain in (seq_chain, rep_chain):
            assert chain.state.get_balance(DEPOSITOR.address) == genesis_balance + 3 * ETHER + 7
    finally:
        await replica.services.stop()
        await services.stop()
        await node.sequencer.stop()
        node.store.close()
        replica.node.store.close()


def test_a_sequencer_whose_batches_miss_the_window_keeps_the_chain_a_replica_derives(tmp_path):
    with DevChain.start(tmp_path / "l1", block_time=1.0) as l1:
        client = l1.client()
        config = deploy(client)
        asyncio.run(scenario(tmp_path, l1.url, client, config))
