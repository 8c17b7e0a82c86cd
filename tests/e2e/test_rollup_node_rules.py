"""
What a rollup node means by its block tags and which dev methods it keeps,
on a running ``ovm devnet`` (its embedded L1 finalizing 4 blocks below its
head, ``--l1-slots-in-an-epoch 2``): ``safe`` is what derivation found on L1
and advances as batches land, ``finalized`` what it derived from finalized L1
data, ``optimism_syncStatus`` agrees with the tags, on the sequencer and on
the replica; the dev methods that change state no replica can derive are
refused there and work on a plain ``ovm node``; and a devnet killed with
SIGKILL takes its embedded L1 and its replica with it.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from node_process import NodeProcess
from rollup_support import Devnet, wait_for
from support import rpc

from ovm.chain.dev_accounts import dev_accounts

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("devnet")]

USER = "0x" + dev_accounts()[3].address.hex()
UNDERIVABLE = [
    ("anvil_setBalance", [USER, "0x1"]),
    ("hardhat_setBalance", [USER, "0x1"]),
    ("anvil_setCode", [USER, "0x00"]),
    ("anvil_setNonce", [USER, "0x9"]),
    ("anvil_setStorageAt", [USER, "0x0", "0x" + "00" * 31 + "01"]),
    ("evm_snapshot", []),
    ("evm_revert", ["0x1"]),
    ("evm_increaseTime", ["0x3c"]),
    ("evm_setNextBlockTimestamp", ["0xffffffff"]),
    ("evm_mine", ["0xffffffff"]),
    ("anvil_mine", ["0x2", "0x5"]),
]


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("devnet") / "data", "--l1-slots-in-an-epoch", "2")
    try:
        yield devnet
    finally:
        devnet.stop()


def tag(url: str, name: str) -> int:
    return int(rpc(url, "eth_getBlockByNumber", name, False)["number"], 16)


def test_safe_and_finalized_follow_l1_on_the_sequencer_and_the_replica(devnet):
    start = devnet.sync_status()["safe_l2"]
    devnet.wait_until(lambda: devnet.sync_status()["safe_l2"] > start, "a batch to land and safe to advance")
    devnet.wait_until(lambda: devnet.sync_status()["finalized_l2"] >= 1, "L1 to finalize a batch", 180)
    devnet.wait_until(lambda: (lambda s: s["unsafe_l2"] > s["safe_l2"] >= s["finalized_l2"] >= 1)(devnet.sync_status()),
                      "a block built but not yet batched")
    devnet.wait_until(lambda: devnet.sync_status(devnet.replica_url)["finalized_l2"] >= 1, "the replica to finalize")
    for url in (devnet.url, devnet.replica_url):
        before = devnet.sync_status(url)
        safe, finalized, latest = tag(url, "safe"), tag(url, "finalized"), tag(url, "latest")
        after = devnet.sync_status(url)
        assert before["safe_l2"] <= safe <= after["safe_l2"]
        assert before["finalized_l2"] <= finalized <= after["finalized_l2"]
        assert finalized <= safe <= latest
        # every method that takes a block tag reads the block it names
        balance = rpc(url, "eth_getBalance", USER, "finalized")
        assert balance == rpc(url, "eth_getBalance", USER, hex(finalized))
        assert rpc(url, "eth_getBlockTransactionCountByNumber", "safe") is not None
    replica = devnet.sync_status(devnet.replica_url)
    assert replica["unsafe_l2"] == replica["safe_l2"] >= replica["finalized_l2"]  # all of it came from L1
    l1_finalized = int(rpc(devnet.l1_url, "eth_getBlockByNumber", "finalized", False)["number"], 16)
    l1_head = int(rpc(devnet.l1_url, "eth_blockNumber"), 16)
    assert 0 < replica["finalized_l1"] <= l1_finalized <= l1_head - 4  # the embedded L1 finalizes 2 × 2 blocks deep


@pytest.mark.parametrize(("method", "params"), UNDERIVABLE, ids=[m for m, _ in UNDERIVABLE])
def test_underivable_dev_methods_are_refused_on_the_rollup(devnet, method, params):
    for url in (devnet.url, devnet.replica_url):
        with pytest.raises(RuntimeError) as refused:
            rpc(url, method, *params)
        error = refused.value.args[0]
        assert error["code"] == -32601
        assert "no replica can derive from L1" in error["message"] and "plain `ovm node`" in error["message"]


def test_the_same_dev_methods_work_on_a_plain_node(tmp_path):
    node = NodeProcess(tmp_path / "chain", "--instant")
    try:
        rpc(node.url, "anvil_setBalance", USER, "0x1")
        assert rpc(node.url, "eth_getBalance", USER, "latest") == "0x1"
        snapshot = rpc(node.url, "evm_snapshot")
        rpc(node.url, "hardhat_setBalance", USER, "0x2")
        rpc(node.url, "evm_mine", hex(2**32))
        assert rpc(node.url, "evm_revert", snapshot) is True
        assert rpc(node.url, "eth_getBalance", USER, "latest") == "0x1"
        assert tag(node.url, "safe") == tag(node.url, "finalized") == tag(node.url, "latest")  # final once sealed
    finally:
        node.stop()


def test_a_killed_devnet_takes_its_l1_and_replica_with_it(tmp_path):
    devnet = Devnet(tmp_path / "data")
    children = child_pids(devnet.process.pid)
    assert len(children) == 2  # the embedded L1 and the replica
    devnet.kill()
    wait_for(lambda: not any(alive(pid) for pid in children), "the devnet's children to exit", 60)
    for port in (devnet.l1_port, devnet.replica_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def child_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


