"""
Anvil for the tests
===================

A real anvil (the npm ``@foundry-rs/anvil``) on 127.0.0.1 and a free port:
Cancun rules, L1 chain id 900, the dev mnemonic's accounts. Started by the
tests and stopped by its pid.
"""

from __future__ import annotations

import subprocess
import time

from web3 import Web3

from support import REPO, free_port

ANVIL = REPO / "node_modules" / ".bin" / "anvil"
L1_CHAIN_ID = 900
START_TIMEOUT = 30.0


class Anvil:
    """One anvil process (Cancun rules, chain id 900, the dev mnemonic's accounts)."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(ANVIL), "--host", "127.0.0.1", "--port", str(self.port), "--hardfork", "cancun",
             "--chain-id", str(L1_CHAIN_ID), "--quiet", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        w3 = Web3(Web3.HTTPProvider(self.url))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"anvil exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                w3.eth.get_block_number()
                return
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"anvil did not answer on {self.url} within {START_TIMEOUT} s")

    def stop(self) -> None:
        """Ends the process this object started (by its pid) and waits for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()
