"""
The rollup on a real anvil L1: the sequencer (``ovm devnet --l1-rpc``) is
killed mid-batch and restarted on its data directory, and anvil reorganises
its latest blocks (dropping batches and proposals with them); a replica
deriving from anvil alone ends with the sequencer's blocks and outputs.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from anvil_process import Anvil
from conftest import free_port
from rollup_support import Devnet, rpc, same_chain, same_outputs
from support import REPO

pytestmark = pytest.mark.slow


@pytest.fixture
def anvil():
    anvil = Anvil("--block-time", "1")
    yield anvil
    anvil.stop()


def test_replica_follows_through_a_restart_and_an_l1_reorg(anvil, tmp_path):
    datadir = tmp_path / "devnet"
    sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica")
    replica_port = free_port()
    replica_url = f"http://127.0.0.1:{replica_port}"
    replica_log = open(tmp_path / "replica.log", "w")
    replica = subprocess.Popen(
        [sys.executable, "-m", "ovm.cli.main", "node", "--replica", "--l1-rpc", anvil.url,
         "--rollup-config", str(datadir / "rollup.json"), "--datadir", str(tmp_path / "replica"),
         "--port", str(replica_port)],
        stdout=replica_log, stderr=subprocess.STDOUT, cwd=REPO,
    )  # fmt: skip
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
        sequencer.wait_until(lambda: sequencer.sync_status(replica_url)["unsafe_l2"] >= target, "the replica", 180)
        assert same_chain(sequencer.url, replica_url, target)
        assert same_outputs(sequencer.url, replica_url, range(3, target + 1, 3))
    finally:
        sequencer.stop()
        replica.terminate()
        replica.wait(timeout=30)
        replica_log.close()
