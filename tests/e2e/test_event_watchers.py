"""
Event watchers over HTTP polling
================================

ethers ``contract.on``, viem ``watchContractEvent`` and a web3.py filter,
all polling ``eth_getFilterChanges`` on a filter without ``fromBlock``,
against ``ovm node --block-time 2``: transfers are sent faster than they
poll, so a poll spans several blocks, and each watcher must see every event
exactly once.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from node_process import HERE
from web3 import Web3

from ovm.chain.dev_accounts import dev_accounts

OWNER, ALICE = dev_accounts()[0], dev_accounts()[1]
EVENTS = 20
TRANSFER = Web3.keccak(text="Transfer(address,address,uint256)")


@pytest.mark.slow  # about 45 s: twenty transfers over several 2-second blocks, and the watchers' polls
def test_every_event_of_a_run_reaches_every_watcher(start_node, artifacts):
    node = start_node("--block-time", "2")
    w3 = Web3(Web3.HTTPProvider(node.url))
    web3_filter = w3.eth.filter({"topics": [TRANSFER.to_0x_hex()]})  # eth_newFilter, no fromBlock
    script = subprocess.Popen(
        ["node", str(HERE / "watch_events.mjs"), node.url, str(artifacts), "0x" + OWNER.private_key.hex(),
         Web3.to_checksum_address(ALICE.address), str(EVENTS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    seen_by_web3 = []
    try:
        while script.poll() is None:
            seen_by_web3 += web3_filter.get_new_entries()
            time.sleep(4)  # web3.py's own poll latency: two blocks
        out, err = script.communicate(timeout=5)
    finally:
        if script.poll() is None:
            script.kill()
    seen_by_web3 += web3_filter.get_new_entries()
    assert script.returncode == 0, err
    seen = json.loads(out)
    assert len(seen["blocks"]) >= 4  # the run spanned blocks enough for polls to miss some
    assert sorted(seen["ethers"]) == list(range(1, EVENTS + 1))
    assert sorted(seen["viem"]) == list(range(1, EVENTS + 1))
    transfers = [int.from_bytes(log["data"], "big") for log in seen_by_web3
                 if log["address"].lower() == seen["address"].lower() and log["topics"][1] != bytes(32)]
    assert sorted(transfers) == list(range(1, EVENTS + 1))
