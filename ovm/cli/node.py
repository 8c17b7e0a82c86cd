"""
``ovm node``
============

Starts the sequencer node: the chain in an LMDB data directory (a fresh
temporary one unless ``--datadir`` names one, which is then resumed), the
mempool, block production every ``--block-time`` seconds or one block per
transaction (``--instant``), and JSON-RPC over HTTP and WebSocket. It prints
the RPC URL and the unlocked dev accounts, and stops cleanly on SIGINT or
SIGTERM.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..chain.dev_accounts import dev_accounts
from ..chain.genesis import Genesis, GenesisError, dev_genesis, load_genesis
from ..evm.forks import CANCUN, FORKS
from ..node.chain import Blockchain, ChainError
from ..node.mempool import Mempool
from ..node.rpc import NodeContext, RpcServer, RunningServer, default_modules, serve
from ..node.sequencer import Sequencer
from ..node.store import ChainStore, StoreError
from ..safety.bytecode_policy import chain_deployment_policy, with_deployment_policy
from ..transpiler import TranspilingRunner
from .errors import UsageError


ETHEREUM_FORKS = [name for name, fork in FORKS.items() if fork.l2 is None]


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8545, help="JSON-RPC port (default 8545)")
    parser.add_argument("--datadir", help="chain data directory (default: a fresh temporary one)")
    parser.add_argument("--block-time", type=float, default=2.0, metavar="SECONDS",
                        help="seconds between blocks (default 2)")
    parser.add_argument("--instant", action="store_true", help="mine one block per transaction")
    parser.add_argument("--genesis", help="genesis JSON file (default: the dev genesis, chain id 901)")
    parser.add_argument("--fork", default=CANCUN.name, choices=ETHEREUM_FORKS,
                        help=f"the Ethereum fork the chain runs from genesis (default {CANCUN.name})")
    parser.add_argument("--replica", action="store_true",
                        help="derive the L2 from L1 alone (needs --l1-rpc and --rollup-config)")
    parser.add_argument("--l1-rpc", help="the L1's JSON-RPC URL (replica)")
    parser.add_argument("--rollup-config", help="rollup.json, as ovm devnet writes it (replica)")


@dataclass
class Node:
    """The parts of a running node, wired together."""

    store: ChainStore
    chain: Blockchain
    mempool: Mempool
    sequencer: Sequencer
    context: NodeContext


def open_node(
    datadir: Path,
    genesis: Genesis,
    *,
    block_time: float,
    instant: bool,
    fork=CANCUN,
    sequencer_class=Sequencer,
    censored: set[bytes] = frozenset(),
) -> Node:
    """Open (or create) the chain in ``datadir`` and wire the node's parts;
    the mempool refuses transactions from ``censored`` senders."""
    policy = chain_deployment_policy()
    store = ChainStore.open(datadir)
    try:
        chain = Blockchain(
            store, genesis, with_deployment_policy(fork, policy), code_runner=TranspilingRunner()
        )
    except Exception:
        store.close()
        raise
    mempool = Mempool(chain, deployment_policy=policy, refused_senders=censored)
    sequencer = sequencer_class(chain, mempool, block_time=block_time, instant=instant)
    context = NodeContext(chain, mempool, sequencer, dev_accounts())
    return Node(store, chain, mempool, sequencer, context)


def read_genesis(path: str | None) -> Genesis:
    if path is None:
        return dev_genesis()
    try:
        return load_genesis(path)
    except GenesisError as exc:
        raise UsageError(str(exc)) from None


def banner(node: Node, url: str, ws_url: str, datadir: Path, instant: bool, block_time: float) -> str:
    mode = "instant (a block per transaction)" if instant else f"a block every {block_time:g} s"
    lines = [
        f"ovm node — chain id {node.chain.chain_id}, {node.chain.fork.name}, "
        f"head block {node.chain.head.number}, {mode}",
        f"data directory: {datadir}",
        f"JSON-RPC: {url}  (WebSocket: {ws_url})",
        "",
        "Dev accounts (unlocked for eth_sendTransaction; 10,000 ETH each at genesis):",
    ]
    for index, account in enumerate(dev_accounts()):
        lines.append(f"  ({index}) 0x{account.address.hex()}  key 0x{account.private_key.hex()}")
    return "\n".join(lines)


async def start_serving(node: Node, host: str, port: int, modules: Sequence[object] = ()) -> RunningServer:
    """Start block production and the JSON-RPC server (with extra ``modules``)."""
    node.mempool.restore()
    await node.sequencer.start()
    try:
        return await serve(RpcServer([*default_modules(node.context), *modules]), host, port)
    except OSError as exc:
        await node.sequencer.stop()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def stop_signal() -> asyncio.Event:
    """An event that SIGINT or SIGTERM sets from now on. Call it before announcing
    where the node listens: whoever reads that may signal at once, and until the
    handlers are in place a SIGTERM kills the process outright."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def run_node(node: Node, host: str, port: int, announce) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = stop_signal()
    running = await start_serving(node, host, port)
    announce(running.url, running.ws_url)
    await stop.wait()
    await running.stop()
    await node.sequencer.stop()


def main(args) -> int:
    genesis = read_genesis(args.genesis)
    if args.block_time <= 0:
        raise UsageError("--block-time must be positive")
    temporary = args.datadir is None
    datadir = Path(tempfile.mkdtemp(prefix="ovm-node-")) if temporary else Path(args.datadir)
    try:
        try:
            node = open_node(datadir, genesis, block_time=args.block_time, instant=args.instant,
                             fork=FORKS[args.fork])
        except (StoreError, ChainError) as exc:
            raise UsageError(str(exc)) from None

        def announce(url: str, ws_url: str) -> None:
            print(banner(node, url, ws_url, datadir, args.instant, args.block_time), flush=True)

        try:
            asyncio.run(run_node(node, args.host, args.port, announce))
        finally:
            node.store.close()
        print("ovm node: stopped", file=sys.stderr)
        return 0
    finally:
        if temporary:
            shutil.rmtree(datadir, ignore_errors=True)
