"""Helpers for the rollup's end-to-end tests: a devnet process and its commands."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from coincurve import PrivateKey
from support import REPO, free_port, rpc

from ovm.primitives.crypto import private_key_to_address
from ovm.rollup.artifacts import load
from ovm.rollup.config import load_config
from ovm.rollup.l1.client import L1Client
from ovm.rollup.l1.contract import Contract

# Wide enough that the devnets' batches land in time on a loaded machine (a
# sequencer stalled for 20 s otherwise misses a window of 20 one-second L1
# blocks, and its blocks are replaced by forced ones, as they should be). The
# tests of the window itself give their own --sequencing-window.
SEQUENCING_WINDOW = "120"
STOP_TIMEOUT = 120


class Devnet:
    """``ovm devnet`` in a subprocess, with its own HOME so it leaves the
    user's ``~/.ovm`` alone; stopped by its pid. It runs in a session of its
    own, so that if it does not stop on SIGTERM, or is killed, its process group
    (the embedded L1 and the replica with it) can be ended with it."""

    def __init__(self, datadir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.datadir = datadir
        self.args = args
        self.home = datadir.parent / "home"
        self.home.mkdir(exist_ok=True)
        self.port, self.l1_port, self.replica_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.replica_url = f"http://127.0.0.1:{self.replica_port}"
        self.log = open(datadir.parent / f"devnet-{self.port}.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ovm.cli.main", "devnet", "--datadir", str(datadir),
             "--port", str(self.port), "--l1-port", str(self.l1_port),
             "--replica-port", str(self.replica_port), "--block-time", "1", "--l1-block-time", "1",
             "--challenge-period", "6", "--proposal-interval", "3", "--sequencing-window", SEQUENCING_WINDOW,
             "--quiet", *args],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True,
            env={**os.environ, **(env or {}), "HOME": str(self.home)},
        )  # fmt: skip
        try:
            self.wait_until(lambda: self.sync_status()["safe_l2"] >= 1, "the devnet to batch a block", 180)
        except BaseException:
            self.stop()  # a devnet that failed to come up must not run on under the next tests
            raise

    @property
    def devnet_file(self) -> Path:
        return self.datadir / "devnet.json"

    @property
    def l1_url(self) -> str:
        return json.loads(self.devnet_file.read_text())["l1_rpc"]

    def sync_status(self, url: str | None = None) -> dict:
        status = rpc(url or self.url, "optimism_syncStatus")
        return {key: int(value["number"], 16) if isinstance(value, dict) else int(value, 16)
                for key, value in status.items()}

    def wait_until(self, condition, what: str, timeout: float = 120) -> None:
        def alive_and(condition=condition):
            if self.process.poll() is not None:
                raise AssertionError(f"ovm devnet exited with {self.process.returncode}")
            return condition()

        wait_for(alive_and, what, timeout)

    def command(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "ovm.cli.main", *args, "--devnet", str(self.devnet_file)],
            capture_output=True, text=True, timeout=300, cwd=REPO,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"ovm {' '.join(args)} failed: {result.stderr}")
        return result

    def stop(self) -> None:
        """SIGTERM, and wait for it to stop (its L1 and replica with it); one that does
        not within ``STOP_TIMEOUT`` s is killed with its process group, and that fails."""
        try:
            if self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self._kill_group()
                    raise AssertionError(f"ovm devnet did not stop within {STOP_TIMEOUT} s of SIGTERM") from None
        finally:
            self.log.close()

    def kill(self) -> None:
        """SIGKILL the devnet alone (a crash: its embedded L1 and replica live on)."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class Replica:
    """``ovm node --replica`` in a subprocess, deriving the devnet of ``config`` from
    ``l1_url``; on ``datadir`` if given (a restart resumes it); stopped by its pid."""

    def __init__(self, l1_url: str, config: Path, log: Path, datadir: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "a")
        where = ["--datadir", str(datadir)] if datadir is not None else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ovm.cli.main", "node", "--replica", "--l1-rpc", l1_url,
             "--rollup-config", str(config), "--port", str(self.port), *where],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip

    def head(self) -> int:
        return int(rpc(self.url, "eth_blockNumber"), 16)

    def stop(self) -> None:
        """SIGTERM and wait; one that does not stop within ``STOP_TIMEOUT`` s is killed, and that fails."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=30)
                    raise AssertionError(f"the replica did not stop within {STOP_TIMEOUT} s of SIGTERM") from None
        finally:
            self.log.close()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()


def funded_key(anvil_url: str) -> bytes:
    """A fresh key holding 1,000 ETH on the anvil (not one of the public dev keys):
    an operator's funding key, or a user's own."""
    key = PrivateKey().secret
    address = "0x" + private_key_to_address(key).hex()
    rpc(anvil_url, "anvil_setBalance", address, hex(1_000 * 10**18))
    return key


def funding_env(anvil_url: str) -> dict[str, str]:
    """The environment that gives ``ovm devnet --l1-rpc`` a funding key."""
    return {"OVM_FUNDING_KEY": "0x" + funded_key(anvil_url).hex()}


def wait_for(condition, what: str, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds; errors of a node not ready yet count as no."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (requests.RequestException, RuntimeError, OSError, KeyError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"waited {timeout} s for {what}")


def same_chain(url_a: str, url_b: str, up_to: int) -> bool:
    return all(
        rpc(url_a, "eth_getBlockByNumber", hex(n), False)["hash"] == rpc(url_b, "eth_getBlockByNumber", hex(n), False)["hash"]
        for n in range(up_to + 1)
    )


def same_outputs(url_a: str, url_b: str, blocks) -> bool:
    return all(
        rpc(url_a, "optimism_outputAtBlock", hex(n))["outputRoot"] == rpc(url_b, "optimism_outputAtBlock", hex(n))["outputRoot"]
        for n in blocks
    )


def batch_kinds(devnet: Devnet) -> set[int]:
    """The kinds (``inbox.CALLDATA``, ``inbox.BLOBS``) of the batches in the devnet's inbox."""
    config = load_config(devnet.datadir / "rollup.json")
    inbox = Contract.at(L1Client(devnet.l1_url), load("BatchInbox"), config.contracts.batch_inbox)
    return {event.args["kind"] for event in inbox.events("BatchAppended")}
