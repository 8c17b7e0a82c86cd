"""
``ovm node`` for the end-to-end tests
=====================================

A real ``ovm node`` process on a loopback port, stopped by its pid. A plain module, not the conftest, so that test modules
import it by a name no other directory's ``conftest`` shadows (pytest keeps
one ``conftest`` module at a time: with ``tests/rollup`` on the same command
line, ``from conftest import ...`` got that directory's).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from support import REPO, free_port, rpc

NODE_BIN = REPO / "node_modules" / ".bin"
HERE = Path(__file__).resolve().parent

class NodeProcess:
    """``ovm node`` in a subprocess; ``stop`` sends SIGTERM, ``kill`` SIGKILL.
    ``memory_limit`` bounds the bytes of its heap (``RLIMIT_DATA``; not the
    address space, of which LMDB's sparse map alone takes 64 GiB)."""

    def __init__(self, datadir: Path, *args: str, memory_limit: int | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log = open(datadir.parent / f"node-{self.port}.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ovm.cli.main", "node", "--port", str(self.port),
             "--datadir", str(datadir), *args],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO,
            preexec_fn=None if memory_limit is None else lambda: _limit_data(memory_limit),
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ovm node exited with {self.process.returncode}")
            try:
                rpc(self.url, "eth_chainId", timeout=2)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise RuntimeError("ovm node did not start")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()


def _limit_data(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (size, size))
