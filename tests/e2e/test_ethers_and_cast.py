"""ethers v6 and Foundry's cast (both from npm) against a running ``ovm node``."""

from __future__ import annotations

import json
import subprocess

from node_process import HERE, NODE_BIN
from support import rpc

from ovm.chain.dev_accounts import dev_accounts

OWNER, ALICE, BOB = dev_accounts()[0], dev_accounts()[1], dev_accounts()[2]


def test_ethers_erc20_round_trip(node, artifacts):
    result = subprocess.run(
        ["node", str(HERE / "ethers_flow.mjs"), node.url, node.ws_url, str(artifacts),
         "0x" + OWNER.private_key.hex(), "0x" + ALICE.address.hex()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["status"] == 1
    assert seen["recipientBalance"] == "1234"
    assert int(seen["gasUsed"]) <= int(seen["estimate"])
    assert seen["logs"] == [{"from": seen["logs"][0]["from"], "to": seen["logs"][0]["to"], "value": "1234"}]
    assert seen["logs"][0]["to"].lower() == "0x" + ALICE.address.hex()
    assert seen["subscribed"]["value"] == "1234"
    assert seen["revertReason"] == "TestToken: always reverts"


def cast(*args: str) -> str:
    result = subprocess.run([str(NODE_BIN / "cast"), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_cast_sends_and_reads_back(node):
    recipient = "0x" + BOB.address.hex()
    before = int(cast("balance", recipient, "--rpc-url", node.url))
    receipt = json.loads(cast(
        "send", "--rpc-url", node.url, "--private-key", "0x" + OWNER.private_key.hex(),
        recipient, "--value", "12345", "--json",
    ))
    assert receipt["status"] == "0x1"
    tx = json.loads(cast("tx", receipt["transactionHash"], "--rpc-url", node.url, "--json"))
    assert tx["to"].lower() == recipient and int(tx["value"], 16) == 12345
    assert int(cast("balance", recipient, "--rpc-url", node.url)) == before + 12345
    assert int(cast("block-number", "--rpc-url", node.url)) == int(rpc(node.url, "eth_blockNumber"), 16)
