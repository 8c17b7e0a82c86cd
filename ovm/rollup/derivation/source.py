"""
The L1 source: what derivation pulls from L1
============================================

Derivation reads L1 through the ``L1Source`` protocol only, so the rules and
the driver run the same against a real L1 node (``RpcL1Source``) and against
an in-memory fake in unit tests:

- blocks by number (the canonical one), the head's number, and the number of
  the last block L1 has finalized (its ``finalized`` tag; an L1 that does not
  answer that tag is taken as final ``FINALITY_DEPTH`` blocks below its head);
- per L1 block: the frames of the batches the batcher posted to the inbox
  (``inbox.batch_data``: calldata or blobs, checked against what the inbox
  recorded; a malformed batch is skipped with a warning), the deposits the
  bridge's events make (``deposits``), and the lowest output index an
  ``OutputsDeleted`` event of the StateCommitmentChain removed;
- the outputs proposed so far (count, and each by index).

``RpcL1Source`` reads an L1 block's logs of the three contracts in one
``eth_getLogs`` and keeps the results of the latest blocks by hash; logs of
another block hash than the one asked for mean the block was replaced while
it was read (``ReorgDuringRead``).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from ...evm.transactions import DepositTransaction
from ..batch import BatchError, BlockFrameData, decode_batch
from ..inbox import batch_data
from ..l1.client import L1Client
from ..l1.contract import Contract, ContractEvent
from ..l1.data import L1Block, L1Error
from .deposits import ReorgDuringRead, deposit_transaction

log = logging.getLogger("ovm.derivation")

KEPT_BLOCKS = 256  # L1 blocks whose logs are kept
FINALITY_DEPTH = 64  # two epochs of 32 slots: where Ethereum finalizes, for an L1 without a finalized tag


@dataclass(frozen=True, slots=True)
class ProposedOutput:
    index: int
    root: bytes
    l2_block: int


class L1Source(Protocol):
    """What derivation reads of L1 (see the module docstring)."""

    def head_number(self) -> int: ...

    def block(self, number: int) -> L1Block | None: ...

    def finalized_number(self) -> int: ...

    def frames(self, block: L1Block) -> list[BlockFrameData]: ...

    def deposits(self, block: L1Block) -> list[DepositTransaction]: ...

    def outputs_deleted(self, block: L1Block) -> int | None: ...

    def output_count(self) -> int: ...

    def output(self, index: int) -> ProposedOutput: ...


class RpcL1Source:
    """``L1Source`` over JSON-RPC: the bridge, inbox and StateCommitmentChain of one rollup."""

    def __init__(
        self, client: L1Client, *, bridge: Contract, inbox: Contract, scc: Contract, batcher: bytes,
        head_refresh: float = 0.0,
    ) -> None:
        self.client = client
        self.bridge, self.inbox, self.scc = bridge, inbox, scc
        self.batcher = batcher
        self.head_refresh = head_refresh
        self._events: OrderedDict[bytes, list[ContractEvent]] = OrderedDict()
        self._deposits: OrderedDict[bytes, list[DepositTransaction]] = OrderedDict()
        self._head = (0, -1.0)

    def head_number(self) -> int:
        """The head's number, read again at most every ``head_refresh`` seconds."""
        number, read_at = self._head
        now = time.monotonic()
        if now - read_at >= self.head_refresh:
            number = self.client.block_number()
            self._head = (number, now)
        return number

    def block(self, number: int) -> L1Block | None:
        return self.client.block(number)

    def finalized_number(self) -> int:
        try:
            finalized = self.client.block("finalized")
        except L1Error:
            finalized = None  # a node that does not know the tag
        if finalized is None:
            return max(0, self.head_number() - FINALITY_DEPTH)
        return finalized.number

    def frames(self, block: L1Block) -> list[BlockFrameData]:
        frames: list[BlockFrameData] = []
        for event in self._contract_events(block):
            if event.log.address != self.inbox.address or event.name != "BatchAppended":
                continue
            data = batch_data(self.client, self.inbox, event, self.batcher)
            if data is None:
                continue
            try:
                frames.extend(decode_batch(data))
            except BatchError as exc:
                log.warning("dropped a malformed batch in L1 block %d: %s", block.number, exc)
        return frames

    def deposits(self, block: L1Block) -> list[DepositTransaction]:
        deposits = self._deposits.get(block.hash)
        if deposits is None:
            deposits = []
            for event in self._contract_events(block):
                if event.log.address == self.bridge.address:
                    deposit = deposit_transaction(event.name, event.args, event.log)
                    if deposit is not None:
                        deposits.append(deposit)
            _remember(self._deposits, block.hash, deposits)
        return deposits

    def outputs_deleted(self, block: L1Block) -> int | None:
        deleted = [event.args["fromIndex"] for event in self._contract_events(block)
                   if event.log.address == self.scc.address and event.name == "OutputsDeleted"]
        return min(deleted, default=None)

    def output_count(self) -> int:
        return self.scc.call("outputCount")

    def output(self, index: int) -> ProposedOutput:
        root, _, l2_block = self.scc.call("getOutput", index)
        return ProposedOutput(index, bytes(root), l2_block)

    def _contract_events(self, block: L1Block) -> list[ContractEvent]:
        """The events of the three contracts in ``block``, in log order."""
        events = self._events.get(block.hash)
        if events is not None:
            return events
        contracts = {c.address: c for c in (self.bridge, self.inbox, self.scc)}
        logs = self.client.logs(address=list(contracts), from_block=block.number, to_block=block.number)
        events = []
        for entry in sorted(logs, key=lambda item: item.log_index):
            if entry.block_hash != block.hash:
                raise ReorgDuringRead(f"L1 block {block.number} changed while reading its logs")
            event = contracts[entry.address].decode(entry) if entry.address in contracts else None
            if event is not None:
                events.append(event)
        _remember(self._events, block.hash, events)
        return events


def _remember(cache: OrderedDict, key: bytes, value) -> None:
    cache[key] = value
    while len(cache) > KEPT_BLOCKS:
        cache.popitem(last=False)
