"""
The dashboard
=============

A small explorer of the chain and the rollup, as static files (``static/``:
one HTML page, its script and its style sheet, plain JavaScript with no
library and no build step) that the node's JSON-RPC server serves under
``/dashboard/`` (``ovm.node.rpc.transport``). The page reads everything over
the same port: blocks, transactions and accounts through the ``eth_`` methods,
new heads through ``eth_subscribe`` on a WebSocket, the safe and finalized
heads through the block tags and ``optimism_syncStatus``, and the rollup's
batches, outputs, deposits and withdrawals through the ``ovm_`` methods of
``ovm.rollup.explorer`` (on a node that is not a rollup node it shows the chain
alone).
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"

__all__ = ["STATIC_DIR"]
