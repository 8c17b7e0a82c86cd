"""
The node as a server: ``eth_getProof`` checked by an independent verifier
(py-trie), bad input answered with specific errors while the node keeps
serving, and debug traces of mined transactions.
"""

from __future__ import annotations

import json

import requests
import rlp as pyrlp
from eth_utils import keccak
from support import fee_market_tx, raw_tx_hex, rpc
from trie import HexaryTrie

from ovm.chain.dev_accounts import dev_accounts

OWNER, ALICE = dev_accounts()[0], dev_accounts()[1]
STORE_CODE = bytes.fromhex("602a600755600160085500")  # SSTORE(7, 42); SSTORE(8, 1); STOP
DEPLOY = bytes.fromhex("6a") + STORE_CODE + bytes.fromhex("600052600b6015f3")  # return STORE_CODE


def send(node, tx_fields: dict) -> dict:
    tx_hash = rpc(node.url, "eth_sendTransaction", tx_fields)
    return rpc(node.url, "eth_getTransactionReceipt", tx_hash)


def decoded(proof: list[str]) -> list:
    """py-trie takes a proof as decoded nodes."""
    return [pyrlp.decode(bytes.fromhex(node[2:])) for node in proof]


def test_get_proof_verifies_with_an_independent_trie(node):
    owner = "0x" + OWNER.address.hex()
    contract = send(node, {"from": owner, "data": "0x" + DEPLOY.hex()})["contractAddress"]
    send(node, {"from": owner, "to": contract, "gas": "0x186a0"})
    block = rpc(node.url, "eth_getBlockByNumber", "latest", False)
    proof = rpc(node.url, "eth_getProof", contract, ["0x7", "0x8", "0x9"], "latest")

    nodes = decoded(proof["accountProof"])
    account = HexaryTrie.get_from_proof(
        bytes.fromhex(block["stateRoot"][2:]), keccak(bytes.fromhex(contract[2:])), nodes
    )
    nonce, balance, storage_root, code_hash = pyrlp.decode(account)
    assert int.from_bytes(nonce, "big") == int(proof["nonce"], 16) == 1
    assert "0x" + storage_root.hex() == proof["storageHash"]
    assert "0x" + code_hash.hex() == proof["codeHash"]

    values = {}
    for entry in proof["storageProof"]:
        key = int(entry["key"], 16).to_bytes(32, "big")
        raw = HexaryTrie.get_from_proof(
            storage_root, keccak(key), decoded(entry["proof"])
        )
        values[int(entry["key"], 16)] = int.from_bytes(pyrlp.decode(raw), "big") if raw else 0
        assert values[int(entry["key"], 16)] == int(entry["value"], 16)
    assert values == {7: 42, 8: 1, 9: 0}


def post(node, body: bytes | str) -> dict:
    return requests.post(node.url, data=body, headers={"content-type": "application/json"}, timeout=30).json()


def call(node, method: str, *params) -> dict:
    return post(node, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}))


def raw_transfer(nonce: int, *, chain_id: int = 901, tip: int = 10**9, fee_cap: int = 10**10) -> str:
    return raw_tx_hex(fee_market_tx(OWNER.private_key, chain_id=chain_id, to=ALICE.address, nonce=nonce, value=1,
                                    max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap))


def test_bad_input_gets_specific_errors_and_the_node_keeps_serving(start_node):
    node = start_node("--block-time", "60")  # txs stay pending: replacement can be tested
    assert post(node, b"{not json")["error"]["code"] == -32700
    assert post(node, b'{"jsonrpc": "2.0", "id": 1}')["error"]["code"] == -32600
    assert call(node, "eth_noSuchMethod")["error"]["code"] == -32601
    wrong_type = call(node, "eth_getBalance", "0x1234", "latest")["error"]
    assert wrong_type["code"] == -32602 and "address" in wrong_type["message"]
    oversize = requests.post(node.url, data=b"[" + b" " * (6 << 20) + b"]", timeout=30)
    assert oversize.status_code == 413

    bad_signature = raw_transfer(0)[:-4] + "0000"
    assert call(node, "eth_sendRawTransaction", bad_signature)["error"]["code"] == -32000
    wrong_chain = call(node, "eth_sendRawTransaction", raw_transfer(0, chain_id=1))["error"]
    assert "invalid chain id" in wrong_chain["message"]

    assert "result" in call(node, "eth_sendRawTransaction", raw_transfer(0))
    underpriced = call(node, "eth_sendRawTransaction", raw_transfer(0, tip=10**9 + 1))["error"]
    assert underpriced["message"].startswith("replacement transaction underpriced")
    rpc(node.url, "evm_mine")
    too_low = call(node, "eth_sendRawTransaction", raw_transfer(0, tip=2 * 10**9))["error"]
    assert too_low["message"].startswith("nonce too low")

    assert int(rpc(node.url, "eth_blockNumber"), 16) == 1  # still serving


def test_debug_traces_of_a_mined_transaction(node):
    owner = "0x" + OWNER.address.hex()
    contract = send(node, {"from": owner, "data": "0x" + DEPLOY.hex()})["contractAddress"]
    receipt = send(node, {"from": owner, "to": contract, "gas": "0x186a0"})
    struct = rpc(node.url, "debug_traceTransaction", receipt["transactionHash"])
    assert [step["op"] for step in struct["structLogs"]] == [
        "PUSH1", "PUSH1", "SSTORE", "PUSH1", "PUSH1", "SSTORE", "STOP"
    ]
    assert struct["gas"] == int(receipt["gasUsed"], 16)
    calls = rpc(node.url, "debug_traceTransaction", receipt["transactionHash"], {"tracer": "callTracer"})
    assert calls["type"] == "CALL" and calls["to"] == contract.lower()
    traced_call = rpc(node.url, "debug_traceCall", {"from": owner, "to": contract}, "latest", {"tracer": "callTracer"})
    assert traced_call["type"] == "CALL"
