"""
Contracts on L1
===============

A deployed contract seen through an ``L1Client``: call its view functions,
send transactions to it, and read its events, by the names in its ABI::

    bridge = Contract.at(client, load("L1Bridge"), address)
    receipt = bridge.transact(alice_key, "depositETH", value=10**18)
    [deposit] = bridge.events_in(receipt, "DepositInitiated")
    deposit.args["amount"]

``deploy`` sends an artifact's creation code with its constructor arguments
and returns the new contract once the creation is mined; ``send_deployment``
and ``deployed`` are its two halves, to send several creations before waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ...primitives.types import to_hex
from ..artifacts import Artifact
from . import abi as abi_
from .client import L1Client
from .data import BlockId, L1Error, L1Log, L1Receipt
from .txmanager import DEFAULT_RECEIPT_TIMEOUT


@dataclass(frozen=True, slots=True)
class ContractEvent:
    """An event of a contract: its name, its fields by name, and the log it came from."""

    name: str
    args: dict[str, Any]
    log: L1Log


class Contract:
    """A contract at ``address`` on the client's chain, called through ``abi``."""

    def __init__(self, client: L1Client, address: bytes, abi: Sequence[dict], name: str = "contract") -> None:
        if len(address) != 20:
            raise ValueError(f"{name}: an address is 20 bytes, got {len(address)}")
        self.client = client
        self.address = bytes(address)
        self.abi = abi
        self.name = name

    @classmethod
    def at(cls, client: L1Client, artifact: Artifact, address: bytes) -> "Contract":
        return cls(client, address, artifact.abi, artifact.name)

    def __repr__(self) -> str:
        return f"<{self.name} at 0x{self.address.hex()}>"

    # -- functions -------------------------------------------------------------------

    def calldata(self, function: str, *args: Any) -> bytes:
        """The input of a transaction calling ``function(args)``."""
        return abi_.encode_call(self.abi, function, args)

    def decode_input(self, function: str, calldata: bytes) -> tuple:
        """The arguments of a transaction input calling ``function`` (a batch, say)."""
        return abi_.decode_arguments(self.abi, function, calldata)

    def call(self, function: str, *args: Any, sender: bytes | None = None, block: BlockId = "latest") -> Any:
        """Call ``function`` without a transaction and decode its result."""
        output = self.client.call(self.address, self.calldata(function, *args), sender=sender, block=block)
        return abi_.decode_result(self.abi, function, output)

    def send(
        self, key: bytes, function: str, *args: Any, value: int = 0, gas: int | None = None,
        blobs: Sequence[bytes] = (),
    ) -> bytes:
        """Send a transaction calling ``function`` from ``key``'s account (carrying
        ``blobs``, if given); returns its hash."""
        return self.client.txs.send_transaction(key, to=self.address, data=self.calldata(function, *args),
                                            value=value, gas=gas, blobs=blobs)

    def transact(
        self,
        key: bytes,
        function: str,
        *args: Any,
        value: int = 0,
        gas: int | None = None,
        timeout: float = DEFAULT_RECEIPT_TIMEOUT,
    ) -> L1Receipt:
        """Send a transaction calling ``function`` and return its successful receipt
        (``TransactionReverted`` otherwise)."""
        data = self.calldata(function, *args)
        return self.client.txs.transact(key, to=self.address, data=data, value=value, gas=gas, timeout=timeout)

    # -- events ----------------------------------------------------------------------

    def decode(self, log: L1Log) -> ContractEvent | None:
        """The event ``log`` records, if it is one of this contract's."""
        if log.address != self.address:
            return None
        event = abi_.decode_event(self.abi, log.topics, log.data)
        return None if event is None else ContractEvent(event.name, event.args, log)

    def events_in(self, receipt: L1Receipt, event: str) -> list[ContractEvent]:
        """The ``event`` logs this contract emitted in the transaction of ``receipt``."""
        decoded = (self.decode(log) for log in receipt.logs)
        return [found for found in decoded if found is not None and found.name == event]

    def events(
        self,
        event: str,
        *,
        from_block: BlockId = "earliest",
        to_block: BlockId = "latest",
        topics: Sequence[bytes | Sequence[bytes] | None] = (),
    ) -> list[ContractEvent]:
        """``event`` logs of this contract in a block range; ``topics`` filter its indexed fields."""
        logs = self.client.logs(
            address=self.address,
            topics=[abi_.event_topic(self.abi, event), *topics],
            from_block=from_block,
            to_block=to_block,
        )
        return [self.decode(log) for log in logs]


def send_deployment(
    client: L1Client, key: bytes, artifact: Artifact, *args: Any, value: int = 0, nonce: int | None = None
) -> bytes:
    """Send the creation of ``artifact``'s contract with constructor ``args`` (at ``nonce``
    if given, else the client's count); returns the tx hash."""
    data = abi_.encode_constructor(artifact.abi, artifact.bytecode, args)
    return client.txs.send_transaction(key, to=None, data=data, value=value, nonce=nonce)


def deployed(client: L1Client, artifact: Artifact, tx_hash: bytes, timeout: float = DEFAULT_RECEIPT_TIMEOUT) -> Contract:
    """The contract created by ``tx_hash``, once it is mined (``TransactionReverted`` if the creation failed)."""
    receipt = client.txs.confirm(tx_hash, timeout)
    if receipt.contract_address is None:
        raise L1Error(f"transaction {to_hex(tx_hash)} created no contract")
    return Contract.at(client, artifact, receipt.contract_address)


def deploy(
    client: L1Client,
    key: bytes,
    artifact: Artifact,
    *args: Any,
    value: int = 0,
    timeout: float = DEFAULT_RECEIPT_TIMEOUT,
) -> Contract:
    """Create ``artifact``'s contract with constructor ``args`` from ``key``'s account and wait for it."""
    return deployed(client, artifact, send_deployment(client, key, artifact, *args, value=value), timeout)
