"""
The one-step verifier on a real L1
==================================

Deploys the fraud-proof contracts (``CodeOracle``, the executors and the
``OneStepVerifier``) from the shipped artifacts on an Ethereum JSON-RPC
endpoint — a real anvil or the embedded L1 (``ovm.rollup.l1.devchain``, ovm's
own EVM running them) — registers code with the oracle, and asks the
verifier about steps by ``eth_call``. ``answer`` is what the verifier says:
the post-commitment, or the revert; ``answers`` asks about many steps in
JSON-RPC batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError

from ovm.evm.gas import MAX_TRANSACTION_GAS
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import load

# Every step must fit in one L1 transaction, which Osaka caps at 2**24 gas (EIP-7825).
STEP_GAS = MAX_TRANSACTION_GAS
BATCH = 50
BATCH_BYTES = 400_000


@dataclass(frozen=True)
class Reverted:
    reason: str


class L1Verifier:
    def __init__(self, url: str, batch: int = BATCH) -> None:
        self.url = url
        self.batch = batch
        self.session = requests.Session()
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 300}))
        self.account = self.w3.eth.accounts[0] if self.w3.eth.accounts else None
        self.oracle = self._deploy("CodeOracle")
        core = self._deploy("StepsCore")
        memory = self._deploy("StepsMemory")
        calls = self._deploy("StepsCall")
        self.verifier = self._deploy("OneStepVerifier", self.oracle.address, core.address, memory.address,
                                     calls.address)
        self.registered: set[bytes] = set()

    def _deploy(self, name: str, *args):
        artifact = load(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode="0x" + artifact.bytecode.hex())
        tx = factory.constructor(*args).transact({"from": self.account, "gas": 10_000_000})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt.status == 1, f"{name} was not deployed"
        return self.w3.eth.contract(address=receipt.contractAddress, abi=artifact.abi)

    def register(self, code: bytes) -> None:
        code_hash = keccak256(code)
        if code_hash in self.registered:
            return
        tx = self.oracle.functions.register(code).transact({"from": self.account, "gas": MAX_TRANSACTION_GAS})
        assert self.w3.eth.wait_for_transaction_receipt(tx).status == 1
        self.registered.add(code_hash)

    def answer(self, pre: bytes, witness: bytes) -> bytes | Reverted:
        try:
            return self.verifier.functions.step(pre, witness).call({"gas": STEP_GAS})
        except (ContractLogicError, Web3RPCError) as exc:
            return Reverted(str(exc))

    def answers(self, steps: list[tuple[bytes, bytes]]) -> list[bytes | Reverted]:
        """``answer`` for each ``(pre, witness)``, asked in JSON-RPC batches
        of at most ``batch`` calls and ``BATCH_BYTES`` of call data."""
        return [self._word(item) for item in self._batched("eth_call", steps)]

    def gases(self, steps: list[tuple[bytes, bytes]]) -> list[int | Reverted]:
        """``gas`` for each ``(pre, witness)``, asked in batches as ``answers``."""
        return [Reverted(str(item["error"].get("message"))) if "error" in item else int(item["result"], 16)
                for item in self._batched("eth_estimateGas", steps)]

    def _batched(self, method: str, steps: list[tuple[bytes, bytes]]) -> list[dict]:
        out: list[dict] = []
        batch: list[str] = []
        for pre, witness in steps:
            data = self.verifier.functions.step(pre, witness)._encode_transaction_data()
            if batch and (len(batch) == self.batch or sum(map(len, batch)) + len(data) > 2 * BATCH_BYTES):
                out += self._ask(method, batch)
                batch = []
            batch.append(data)
        return out + (self._ask(method, batch) if batch else [])

    @staticmethod
    def _word(item: dict) -> bytes | Reverted:
        if "error" in item:
            return Reverted(str(item["error"].get("message")))
        result = bytes.fromhex(item["result"][2:])
        return result if len(result) == 32 else Reverted(f"not a word: {item['result']}")

    def _ask(self, method: str, batch: list[str]) -> list[dict]:
        params: dict = {"to": self.verifier.address, "gas": hex(STEP_GAS)}
        if method == "eth_estimateGas":
            params["from"] = self.account
        calls = [{"jsonrpc": "2.0", "id": i, "method": method, "params": [dict(params, data=data), "latest"]}
                 for i, data in enumerate(batch)]
        response = self.session.post(self.url, json=calls, timeout=300)
        response.raise_for_status()
        answered = response.json()
        if not isinstance(answered, list):
            raise RuntimeError(f"the batch of {len(batch)} calls was answered {str(answered)[:300]}")
        by_id = {item["id"]: item for item in answered}
        return [by_id[i] for i in range(len(batch))]

    def gas(self, pre: bytes, witness: bytes) -> int:
        """Gas of a transaction making this call (21,000 and calldata included)."""
        return self.verifier.functions.step(pre, witness).estimate_gas({"from": self.account})
