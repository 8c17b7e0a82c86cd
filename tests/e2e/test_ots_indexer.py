"""
Otterscan's ``ots_`` namespace, walked as an indexer walks it
=============================================================

A real ``ovm node`` gets a chain with transfers, a deployment, a CREATE2
from a contract that funds its child, internal value transfers (one kept,
one undone by a revert), a self-destruct and a plain revert. Then every
block is read back with the ``ots_`` methods, as Otterscan reads it, and
what they answer is checked against what the chain did, seen through
web3.py's ``eth_`` calls: block details and fees, paged block transactions,
traces, internal operations, revert data, each address's history paged
backwards and forwards (before and after a restart of the node), the
sender-and-nonce lookup and contract creators.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import requests
from eth_abi import decode
from node_process import HERE, NodeProcess
from support import rpc
from web3 import Web3

from ovm.chain.dev_accounts import dev_accounts

OWNER, ALICE, BOB, CAROL, DAVE = (Web3.to_checksum_address(a.address) for a in dev_accounts()[:5])
SALT = b"\x01" * 32
PAGE = 3  # small, so that every history takes several pages


@pytest.fixture(scope="module")
def explorer_contracts() -> dict:
    out = subprocess.run(["node", str(HERE / "compile.mjs"), str(HERE / "Explorer.sol")],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def chain(tmp_path_factory, explorer_contracts):
    """The node, the datadir, and what each transaction was (by name)."""
    datadir = tmp_path_factory.mktemp("ots") / "chain"
    node = NodeProcess(datadir, "--instant")
    try:
        yield node, datadir, _make_history(Web3(Web3.HTTPProvider(node.url)), explorer_contracts)
    finally:
        node.stop()


def _make_history(w3: Web3, contracts: dict) -> dict:
    def mined(tx_hash) -> dict:
        return w3.eth.wait_for_transaction_receipt(tx_hash)

    txs = {"transfer": mined(w3.eth.send_transaction({"from": OWNER, "to": ALICE, "value": 10**18}))}
    factory_type = w3.eth.contract(abi=contracts["Factory"]["abi"], bytecode=contracts["Factory"]["bytecode"])
    txs["deploy"] = mined(factory_type.constructor().transact({"from": OWNER}))
    factory = w3.eth.contract(address=txs["deploy"]["contractAddress"], abi=contracts["Factory"]["abi"])
    txs["make"] = mined(factory.functions.make(SALT).transact({"from": ALICE, "value": 1000}))
    child_address = factory.events.Made().process_receipt(txs["make"])[0]["args"]["child"]
    child = w3.eth.contract(address=child_address, abi=contracts["Child"]["abi"])
    txs["pay"] = mined(factory.functions.pay(BOB).transact({"from": OWNER, "value": 5}))
    txs["destroy"] = mined(child.functions.destroy(CAROL).transact({"from": OWNER}))
    txs["fail"] = mined(factory.functions.fail().transact({"from": OWNER, "gas": 100_000}))
    txs["undone"] = mined(factory.functions.payAndRevert(DAVE).transact({"from": OWNER, "value": 7, "gas": 100_000}))
    for i in range(8):  # a longer history, for paging
        txs[f"more{i}"] = mined(w3.eth.send_transaction({"from": ALICE, "to": OWNER, "value": i + 1}))
    return {"txs": txs, "factory": factory.address, "child": child_address}


def hexa(address: str) -> str:
    return address.lower()


def call(node, method, *params):
    return rpc(node.url, method, *params)


def test_the_balances_show_what_the_chain_did(chain):
    node, _, history = chain
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert w3.eth.get_balance(BOB) - w3.eth.get_balance(BOB, 0) == 5
    assert w3.eth.get_balance(CAROL) - w3.eth.get_balance(CAROL, 0) == 1000
    assert w3.eth.get_balance(DAVE) == w3.eth.get_balance(DAVE, 0)  # the revert undid its payment
    assert w3.eth.get_balance(history["child"]) == 0  # sent everything to carol
    statuses = {name: r["status"] for name, r in history["txs"].items()}
    assert statuses["fail"] == statuses["undone"] == 0 and statuses["make"] == statuses["destroy"] == 1


def test_every_block_reads_back_as_the_eth_methods_show_it(chain):
    node, _, _ = chain
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert call(node, "ots_getApiLevel") == 8
    for number in range(w3.eth.block_number + 1):
        block = w3.eth.get_block(number)
        receipts = [w3.eth.get_transaction_receipt(h) for h in block["transactions"]]
        details = call(node, "ots_getBlockDetails", number)
        assert details == call(node, "ots_getBlockDetailsByHash", block["hash"].to_0x_hex())
        slim = details["block"]
        assert slim["hash"] == block["hash"].to_0x_hex() and int(slim["number"], 16) == number
        assert slim["transactionCount"] == len(block["transactions"])
        assert slim["logsBloom"] is None and "transactions" not in slim
        assert int(details["totalFees"], 16) == sum(r["gasUsed"] * r["effectiveGasPrice"] for r in receipts)
        assert details["issuance"] == {"blockReward": "0x0", "uncleReward": "0x0", "issuance": "0x0"}
        assert call(node, "erigon_getHeaderByNumber", number)["hash"] == slim["hash"]

        page = call(node, "ots_getBlockTransactions", number, 0, 25)
        assert page["fullblock"]["transactionCount"] == len(block["transactions"])
        assert [t["hash"] for t in page["fullblock"]["transactions"]] == [h.to_0x_hex() for h in block["transactions"]]
        for tx, receipt, expected in zip(page["fullblock"]["transactions"], page["receipts"], receipts):
            full = w3.eth.get_transaction(tx["hash"])
            assert tx["input"] == full["input"][:4].to_0x_hex()
            assert receipt["logs"] is None and receipt["logsBloom"] is None
            assert int(receipt["status"], 16) == expected["status"]
            assert int(receipt["gasUsed"], 16) == expected["gasUsed"]
        assert call(node, "ots_getBlockTransactions", number, 1, 25)["fullblock"]["transactions"] == []


def test_traces_internal_operations_and_errors_match_the_transactions(chain):
    node, _, history = chain
    txs, factory, child = history["txs"], hexa(history["factory"]), hexa(history["child"])

    def h(name):
        return txs[name]["transactionHash"].to_0x_hex()

    for name, receipt in txs.items():
        error = call(node, "ots_getTransactionError", h(name))
        assert (error == "0x") == (receipt["status"] == 1)
        trace = call(node, "ots_traceTransaction", h(name))
        assert trace[0]["depth"] == 0 and trace[0]["from"] == hexa(receipt["from"])
    assert decode(["string"], bytes.fromhex(call(node, "ots_getTransactionError", h("fail"))[10:])) == ("nope",)
    assert decode(["string"], bytes.fromhex(call(node, "ots_getTransactionError", h("undone"))[10:])) == ("undone",)

    make = call(node, "ots_traceTransaction", h("make"))
    assert [(e["type"], e["depth"], e["from"], e["to"], e["value"]) for e in make] == [
        ("CALL", 0, hexa(ALICE), factory, hex(1000)),
        ("CREATE2", 1, factory, child, hex(1000)),
    ]
    destroy = call(node, "ots_traceTransaction", h("destroy"))
    assert [(e["type"], e["depth"], e["from"], e["to"], e["value"]) for e in destroy] == [
        ("CALL", 0, hexa(OWNER), child, "0x0"),
        ("SELFDESTRUCT", 1, child, hexa(CAROL), hex(1000)),
    ]

    def operations(name):
        return call(node, "ots_getInternalOperations", h(name))

    assert operations("make") == [{"type": 3, "from": factory, "to": child, "value": hex(1000)}]
    assert operations("pay") == [{"type": 0, "from": factory, "to": hexa(BOB), "value": hex(5)}]
    assert operations("destroy") == [{"type": 1, "from": child, "to": hexa(CAROL), "value": hex(1000)}]
    assert operations("undone") == operations("fail") == operations("transfer") == operations("deploy") == []


def expected_histories(history: dict) -> dict[str, set[str]]:
    """Each address's transactions as the chain shows them: what it sent,
    received or created, and the internal calls the scenario made."""
    txs = history["txs"]
    found: dict[str, set[str]] = {}
    for receipt in txs.values():
        for address in (receipt["from"], receipt["to"], receipt["contractAddress"]):
            if address is not None:
                found.setdefault(hexa(address), set()).add(receipt["transactionHash"].to_0x_hex())
    internal = {BOB: ["pay"], CAROL: ["destroy"], history["child"]: ["make", "destroy"], DAVE: []}
    for address, names in internal.items():
        found.setdefault(hexa(address), set()).update(txs[n]["transactionHash"].to_0x_hex() for n in names)
    return found


def walk_backwards(node, address: str) -> list[dict]:
    """Every page of ``ots_searchTransactionsBefore``, newest first, as Otterscan pages."""
    found, block, first = [], 0, True
    while True:
        page = call(node, "ots_searchTransactionsBefore", address, block, PAGE)
        assert page["firstPage"] == first
        assert len(page["txs"]) == len(page["receipts"])
        found += page["txs"]
        if page["lastPage"]:
            return found
        assert len(page["txs"]) >= PAGE
        block, first = int(page["txs"][-1]["blockNumber"], 16), False


def walk_forwards(node, address: str) -> list[dict]:
    """Every page of ``ots_searchTransactionsAfter``, from genesis up."""
    found, block, last = [], 0, True
    while True:
        page = call(node, "ots_searchTransactionsAfter", address, block, PAGE)
        assert page["lastPage"] == last
        found = page["txs"] + found
        if page["firstPage"]:
            return found
        block, last = int(page["txs"][0]["blockNumber"], 16), False


def check_histories(node, history: dict) -> None:
    for address, expected in expected_histories(history).items():
        backwards = walk_backwards(node, address)
        hashes = [tx["hash"] for tx in backwards]
        assert set(hashes) == expected and len(hashes) == len(expected), address
        order = [(int(tx["blockNumber"], 16), int(tx["transactionIndex"], 16)) for tx in backwards]
        assert order == sorted(order, reverse=True)
        assert [tx["hash"] for tx in walk_forwards(node, address)] == hashes


def test_address_histories_page_through_every_transaction(chain):
    node, _, history = chain
    check_histories(node, history)
    head = int(call(node, "eth_blockNumber"), 16)
    for block in (head, head + 5, 2**64 - 1):  # nothing after the head
        assert call(node, "ots_searchTransactionsAfter", hexa(OWNER), block, PAGE) == {
            "txs": [], "receipts": [], "firstPage": True, "lastPage": False}
    newest = call(node, "ots_searchTransactionsBefore", hexa(OWNER), 0, PAGE)
    assert call(node, "ots_searchTransactionsBefore", hexa(OWNER), 2**64 - 1, PAGE)["txs"] == newest["txs"]
    page = call(node, "ots_searchTransactionsBefore", hexa(OWNER), 0, PAGE)
    receipt = page["receipts"][0]
    block = call(node, "eth_getBlockByHash", receipt["blockHash"], False)
    assert receipt["timestamp"] == int(block["timestamp"], 16)
    assert receipt["transactionHash"] == page["txs"][0]["hash"]


def test_sender_nonces_and_contract_creators(chain):
    node, _, history = chain
    w3 = Web3(Web3.HTTPProvider(node.url))
    for sender in (OWNER, ALICE):
        for nonce in range(w3.eth.get_transaction_count(sender)):
            tx_hash = call(node, "ots_getTransactionBySenderAndNonce", sender, nonce)
            tx = w3.eth.get_transaction(tx_hash)
            assert (tx["from"], tx["nonce"]) == (sender, nonce)
        assert call(node, "ots_getTransactionBySenderAndNonce", sender, w3.eth.get_transaction_count(sender)) is None
    txs = history["txs"]
    assert call(node, "ots_getContractCreator", history["factory"]) == {
        "hash": txs["deploy"]["transactionHash"].to_0x_hex(), "creator": hexa(OWNER)}
    assert call(node, "ots_getContractCreator", history["child"]) == {
        "hash": txs["make"]["transactionHash"].to_0x_hex(), "creator": hexa(history["factory"])}
    assert call(node, "ots_getContractCreator", BOB) is None
    deployed_in = txs["deploy"]["blockNumber"]
    assert call(node, "ots_hasCode", history["factory"], hex(deployed_in)) is True
    assert call(node, "ots_hasCode", history["factory"], hex(deployed_in - 1)) is False
    assert call(node, "ots_hasCode", history["child"], "latest") is True  # EIP-6780: it stays


@pytest.mark.parametrize("method, params, code", [
    ("ots_searchTransactionsBefore", [OWNER, 0, 0], -32602),
    ("ots_searchTransactionsAfter", [OWNER, 0, 100_000], -32602),
    ("ots_searchTransactionsBefore", ["0x1234", 0, 5], -32602),
    ("ots_searchTransactionsAfter", [OWNER, hex(2**64), 5], -32602),
    ("ots_searchTransactionsBefore", [OWNER, -1, 5], -32602),
    ("ots_getBlockTransactions", [1, 0, 5000], -32602),
    ("ots_traceTransaction", ["0x" + "ab" * 32], -32001),
    ("ots_getInternalOperations", ["0x12"], -32602),
    ("ots_getTransactionError", ["0x" + "cd" * 32], -32001),
    ("ots_getTransactionBySenderAndNonce", [OWNER, "-1"], -32602),
    ("ots_hasCode", [OWNER, "0x99999"], -32001),
])
def test_bad_parameters_get_standard_errors(chain, method, params, code):
    node, _, _ = chain
    answer = rpc_raw(node.url, method, params)
    assert answer["error"]["code"] == code, answer


def rpc_raw(url: str, method: str, params: list) -> dict:
    return requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=30).json()


def test_the_index_survives_a_restart_and_keeps_growing(chain):
    node, datadir, history = chain
    node.stop()
    restarted = NodeProcess(datadir, "--instant")
    try:
        check_histories(restarted, history)
        w3 = Web3(Web3.HTTPProvider(restarted.url))
        tx_hash = w3.eth.send_transaction({"from": DAVE, "to": CAROL, "value": 3})
        w3.eth.wait_for_transaction_receipt(tx_hash)
        for address in (DAVE, CAROL):
            newest = call(restarted, "ots_searchTransactionsBefore", address, 0, PAGE)["txs"][0]
            assert newest["hash"] == tx_hash.to_0x_hex()
    finally:
        restarted.stop()
