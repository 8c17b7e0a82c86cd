"""
The ``web3`` namespace
======================

The client's name and version, and keccak-256 as a service.
"""

from __future__ import annotations

from ...primitives.crypto import keccak256
from .context import NodeContext
from .formatting import data
from .params import Data


class Web3:
    namespace = "web3"

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def clientVersion(self) -> str:
        return self._ctx.client_version

    def sha3(self, value: Data) -> str:
        return data(keccak256(value))
