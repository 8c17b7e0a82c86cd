"""
The explorer's RPC methods
==========================

Read-only methods in the ``ovm`` namespace for the dashboard (and any other
explorer) to show what the node knows of the rollup but the ``eth_`` and
``optimism_`` methods do not say:

- ``ovm_rollupStatus()``: the L1 and L2 heads (unsafe, safe, finalized), the
  L1 head's time, the challenge period, the operators, the known contracts;
- ``ovm_batches(limit)``, ``ovm_outputs(limit)``, ``ovm_deposits(limit)``,
  ``ovm_withdrawals(limit)``: the newest entries first (``limit`` at most
  ``MAX_LIMIT``, default ``DEFAULT_LIMIT``; see ``index`` for their fields);
- ``ovm_decodeTransaction(hash)``: an L2 transaction's call and logs decoded
  where the contract is a predeploy;
- ``ovm_blockOrigin(block)``: the L1 block an L2 block was built on, as its
  L1-info deposit records it (null for the genesis).

The index is refreshed from L1 at most every ``REFRESH_SECONDS``, on a thread
of its own (not the event loop's shared pool, where the batcher, proposer and
derivation poll: a slow L1 or many dashboards must not hold them up); an L1
that cannot be reached is a -32000 error naming it.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from ...node.rpc.errors import InvalidParams, ResourceNotFound, ServerError
from ...node.rpc.params import BlockNumberOrTag, Hash, Quantity
from ..config import RollupConfig
from ..derivation.attributes import recorded_origin
from ..l1.client import L1Client
from ..l1.data import L1Error
from ..rpc import SyncStatus
from .decode import Decoder, known_contracts
from .index import RollupIndex

REFRESH_SECONDS = 0.5
DEFAULT_LIMIT = 20
MAX_LIMIT = 200


class Explorer:
    namespace = "ovm"

    def __init__(self, chain, client: L1Client, config: RollupConfig, status: Callable[[], SyncStatus]) -> None:
        self._chain = chain
        self._config = config
        self._status = status
        self._index = RollupIndex(client, config, chain, lambda: status().safe_l2)
        self._known = known_contracts(config.contracts)
        self._decoder = Decoder(self._known, "L2")
        self._refreshed_at = -1.0
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ovm-explorer")

    async def rollupStatus(self) -> dict:
        await self._refresh()
        status = self._status()
        config = self._config
        return {
            "l1": {"chainId": config.l1_chain_id, "head": self._index.l1_head, "headTime": self._index.l1_time},
            "l2": {
                "chainId": config.l2_chain_id,
                "unsafe": self._chain.head.number,
                "safe": status.safe_l2,
                "finalized": status.finalized_l2,
                "batchBacklog": status.batch_backlog,
            },
            "challengePeriod": config.challenge_period,
            "proposalInterval": config.proposal_interval,
            "batcher": "0x" + config.batcher.address.hex(),
            "proposer": "0x" + config.proposer.address.hex(),
            "contracts": [
                {"name": known.name, "address": "0x" + known.address.hex(), "layer": known.layer}
                for known in self._known
            ],
        }

    async def batches(self, limit: Quantity = DEFAULT_LIMIT) -> list[dict]:
        return await self._view(self._index.batches, limit)

    async def outputs(self, limit: Quantity = DEFAULT_LIMIT) -> list[dict]:
        return await self._view(self._index.outputs, limit)

    async def deposits(self, limit: Quantity = DEFAULT_LIMIT) -> list[dict]:
        return await self._view(self._index.deposits, limit)

    async def withdrawals(self, limit: Quantity = DEFAULT_LIMIT) -> list[dict]:
        return await self._view(self._index.withdrawals, limit)

    def decodeTransaction(self, tx_hash: Hash) -> dict:
        location = self._chain.transaction(tx_hash)
        record = self._chain.receipt(tx_hash)
        if location is None or record is None:
            raise ResourceNotFound(f"no L2 transaction 0x{tx_hash.hex()}")
        tx = location.tx
        return {
            "to": None if tx.to is None else {"address": "0x" + bytes(tx.to).hex(), "name": self._decoder.name(tx.to)},
            "call": self._decoder.call(tx.to, tx.data),
            "logs": [self._decoder.log(log.address, log.topics, log.data) for log in record.receipt.logs],
        }

    def blockOrigin(self, block: BlockNumberOrTag) -> dict | None:
        try:
            number = self._chain.resolve_block_tag(block)
        except ValueError as exc:
            raise InvalidParams(f"invalid argument 0 (block): {exc}") from None
        found = self._chain.block(number)
        if found is None:
            raise ResourceNotFound(f"no L2 block {number}")
        origin = recorded_origin(found.transactions)
        if origin is None:
            return None
        return {"number": origin.number, "hash": "0x" + bytes(origin.hash).hex(), "timestamp": origin.timestamp,
                "sequenceNumber": origin.sequence_number}

    async def _view(self, view: Callable[[int], list[dict]], limit: int) -> list[dict]:
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidParams(f"invalid argument 0 (limit): must be from 1 to {MAX_LIMIT}, got {limit}")
        return await self._in_thread(lambda: self._refreshed(lambda: view(limit)))

    async def _refresh(self) -> None:
        await self._in_thread(lambda: self._refreshed(lambda: None))

    def _refreshed(self, then: Callable[[], object]):
        """``then()`` on an index refreshed at most ``REFRESH_SECONDS`` ago (worker thread)."""
        with self._index.lock:
            now = time.monotonic()
            if now - self._refreshed_at >= REFRESH_SECONDS:
                self._index.refresh()
                self._refreshed_at = now
            return then()

    async def _in_thread(self, work: Callable[[], object]):
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, work)
        except L1Error as exc:
            raise ServerError(f"cannot read the L1 at {self._index.client.url}: {exc}") from None
