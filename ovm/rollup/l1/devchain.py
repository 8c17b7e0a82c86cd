"""
The embedded L1 dev chain
=========================

The devnet's L1 is the project's own node in L1 mode: ``ovm node`` on an L1
genesis (chain id 900, the ten dev accounts with 10,000 ETH each, Ethereum's
base fee rules, no L2 rules), with a block every 12 s by default — faster on
the devnet — or a block per transaction (``instant``, for tests). So ``ovm
devnet`` needs no other Ethereum node. Its ``safe`` and ``finalized`` blocks
trail the head as anvil's do: by ``slots_in_an_epoch`` blocks (32 by
default) and by twice that.

It runs one of Ethereum's forks from genesis on, the latest ovm runs unless
``fork`` names another (``ovm.chain.forks.ETHEREUM``; as anvil's
``--hardfork``). Its genesis file is geth's: ``cancunTime``, ``pragueTime``,
…, ``blobSchedule`` for each of them, and the system contracts those forks
call (EIP-4788, EIP-2935, EIP-7002, EIP-7251) in the alloc, as geth's dev
mode deploys them. It has no beacon deposit contract: no deposit requests.
It has Multicall3 at its canonical address, as every public chain has it:
viem's OP Stack L1 actions (``getTimeToProve``, ``getTimeToFinalize``) read
the L1 through it.

It runs as a child process, ``python -m ovm.cli.main node --genesis
<datadir>/l1-genesis.json --datadir <datadir>/chain ...``, rather than in a
thread of the caller:

- the L1's block building gets its own interpreter and GIL, so it neither
  slows nor is slowed by the L2 sequencer, batcher, proposer and replica;
- it is stopped (SIGTERM, then SIGKILL after a timeout) by its pid, and can
  be killed outright to test crash recovery;
- nothing is shared but JSON-RPC, exactly as with an external L1 (anvil,
  geth), so the rollup's services take the same code path for both.

The caller owns the process: ``stop`` (or leaving the ``with`` block) ends it;
a caller killed outright leaves it running, under ``pid``, unless its ``env``
asks the node to end with its parent (``ovm devnet`` does: ``cli.children``).

The node picks a free port (``--port 0`` by default) and prints its URL; the
output goes to ``<datadir>/l1-node.log``, and ``start`` reads the URL from
there. The genesis file is written once, on first start: a restart on the
same data directory resumes the same chain.

In L1 mode the node takes blob transactions (EIP-4844, with their sidecars)
and gives their blobs back by ``anvil_getBlobsByTransactionHash``, as anvil
does, so the devnet's batches travel in blobs on either L1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from ...chain.dev_accounts import dev_accounts
from ...chain.forks import ETHEREUM, ForkSchedule
from ...chain.genesis import DEV_BALANCE, GWEI, system_contract_alloc
from ..preinstalls import address as preinstall_address
from ..preinstalls import preinstall_alloc
from .client import L1Client
from .data import L1Error

L1_CHAIN_ID = 900
L1_BLOCK_TIME = 12.0
L1_GAS_LIMIT = 30_000_000
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
SLOTS_IN_AN_EPOCH = 32  # anvil's default: safe 32 blocks below the head, finalized 64
GENESIS_FILE = "l1-genesis.json"
LOG_FILE = "l1-node.log"
URL_LINE = re.compile(r"^JSON-RPC: (http://\S+)\s+\(WebSocket: (ws://\S+)\)", re.MULTILINE)


def l1_forks(fork: str | None = None) -> ForkSchedule:
    """The embedded L1's schedule: ``fork`` (the latest by default) from genesis on."""
    return ETHEREUM.only(fork)


def l1_genesis_json(timestamp: int, chain_id: int = L1_CHAIN_ID, forks: ForkSchedule | None = None) -> dict:
    """The L1 genesis in geth's JSON form: chain ``chain_id``, ``forks`` (the
    latest by default) with their blob schedule, the dev accounts funded and
    the system contracts deployed."""
    forks = forks or l1_forks()
    config: dict = {"chainId": chain_id}
    config.update({f"{key}Time": time for key, time in forks.times.items()})
    config["blobSchedule"] = {
        row.key: {"target": row.fork.blobs.target, "max": row.fork.blobs.max,
                  "baseFeeUpdateFraction": row.fork.blobs.update_fraction}
        for row in forks.forks
    }  # fmt: skip
    alloc = {"0x" + account.address.hex(): {"balance": hex(DEV_BALANCE)} for account in dev_accounts()}
    for address, account in system_contract_alloc(forks.forks).items():
        alloc["0x" + address.hex()] = {"nonce": hex(account.nonce), "code": "0x" + account.code.hex()}
    multicall = preinstall_alloc(chain_id)[preinstall_address("Multicall3")]
    alloc["0x" + preinstall_address("Multicall3").hex()] = {"nonce": hex(multicall.nonce),
                                                           "code": "0x" + multicall.code.hex()}
    return {
        "config": config,
        "gasLimit": hex(L1_GAS_LIMIT),
        "baseFeePerGas": hex(GWEI),
        "timestamp": hex(timestamp),
        "alloc": alloc,
    }


class DevChain:
    """A running embedded L1 (see the module docstring); ``start`` launches one."""

    def __init__(self, process: subprocess.Popen, datadir: Path, url: str, ws_url: str) -> None:
        self.process = process
        self.datadir = datadir
        self.url = url
        self.ws_url = ws_url

    @classmethod
    def start(
        cls,
        datadir: str | Path,
        *,
        block_time: float = L1_BLOCK_TIME,
        instant: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        chain_id: int = L1_CHAIN_ID,
        forks: ForkSchedule | None = None,
        timeout: float = START_TIMEOUT,
        env: dict[str, str] | None = None,
        slots_in_an_epoch: int = SLOTS_IN_AN_EPOCH,
    ) -> "DevChain":
        """Start the L1 node on ``datadir`` (created, or resumed) and wait until
        it serves. ``forks`` (the latest fork by default) applies to a new chain:
        a resumed one keeps its genesis file's; ``env`` is the node's
        environment, by default this process's."""
        if block_time <= 0:
            raise ValueError(f"block time must be positive, got {block_time}")
        datadir = Path(datadir)
        datadir.mkdir(parents=True, exist_ok=True)
        genesis = _genesis_file(datadir, chain_id, forks)
        command = [
            sys.executable, "-m", "ovm.cli.main", "node", "--genesis", str(genesis),
            "--datadir", str(datadir / "chain"), "--host", host, "--port", str(port),
            "--block-time", f"{block_time:g}", *(["--instant"] if instant else []),
            "--slots-in-an-epoch", str(slots_in_an_epoch),
        ]
        with open(datadir / LOG_FILE, "a") as log:
            offset = log.tell()
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
        try:
            url, ws_url = _wait_for_urls(process, datadir / LOG_FILE, offset, timeout)
        except BaseException:
            _terminate(process, STOP_TIMEOUT)
            raise
        return cls(process, datadir, url, ws_url)

    @property
    def pid(self) -> int:
        return self.process.pid

    def client(self, **options) -> L1Client:
        """An ``L1Client`` for this chain (``options`` as ``L1Client`` takes them)."""
        return L1Client(self.url, **options)

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """Stop the node (SIGTERM; SIGKILL if it has not exited after ``timeout`` s); its exit status."""
        return _terminate(self.process, timeout)

    def kill(self) -> None:
        """End the node at once (SIGKILL), as a crash would."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def __enter__(self) -> "DevChain":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _genesis_file(datadir: Path, chain_id: int, forks: ForkSchedule | None) -> Path:
    """The data directory's L1 genesis, written now if this is the chain's first start."""
    path = datadir / GENESIS_FILE
    if not path.exists():
        path.write_text(json.dumps(l1_genesis_json(int(time.time()), chain_id, forks), indent=2) + "\n")
    return path


def _wait_for_urls(process: subprocess.Popen, log_path: Path, offset: int, timeout: float) -> tuple[str, str]:
    """The HTTP and WebSocket URLs the node prints once it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = _read_from(log_path, offset)
        if found := URL_LINE.search(output):
            return found.group(1), found.group(2)
        if process.poll() is not None:
            last = output.strip().splitlines()[-1:] or ["no output"]
            raise L1Error(f"the embedded L1 exited with status {process.returncode}: {last[0]} (log: {log_path})")
        time.sleep(0.05)
    raise L1Error(f"the embedded L1 did not start within {timeout:g} s (log: {log_path})")


def _read_from(path: Path, offset: int) -> str:
    with open(path, "rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def _terminate(process: subprocess.Popen, timeout: float) -> int:
    """SIGTERM to our child, SIGKILL after ``timeout`` s; its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
