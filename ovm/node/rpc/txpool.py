"""
The ``txpool`` namespace
========================

The mempool as geth shows it: ``txpool_content`` groups transactions by
sender and nonce into ``pending`` (executable now) and ``queued`` (waiting
behind a nonce gap); ``txpool_status`` counts them.
"""

from __future__ import annotations

from .context import NodeContext
from .formatting import data, quantity, transaction_json


class Txpool:
    namespace = "txpool"

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def content(self) -> dict:
        return {
            group: {
                data(sender): {str(nonce): transaction_json(entry.tx) for nonce, entry in txs.items()}
                for sender, txs in senders.items()
            }
            for group, senders in self._ctx.mempool.content().items()
        }

    def status(self) -> dict:
        return {
            group: quantity(sum(len(txs) for txs in senders.values()))
            for group, senders in self._ctx.mempool.content().items()
        }
