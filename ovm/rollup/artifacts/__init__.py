"""
Contract artifacts
==================

The rollup's Solidity contracts (``contracts/src``) as ``bin/build-contracts``
compiles them: one ``<Name>.json`` per contract and interface beside this file,
holding ``abi``, ``bytecode`` (creation code), ``deployedBytecode`` (runtime
code: what an L2 genesis ``alloc`` holds for a predeploy), ``storageLayout`` and
the ``sourceSetSha256`` of the sources. ``tests/contracts/test_artifacts.py``
checks that they match the sources.

The L2 predeploys live at the OP Stack's addresses (``PREDEPLOYS``, the same as
``contracts/src/lib/Predeploys.sol``); they have no constructors, so their
runtime code and, where given, storage go straight into the genesis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...evm.l2 import L1_BLOCK

ARTIFACTS_DIR = Path(__file__).resolve().parent

PREDEPLOYS: dict[str, bytes] = {
    "GasPriceOracle": bytes.fromhex("420000000000000000000000000000000000000f"),
    "L2Bridge": bytes.fromhex("4200000000000000000000000000000000000010"),
    "L1Block": L1_BLOCK,
    "L2ToL1MessagePasser": bytes.fromhex("4200000000000000000000000000000000000016"),
}
"""Predeploy name → L2 address."""

@dataclass(frozen=True)
class StorageVariable:
    """Where one state variable lives: ``offset`` is in bytes from the slot's low end."""

    name: str
    slot: int
    offset: int
    type: str


@dataclass(frozen=True, eq=False)
class Artifact:
    """One compiled contract."""

    name: str
    abi: list
    bytecode: bytes
    deployed_bytecode: bytes
    storage_layout: tuple[StorageVariable, ...]
    source_set_sha256: str

    def slot(self, variable: str) -> int:
        """The storage slot of state variable ``variable``."""
        for entry in self.storage_layout:
            if entry.name == variable:
                return entry.slot
        raise KeyError(f"{self.name} has no state variable {variable!r}")


def names() -> list[str]:
    """The names of all shipped artifacts, sorted."""
    return sorted(path.stem for path in ARTIFACTS_DIR.glob("*.json"))


@cache
def load(name: str) -> Artifact:
    """The artifact of contract ``name`` (e.g. ``"L1Bridge"``)."""
    path = ARTIFACTS_DIR / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no contract artifact named {name!r} (have: {', '.join(names())})")
    data = json.loads(path.read_text())
    return Artifact(
        name=data["contractName"],
        abi=data["abi"],
        bytecode=bytes.fromhex(data["bytecode"][2:]),
        deployed_bytecode=bytes.fromhex(data["deployedBytecode"][2:]),
        storage_layout=tuple(
            StorageVariable(entry["name"], int(entry["slot"]), entry["offset"], entry["type"])
            for entry in data["storageLayout"]
        ),
        source_set_sha256=data["sourceSetSha256"],
    )
