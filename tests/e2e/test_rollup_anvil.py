"""
The rollup on a real anvil L1: the sequencer (``ovm devnet --l1-rpc``) is
killed mid-batch and restarted on its data directory, and anvil reorganises
its latest blocks (dropping batches and proposals with them); a replica
deriving from anvil alone ends with the sequencer's blocks and outputs, and
again after it is killed itself and restarted on its data directory. A
sequencer that posts nothing cannot hold back a deposit. And a devnet on a
shared L1 is not open to anyone: its operators are not the public dev keys,
no role is left to set, and the dev accounts have nothing on L2 to withdraw.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest
from support import REPO

from anvil_process import Anvil
from ovm.chain.dev_accounts import dev_accounts
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import PREDEPLOYS, load
from ovm.rollup.config import load_config
from ovm.rollup.inbox import BLOBS
from ovm.rollup.l1.client import L1Client, L1Error
from ovm.rollup.l1.contract import Contract
from rollup_support import (
    Devnet, Replica, batch_kinds, funded_key, funding_env, rpc, same_chain, same_outputs, wait_for,
)  # fmt: skip

pytestmark = pytest.mark.slow


@pytest.fixture
def anvil():
    anvil = Anvil("--block-time", "1")
    yield anvil
    anvil.stop()


def test_replica_follows_through_a_restart_and_an_l1_reorg(anvil, tmp_path):
    datadir = tmp_path / "devnet"
    env = funding_env(anvil.url)
    sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica", env=env)
    replica = Replica(anvil.url, datadir / "rollup.json", tmp_path / "replica.log", tmp_path / "replica")
    try:
        sequencer.command("deposit", "--amount", "1", "--account", "3")
        sequencer.wait_until(lambda: sequencer.sync_status()["unsafe_l2"] >= sequencer.sync_status()["safe_l2"] + 1,
                             "blocks not yet batched")
        sequencer.kill()  # mid-batch: the last blocks are not on L1 yet
        sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica", env=env)
        sequencer.command("deposit", "--amount", "1", "--account", "4")

        rpc(anvil.url, "anvil_reorg", 3, [])  # the last three L1 blocks replaced by empty ones
        target = sequencer.sync_status()["unsafe_l2"]
        sequencer.wait_until(lambda: sequencer.sync_status()["safe_l2"] >= target, "the batches sent again", 180)
        resent = sequencer.sync_status()["current_l1"]  # the L1 block the sequencer derived them by

        def replica_past_the_reorg() -> bool:  # a replica that read only the old L1 rewinds once it sees the new
            status = sequencer.sync_status(replica.url)
            return status["current_l1"] >= resent and status["unsafe_l2"] >= target

        sequencer.wait_until(replica_past_the_reorg, "the replica past the reorg", 180)
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
    sequencer = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica", "--sequencing-window", "5",
                       env=funding_env(anvil.url))
    sequencer.stop()  # the sequencer goes away for good
    config = load_config(datadir / "rollup.json")
    l1 = L1Client(anvil.url)
    bridge = Contract.at(l1, load("L1Bridge"), config.contracts.l1_bridge)
    depositor = dev_accounts()[6]
    bridge.transact(depositor.private_key, "depositETH", value=3 * 10**18)

    replica = Replica(anvil.url, datadir / "rollup.json", tmp_path / "replica.log")
    try:
        wait_for(
            lambda: int(rpc(replica.url, "eth_getBalance", "0x" + depositor.address.hex(), "latest"), 16)
            == 3 * 10**18,  # no L2 genesis balance on a shared L1
            "the deposit on the replica", 120,
        )
    finally:
        replica.stop()


ETHER = 10**18
OUTSIDERS = {index: dev_accounts()[index] for index in (0, 8, 9)}  # the old deployer, batcher and proposer


def deposit_transactions(url: str, first: int, sender: bytes, to: bytes) -> list[dict]:
    """The receipts of L2 deposit transactions (0x7E) from ``sender`` to ``to`` in blocks ``first`` on."""
    found = []
    for number in range(first, int(rpc(url, "eth_blockNumber"), 16) + 1):
        for tx in rpc(url, "eth_getBlockByNumber", hex(number), True)["transactions"]:
            if tx["type"] == "0x7e" and tx["from"] == "0x" + sender.hex() and tx["to"] == "0x" + to.hex():
                found.append(rpc(url, "eth_getTransactionReceipt", tx["hash"]))
    return found


def test_a_devnet_on_a_shared_l1_is_not_open_to_anyone(anvil, tmp_path):
    """``ovm devnet --l1-rpc`` with the operator's funding key in a file: fresh operator
    keys, kept private; no setter for an outsider to race; the public dev keys cannot
    post batches or outputs, delete outputs, or withdraw L2 ETH that nothing backs. The
    bridge round trip still works for an account that deposits."""
    key_file = tmp_path / "funding.key"
    key_file.write_text("0x" + funded_key(anvil.url).hex() + "\n")
    datadir = tmp_path / "devnet"
    devnet = Devnet(datadir, "--l1-rpc", anvil.url, "--no-replica", "--funding-key-file", str(key_file))
    try:
        config = load_config(datadir / "rollup.json")
        dev_addresses = {account.address for account in dev_accounts()}
        assert not {config.batcher.address, config.proposer.address} & dev_addresses
        assert not config.l2_dev_accounts
        for name in ("rollup.json", "operator-keys.json"):
            assert stat.S_IMODE((datadir / name).stat().st_mode) == 0o600

        l1 = L1Client(anvil.url)
        scc = Contract.at(l1, load("StateCommitmentChain"), config.contracts.state_commitment_chain)
        inbox = Contract.at(l1, load("BatchInbox"), config.contracts.batch_inbox)
        bridge = Contract.at(l1, load("L1Bridge"), config.contracts.l1_bridge)
        set_challenger = keccak256(b"setChallenger(address)")[:4] + OUTSIDERS[0].address.rjust(32, b"\0")
        for outsider in OUTSIDERS.values():  # first to the setter that was: there is none
            with pytest.raises(L1Error, match="execution reverted"):
                l1.txs.transact(outsider.private_key, to=scc.address, data=set_challenger)
        assert scc.call("challenger") == bytes(20)
        devnet.wait_until(lambda: scc.call("outputCount") >= 1, "an output")
        with pytest.raises(L1Error, match="SCC: only the challenger"):
            scc.transact(OUTSIDERS[0].private_key, "deleteOutputs", 0)
        with pytest.raises(L1Error, match="SCC: only the proposer"):
            scc.transact(OUTSIDERS[9].private_key, "proposeOutput", keccak256(b"bogus"), 10**6)
        with pytest.raises(L1Error, match="BatchInbox: only the batcher"):
            inbox.transact(OUTSIDERS[8].private_key, "appendBatch", b"bogus")

        # The dev accounts hold nothing on L2, so their withdrawals fail, on L2 and through L1.
        assert all(int(rpc(devnet.url, "eth_getBalance", "0x" + a.hex(), "latest"), 16) == 0 for a in dev_addresses)
        refused = devnet.command("withdraw", "--amount", "1", "--account", "0", check=False)
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
        first = int(rpc(devnet.url, "eth_blockNumber"), 16)
        bridge.transact(OUTSIDERS[0].private_key, "withdrawETH", ETHER)  # the forced exit, from an empty account
        sender, l2_bridge = OUTSIDERS[0].address, PREDEPLOYS["L2Bridge"]
        wait_for(lambda: deposit_transactions(devnet.url, first, sender, l2_bridge), "the forced withdrawal on L2")
        [forced] = deposit_transactions(devnet.url, first, sender, l2_bridge)
        assert forced["status"] == "0x0" and not forced["logs"]  # nothing withdrawn
        nothing = devnet.command("finalize", "--account", "0")
        assert "no withdrawal" in nothing.stdout and l1.balance(bridge.address) == 0

        # An account that deposits (its own key, from a file) gets its ETH across and back.
        user_key = tmp_path / "user.key"
        user_key.write_text(funded_key(anvil.url).hex())
        devnet.command("deposit", "--amount", "1", "--key-file", str(user_key))
        devnet.command("withdraw", "--amount", "0.4", "--key-file", str(user_key))
        paid = devnet.command("finalize", "--key-file", str(user_key), "--wait", "--timeout", "120")
        assert "0.4 ETH paid on L1" in paid.stdout
        assert l1.balance(bridge.address) == ETHER * 6 // 10
    finally:
        devnet.stop()


def test_a_devnet_on_a_shared_l1_needs_something_to_fund_its_operators(anvil, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("OVM_")}
    result = subprocess.run(
        [sys.executable, "-m", "ovm.cli.main", "devnet", "--l1-rpc", anvil.url, "--datadir", str(tmp_path / "d"),
         "--quiet"],
        capture_output=True, text=True, timeout=120, cwd=REPO, env={**env, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("ovm devnet: the operator accounts need L1 ETH (deployer 0x")
    assert "OVM_FUNDING_KEY or --funding-key-file FILE" in line
