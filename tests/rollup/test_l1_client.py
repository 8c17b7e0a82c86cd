"""The L1 client against real L1s (anvil and the embedded L1): reads, sending, nonces, errors, reorgs."""

from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager

import pytest
from support import free_port

from ovm.evm import gas as G
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import load
from ovm.rollup.l1 import Contract, L1Client, L1Error, TransactionReverted, deploy
from ovm.rollup.l1.abi import AbiError

ETHER = 10**18
CHALLENGE_PERIOD = 100
BOND = ETHER


@pytest.fixture
def bridge(client, roles) -> Contract:
    """An L1Bridge over a fresh StateCommitmentChain."""
    scc = deploy(client, roles.deployer.private_key, load("StateCommitmentChain"), roles.proposer.address,
                 bytes(20), CHALLENGE_PERIOD, BOND, client.head().timestamp, 600, 2, 10)
    return deploy(client, roles.deployer.private_key, load("L1Bridge"), scc.address)


# --- reads --------------------------------------------------------------------------------


def test_chain_id_and_head(client):
    assert client.chain_id() == 900
    head = client.head()
    assert head.number == client.block_number()
    assert head.base_fee > 0
    assert head.blob_base_fee(G.PRAGUE_BLOBS) == G.PRAGUE_BLOBS.base_fee(head.excess_blob_gas) >= 1


def test_blocks_by_number_and_hash_agree(client, roles):
    receipt = client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=1)
    block = client.block(receipt.block_number)
    assert block.hash == receipt.block_hash
    assert receipt.transaction_hash in block.transactions
    assert client.block_by_hash(block.hash) == block
    parent = client.block(block.number - 1)
    assert block.parent_hash == parent.hash
    assert block.timestamp >= parent.timestamp
    assert client.block(0).parent_hash == bytes(32)


def test_blocks_past_the_head_are_none(client):
    assert client.block(client.block_number() + 1000) is None
    assert client.block_hash(client.block_number() + 1000) is None
    assert client.block_by_hash(bytes(32)) is None


def test_transfer_moves_balance_and_reads_back_the_transaction(client, roles):
    before = client.balance(roles.bob.address)
    receipt = client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=ETHER, data=b"")
    assert receipt.succeeded and receipt.gas_used == 21_000
    assert client.balance(roles.bob.address) == before + ETHER
    tx = client.transaction(receipt.transaction_hash)
    assert (tx.sender, tx.to, tx.value, tx.type) == (roles.alice.address, roles.bob.address, ETHER, 2)
    assert tx.block_number == receipt.block_number and tx.block_hash == receipt.block_hash


def test_unknown_transaction_and_receipt_are_none(client):
    assert client.transaction(b"\x01" * 32) is None
    assert client.receipt(b"\x01" * 32) is None


def test_wait_for_receipt_times_out_with_the_hash(client):
    with pytest.raises(L1Error, match="0x0101.* was not mined within 0.2 s"):
        client.wait_for_receipt(b"\x01" * 32, timeout=0.2)


# --- contracts, calls and logs -------------------------------------------------------------


def test_deploy_call_and_constructor_arguments(client, roles, bridge):
    scc = Contract.at(client, load("StateCommitmentChain"), bridge.call("stateCommitmentChain"))
    assert len(client.code(bridge.address)) > 0 and len(client.code(scc.address)) > 0
    assert scc.call("proposer") == roles.proposer.address
    assert (scc.call("challengePeriod"), scc.call("requiredBond")) == (CHALLENGE_PERIOD, BOND)
    assert bridge.call("DEPOSIT_GAS_LIMIT") == 100_000


def test_logs_by_address_topic_and_block_range(client, roles, bridge):
    first = bridge.transact(roles.alice.private_key, "depositETH", value=1)
    second = bridge.transact(roles.bob.private_key, "depositETH", value=2)
    deposits = bridge.events("DepositInitiated", from_block=first.block_number)
    assert [(e.args["from"], e.args["amount"], e.args["nonce"]) for e in deposits] == [
        (roles.alice.address, 1, 0), (roles.bob.address, 2, 1)]
    assert deposits[0].log.transaction_hash == first.transaction_hash
    from_bob = bridge.events("DepositInitiated", from_block=first.block_number,
                             topics=[bytes(12) + roles.bob.address])
    assert [e.log.transaction_hash for e in from_bob] == [second.transaction_hash]
    before = first.block_number - 1
    assert bridge.events("DepositInitiated", from_block=before, to_block=before) == []
    raw = client.logs(address=bridge.address, from_block=second.block_number, to_block=second.block_number)
    assert [log.log_index for log in raw] == [log.log_index for log in second.logs]


def test_events_in_receipt_match_logs(client, roles, bridge):
    receipt = bridge.transact(roles.alice.private_key, "depositETH", value=5)
    [event] = bridge.events_in(receipt, "DepositInitiated")
    assert event.args == {"from": roles.alice.address, "to": roles.alice.address, "amount": 5,
                          "nonce": 0, "gasLimit": 100_000}
    assert event.log.block_hash == receipt.block_hash


def test_abi_misuse_is_a_clear_error(bridge):
    with pytest.raises(AbiError, match="no function named 'deposit'"):
        bridge.call("deposit")
    with pytest.raises(AbiError, match=r"withdrawETH takes 1 arguments \(uint256\), got 0"):
        bridge.calldata("withdrawETH")


# --- errors ------------------------------------------------------------------------------


def test_connection_refused_names_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    client = L1Client(url, retries=2, backoff=0.01)
    with pytest.raises(L1Error, match=f"eth_chainId: cannot reach the L1 node at {url}: .*refused"):
        client.chain_id()


def test_urls_other_than_http_are_refused():
    with pytest.raises(L1Error, match="expected http:// or https://"):
        L1Client("ws://127.0.0.1:8545")


@contextmanager
def http_server(status: int, body: bytes):
    """A loopback HTTP server that answers every POST with ``status`` and ``body``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status, body, message", [
    (404, b"not here", "eth_blockNumber: HTTP 404 Not Found from http://127.0.0.1:"),
    (413, b'{"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "too large"}}',
     "eth_blockNumber: too large"),
    (200, b"<html>", "eth_blockNumber: malformed reply from http://127.0.0.1:.*<html>"),
    (200, b'{"jsonrpc": "2.0", "id": 1, "result": "0xzz"}', "eth_blockNumber: malformed result"),
])
def test_replies_that_are_not_json_rpc_results(status, body, message):
    with http_server(status, body) as url:
        with pytest.raises(L1Error, match=message):
            L1Client(url, retries=0).block_number()


def test_node_errors_carry_the_method_code_and_message(client):
    with pytest.raises(L1Error, match="eth_noSuchMethod: .*") as caught:
        client.request("eth_noSuchMethod")
    assert caught.value.code == -32601


def test_revert_is_reported_before_sending(client, roles, bridge):
    with pytest.raises(L1Error, match="eth_estimateGas: execution reverted: L1Bridge: deposit amount is zero"):
        bridge.transact(roles.alice.private_key, "depositETH", value=0)


def test_mined_revert_surfaces_the_reason(client, roles, bridge):
    with pytest.raises(TransactionReverted, match="reverted: L1Bridge: deposit amount is zero") as caught:
        bridge.transact(roles.alice.private_key, "depositETH", value=0, gas=100_000)
    assert caught.value.reason == "L1Bridge: deposit amount is zero"
    assert caught.value.receipt.status == 0


# --- nonces --------------------------------------------------------------------------------


def test_nonce_is_counted_locally(client, roles):
    start = client.transaction_count(roles.alice.address)
    hashes = [client.txs.send_transaction(roles.alice.private_key, to=roles.bob.address, value=i + 1)
              for i in range(3)]
    receipts = [client.wait_for_receipt(tx_hash) for tx_hash in hashes]
    assert [client.transaction(r.transaction_hash).nonce for r in receipts] == [start, start + 1, start + 2]


def test_nonce_recovers_after_an_external_transaction_from_the_same_key(client, roles, l1_url):
    key = roles.alice.private_key
    first = client.txs.transact(key, to=roles.bob.address, value=1)
    outsider = L1Client(l1_url)  # another program signing with the same key
    external = outsider.txs.transact(key, to=roles.bob.address, value=2)
    assert client.transaction(external.transaction_hash).nonce == client.transaction(first.transaction_hash).nonce + 1
    second = client.txs.transact(key, to=roles.bob.address, value=3)
    assert client.transaction(second.transaction_hash).nonce == client.transaction(external.transaction_hash).nonce + 1


def test_resending_a_raw_transaction_is_harmless(client, roles):
    key = roles.alice.private_key
    tx = FeeMarketTransaction(
        chain_id=900, nonce=client.transaction_count(roles.alice.address), max_priority_fee_per_gas=10**9,
        max_fee_per_gas=100 * 10**9, gas=21_000, to=roles.bob.address, value=7, data=b"", access_list=(),
        y_parity=0, r=0, s=0,
    )
    raw = encode_transaction(sign_transaction(tx, key, 900))
    assert client.txs.send_raw_transaction(raw) == keccak256(raw)
    assert client.txs.send_raw_transaction(raw) == keccak256(raw)
    assert client.wait_for_receipt(keccak256(raw)).succeeded


def test_forget_nonce_rereads_it(client, roles):
    client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=1)
    client.txs.forget_nonce(roles.alice.address)
    receipt = client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=1)
    assert client.transaction(receipt.transaction_hash).nonce == client.transaction_count(roles.alice.address) - 1


# --- reorgs --------------------------------------------------------------------------------


def test_a_reorged_block_is_no_longer_canonical(client, roles):
    snapshot = client.request("evm_snapshot")
    remembered = client.block(client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=1).block_number)
    assert client.is_canonical(remembered.ref)
    assert client.request("evm_revert", snapshot) is True
    client.txs.forget_nonce(roles.alice.address)
    replacement = client.txs.transact(roles.alice.private_key, to=roles.bob.address, value=2)
    assert replacement.block_number == remembered.number
    assert not client.is_canonical(remembered.ref)
    assert client.block_hash(remembered.number) == replacement.block_hash != remembered.hash
