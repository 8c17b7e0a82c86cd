"""
Anvil chain for the contract tests
==================================

A small web3.py wrapper over a real anvil (``anvil_process.Anvil``, which
``conftest`` starts and stops): deploy from an artifact, transact and get the receipt, expect a revert
reason, move time, place runtime code at an address (as an L2 genesis would),
put several transactions into one block.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import pytest
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from anvil_process import L1_CHAIN_ID, Anvil  # noqa: F401  (re-exported for the contract tests)
from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.artifacts import Artifact
from support import compile_sources  # noqa: F401  (re-exported for the contract tests)


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

    def mine(self, blocks: int = 1) -> None:
        """Mines ``blocks`` blocks (empty ones unless transactions are pending)."""
        self.w3.provider.make_request("anvil_mine", [hex(blocks)])

    @contextmanager
    def one_block(self) -> Iterator[None]:
        """Transactions sent inside (with their gas given: nothing is estimated against a
        pending block) are mined together, in the order sent, into one block on exit."""
        self.w3.provider.make_request("evm_setAutomine", [False])
        try:
            yield
        finally:
            self.w3.provider.make_request("evm_mine", [])
            self.w3.provider.make_request("evm_setAutomine", [True])

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


def _abi_and_bytecode(artifact: Artifact | dict) -> tuple[list, str]:
    if isinstance(artifact, Artifact):
        return artifact.abi, "0x" + artifact.bytecode.hex()
    return artifact["abi"], artifact["bytecode"]
