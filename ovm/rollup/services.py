"""
Rollup services
===============

What turns a node into a rollup node, wired on the node's event loop:

- on the sequencer: each block opens with its L1-info deposit and, at a new
  epoch, the origin's deposits (``OriginSelector``); outputs are recorded as
  blocks are built; the batcher posts blocks to the inbox and the proposer
  posts outputs, both polled on worker threads (their L1 calls block);
- on a replica: the derivation pipeline (``Replica``) is stepped instead.

Either way ``status()`` reports the sync status the ``optimism`` namespace and
the devnet's status line show.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from ..node.sequencer import Sequencer
from ..safety import AdmissionError
from .artifacts import load
from .batcher import Batcher
from .config import RollupConfig
from .derivation.epochs import L1View, OriginSelector
from .derivation.pipeline import Replica
from .l1.client import L1Client
from .l1.data import L1Error
from .l1.contract import Contract
from .output import OutputRoots
from .proposer import Proposer
from .rpc import SyncStatus

log = logging.getLogger("ovm.rollup")

POLL_SECONDS = 0.5


@dataclass
class L1Contracts:
    bridge: Contract
    inbox: Contract
    scc: Contract


def l1_contracts(client: L1Client, config: RollupConfig) -> L1Contracts:
    addresses = config.contracts
    return L1Contracts(
        bridge=Contract.at(client, load("L1Bridge"), addresses.l1_bridge),
        inbox=Contract.at(client, load("BatchInbox"), addresses.batch_inbox),
        scc=Contract.at(client, load("StateCommitmentChain"), addresses.state_commitment_chain),
    )


class Poller:
    """Calls ``poll`` on a worker thread every ``POLL_SECONDS`` until stopped;
    L1 trouble is logged (once per distinct message) and the next round retries."""

    def __init__(self, name: str, poll) -> None:
        self.name = name
        self.poll = poll
        self._task: asyncio.Task | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.poll)
                self.last_error = None
            except (L1Error, OSError, ValueError) as exc:
                if str(exc) != self.last_error:
                    log.warning("%s: %s", self.name, exc)
                self.last_error = str(exc)
            except Exception:
                log.exception("%s failed", self.name)
            await asyncio.sleep(POLL_SECONDS)


class Services:
    """A set of pollers started and stopped together."""

    pollers: list[Poller]

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    async def stop(self) -> None:
        for poller in self.pollers:
            await poller.stop()


class SequencerServices(Services):
    """The sequencer's rollup side: preamble, outputs, batcher, proposer."""

    def __init__(
        self,
        chain,
        client: L1Client,
        config: RollupConfig,
        *,
        batch_interval: float = 2.0,
        confirmations: int = 1,
        blob_batches: bool = False,
    ) -> None:
        self.chain = chain
        self.client = client
        self.config = config
        self.contracts = l1_contracts(client, config)
        self.view = L1View(client, self.contracts.bridge)
        self.origins = OriginSelector(self.view, config.l1_anchor.number, config.batcher.address, confirmations)
        self.outputs = OutputRoots(chain)
        self.batcher = Batcher(chain, client, self.contracts.inbox, config, interval=batch_interval,
                               blobs=blob_batches)
        self.proposer = (
            None if config.proposer.key is None
            else Proposer(self.outputs, self.contracts.scc, config.proposer.key, config.proposer.address,
                          config.proposal_interval, lambda: self.batcher.safe_head)
        )  # fmt: skip
        self._status = SyncStatus()
        self.pollers = [Poller("batcher", self._poll_batcher)]
        if self.proposer is not None:
            self.pollers.append(Poller("proposer", self.proposer.poll))

    def preamble(self, timestamp: int):
        """The sequencer's ``Preamble`` hook: runs on the node's loop, before a block."""
        return self.origins.transactions(self.chain.state, timestamp)

    def on_block(self, built) -> None:
        """The sequencer's new-block listener."""
        self.outputs.record_head()

    def _poll_batcher(self) -> None:
        self.batcher.poll()
        self._status = SyncStatus(
            l1_head=self.client.block_number(),
            l1_derived=self.view.head_number(),
            unsafe_l2=self.chain.head.number,
            safe_l2=self.batcher.safe_head,
            finalized_l2=finalized_l2(self.contracts.scc),
            batch_backlog=self.batcher.backlog,
        )

    def status(self) -> SyncStatus:
        status = self._status
        status.unsafe_l2 = self.chain.head.number
        return status


class ReplicaServices(Services):
    """A replica's rollup side: the derivation pipeline."""

    def __init__(self, chain, client: L1Client, config: RollupConfig) -> None:
        self.config = config
        contracts = l1_contracts(client, config)
        self.replica = Replica(chain, client, contracts.inbox, contracts.bridge, contracts.scc, config,
                               progress_dir=chain.store.path)
        self.outputs = self.replica.outputs
        self.scc = contracts.scc
        self.chain = chain
        self.pollers = [Poller("derivation", self.replica.step)]

    def status(self) -> SyncStatus:
        replica = self.replica.status
        return SyncStatus(
            l1_head=replica.l1_head,
            l1_derived=replica.l1_derived,
            unsafe_l2=self.chain.head.number,
            safe_l2=self.chain.head.number,
            finalized_l2=0,
        )


def finalized_l2(scc: Contract) -> int:
    """The last L2 block covered by an output past its challenge period."""
    count = scc.call("outputCount")
    for index in range(count - 1, -1, -1):
        if scc.call("isFinalized", index):
            _, _, l2_block = scc.call("getOutput", index)
            return l2_block
    return 0


class ReplicaSequencer(Sequencer):
    """A replica builds blocks only from L1: it produces none of its own, and
    refuses transactions and mining."""

    async def start(self) -> None:
        """No block production: the derivation pipeline builds the blocks."""

    def submit(self, tx_or_raw):
        raise AdmissionError("this node is a replica: send transactions to the sequencer")

    def mine(self, count: int = 1, timestamp: int | None = None):
        raise AdmissionError("this node is a replica: it derives its blocks from L1")
