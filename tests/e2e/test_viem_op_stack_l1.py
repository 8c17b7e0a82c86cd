"""
viem's OP Stack L1 actions against ovm's L1
===========================================

``ovm devnet`` (embedded L1): viem's ``buildDepositTransaction`` (on the L2)
and ``depositTransaction`` (on the L1, with the L1 bridge as the portal) make
an ETH deposit; the bridge takes it as ``depositETH`` (one ``DepositInitiated``
for the caller's account) and the L2 account is credited with exactly the
amount once derivation has carried it over.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from node_process import HERE
from rollup_support import Devnet, rpc

from ovm.chain.dev_accounts import dev_accounts
from ovm.primitives.crypto import keccak256
from ovm.rollup.config import load_config

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("devnet")]

L1_CHAIN_ID, L2_CHAIN_ID = 900, 901
DEPOSITOR = dev_accounts()[6]
AMOUNT = 123 * 10**15
DEPOSIT_INITIATED = "0x" + keccak256(b"DepositInitiated(address,address,uint256,uint256,uint64)").hex()


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("devnet-viem-l1") / "data")
    yield devnet
    devnet.stop()


def l2_balance(devnet) -> int:
    return int(rpc(devnet.url, "eth_getBalance", "0x" + DEPOSITOR.address.hex(), "latest"), 16)


def test_viem_deposit_transaction_reaches_the_l2(devnet):
    bridge = "0x" + load_config(devnet.datadir / "rollup.json").contracts.l1_bridge.hex()
    before = l2_balance(devnet)
    out = subprocess.run(
        ["node", str(HERE / "viem_deposit.mjs"), devnet.l1_url, str(L1_CHAIN_ID), devnet.url, str(L2_CHAIN_ID),
         "0x" + DEPOSITOR.private_key.hex(), bridge, str(AMOUNT)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["status"] == "success" and report["to"] == bridge
    (log,) = report["logs"]
    account_topic = "0x" + DEPOSITOR.address.hex().rjust(64, "0")
    assert log["address"] == bridge and log["topics"] == [DEPOSIT_INITIATED, account_topic, account_topic]
    assert int(log["data"][2:66], 16) == AMOUNT
    devnet.wait_until(lambda: l2_balance(devnet) == before + AMOUNT, "the deposit to reach the L2")
