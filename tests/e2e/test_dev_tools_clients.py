"""
The dev node's tools through real clients
=========================================

Against a running ``ovm node`` (plain, instant mode): viem's and ethers'
fee suggestions from blocks with known tips; ethers' ``JsonRpcSigner`` and a
viem JSON-RPC account signing messages, EIP-712 typed data and a transaction
with an unlocked account (their signers recovered by the clients
themselves); impersonation through ethers (``hardhat_``) and cast
(``anvil_``, ``cast send --unlocked``); ``eth_createAccessList`` through
viem and ``cast access-list``.
"""

from __future__ import annotations

import json
import subprocess

from node_process import HERE, NODE_BIN
from support import fee_market_tx, raw_tx_hex, rpc
from web3 import Web3

from ovm.chain.dev_accounts import dev_accounts
from ovm.primitives.crypto import keccak256

OWNER, ALICE, BOB = dev_accounts()[0], dev_accounts()[1], dev_accounts()[2]
CHAIN_ID = 901
WHALE = "0x" + "3e" * 20


def client(mode: str, url: str, *args: str) -> dict:
    result = subprocess.run(["node", str(HERE / "dev_tools_clients.mjs"), mode, url, *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def cast(*args: str) -> str:
    result = subprocess.run([str(NODE_BIN / "cast"), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def hex_address(account) -> str:
    return "0x" + account.address.hex()


def test_viem_and_ethers_suggest_fees_from_recent_tips(node):
    tips = [k * 10**7 for k in (7, 3, 9, 1, 5, 2, 10, 4, 8, 6)]
    for nonce, tip in enumerate(tips):  # a block each
        tx = fee_market_tx(ALICE.private_key, chain_id=CHAIN_ID, to=BOB.address, nonce=nonce, value=1,
                           max_priority_fee_per_gas=tip, max_fee_per_gas=10**9 + tip)
        rpc(node.url, "eth_sendRawTransaction", raw_tx_hex(tx))
    seen = client("fees", node.url)
    suggested, base_fee = 6 * 10**7, int(seen["baseFee"])  # geth's 60th percentile of the ten tips
    assert base_fee < 10**9  # the base fee is nowhere near the old fixed 1 gwei tip
    assert int(seen["viemPriority"]) == int(seen["viem"]["maxPriorityFeePerGas"]) == suggested
    assert int(seen["viem"]["maxFeePerGas"]) == base_fee * 12 // 10 + suggested  # viem's 1.2 x base fee
    assert int(seen["viemGasPrice"]) == int(rpc(node.url, "eth_feeHistory", "0x1", "latest", [])["baseFeePerGas"][-1],
                                            16) + suggested
    assert int(seen["ethers"]["maxPriorityFeePerGas"]) == suggested


TYPED = {
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                 {"name": "contents", "type": "string"}, {"name": "tags", "type": "bytes32[]"}],
    },
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": CHAIN_ID,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "contents": "Hello, Bob!", "tags": ["0x" + "ab" * 32, "0x" + "cd" * 32]},
}


def test_ethers_and_viem_sign_with_an_unlocked_account(node):
    address = Web3.to_checksum_address(BOB.address)
    seen = client("sign", node.url, address, json.dumps(TYPED))
    assert seen == {name: address for name in
                    ("ethersMessage", "ethersTyped", "ethersTransaction", "viemMessage", "viemTyped")}


def test_ethers_and_cast_send_from_an_impersonated_address(node):
    recipient = hex_address(ALICE)
    seen = client("impersonate", node.url, WHALE, recipient)
    assert seen["status"] == 1 and seen["from"].lower() == WHALE
    assert "unknown account" in seen["after"]
    assert rpc(node.url, "eth_getTransactionByHash", seen["hash"])["from"] == WHALE
    before = int(cast("balance", recipient, "--rpc-url", node.url))
    cast("rpc", "anvil_impersonateAccount", WHALE, "--rpc-url", node.url)
    receipt = json.loads(cast("send", "--unlocked", "--from", WHALE, recipient, "--value", "777",
                              "--rpc-url", node.url, "--json"))
    assert receipt["status"] == "0x1" and receipt["from"].lower() == WHALE
    assert int(cast("balance", recipient, "--rpc-url", node.url)) == before + 777
    cast("rpc", "anvil_stopImpersonatingAccount", WHALE, "--rpc-url", node.url)
    refused = subprocess.run([str(NODE_BIN / "cast"), "send", "--unlocked", "--from", WHALE, recipient,
                              "--value", "1", "--rpc-url", node.url], capture_output=True, text=True, timeout=120)
    assert "unknown account" in refused.stderr and "transactionHash" not in refused.stdout


def balance_slot(holder: bytes) -> str:
    """TestToken's ``balanceOf[holder]``: slot 1 of its mapping."""
    return "0x" + keccak256(bytes(12) + holder + (1).to_bytes(32, "big")).hex()


def test_viem_and_cast_create_the_access_list_of_a_transfer(node, token):
    w3 = Web3(Web3.HTTPProvider(node.url))
    owner = Web3.to_checksum_address(OWNER.address)
    factory = w3.eth.contract(abi=token["abi"], bytecode=token["bytecode"])
    deployed = w3.eth.wait_for_transaction_receipt(factory.constructor(10**24).transact({"from": owner}))
    contract = w3.eth.contract(address=deployed.contractAddress, abi=token["abi"])
    data = contract.encode_abi("transfer", [Web3.to_checksum_address(ALICE.address), 5])
    expected = [{"address": deployed.contractAddress.lower(),
                 "storageKeys": sorted([balance_slot(OWNER.address), balance_slot(ALICE.address)])}]
    seen = client("accesslist", node.url, owner, deployed.contractAddress, data)
    assert [{"address": e["address"].lower(), "storageKeys": e["storageKeys"]} for e in seen["accessList"]] == expected
    by_cast = json.loads(cast("access-list", deployed.contractAddress, "--data", data, "--from", owner,
                              "--rpc-url", node.url, "--json"))
    assert [{"address": e["address"].lower(), "storageKeys": e["storageKeys"]}
            for e in by_cast["accessList"]] == expected
    assert int(by_cast["gasUsed"], 16) == int(seen["gasUsed"])  # viem's is a bigint, printed in decimal
    tx_hash = w3.eth.send_transaction({"from": owner, "to": deployed.contractAddress, "data": data,
                                       "accessList": seen["accessList"], "gas": 200_000})
    assert w3.eth.wait_for_transaction_receipt(tx_hash).gasUsed == int(seen["gasUsed"])
