"""``ovm node`` as a user runs it: what it prints, how it stops, how it resumes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys

from support import REPO, rpc, run_ovm

from ovm.chain.dev_accounts import dev_accounts


def test_prints_url_and_accounts_and_stops_on_sigint(start_node, tmp_path):
    node = start_node("--instant")
    rpc(node.url, "eth_sendTransaction", {"from": "0x" + dev_accounts()[0].address.hex(),
                                          "to": "0x" + dev_accounts()[1].address.hex(), "value": "0x1"})
    os.kill(node.process.pid, signal.SIGINT)
    assert node.process.wait(timeout=30) == 0
    node.log.close()
    output = (tmp_path / f"node-{node.port}.log").read_text()
    assert f"JSON-RPC: {node.url}" in output
    assert "chain id 901" in output
    for account in dev_accounts():
        assert f"0x{account.address.hex()}  key 0x{account.private_key.hex()}" in output
    assert "Traceback" not in output


def test_resumes_an_existing_datadir(start_node, tmp_path):
    node = start_node("--instant")
    rpc(node.url, "evm_mine")
    rpc(node.url, "evm_mine")
    head = rpc(node.url, "eth_getBlockByNumber", "latest", False)
    assert node.stop() == 0
    resumed = start_node("--instant")
    assert rpc(resumed.url, "eth_getBlockByNumber", "latest", False)["hash"] == head["hash"]


def test_bad_genesis_and_busy_port_are_one_line_errors(tmp_path, node):
    genesis = tmp_path / "genesis.json"
    genesis.write_text('{"config": {"chainId": "x"}, "alloc": {}}')
    result = run_ovm("node", "--genesis", str(genesis), "--datadir", str(tmp_path / "g"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    busy = run_ovm("node", "--port", str(node.port), "--datadir", str(tmp_path / "b"))
    assert busy.returncode == 2 and "cannot listen" in busy.stderr and "Traceback" not in busy.stderr


def test_devnet_on_a_busy_l1_port_or_a_wrong_l1_is_a_one_line_error(tmp_path, node):
    busy = run_ovm("devnet", "--l1-port", str(node.port), "--datadir", str(tmp_path / "d"))
    assert busy.returncode == 1 and "Traceback" not in busy.stderr
    assert busy.stderr.strip().startswith("ovm devnet: the embedded L1 exited") and "cannot listen" in busy.stderr
    lost = run_ovm("devnet", "--l1-rpc", "http://127.0.0.1:9", "--datadir", str(tmp_path / "e"))
    assert lost.returncode == 2 and "Traceback" not in lost.stderr
    assert lost.stderr.strip().splitlines()[-1].startswith("ovm devnet: cannot reach the L1 at http://127.0.0.1:9")
    l2 = run_ovm("devnet", "--l1-rpc", node.url, "--datadir", str(tmp_path / "f"))
    assert l2.returncode == 2 and "Traceback" not in l2.stderr
    assert l2.stderr.strip().splitlines()[-1] == (
        f"ovm devnet: the L1 at {node.url} has chain id 901, the L2's: is it an L2 node?"
    )


def test_log_level_picks_what_the_node_logs_on_stderr(start_node, tmp_path):
    lines = {}
    for level in ("info", "debug"):
        node = start_node("--instant", "--log-level", level, datadir=tmp_path / level)
        with socket.create_connection(("127.0.0.1", node.port)) as sock:
            sock.sendall(b"GARBAGE / HTTP/1.1\r\n\r\n")
            assert sock.recv(12) == b"HTTP/1.0 400"
        assert node.stop() == 0
        lines[level] = (tmp_path / f"node-{node.port}.log").read_text()
    assert "refused malformed HTTP" not in lines["info"]
    pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d DEBUG aiohttp.server: refused malformed HTTP: Invalid method encountered:\n"
    assert re.search(pattern, lines["debug"])
    assert "Traceback" not in lines["info"] + lines["debug"]


# A supervisor that signals ``ovm node`` as soon as it prints where it listens (as
# DevChain.stop may, right after DevChain.start read the URL): here the node's own
# stdout sends the SIGTERM, the moment the URL line is written.
SIGNAL_ON_ANNOUNCE = """
import os, signal, sys
from ovm.cli.main import main

class SignalOnAnnounce:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        written = self.out.write(text)
        if "JSON-RPC:" in text:
            self.out.flush()
            os.kill(os.getpid(), signal.SIGTERM)
        return written
    def flush(self):
        self.out.flush()

sys.stdout = SignalOnAnnounce(sys.stdout)
sys.exit(main(sys.argv[1:]))
"""


def test_a_sigterm_right_after_the_url_is_printed_stops_the_node_cleanly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SIGNAL_ON_ANNOUNCE, "node", "--instant", "--port", "0", "--datadir", str(tmp_path / "n")],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert "JSON-RPC: http://127.0.0.1:" in result.stdout
    assert result.returncode == 0 and result.stderr.strip().splitlines()[-1] == "ovm node: stopped"
