"""
viem's OP Stack L1 actions against ovm's L1
===========================================

``ovm devnet`` (embedded L1): viem's ``buildDepositTransaction`` (on the L2)
and ``depositTransaction`` (on the L1, with the L1 bridge as the portal) make
an ETH deposit; the bridge takes it as ``depositETH`` (a ``DepositInitiated``
for the caller's account and OP's ``TransactionDeposited``) and the L2 account
is credited with exactly the amount once derivation has carried it over.

The whole round trip with viem's actions alone (``viem_withdrawal.mjs``): the
L2 transaction ``getL2TransactionHashes`` computes from the deposit's L1
receipt is the deposit on L2; a withdrawal started with ``initiateWithdrawal``
is proven and finalized through OP's two steps, ``getWithdrawalStatus`` going
through its states, and pays its L1 target exactly; ovm's own ``finalize``
then finds it paid. ``ovm deposit`` prints the same L2 transaction hash.
"""

from __future__ import annotations

import json
import re
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
TRANSACTION_DEPOSITED = "0x" + keccak256(b"TransactionDeposited(address,address,uint256,bytes)").hex()
WITHDRAWER = dev_accounts()[7]
TARGET = "0x" + keccak256(b"ovm viem withdrawal target")[:20].hex()
WITHDRAWAL = 45 * 10**15
STATES = ["waiting-to-prove", "ready-to-prove", "waiting-to-finalize", "ready-to-finalize", "finalized"]


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
    log, op_log = report["logs"]
    account_topic = "0x" + DEPOSITOR.address.hex().rjust(64, "0")
    assert log["address"] == bridge and log["topics"] == [DEPOSIT_INITIATED, account_topic, account_topic]
    assert int(log["data"][2:66], 16) == AMOUNT
    assert op_log["address"] == bridge
    assert op_log["topics"] == [TRANSACTION_DEPOSITED, account_topic, account_topic, "0x" + "00" * 32]
    devnet.wait_until(lambda: l2_balance(devnet) == before + AMOUNT, "the deposit to reach the L2")


def test_viem_proves_and_finalizes_a_withdrawal(devnet):
    assert rpc(devnet.l1_url, "eth_getBalance", TARGET, "latest") == "0x0"
    out = subprocess.run(
        ["node", str(HERE / "viem_withdrawal.mjs"), devnet.l1_url, devnet.url, "0x" + WITHDRAWER.private_key.hex(),
         TARGET, str(AMOUNT), str(WITHDRAWAL)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)

    deposit = rpc(devnet.url, "eth_getTransactionByHash", report["deposit"]["l2Tx"])
    assert deposit["type"] == "0x7e" and deposit["from"] == "0x" + WITHDRAWER.address.hex()
    assert int(deposit["mint"], 16) == AMOUNT and report["deposit"]["l2Status"] == "success"

    assert report["portalVersion"]["major"] == 2
    statuses = report["statuses"]
    assert statuses == sorted(statuses, key=STATES.index) and statuses[-3:] == STATES[-3:], statuses
    assert report["prove"] == report["finalize"] == "success"
    assert int(report["outputBlock"]) >= int(report["l2Block"])
    withdrawal = report["withdrawal"]
    assert (withdrawal["sender"].lower(), withdrawal["target"].lower()) == ("0x" + WITHDRAWER.address.hex(), TARGET)
    assert int(rpc(devnet.l1_url, "eth_getBalance", TARGET, "latest"), 16) == WITHDRAWAL

    ours = rpc(devnet.url, "optimism_withdrawalProof", withdrawal["withdrawalHash"])  # ovm's proof: the same record
    assert ours["transactionHash"] == report["l2Tx"] and int(ours["withdrawal"]["gasLimit"], 16) == 21_000
    again = devnet.command("finalize", "--account", "7", "--withdrawal", withdrawal["withdrawalHash"])
    assert f"{withdrawal['withdrawalHash']} was finalized already" in again.stdout


def test_ovm_deposit_prints_the_l2_transaction(devnet):
    out = devnet.command("deposit", "--amount", "0.01", "--account", "8").stdout
    (l2_hash,) = re.findall(r"L2 deposit transaction (0x[0-9a-f]{64})", out)
    receipt = rpc(devnet.url, "eth_getTransactionReceipt", l2_hash)
    transaction = rpc(devnet.url, "eth_getTransactionByHash", l2_hash)
    assert receipt["status"] == "0x1" and transaction["type"] == "0x7e"
    assert transaction["from"] == "0x" + dev_accounts()[8].address.hex() and int(transaction["mint"], 16) == 10**16
    assert f"on L2 in block {int(receipt['blockNumber'], 16)}" in out
