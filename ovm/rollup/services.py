"""
Rollup services
===============

What turns a node into a rollup node, wired on the node's event loop:

- on the sequencer: each block opens with its L1-info deposit and the
  deposits due (``derivation.sequencing.BlockOpener``, the node's preamble
  hook); outputs are recorded as blocks are built; the batcher posts blocks
  to the inbox and the proposer posts outputs of blocks derivation has
  confirmed; and derivation runs on the sequencer's own chain
  (``derivation.writer.SequencerChain``): it moves the safe head along the
  blocks L1 confirms, and replaces the sequencer's blocks that a replica would
  derive differently (a batch that missed the sequencing window, say);
- on a replica: derivation builds every block (``derivation.writer.ReplicaChain``).

The L1 loops run through ``ovm.node.periodic.Periodic``, on worker threads
(their L1 calls block); L1 trouble is logged once per distinct message and
the next round retries. Changes derivation makes to the sequencer's chain are
run on the event loop, where the sequencer builds.

Either way ``status()`` reports the sync status the ``optimism`` namespace and
the devnet's status line show, and the chain's ``safe`` and ``finalized``
block tags follow derivation: safe = derived from batches on L1, finalized =
derived from L1 data L1 has finalized (``derivation.finality``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable, TypeVar

from ..node.periodic import Periodic
from ..node.sequencer import Sequencer
from ..safety import AdmissionError
from .artifacts import load
from .batcher import Batcher
from .config import RollupConfig
from .derivation.attributes import Rules
from .derivation.driver import Derivation
from .derivation.sequencing import BlockOpener
from .derivation.source import RpcL1Source
from .derivation.writer import ReplicaChain, SequencerChain
from .l1.client import L1Client
from .l1.contract import Contract
from .l1.data import L1Error
from .output import OutputRoots
from .proposer import Proposer
from .rpc import SyncStatus

log = logging.getLogger("ovm.rollup")

POLL_SECONDS = 0.5
T = TypeVar("T")


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


def l1_source(client: L1Client, config: RollupConfig, head_refresh: float = 0.0) -> RpcL1Source:
    contracts = l1_contracts(client, config)
    return RpcL1Source(client, bridge=contracts.bridge, inbox=contracts.inbox, scc=contracts.scc,
                       batcher=config.batcher.address, head_refresh=head_refresh)


class _ErrorLog:
    """Logs a poller's failures: L1 trouble once per distinct message (it is
    retried on the next round), anything else with its traceback."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.last: str | None = None

    def __call__(self, exc: Exception) -> None:
        if isinstance(exc, (L1Error, OSError, ValueError)):
            if str(exc) != self.last:
                log.warning("%s: %s", self.name, exc)
            self.last = str(exc)
        else:
            log.error("%s failed", self.name, exc_info=exc)


def poller(name: str, poll: Callable[[], object]) -> Periodic:
    """``poll`` every ``POLL_SECONDS`` on a worker thread."""
    errors = _ErrorLog(name)

    def tick() -> None:
        poll()
        errors.last = None

    return Periodic(name, POLL_SECONDS, tick, in_thread=True, on_error=errors)


class Services:
    """A set of periodic tasks started and stopped together."""

    pollers: list[Periodic]

    def start(self) -> None:
        for task in self.pollers:
            task.start()

    async def stop(self) -> None:
        for task in self.pollers:
            await task.stop()


class SequencerServices(Services):
    """The sequencer's rollup side: block opening, derivation of its own chain,
    outputs, batcher, proposer."""

    def __init__(
        self,
        sequencer: Sequencer,
        client: L1Client,
        config: RollupConfig,
        *,
        batch_interval: float = 2.0,
        confirmations: int = 1,
        blob_batches: bool = False,
    ) -> None:
        self.sequencer = sequencer
        self.chain = chain = sequencer.chain
        self.client = client
        self.config = config
        self.contracts = l1_contracts(client, config)
        self.scc = self.contracts.scc
        rules = Rules.of(config, chain.config.gas_limit)
        self.opener = BlockOpener(chain, l1_source(client, config, head_refresh=POLL_SECONDS), rules, confirmations)
        self.outputs = OutputRoots(chain)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.safe_chain = SequencerChain(sequencer, self.outputs, on_rewind=self._rewound, call=self._on_loop)
        self.derivation = Derivation(l1_source(client, config), self.safe_chain, rules, config.l1_anchor,
                                     progress_dir=chain.store.path)
        self.batcher = Batcher(chain, client, self.contracts.inbox, config, interval=batch_interval,
                               blobs=blob_batches, start=self._batcher_start)
        self.proposer = (
            None if config.proposer.key is None
            else Proposer(self.outputs, self.contracts.scc, config.proposer.key, config.proposer.address,
                          config.proposal_interval, lambda: self.derivation.safe_head)
        )  # fmt: skip
        self._status = SyncStatus()
        self.pollers = [poller("batcher", self._poll_batcher), poller("derivation", self._derive)]
        if self.proposer is not None:
            self.pollers.append(poller("proposer", self.proposer.poll))
        sequencer.preamble = self.opener.open
        sequencer.new_blocks.subscribe(self.on_block)
        chain.label_blocks(safe=lambda: self.derivation.safe_head, finalized=lambda: self.derivation.finalized_head)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        super().start()

    def on_block(self, built) -> None:
        """The sequencer's new-block listener."""
        self.outputs.record_head()

    def _batcher_start(self) -> int | None:
        """Where the batcher starts: after the safe head, once derivation has caught up."""
        return self.derivation.safe_head if self.derivation.caught_up else None

    def _derive(self) -> None:
        self.derivation.step()
        self.safe_chain.drop_reorged(self.derivation.source)

    def _rewound(self, number: int) -> None:
        """The sequencer's chain was rewound to ``number``: post again from there."""
        self.batcher.rewind(number)

    def _on_loop(self, change: Callable[[], T]) -> T:
        """Run a change of the sequencer's chain on the event loop, and wait for it."""
        if self._loop is None:
            return change()

        async def run() -> T:
            return change()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    def _poll_batcher(self) -> None:
        self.batcher.poll()
        status = self.derivation.status
        self._status = SyncStatus(
            l1_head=status.l1_head,
            l1_derived=status.l1_derived,
            unsafe_l2=self.chain.head.number,
            safe_l2=self.derivation.safe_head,
            finalized_l2=self.derivation.finalized_head,
            finalized_l1=self.derivation.finality.finalized_l1,
            batch_backlog=self.batcher.backlog,
        )

    def status(self) -> SyncStatus:
        status = self._status
        status.unsafe_l2 = self.chain.head.number
        status.safe_l2 = self.derivation.safe_head
        status.finalized_l2 = self.derivation.finalized_head
        return status


class ReplicaServices(Services):
    """A replica's rollup side: derivation builds every block."""

    def __init__(self, chain, client: L1Client, config: RollupConfig) -> None:
        self.config = config
        self.chain = chain
        self.client = client
        contracts = l1_contracts(client, config)
        self.scc = contracts.scc
        self.outputs = OutputRoots(chain)
        self.replica = Derivation(l1_source(client, config), ReplicaChain(chain, self.outputs),
                                  Rules.of(config, chain.config.gas_limit), config.l1_anchor,
                                  progress_dir=chain.store.path)
        self.pollers = [poller("derivation", self.replica.step)]
        chain.label_blocks(safe=lambda: self.replica.safe_head, finalized=lambda: self.replica.finalized_head)

    def status(self) -> SyncStatus:
        """Every block of a replica is derived from L1: its unsafe head is its safe head."""
        replica = self.replica.status
        return SyncStatus(
            l1_head=replica.l1_head,
            l1_derived=replica.l1_derived,
            unsafe_l2=self.chain.head.number,
            safe_l2=self.replica.safe_head,
            finalized_l2=self.replica.finalized_head,
            finalized_l1=self.replica.finality.finalized_l1,
        )


class ReplicaSequencer(Sequencer):
    """A replica builds blocks only from L1: it produces none of its own, and
    refuses transactions and mining."""

    async def start(self) -> None:
        """No block production: derivation builds the blocks."""

    def submit(self, tx_or_raw):
        raise AdmissionError("this node is a replica: send transactions to the sequencer")

    def mine(self, count: int = 1, timestamp: int | None = None):
        raise AdmissionError("this node is a replica: it derives its blocks from L1")
