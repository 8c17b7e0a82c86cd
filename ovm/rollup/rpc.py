"""
The ``optimism`` namespace
==========================

The rollup's view of a node, in op-node's shapes so that OP Stack tools read
it: ``optimism_outputAtBlock`` (an output root and what it commits to),
``optimism_syncStatus`` (the L1 and L2 heads: unsafe = built, safe = derived
from batches on L1, finalized = derived from L1 data L1 has finalized; the
``safe`` and ``finalized`` block tags name the same blocks) and
``optimism_rollupConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..node.rpc.errors import ResourceNotFound
from ..node.rpc.formatting import data, quantity
from ..node.rpc.params import BlockNumberOrTag
from .config import RollupConfig
from .output import OutputRoots


@dataclass
class SyncStatus:
    l1_head: int = 0
    l1_derived: int = 0
    unsafe_l2: int = 0
    safe_l2: int = 0
    finalized_l2: int = 0
    batch_backlog: int = 0


class Optimism:
    namespace = "optimism"

    def __init__(self, chain, outputs: OutputRoots, config: RollupConfig, status: Callable[[], SyncStatus]) -> None:
        self._chain = chain
        self._outputs = outputs
        self._config = config
        self._status = status

    def outputAtBlock(self, block: BlockNumberOrTag) -> dict:
        number = self._chain.resolve_block_tag(block)
        try:
            output = self._outputs.at(number)
        except LookupError as exc:
            raise ResourceNotFound(str(exc)) from None
        return {
            "version": data(bytes(32)),
            "outputRoot": data(output.root),
            "blockRef": self._ref(number),
            "withdrawalStorageRoot": data(output.message_passer_storage_root),
            "stateRoot": data(output.state_root),
            "syncStatus": self.syncStatus(),
        }

    def syncStatus(self) -> dict:
        status = self._status()
        return {
            "head_l1": {"number": quantity(status.l1_head)},
            "current_l1": {"number": quantity(status.l1_derived)},
            "unsafe_l2": self._ref(status.unsafe_l2),
            "safe_l2": self._ref(status.safe_l2),
            "finalized_l2": self._ref(status.finalized_l2),
            "batch_backlog": quantity(status.batch_backlog),
        }

    def rollupConfig(self) -> dict:
        return self._config.to_json()

    def _ref(self, number: int) -> dict:
        block = self._chain.block(number)
        if block is None:
            return {"number": quantity(number)}
        return {
            "hash": data(block.hash),
            "number": quantity(number),
            "parentHash": data(block.header.parent_hash),
            "timestamp": quantity(block.header.timestamp),
        }
