#!/usr/bin/env python3
"""
ovm node beside anvil: ERC-20 transfers over JSON-RPC
=====================================================

For each engine (``ovm node`` and anvil, the native binary from npm) and each
mining mode (a block per transaction: ``--instant`` / anvil's automine; and
2-second blocks: ``--block-time 2`` on both), per round:

1. start the node on 127.0.0.1 at a free port, deploy BenchToken
   (``../shared/bench/contracts/BenchToken.sol``, compiled with the npm solc);
2. pre-sign ``--txs`` EIP-1559 ``transfer(to_i, 1)`` transactions to distinct
   fresh addresses (not timed);
3. TIMED: send them one after another with ``eth_sendRawTransaction`` over one
   keep-alive HTTP connection, each waiting for its reply, then wait for the
   last receipt;
4. check every receipt has status 1, read the node's peak resident memory
   (``VmHWM``), stop it by its pid.

Reported per cell: the median over rounds of transactions per second and
Mgas/s (summed receipt gas over the timed region), and the peak memory.

    .venv/bin/python bench/node_bench.py [--txs 2000] [--rounds 3] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction
from ovm.primitives.crypto import keccak256

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO.parent / "shared" / "bench" / "contracts" / "BenchToken.sol"
ANVIL = REPO / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
OWNER = dev_accounts()[0]
TRANSFER = keccak256(b"transfer(address,uint256)")[:4]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Rpc:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.id = 0

    def call(self, method: str, *params):
        self.id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method, "params": list(params)})
        self.connection.request("POST", "/", body, {"Content-Type": "application/json"})
        reply = json.loads(self.connection.getresponse().read())
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]


def start(engine: str, mode: str, port: int, datadir: str) -> subprocess.Popen:
    if engine == "ovm":
        mining = ["--instant"] if mode == "instant" else ["--block-time", "2"]
        command = [sys.executable, "-m", "ovm.cli.main", "node", "--port", str(port), "--datadir", datadir, *mining]
    else:
        mining = [] if mode == "instant" else ["--block-time", "2"]
        command = [str(ANVIL), "--port", str(port), "--hardfork", "cancun", "--chain-id", "901", *mining]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            Rpc(port).call("eth_chainId")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{engine} did not start")


def peak_memory_mb(process: subprocess.Popen) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_receipt(rpc: Rpc, tx_hash: str, limit: float = 300.0) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
        if receipt:
            return receipt
        time.sleep(0.02)
    raise RuntimeError(f"no receipt for {tx_hash}")


def signed(nonce: int, to: bytes | None, data: bytes, gas: int) -> str:
    tx = FeeMarketTransaction(901, nonce, 10**9, 10**11, gas, to, 0, data, (), 0, 0, 0)
    return "0x" + encode_transaction(sign_transaction(tx, OWNER.private_key, 901)).hex()


def one_round(engine: str, mode: str, txs: int, bytecode: bytes) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ovm-bench-") as datadir:
        process = start(engine, mode, port, datadir)
        try:
            rpc = Rpc(port)
            deploy = wait_receipt(rpc, rpc.call("eth_sendRawTransaction", signed(0, None, bytecode, 3_000_000)))
            token = bytes.fromhex(deploy["contractAddress"][2:])
            raws = [
                signed(1 + i, token, TRANSFER + bytes(12) + keccak256(i.to_bytes(8, "big"))[:20]
                       + (1).to_bytes(32, "big"), 100_000)
                for i in range(txs)
            ]
            started = time.perf_counter()
            hashes = [rpc.call("eth_sendRawTransaction", raw) for raw in raws]
            wait_receipt(rpc, hashes[-1])
            seconds = time.perf_counter() - started
            receipts = [rpc.call("eth_getTransactionReceipt", h) for h in hashes]
            assert all(r and r["status"] == "0x1" for r in receipts), "a transfer failed"
            gas = sum(int(r["gasUsed"], 16) for r in receipts)
            return {"tx_s": txs / seconds, "mgas_s": gas / seconds / 1e6, "memory_mb": peak_memory_mb(process)}
        finally:
            stop(process)


def compile_token() -> bytes:
    out = subprocess.run(["node", str(REPO / "tests" / "e2e" / "compile.mjs"), str(CONTRACT)],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    supply = (10**24).to_bytes(32, "big")  # constructor(uint256 supply)
    return bytes.fromhex(json.loads(out)["BenchToken"]["bytecode"][2:]) + supply


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--txs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    args = parser.parse_args()
    bytecode = compile_token()
    cells = [(engine, mode) for mode in ("instant", "2s-blocks") for engine in ("ovm", "anvil")]
    results: dict[tuple[str, str], list[dict]] = {cell: [] for cell in cells}
    for round_number in range(args.rounds):  # interleaved, so drift hits every cell alike
        for cell in cells:
            result = one_round(*cell, args.txs, bytecode)
            results[cell].append(result)
            print(f"[round {round_number + 1}] {cell[0]:5} {cell[1]:9} "
                  f"{result['tx_s']:8.1f} tx/s {result['mgas_s']:6.2f} Mgas/s "
                  f"{result['memory_mb']:7.1f} MB", file=sys.stderr)
    rows = ["| mode | engine | tx/s | Mgas/s | peak memory (MB) |", "|---|---|---|---|---|"]
    summary = {}
    for (engine, mode), runs in results.items():
        median = {k: statistics.median(r[k] for r in runs) for k in ("tx_s", "mgas_s", "memory_mb")}
        summary[f"{engine}/{mode}"] = {"median": median, "runs": runs}
        rows.append(f"| {mode} | {engine} | {median['tx_s']:.0f} | {median['mgas_s']:.1f} | {median['memory_mb']:.0f} |")
    table = "\n".join(rows)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
