"""
The rollup on a real anvil L1: the sequencer (``ovm devnet --l1-rpc``) is
killed mid-batch and restarted on its data directory, and anvil reorganises
its latest blocks (dropping batches and proposals with them); a replica
deriving from anvil alone ends with the sequencer's blocks and outputs, and
again after it is killed itself and restarted on its data directory. And a
sequencer that posts nothing cannot hold back a deposit.
"""

from __future__ import annotations

import re


import pytest

from anvil_process import Anvil
from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.artifacts import load
from ovm.rollup.config import load_config
from ovm.rollup.l1.client import L1Client
from ovm.rollup.l1.contract import Contract
from ovm.rollup.inbox import BLOBS
from rollup_support import Devnet, Replica, batch_kinds, rpc, same_chain, same_outputs, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def anvil():
    anvil = Anvil("--block-time", "1")
    yield anvil
    anvil.stop()


def test_replica_follows_through_a_restart_and_an_l1_reorg(anvil, tmp_path):
    datadir = tmp_path / "devnet"
    sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica")
    replica = Replica(anvil.url, datadir / "rollup.json", tmp_path / "replica.log", tmp_path / "replica")
    try:
        sequencer.command("deposit", "--amount", "1", "--account", "3")
        sequencer.wait_until(lambda: sequencer.sync_status()["unsafe_l2"] >= sequencer.sync_status()["safe_l2"] + 1,
                             "blocks not yet batched")
        sequencer.kill()  # mid-batch: the last blocks are not on L1 yet
        sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica")
        sequencer.command("deposit", "--amount", "1", "--account", "4")

        rpc(anvil.url, "anvil_reorg", 3, [])  # the last three L1 blocks replaced by empty ones
        target = sequencer.sync_status()["unsafe_l2"]
        sequencer.wait_until(lambda: sequencer.sync_status()["safe_l2"] >= target, "the batches sent again", 180)
        sequencer.wait_until(lambda: sequencer.sync_status(replica.url)["unsafe_l2"] >= target, "the replica", 180)
        assert same_chain(sequencer.url, replica.url, target)
        assert same_outputs(sequencer.url, replica.url, range(3, target + 1, 3))
        assert batch_kinds(sequencer) == {BLOBS}  # anvil takes blobs and serves them back

        replica.kill()  # and the replica, killed, resumes its data directory where it was on L1
        sequencer.command("deposit", "--amount", "1", "--account", "5")
        replica = Replica(anvil.url, datadir / "rollup.json", tmp_path / "replica-2.log", tmp_path / "replica")
        wait_for(lambda: replica.head() >= target, "the replica to reopen its chain", 60)
        first_l1 = int(re.search(r"from L1 block (\d+) on", (tmp_path / "replica-2.log").read_text())[1])
        assert first_l1 > load_config(datadir / "rollup.json").l1_anchor.number
        target = sequencer.sync_status()["safe_l2"]
        sequencer.wait_until(lambda: sequencer.sync_status(replica.url)["unsafe_l2"] >= target, "the replica", 180)
        assert same_chain(sequencer.url, replica.url, target)
        assert same_outputs(sequencer.url, replica.url, range(3, target + 1, 3))
    finally:
        sequencer.stop()
        replica.stop()


def test_replica_derives_deposits_when_the_sequencer_posts_nothing(anvil, tmp_path):
    """Past the sequencing window, deposits and forced withdrawals go in without
    the sequencer: here it is gone altogether, and a replica still credits a
    deposit made on L1 afterwards."""
    datadir = tmp_path / "devnet"
    sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica", "--sequencing-window", "5")
    sequencer.stop()  # the sequencer goes away for good
    config = load_config(datadir / "rollup.json")
    l1 = L1Client(anvil.url)
    bridge = Contract.at(l1, load("L1Bridge"), config.contracts.l1_bridge)
    depositor = dev_accounts()[6]
    bridge.transact(depositor.private_key, "depositETH", value=3 * 10**18)

    replica = Replica(anvil.url, datadir / "rollup.json", tmp_path / "replica.log")
    try:
        start = 10_000 * 10**18
        wait_for(
            lambda: int(rpc(replica.url, "eth_getBalance", "0x" + depositor.address.hex(), "latest"), 16)
            == start + 3 * 10**18,
            "the deposit on the replica", 120,
        )
    finally:
        replica.stop()
