"""
Crash safety of a real ``ovm node``: under a steady stream of transactions
the node is killed with SIGKILL at random moments and restarted on the same
data directory. Afterwards every receipt a client saw is still there with the
same block, every acknowledged transaction was mined, the chain is continuous,
and the node re-verified its state root at each start (it refuses to start
otherwise).
"""

from __future__ import annotations

import random
import threading
import time

import pytest
import requests
from support import rpc

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction

SENDER, RECIPIENT = dev_accounts()[3], dev_accounts()[4]
KILLS = 4


class Client(threading.Thread):
    """Sends transfers one after another, remembering what the node acknowledged
    and the receipts it showed; stops quietly when the node goes away."""

    def __init__(self, url: str, acknowledged: dict, receipts: dict) -> None:
        super().__init__(daemon=True)
        self.url, self.acknowledged, self.receipts = url, acknowledged, receipts
        self.running = True

    def run(self) -> None:
        try:
            nonce = int(rpc(self.url, "eth_getTransactionCount", "0x" + SENDER.address.hex(), "pending"), 16)
            while self.running:
                tx = FeeMarketTransaction(901, nonce, 10**9, 10**11, 21000, RECIPIENT.address, 1, b"", (), 0, 0, 0)
                raw = "0x" + encode_transaction(sign_transaction(tx, SENDER.private_key, 901)).hex()
                tx_hash = rpc(self.url, "eth_sendRawTransaction", raw, timeout=5)
                self.acknowledged[tx_hash] = nonce
                nonce += 1
                for seen in list(self.acknowledged):
                    if seen not in self.receipts:
                        receipt = rpc(self.url, "eth_getTransactionReceipt", seen, timeout=5)
                        if receipt:
                            self.receipts[seen] = receipt["blockHash"]
        except (requests.RequestException, RuntimeError):
            return


@pytest.mark.slow
def test_killed_node_restarts_with_nothing_lost(start_node, tmp_path):
    rng = random.Random(7)
    acknowledged: dict[str, int] = {}
    receipts: dict[str, str] = {}
    datadir = tmp_path / "crashing"
    for _ in range(KILLS):
        node = start_node("--block-time", "0.2", datadir=datadir)
        client = Client(node.url, acknowledged, receipts)
        client.start()
        time.sleep(rng.uniform(0.5, 2.0))
        node.kill()
        client.running = False
        client.join(timeout=10)

    node = start_node("--block-time", "0.2", datadir=datadir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        rpc(node.url, "eth_getTransactionReceipt", h) is None for h in acknowledged
    ):
        time.sleep(0.2)
    assert len(acknowledged) > 10
    for tx_hash in acknowledged:
        receipt = rpc(node.url, "eth_getTransactionReceipt", tx_hash)
        assert receipt is not None, f"acknowledged {tx_hash} was lost"
        if tx_hash in receipts:
            assert receipt["blockHash"] == receipts[tx_hash], f"{tx_hash} moved to another block"

    head = int(rpc(node.url, "eth_blockNumber"), 16)
    parent = rpc(node.url, "eth_getBlockByNumber", "0x0", False)["hash"]
    for number in range(1, head + 1):
        block = rpc(node.url, "eth_getBlockByNumber", hex(number), False)
        assert block["parentHash"] == parent
        parent = block["hash"]
