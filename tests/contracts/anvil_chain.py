"""
Anvil chain for the contract tests
==================================

A real anvil (the npm ``@foundry-rs/anvil``) on 127.0.0.1 and a free port,
started by the tests and stopped by its pid, and a small web3.py wrapper over
it: deploy from an artifact, transact and get the receipt, expect a revert
reason, move time, place runtime code at an address (as an L2 genesis would).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.artifacts import Artifact

REPO = Path(__file__).resolve().parents[2]
ANVIL = REPO / "node_modules" / ".bin" / "anvil"
BUILD_SCRIPT = REPO / "contracts" / "build.mjs"
L1_CHAIN_ID = 900
START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Anvil:
    """One anvil process (Cancun rules, chain id 900, the dev mnemonic's accounts)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(ANVIL), "--host", "127.0.0.1", "--port", str(self.port), "--hardfork", "cancun",
             "--chain-id", str(L1_CHAIN_ID), "--quiet"],
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
                w3.eth.block_number
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


class Chain:
    """web3.py over an anvil: its unlocked dev accounts and a few helpers."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url))
        self.accounts = self.w3.eth.accounts

    def deploy(self, artifact: Artifact | dict, *args, sender: str | None = None, value: int = 0) -> Contract:
        """Deploys ``artifact`` (a shipped Artifact or a test-helper JSON dict)."""
        abi, bytecode = _abi_and_bytecode(artifact)
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = self.transact(factory.constructor(*args), sender=sender, value=value)
        return self.w3.eth.contract(address=receipt.contractAddress, abi=abi)

    def at(self, artifact: Artifact | dict, address: str) -> Contract:
        """``artifact``'s interface at ``address``."""
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=_abi_and_bytecode(artifact)[0])

    def transact(self, call, *, sender: str | None = None, value: int = 0, gas: int | None = None):
        """Sends ``call`` (a contract function or constructor) and returns its successful receipt."""
        params = {"from": sender or self.accounts[0], "value": value}
        if gas is not None:
            params["gas"] = gas
        receipt = self.w3.eth.wait_for_transaction_receipt(call.transact(params))
        assert receipt.status == 1, f"transaction reverted: {receipt}"
        return receipt

    def set_code(self, address: str | bytes, code: bytes) -> str:
        """Places runtime ``code`` at ``address`` (as a genesis ``alloc`` would); returns the address."""
        address = Web3.to_checksum_address(address)
        self.w3.provider.make_request("anvil_setCode", [address, "0x" + code.hex()])
        return address

    def increase_time(self, seconds: int) -> None:
        """Moves the chain's clock forward and mines a block at the new time."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    def impersonate(self, address: str) -> str:
        """Lets transactions be sent from ``address`` without its key; returns it checksummed."""
        address = Web3.to_checksum_address(address)
        self.w3.provider.make_request("anvil_impersonateAccount", [address])
        self.w3.provider.make_request("anvil_setBalance", [address, hex(10**20)])
        return address

    def private_key(self, address: str) -> bytes:
        """The key of one of anvil's dev accounts (those of the dev mnemonic)."""
        keys = {Web3.to_checksum_address(account.address): account.private_key for account in dev_accounts()}
        return keys[Web3.to_checksum_address(address)]

    def balance(self, address: str) -> int:
        return self.w3.eth.get_balance(address)


def emitted(contract: Contract, event: str, receipt) -> tuple:
    """The ``event`` logs of ``contract`` in ``receipt`` (other logs skipped)."""
    return contract.events[event]().process_receipt(receipt, errors=DISCARD)


def reverts(reason: str):
    """``pytest.raises`` for a revert whose reason contains ``reason``."""
    return pytest.raises(ContractLogicError, match=re.escape(reason))


def compile_sources(out_dir: Path, *source_dirs: str) -> dict[str, dict]:
    """Compiles the given repo-relative source directories with the project's build
    script into ``out_dir`` and returns the artifacts by contract name."""
    subprocess.run(
        ["node", str(BUILD_SCRIPT), "--root", str(REPO), "--out", str(out_dir), *source_dirs],
        check=True,
        capture_output=True,
    )
    return {path.stem: json.loads(path.read_text()) for path in out_dir.glob("*.json")}


def _abi_and_bytecode(artifact: Artifact | dict) -> tuple[list, str]:
    if isinstance(artifact, Artifact):
        return artifact.abi, "0x" + artifact.bytecode.hex()
    return artifact["abi"], artifact["bytecode"]
