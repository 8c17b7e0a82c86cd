"""
The fork object
===============

A fork is one frozen object: its instruction table (256 entries, undefined
opcodes bound to ``invalid``), its static gas table, its precompiles and the
transaction types it accepts. Code asks the fork; it never compares fork names.

From Prague a fork sets ``calldata_floor_per_token``: a transaction uses at
least 21000 gas plus that much per calldata token, and its gas limit must
cover that floor (``ovm.evm.transactions.calldata_floor_gas``); 0 is no floor.

An L2 fork also carries ``l2``, the OP Stack's rules (``ovm.evm.l2.L2Rules``:
fee vaults and the L1 data fee); Ethereum's forks have none.

A chain that restricts what may be deployed (``ovm.safety.bytecode_policy``)
runs a copy of its fork with a ``deployment_check``: the machine asks it about
every creation's initcode before it runs and about the code a creation returns
before it is stored. A refusal ends the creation as ``DeploymentRejected``.
Every node of the chain must run the same check: it decides the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from ..l2 import L2Rules
from ..precompiles import Precompile


class DeploymentCheck(Protocol):
    """Says why code may not be deployed, or ``None`` if it may."""

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None: ...

    def check_code(self, deployer: bytes, address: bytes, code: bytes) -> str | None: ...


@dataclass(frozen=True)
class Fork:
    name: str
    instructions: tuple[Callable, ...]
    static_gas: tuple[int, ...]
    precompiles: dict[bytes, Precompile]
    transaction_types: frozenset[int]
    deployment_check: DeploymentCheck | None = None
    l2: L2Rules | None = None
    calldata_floor_per_token: int = 0
