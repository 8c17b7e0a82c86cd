"""
JSON-RPC
========

The node's Ethereum JSON-RPC interface over HTTP and WebSocket: the server
(``server``) and its transport (``transport``), parameter converters (``params``), errors (``errors``), JSON
shapes (``formatting``), logs, filters and subscriptions (``filters``), and
one module per namespace — ``eth``, ``net``, ``web3``, ``debug``, ``txpool``,
``ots`` (Otterscan's, with ``erigon_getHeaderByNumber``),
``personal`` (``personal_sign``, with the rest of ``signing``)
and the dev controls (``dev``: ``evm``, ``anvil``, ``hardhat``, ``ovm``).

``default_modules(ctx)`` is the standard set; a caller adds its own modules
(the rollup's ``optimism_*``) to the list it gives ``RpcServer``::

    server = RpcServer(default_modules(ctx, limits) + [Optimism(...)], limits)
    running = await serve(server, host, port)
    ...
    await running.stop()
"""

from __future__ import annotations

from .context import NodeContext
from .debug import Debug
from .dev import Anvil, Evm, Hardhat, Ovm
from .errors import RpcError
from .eth import Eth
from .net import Net
from .ots import Erigon, Ots
from .server import RpcLimits, RpcServer
from .signing import Personal
from .transport import RunningServer, serve
from .txpool import Txpool
from .web3 import Web3


def default_modules(ctx: NodeContext, limits: RpcLimits = RpcLimits()) -> list[object]:
    """The namespaces every node serves."""
    return [
        Web3(ctx),
        Net(ctx),
        Eth(ctx, limits),
        Debug(ctx, limits),
        Ots(ctx, limits),
        Erigon(ctx),
        Txpool(ctx),
        Personal(ctx),
        Evm(ctx),
        Anvil(ctx),
        Hardhat(ctx),
        Ovm(ctx),
    ]


__all__ = [
    "NodeContext",
    "RpcError",
    "RpcLimits",
    "RpcServer",
    "RunningServer",
    "default_modules",
    "serve",
]
