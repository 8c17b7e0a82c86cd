"""
Decoding calls and logs of the rollup's contracts
=================================================

An explorer shows a call to a contract whose ABI it knows as the function and
its arguments, and a log as the event and its fields. The contracts ovm knows
are its own: the L2 predeploys (at the OP Stack's addresses) and, on L1, the
bridge, the batch inbox and the state commitment chain. Their ABIs come from
the compiled artifacts (``ovm.rollup.artifacts``); the decoding itself is
``eth_abi``'s, through ``ovm.rollup.l1.abi``.

Values come out ready for JSON: addresses and bytes as ``0x`` hex, integers
as decimal strings (a wei amount does not fit a JavaScript number), tuples as
lists. What cannot be decoded (an unknown selector, arguments that do not fit
the types, the L1-info deposit's packed calldata) is named as far as it can
be and left raw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ...primitives.crypto import keccak256
from ..artifacts import PREDEPLOYS, load
from ..config import RollupContracts
from ..l1 import abi as abi_

L1_CONTRACTS = {"l1_bridge": "L1Bridge", "batch_inbox": "BatchInbox", "state_commitment_chain": "StateCommitmentChain"}


@dataclass(frozen=True, slots=True)
class KnownContract:
    name: str
    address: bytes
    layer: str  # "L1" or "L2"
    abi: Sequence[dict]


def known_contracts(contracts: RollupContracts | None) -> list[KnownContract]:
    """The L2 predeploys and, given the rollup's addresses, its L1 contracts."""
    known = [KnownContract(name, address, "L2", load(name).abi) for name, address in PREDEPLOYS.items()]
    if contracts is not None:
        for field, name in L1_CONTRACTS.items():
            known.append(KnownContract(name, getattr(contracts, field), "L1", load(name).abi))
    return known


def json_value(value: Any) -> Any:
    """An ABI value as JSON: bytes as hex, integers as decimal strings, tuples as lists."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [json_value(item) for item in value]
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()  # an address eth_abi gave as checksummed text
    return value


class Decoder:
    """Decodes calls and logs of the contracts of one layer (``"L1"`` or ``"L2"``)."""

    def __init__(self, known: Sequence[KnownContract], layer: str) -> None:
        self.contracts = {contract.address: contract for contract in known if contract.layer == layer}
        self._functions: dict[bytes, dict[bytes, dict]] = {}
        for contract in self.contracts.values():
            self._functions[contract.address] = {
                keccak256(abi_.signature(entry).encode())[:4]: entry
                for entry in contract.abi if entry.get("type") == "function"
            }

    def name(self, address: bytes | None) -> str | None:
        contract = self.contracts.get(address) if address is not None else None
        return None if contract is None else contract.name

    def call(self, to: bytes | None, data: bytes) -> dict | None:
        """The function a call to ``to`` with ``data`` runs and its arguments, or
        None if ``to`` is not a known contract."""
        if to is None or to not in self.contracts:
            return None
        contract = self.contracts[to]
        entry = self._functions[to].get(data[:4]) if len(data) >= 4 else None
        if entry is None:
            return {"contract": contract.name, "function": None, "signature": None, "args": None}
        signature = abi_.signature(entry)
        try:
            values = abi_.decode_arguments(contract.abi, entry["name"], data)
        except abi_.AbiError:
            return {"contract": contract.name, "function": entry["name"], "signature": signature, "args": None}
        return {
            "contract": contract.name,
            "function": entry["name"],
            "signature": signature,
            "args": _named(entry["inputs"], values),
        }

    def log(self, address: bytes, topics: Sequence[bytes], data: bytes) -> dict | None:
        """The event a log of ``address`` records, or None if it is not a known contract's."""
        contract = self.contracts.get(address)
        if contract is None:
            return None
        try:
            event = abi_.decode_event(contract.abi, topics, data)
        except abi_.AbiError:
            event = None
        if event is None:
            return {"contract": contract.name, "event": None, "args": None}
        args = [{"name": name, "value": json_value(value)} for name, value in event.args.items()]
        return {"contract": contract.name, "event": event.name, "args": args}


def _named(params: Sequence[dict], values: Sequence[Any]) -> list[dict]:
    return [
        {"name": param.get("name") or f"arg{index}", "type": abi_.canonical_type(param), "value": json_value(value)}
        for index, (param, value) in enumerate(zip(params, values))
    ]
