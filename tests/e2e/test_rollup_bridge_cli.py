"""
The bridge commands for any account and any endpoint, past a log range cap
===========================================================================

On a running devnet, a user with a fresh key of their own (not a dev
account) deposits, withdraws and finalizes with ``--private-key``,
``--key-file`` and ``OVM_PRIVATE_KEY``, naming the nodes with ``--l1-rpc``
and ``--l2-rpc`` (no devnet pointer; the contracts come from the L2 node's
``optimism_rollupConfig``). The L2 is reached through a proxy that refuses
``eth_getLogs`` over more than ``CAP`` blocks, as hosted RPC providers do,
and the chain is longer than that: ``ovm finalize`` still finds the
account's withdrawals (windows of blocks), a withdrawal by its hash, and one
by its L2 transaction, each with the proof ``optimism_withdrawalProof``
gives. That RPC answers -32001 for an unknown hash, -32000 before the
challenge period has passed, and then a proof L1 accepts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from coincurve import PrivateKey
from eth_abi import decode
from rollup_support import Devnet
from support import REPO, rpc

from ovm.chain.dev_accounts import dev_accounts
from ovm.primitives.crypto import private_key_to_address
from ovm.rollup.l1.client import L1Client
from ovm.rollup.withdrawals import withdrawal_hash

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("devnet")]

CAP = 20
ETHER = 10**18
FUNDER = dev_accounts()[0]


class CappedProxy:
    """Forwards JSON-RPC to ``upstream``, refusing ``eth_getLogs`` over more than ``CAP`` blocks."""

    def __init__(self, upstream: str) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                answer = [proxy.answer(r) for r in body] if isinstance(body, list) else proxy.answer(body)
                raw = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:
                pass

        self.upstream = upstream
        self.refused = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, request: dict) -> dict:
        if request.get("method") == "eth_getLogs":
            query = request["params"][0]
            first, last = self.number(query.get("fromBlock", "latest")), self.number(query.get("toBlock", "latest"))
            if last - first + 1 > CAP:
                self.refused += 1
                return {"jsonrpc": "2.0", "id": request.get("id"),
                        "error": {"code": -32005, "message": f"block range too large: at most {CAP} blocks"}}
        return requests.post(self.upstream, json=request, timeout=60).json()

    def number(self, tag: str) -> int:
        if tag == "earliest":
            return 0
        if tag in ("latest", "pending", "safe", "finalized"):
            return int(rpc(self.upstream, "eth_blockNumber"), 16)
        return int(tag, 16)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("devnet") / "data")
    try:
        yield devnet
    finally:
        devnet.stop()


@pytest.fixture(scope="module")
def proxy(devnet):
    proxy = CappedProxy(devnet.url)
    yield proxy
    proxy.stop()


def ovm(devnet, proxy, *args: str, env: dict[str, str] | None = None) -> str:
    """An ``ovm`` bridge command naming both nodes, with no devnet pointer to fall back on."""
    result = subprocess.run(
        [sys.executable, "-m", "ovm.cli.main", *args, "--l1-rpc", devnet.l1_url, "--l2-rpc", proxy.url,
         "--devnet", str(devnet.datadir / "no-such-devnet.json")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**os.environ, **(env or {}), "HOME": str(devnet.home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def hashes(output: str, what: str) -> str:
    return re.search(rf"{what} (0x[0-9a-f]{{64}})", output)[1]


def test_a_user_key_deposits_withdraws_and_finalizes_past_the_range_cap(devnet, proxy, tmp_path):
    key = PrivateKey().secret
    user = private_key_to_address(key)
    key_hex = "0x" + key.hex()
    key_file = tmp_path / "user.key"
    key_file.write_text(key_hex + "\n")
    l1 = L1Client(devnet.l1_url)
    assert l1.txs.transact(FUNDER.private_key, to=user, value=10 * ETHER).succeeded

    ovm(devnet, proxy, "deposit", "--amount", "3", "--private-key", key_hex)
    assert int(rpc(devnet.url, "eth_getBalance", "0x" + user.hex(), "latest"), 16) == 3 * ETHER
    by_scan = hashes(ovm(devnet, proxy, "withdraw", "--amount", "0.5", "--key-file", str(key_file)), "withdrawal hash")
    by_hash_out = ovm(devnet, proxy, "withdraw", "--amount", "0.25", env={"OVM_PRIVATE_KEY": key_hex})
    by_hash, by_tx_hash = hashes(by_hash_out, "withdrawal hash"), hashes(by_hash_out, "tx")

    with pytest.raises(RuntimeError) as unknown:
        rpc(devnet.url, "optimism_withdrawalProof", "0x" + "ab" * 32)
    assert unknown.value.args[0]["code"] == -32001

    devnet.wait_until(lambda: int(rpc(devnet.url, "eth_blockNumber"), 16) > 2 * CAP, "a chain longer than the cap")
    with pytest.raises(RuntimeError, match="block range too large"):
        rpc(proxy.url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})  # the old scan's request

    before = l1.balance(user)
    finalized = ovm(devnet, proxy, "finalize", "--wait", "--timeout", "180", "--private-key", key_hex,
                    "--withdrawal", by_hash)
    assert f"finalized {by_hash}: 0.25 ETH paid on L1" in finalized
    answer = rpc(devnet.url, "optimism_withdrawalProof", by_hash)  # a ready proof, still answered once paid
    fields = answer["withdrawal"]
    assert "0x" + withdrawal_hash((int(fields["nonce"], 16), bytes.fromhex(fields["sender"][2:]),
                                   bytes.fromhex(fields["target"][2:]), int(fields["value"], 16),
                                   int(fields["gasLimit"], 16), bytes.fromhex(fields["data"][2:]))).hex() == by_hash
    assert answer["transactionHash"] == by_tx_hash and int(fields["value"], 16) == ETHER // 4
    (_, index, output, nodes), = [decode(["(uint256,address,address,uint256,uint256,bytes)", "uint256",
                                          "(bytes32,bytes32,bytes32,bytes32)", "bytes[]"],
                                         bytes.fromhex(answer["proof"][2:]))]
    assert index == int(answer["outputIndex"], 16) and ["0x" + n.hex() for n in nodes] == answer["withdrawalProof"]
    assert "0x" + output[1].hex() == answer["outputRootProof"]["stateRoot"]

    found = ovm(devnet, proxy, "finalize", "--wait", "--timeout", "180", "--key-file", str(key_file))
    assert f"finalized {by_scan}: 0.5 ETH paid on L1" in found and by_hash not in found
    assert proxy.refused > 0  # the scan met the cap and went on in smaller windows
    assert l1.balance(user) > before + ETHER // 2 - ETHER // 100  # paid, less the L1 gas

    again = ovm(devnet, proxy, "finalize", "--private-key", key_hex, "--tx", by_tx_hash)
    assert f"{by_hash} was finalized already" in again
    nothing = ovm(devnet, proxy, "finalize", "--private-key", key_hex)
    assert "no withdrawal of" in nothing


def test_a_withdrawal_not_yet_final_gets_its_reason(devnet, proxy):
    key_hex = "0x" + dev_accounts()[6].private_key.hex()
    out = ovm(devnet, proxy, "withdraw", "--amount", "0.01", "--private-key", key_hex)
    with pytest.raises(RuntimeError) as early:
        rpc(devnet.url, "optimism_withdrawalProof", hashes(out, "withdrawal hash"))
    assert early.value.args[0]["code"] == -32000
    assert re.search(r"no output covers L2 block \d+ yet|still in its challenge period",
                     early.value.args[0]["message"])


def test_the_rollup_config_over_rpc_holds_no_keys(devnet):
    config = rpc(devnet.url, "optimism_rollupConfig")
    assert set(config["batcher"]) == set(config["proposer"]) == {"address"}
    assert "private_key" in (devnet.datadir / "rollup.json").read_text()  # the operator's own file keeps them
