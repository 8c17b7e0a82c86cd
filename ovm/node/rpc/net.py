"""
The ``net`` namespace
=====================

The network id (the chain id, in decimal as geth answers it); a sequencer
listens for RPC clients, not for peers.
"""

from __future__ import annotations

from .context import NodeContext


class Net:
    namespace = "net"

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def version(self) -> str:
        return str(self._ctx.chain.chain_id)

    def listening(self) -> bool:
        return True

    def peerCount(self) -> str:
        return "0x0"
