"""
Rollup nodes: the sequencer and a replica
=========================================

How the node of ``ovm node`` becomes a rollup node: the L2's forks (the
schedule of ``rollup.json``, ``OvmCancun`` as ``ecotone_time`` and the OP
Stack's later forks) and genesis (predeploys) anchored to the rollup's L1
block, plus

- on the sequencer (inside ``ovm devnet``): the L1-info/deposit preamble of
  every block, output roots, the batcher and the proposer, and derivation of
  its own chain (its safe head);
- on a replica (``ovm node --replica``): derivation instead of
  block production, which builds every block from L1 alone.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..chain.genesis import ChainConfig
from ..node.sequencer import Sequencer
from ..rollup.config import RollupConfig, RollupConfigError, load_config
from ..rollup.explorer import Explorer
from ..rollup.genesis import l2_genesis
from ..rollup.l1.client import L1Client
from ..rollup.rpc import Optimism
from ..rollup.services import ReplicaSequencer, ReplicaServices, SequencerServices
from .errors import UsageError
from .node import Node, open_node, start_serving, stop_signal


UNDERIVABLE = ("on a rollup node it would change state that no replica can derive from L1, and every "
               "later output root would be wrong (plain `ovm node` has it)")


@dataclass
class RollupNode:
    node: Node
    services: SequencerServices | ReplicaServices

    @property
    def modules(self) -> list[object]:
        services = self.services
        chain = self.node.chain
        return [
            Optimism(chain, services.outputs, services.config, services.status, services.scc),
            Explorer(chain, services.client, services.config, services.status),
        ]


def open_l2(
    datadir: Path, config: RollupConfig, *, replica: bool, block_time: float, instant: bool,
    censored: set[bytes] = frozenset(),
) -> Node:
    """The L2 node: the config's L2 forks, the predeploy genesis at the L1
    anchor's time (with the dev accounts if the config says so)."""
    genesis = l2_genesis(ChainConfig(forks=config.l2_forks), dev_accounts=config.l2_dev_accounts,
                         timestamp=config.l1_anchor.timestamp)  # fmt: skip
    node = open_node(
        datadir, genesis, block_time=block_time, instant=instant,
        sequencer_class=ReplicaSequencer if replica else Sequencer, censored=censored,
    )  # fmt: skip
    if config.l2_genesis.hash != bytes(32) and node.chain.block(0).hash != config.l2_genesis.hash:
        node.store.close()
        raise UsageError("the L2 genesis does not match the rollup config's l2_genesis hash")
    node.context.underivable_refused = UNDERIVABLE
    return node


def open_sequencer(
    datadir: Path, config: RollupConfig, client: L1Client, *, block_time: float, instant: bool,
    batch_interval: float, confirmations: int, censored: set[bytes] = frozenset(), blob_batches: bool = False,
) -> RollupNode:
    node = open_l2(
        datadir, config, replica=False, block_time=block_time, instant=instant, censored=censored
    )
    services = SequencerServices(
        node.sequencer, client, config, batch_interval=batch_interval, confirmations=confirmations,
        blob_batches=blob_batches,
    )
    node.context.latest_timestamp = lambda: _drift_bound(services)
    return RollupNode(node, services)


def _drift_bound(services: SequencerServices) -> int:
    """The latest timestamp an L2 block can have and still take transactions:
    the L1 head's time plus the maximum sequencer drift."""
    source = services.opener.source
    head = source.block(source.head_number())
    return (0 if head is None else head.timestamp) + services.config.max_sequencer_drift


def open_replica(datadir: Path, config: RollupConfig, client: L1Client) -> RollupNode:
    node = open_l2(datadir, config, replica=True, block_time=1.0, instant=False)
    return RollupNode(node, ReplicaServices(node.chain, client, config))


def replica_main(args) -> int:
    """``ovm node --replica``: derive the L2 from L1 and serve it read-only."""
    if not args.l1_rpc or not args.rollup_config:
        raise UsageError("--replica needs --l1-rpc and --rollup-config")
    if args.fork or args.genesis:
        raise UsageError("a replica's forks and genesis are its rollup.json's: leave out --fork and --genesis")
    try:
        config = load_config(args.rollup_config)
    except RollupConfigError as exc:
        raise UsageError(str(exc)) from None
    temporary = args.datadir is None
    datadir = Path(tempfile.mkdtemp(prefix="ovm-replica-")) if temporary else Path(args.datadir)
    try:
        replica = open_replica(datadir, config, L1Client(args.l1_rpc))
        try:
            asyncio.run(_serve_replica(replica, args.host, args.port))
        finally:
            replica.node.store.close()
        return 0
    finally:
        if temporary:
            shutil.rmtree(datadir, ignore_errors=True)


async def _serve_replica(replica: RollupNode, host: str, port: int) -> None:
    stop = stop_signal()
    running = await start_serving(replica.node, host, port, replica.modules)
    chain, first_l1 = replica.node.chain, replica.services.replica.next_l1
    replica.services.start()
    print(f"ovm replica — deriving chain id {chain.chain_id} from L1 block {first_l1} on "
          f"(L2 head {chain.head.number})", flush=True)
    print(f"JSON-RPC: {running.url}  (WebSocket: {running.ws_url})", flush=True)
    print(f"Dashboard: {running.dashboard_url}", flush=True)
    await stop.wait()
    await replica.services.stop()
    await running.stop()
