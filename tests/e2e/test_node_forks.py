"""
Forks through the real ``ovm node``
===================================

By default the node runs the latest fork ovm has (Osaka: its blocks carry
``requestsHash``, its blob schedule is EIP-7691's); ``--fork cancun`` runs
Cancun, as anvil's ``--hardfork``; a geth-style genesis file schedules forks
by timestamp and the node's blocks cross the boundary when their time
comes; the banner names
the fork; bad names and bad schedules are one-line errors.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time


from ovm.chain.system_contracts import CONSOLIDATION_REQUESTS, WITHDRAWAL_REQUESTS
from support import REPO, rpc

ALICE = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"


def run_ovm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ovm.cli.main", *args], capture_output=True,
                          text=True, timeout=60, cwd=REPO)


def mine(url: str) -> dict:
    rpc(url, "evm_mine")
    return rpc(url, "eth_getBlockByNumber", "latest", False)


def test_the_latest_fork_by_default_and_cancun_by_flag(start_node, tmp_path):
    latest = start_node("--instant", datadir=tmp_path / "latest")
    block = mine(latest.url)
    assert block["requestsHash"] == "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    config = rpc(latest.url, "eth_config")["current"]
    assert config["blobSchedule"] == {"baseFeeUpdateFraction": 5007716, "max": 9, "target": 6}
    assert "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS" in config["systemContracts"]
    assert rpc(latest.url, "eth_getCode", "0x" + WITHDRAWAL_REQUESTS.address.hex(), "latest") != "0x"
    assert latest.stop() == 0
    assert "Osaka" in (tmp_path / f"node-{latest.port}.log").read_text().splitlines()[0]

    cancun = start_node("--instant", "--fork", "cancun", datadir=tmp_path / "cancun")
    block = mine(cancun.url)
    assert "requestsHash" not in block
    assert rpc(cancun.url, "eth_config")["current"]["blobSchedule"]["target"] == 3
    assert rpc(cancun.url, "eth_getCode", "0x" + CONSOLIDATION_REQUESTS.address.hex(), "latest") == "0x"


def test_a_genesis_file_schedules_the_forks(start_node, tmp_path):
    prague_at = int(time.time()) + 3600
    genesis = {
        "config": {"chainId": 1337, "cancunTime": 0, "pragueTime": prague_at,
                   "blobSchedule": {"prague": {"target": 7, "max": 10, "baseFeeUpdateFraction": 5007716}}},
        "alloc": {ALICE: {"balance": hex(10**22)},
                  **{"0x" + c.address.hex(): {"nonce": "0x1", "code": "0x" + c.code.hex()}
                     for c in (WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS)}},
    }  # fmt: skip
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps(genesis))
    node = start_node("--instant", "--genesis", str(path))
    before = mine(node.url)
    config = rpc(node.url, "eth_config")
    assert "requestsHash" not in before and int(before["timestamp"], 16) < prague_at
    assert config["next"]["activationTime"] == prague_at
    assert config["next"]["blobSchedule"] == {"baseFeeUpdateFraction": 5007716, "max": 10, "target": 7}
    rpc(node.url, "evm_increaseTime", 3600)  # the clock of the next blocks passes Prague's time
    after = mine(node.url)
    assert int(after["timestamp"], 16) >= prague_at and "requestsHash" in after
    assert rpc(node.url, "eth_config")["next"] is None
    assert node.stop() == 0
    first = (tmp_path / f"node-{node.port}.log").read_text().splitlines()[0]
    assert f"Cancun (Prague from timestamp {prague_at})" in first


def test_bad_forks_are_one_line_errors(tmp_path):
    unknown = run_ovm("node", "--fork", "shanghai", "--datadir", str(tmp_path / "a"))
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip() == "ovm node: --fork: unknown fork 'shanghai' (known: cancun, prague, osaka, bpo1, bpo2)"
    genesis = tmp_path / "genesis.json"
    genesis.write_text(json.dumps({"config": {"chainId": 5, "pragueTime": 0}, "alloc": {}}))
    both = run_ovm("node", "--fork", "prague", "--genesis", str(genesis), "--datadir", str(tmp_path / "b"))
    assert both.returncode == 2 and "--fork is the dev genesis's" in both.stderr
    missing = run_ovm("node", "--genesis", str(genesis), "--datadir", str(tmp_path / "c"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "Prague at genesis calls the withdrawal requests (EIP-7002) contract" in missing.stderr
    genesis.write_text(json.dumps({"config": {"chainId": 5, "cancunTime": 0, "pragueTime": 100,
                                              "amsterdamTime": 200}, "alloc": {}}))  # fmt: skip
    later = run_ovm("node", "--genesis", str(genesis), "--datadir", str(tmp_path / "d"))
    assert later.returncode == 2 and "Traceback" not in later.stderr
    assert "config.amsterdamTime: ovm does not run that fork" in later.stderr


def test_devnet_and_replica_fork_flags_are_checked_before_anything_starts(tmp_path):
    unknown = run_ovm("devnet", "--l1-fork", "shanghai", "--datadir", str(tmp_path / "a"))
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip() == "ovm devnet: --l1-fork: unknown fork 'shanghai' (known: cancun, prague, osaka, bpo1, bpo2)"
    l2 = run_ovm("devnet", "--l2-fork", "prague", "--datadir", str(tmp_path / "b"))
    assert l2.returncode == 2 and l2.stderr.strip() == "ovm devnet: --l2-fork: unknown fork 'prague' (known: ecotone, fjord, isthmus)"
    external = run_ovm("devnet", "--l1-rpc", "http://127.0.0.1:9", "--l1-fork", "cancun", "--datadir", str(tmp_path / "c"))
    assert external.returncode == 2 and "--l1-fork chooses the embedded L1's fork" in external.stderr
    replica = run_ovm("node", "--replica", "--l1-rpc", "http://127.0.0.1:9", "--rollup-config", "x.json", "--fork", "cancun")
    assert replica.returncode == 2 and "a replica's forks and genesis are its rollup.json's" in replica.stderr
