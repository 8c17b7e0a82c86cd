"""
Rollup nodes: the sequencer and a replica
=========================================

How the node of ``ovm node`` becomes a rollup node: the L2 fork (OvmCancun)
and genesis (predeploys) anchored to the rollup's L1 block, plus

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

from ..evm.forks.ovm_cancun import OVM_CANCUN
from ..node.sequencer import Sequencer
from ..rollup.config import RollupConfig, RollupConfigError, load_config
from ..rollup.genesis import l2_genesis
from ..rollup.l1.client import L1Client
from ..rollup.rpc import Optimism
from ..rollup.services import ReplicaSequencer, ReplicaServices, SequencerServices
from .errors import UsageError
from .node import Node, open_node, start_serving, stop_signal


@dataclass
class RollupNode:
    node: Node
    services: SequencerServices | ReplicaServices

    @property
    def modules(self) -> list[object]:
        services = self.services
        return [Optimism(self.node.chain, services.outputs, services.config, services.status)]


def open_l2(
    datadir: Path, config: RollupConfig, *, replica: bool, block_time: float, instant: bool,
    censored: set[bytes] = frozenset(),
) -> Node:
    """The L2 node: OvmCancun, the predeploy genesis at the L1 anchor's time (with
    the dev accounts if the config says so)."""
    genesis = l2_genesis(dev_accounts=config.l2_dev_accounts, timestamp=config.l1_anchor.timestamp)
    node = open_node(
        datadir, genesis, block_time=block_time, instant=instant, fork=OVM_CANCUN,
        sequencer_class=ReplicaSequencer if replica else Sequencer, censored=censored,
    )  # fmt: skip
    if config.l2_genesis.hash != bytes(32) and node.chain.block(0).hash != config.l2_genesis.hash:
        node.store.close()
        raise UsageError("the L2 genesis does not match the rollup config's l2_genesis hash")
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
    return RollupNode(node, services)


def open_replica(datadir: Path, config: RollupConfig, client: L1Client) -> RollupNode:
    node = open_l2(datadir, config, replica=True, block_time=1.0, instant=False)
    return RollupNode(node, ReplicaServices(node.chain, client, config))


def replica_main(args) -> int:
    """``ovm node --replica``: derive the L2 from L1 and serve it read-only."""
    if not args.l1_rpc or not args.rollup_config:
        raise UsageError("--replica needs --l1-rpc and --rollup-config")
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
    await stop.wait()
    await replica.services.stop()
    await running.stop()
