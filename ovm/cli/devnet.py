"""
``ovm devnet``
==============

The whole rollup on one machine, in one command:

1. an L1 — the project's own node in L1 mode (chain id 900, in a subprocess),
   or any Ethereum node given by ``--l1-rpc`` (anvil, geth);
2. the rollup's contracts deployed on it, every role fixed by a constructor
   (nothing left to set, so nothing anyone could race the devnet to), by
   operator keys that are not the public dev keys (``operators``: fresh or
   given, funded by a funding key);
3. the L2 sequencer (chain id 901) anchored to the L1 head before deployment,
   with its batcher and proposer;
4. one replica (``ovm node --replica``, a subprocess) deriving the L2 from L1;

(the child processes end with the devnet, even one killed outright:
``children``), then it prints the URLs, the accounts and the contract addresses, writes
``rollup.json`` and ``devnet.json`` (what ``ovm deposit/withdraw/finalize``
read) into the data directory and points ``~/.ovm/devnet.json`` at them, and
keeps a status line: L2 head, safe head (derived from L1), finalized (derived
from finalized L1 data), L1 head, batch backlog, and the
replica's head and output check. With ``--verbose`` it also prints a line
per L2 transaction as its block is sealed (``activity``).

With ``--datadir`` naming a devnet's directory, it resumes that devnet (its
L1, its L2 chain, its batches) instead of deploying a new one.

**Forks.** A new devnet runs the latest forks ovm has from genesis on: on
the embedded L1 Ethereum's (``--l1-fork`` to choose, as anvil's
``--hardfork``), on the L2 the OP Stack's (``--l2-fork``). ``rollup.json``
records both schedules (the L2's as the OP Stack's ``<fork>_time`` fields,
the L1's in ``l1_forks``, which derivation needs for the L1's blob base
fee); on an L1 given by ``--l1-rpc`` the L1's is read from its head: Prague's
blob schedule if its headers carry a requests hash, else Cancun's.

**What is safe where.** On the embedded L1 — the operator's own chain, on
loopback by default — dev account 0 funds the operators and the ten dev
accounts also get 10,000 ETH each in the L2 genesis, as before. On a shared L1
(``--l1-rpc``) those L2 balances would have nothing behind them: anyone holding
the public dev keys could withdraw them from the bridge, that is, take other
users' deposits. So there the L2 genesis funds no one unless
``--unbacked-l2-balances`` asks for it, and the operators are funded by the
operator's funding key (``OVM_FUNDING_KEY`` or ``--funding-key-file``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..chain.dev_accounts import dev_accounts
from ..chain.forks import CANCUN_ONLY, ETHEREUM, OP_STACK, ForkSchedule, ForkScheduleError
from ..chain.genesis import ChainConfig, genesis_block, genesis_state
from ..node.rpc.transport import DASHBOARD_PATH
from ..rollup.config import L2_CHAIN_ID, MAX_SEQUENCER_DRIFT, Operator, RollupConfig, RollupConfigError, load_config
from ..rollup.deploy import DeploymentError, deploy_rollup
from ..rollup.genesis import l2_genesis
from ..rollup.l1.client import BlockRef, L1Client, L1Error
from ..rollup.l1.devchain import DevChain, l1_forks
from .activity import transaction_lines
from .arguments import address
from .bridge import POINTER, parse_amount
from .children import child_env
from .errors import UsageError
from .node import start_serving, stop_signal
from .operators import OperatorKeys, deployment_cost, fund, funding_key, operator_keys, write_private
from .rollup_node import open_sequencer

EMBEDDED_FUNDER = dev_accounts()[0]  # funded in the embedded L1's genesis
BOND = 10**17


def add_arguments(parser) -> None:
    parser.add_argument("--l1-rpc", help="use this L1 (anvil, geth) instead of the embedded one")
    parser.add_argument("--port", type=int, default=8545, help="L2 JSON-RPC port (default 8545)")
    parser.add_argument("--l1-port", type=int, default=8544, help="embedded L1's port (default 8544)")
    parser.add_argument("--replica-port", type=int, default=8546, help="replica's port (default 8546)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--datadir", help="data directory (default: a fresh temporary one)")
    parser.add_argument("--block-time", type=float, default=2.0, help="L2 block time, seconds (default 2)")
    parser.add_argument("--l1-block-time", type=float, default=2.0, help="embedded L1's block time (default 2)")
    parser.add_argument("--l1-slots-in-an-epoch", type=int, default=32, metavar="N",
                        help="embedded L1: finalized 2N blocks below its head, as anvil (default 32)")
    parser.add_argument("--challenge-period", type=int, default=60, help="seconds (default 60)")
    parser.add_argument("--proposal-interval", type=int, default=10, help="L2 blocks between outputs (default 10)")
    parser.add_argument("--sequencing-window", type=int, default=20, help="L1 blocks (default 20)")
    parser.add_argument("--confirmations", type=int, default=2,
                        help="L1 blocks an origin must be deep (default 2)")
    parser.add_argument("--batch-data", choices=("auto", "blobs", "calldata"), default="auto",
                        help="how batches reach L1 (default auto: blobs when the L1 takes and serves them)")
    parser.add_argument("--no-replica", action="store_true", help="do not start the replica")
    parser.add_argument("--l1-fork", metavar="NAME",
                        help=f"the embedded L1's fork from genesis on: {', '.join(ETHEREUM.keys)} "
                             f"(default {ETHEREUM.latest.key}; a new devnet only)")
    parser.add_argument("--l2-fork", metavar="NAME",
                        help=f"the L2's fork from genesis on: {', '.join(OP_STACK.keys)} "
                             f"(default {OP_STACK.latest.key}; a new devnet only)")
    parser.add_argument("--censor", action="append", default=[], metavar="ADDRESS", type=address,
                        help="the sequencer refuses this sender's L2 transactions (to try the forced exit)")
    parser.add_argument("--quiet", action="store_true", help="no live status line")
    parser.add_argument("--verbose", action="store_true",
                        help="print one line per L2 transaction (block, hash, from → to, value, gas used, status)")
    parser.add_argument("--operator-keys", metavar="FILE",
                        help="JSON file with keys for some of deployer, batcher, proposer (default: fresh keys; "
                             "also OVM_DEPLOYER_KEY, OVM_BATCHER_KEY, OVM_PROPOSER_KEY)")
    parser.add_argument("--funding-key-file", metavar="FILE",
                        help="file holding the key that funds the operator accounts (or OVM_FUNDING_KEY; "
                             "default on the embedded L1: dev account 0)")
    parser.add_argument("--operator-eth", default="1",
                        help="ETH the batcher and the proposer are topped up to (default 1; the proposer also "
                             "gets its bond)")
    parser.add_argument("--unbacked-l2-balances", action="store_true",
                        help="with --l1-rpc: give the dev accounts 10,000 ETH each in the L2 genesis, with nothing "
                             "behind it on L1 (anyone with their public keys can then withdraw other users' deposits)")


def deploy(
    client: L1Client, args, keys: OperatorKeys, funder: bytes | None, l2_dev_accounts: bool, l1: ForkSchedule,
) -> RollupConfig:
    """Fund the operators, anchor the L2 genesis at the L1 head, then deploy the
    contracts (after the anchor, so derivation sees all their events; the state
    commitment chain takes the genesis timestamp to bound the L2 blocks an
    output may claim). ``l1`` is the L1's fork schedule."""
    if client.chain_id() == L2_CHAIN_ID:
        raise UsageError(f"the L1 at {client.url} has chain id {L2_CHAIN_ID}, the L2's: is it an L2 node?")
    batcher, proposer = keys.address("batcher"), keys.address("proposer")
    fund(client, funder, {"deployer": (keys.address("deployer"), deployment_cost(client)),
                          **operator_needs(args, batcher, proposer)})  # fmt: skip
    anchor = client.head().ref
    try:
        contracts = deploy_rollup(
            client, keys.deployer, batcher=batcher, proposer=proposer,
            challenge_period=args.challenge_period, bond=BOND, l2_genesis_timestamp=anchor.timestamp,
            max_sequencer_drift=MAX_SEQUENCER_DRIFT, l2_block_time=max(1, round(args.block_time)),
            proposal_interval=args.proposal_interval,
        )  # fmt: skip
    except (DeploymentError, L1Error) as exc:
        raise UsageError(f"deploying the rollup contracts: {exc}") from None
    l2_forks = chosen_forks(OP_STACK, args.l2_fork, "--l2-fork")
    genesis = l2_genesis(ChainConfig(forks=l2_forks), dev_accounts=l2_dev_accounts, timestamp=anchor.timestamp)
    block = genesis_block(genesis, genesis_state(genesis))
    return RollupConfig(
        contracts=contracts,
        batcher=Operator(batcher, keys.batcher),
        proposer=Operator(proposer, keys.proposer),
        l1_anchor=anchor,
        l2_genesis=BlockRef(0, block.hash, block.header.timestamp),
        l1_chain_id=client.chain_id(),
        l2_block_time=max(1, round(args.block_time)),
        sequencing_window=args.sequencing_window,
        challenge_period=args.challenge_period,
        proposal_interval=args.proposal_interval,
        max_sequencer_drift=MAX_SEQUENCER_DRIFT,
        l2_dev_accounts=l2_dev_accounts,
        l2_forks=l2_forks,
        l1_forks=l1,
    )


def chosen_forks(table, name: str | None, flag: str) -> ForkSchedule:
    try:
        return table.only(name)
    except ForkScheduleError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def external_l1_forks(client: L1Client) -> ForkSchedule:
    """The blob schedule of an L1 we did not start, from its head: Prague's
    (the same as Osaka's) if its headers carry a requests hash, else Cancun's."""
    head = client.request("eth_getBlockByNumber", "latest", False)
    return ETHEREUM.only("prague") if isinstance(head, dict) and "requestsHash" in head else CANCUN_ONLY


def operator_needs(args, batcher: bytes, proposer: bytes) -> dict[str, tuple[bytes, int]]:
    """What the batcher and the proposer should hold on L1 (role -> (address, wei))."""
    operating = parse_amount(args.operator_eth)
    return {"batcher": (batcher, operating), "proposer": (proposer, operating + BOND)}


def blob_batches(client: L1Client, choice: str) -> bool:
    """Whether the batcher posts blobs: ``--batch-data``, ``auto`` asking the L1."""
    if choice == "calldata":
        return False
    if client.serves_blobs():
        return True
    if choice == "blobs":
        raise UsageError(f"--batch-data blobs: the L1 at {client.url} does not take blob transactions "
                         "and give their blobs back (anvil_getBlobsByTransactionHash)")
    return False


def resume_or_deploy(client: L1Client, args, datadir: Path, embedded: bool) -> RollupConfig:
    """The devnet of ``datadir`` if it has one (its L1 must still hold the
    contracts; its operators are topped up if a funding key is at hand), else a
    new one deployed now."""
    path = datadir / "rollup.json"
    funder = funding_key(args.funding_key_file, os.environ, EMBEDDED_FUNDER.private_key if embedded else None)
    if path.exists():
        try:
            config = load_config(path)
        except RollupConfigError as exc:
            raise UsageError(str(exc)) from None
        if not client.is_canonical(config.l1_anchor):
            raise UsageError(f"the L1 at {client.url} is not the one of {path} (its anchor block is missing)")
        if funder is not None:
            fund(client, funder, operator_needs(args, config.batcher.address, config.proposer.address))
        return config
    if args.unbacked_l2_balances and embedded:
        raise UsageError("--unbacked-l2-balances is for --l1-rpc: on the embedded L1 the dev accounts are funded anyway")
    keys = operator_keys(datadir, args.operator_keys, os.environ)
    l1 = l1_forks(args.l1_fork) if embedded else external_l1_forks(client)
    config = deploy(client, args, keys, funder, l2_dev_accounts=embedded or args.unbacked_l2_balances, l1=l1)
    write_private(path, json.dumps(config.to_json(), indent=2) + "\n")
    return config


def start_replica(
    datadir: Path, config_path: Path, l1_url: str, host: str, port: int, log_level: str = "info"
) -> tuple[subprocess.Popen, str]:
    log = open(datadir / "replica.log", "a")
    process = subprocess.Popen(
        [sys.executable, "-m", "ovm.cli.main", "node", "--replica", "--l1-rpc", l1_url,
         "--rollup-config", str(config_path), "--datadir", str(datadir / "replica"),
         "--host", host, "--port", str(port), "--log-level", log_level],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env(),
    )  # fmt: skip
    return process, f"http://{host}:{port}"


def replica_status(url: str) -> str:
    try:
        reply = L1Client(url, request_timeout=2, retries=0).request("optimism_syncStatus")
        return f"replica L2 {int(reply['unsafe_l2']['number'], 16)}"
    except (L1Error, KeyError, TypeError, ValueError):
        return "replica starting"


def status_line(services, replica_url: str | None) -> str:
    status = services.status()
    parts = [
        f"L2 head {status.unsafe_l2}", f"safe {status.safe_l2}", f"finalized {status.finalized_l2}",
        f"L1 head {status.l1_head}", f"backlog {status.batch_backlog}",
    ]
    if replica_url:
        parts.append(replica_status(replica_url))
    return " | ".join(parts)


def banner(
    l1_url: str, l2_url: str, replica_url: str | None, config: RollupConfig, datadir: Path, blobs: bool
) -> str:
    contracts = config.contracts
    lines = [
        "ovm devnet",
        f"  L1 JSON-RPC:      {l1_url}  (chain id {config.l1_chain_id})",
        f"  L2 JSON-RPC:      {l2_url}  (chain id {config.l2_chain_id})",
        f"  dashboard:        {l2_url}{DASHBOARD_PATH}",
        *([f"  replica:          {replica_url}"] if replica_url else []),
        f"  L1Bridge:             0x{contracts.l1_bridge.hex()}",
        f"  BatchInbox:           0x{contracts.batch_inbox.hex()}",
        f"  StateCommitmentChain: 0x{contracts.state_commitment_chain.hex()}",
        f"  batcher 0x{config.batcher.address.hex()}, proposer 0x{config.proposer.address.hex()} "
        f"(keys in {datadir / 'operator-keys.json'})",
        f"  forks: L1 {config.l1_forks.at(int(time.time())).name}, L2 {config.l2_forks.at(int(time.time())).name}",
        f"  challenge period {config.challenge_period} s, an output every {config.proposal_interval} L2 blocks, "
        f"batches in {'blobs' if blobs else 'calldata'}",
        f"  config: {datadir / 'rollup.json'}",
        "",
        "Dev accounts (10,000 ETH each on L2, with nothing behind it on L1):" if config.l2_dev_accounts else
        "Dev accounts (nothing on L2 until they deposit; their keys are public, use them on a test L1 only):",
    ]
    for index, account in enumerate(dev_accounts()):
        lines.append(f"  ({index}) 0x{account.address.hex()}  key 0x{account.private_key.hex()}")
    lines += ["", "Try:  ovm deposit --amount 1   ovm withdraw --amount 0.5   ovm finalize"]
    return "\n".join(lines)


def write_pointer(datadir: Path, l1_url: str, l2_url: str) -> None:
    info = {"l1_rpc": l1_url, "l2_rpc": l2_url, "rollup_config": str(datadir / "rollup.json")}
    (datadir / "devnet.json").write_text(json.dumps(info, indent=1))
    POINTER.parent.mkdir(parents=True, exist_ok=True)
    POINTER.write_text(json.dumps(info, indent=1))


def print_transactions(built) -> None:
    for line in transaction_lines(built):
        print(line, flush=True)


async def serve_devnet(rollup, args, l1_url: str, config: RollupConfig, datadir: Path) -> None:
    node, services = rollup.node, rollup.services
    stop = asyncio.create_task(stop_signal().wait())
    running = await start_serving(node, args.host, args.port, rollup.modules)
    if args.verbose:
        node.sequencer.new_blocks.subscribe(print_transactions)
    services.start()
    replica = None
    replica_url = None
    try:
        if not args.no_replica:
            replica, replica_url = start_replica(
                datadir, datadir / "rollup.json", l1_url, args.host, args.replica_port, args.log_level
            )
        write_pointer(datadir, l1_url, running.url)
        print(banner(l1_url, running.url, replica_url, config, datadir, services.batcher.blobs), flush=True)
        while not stop.done():
            await asyncio.wait([stop], timeout=2.0)
            if not args.quiet:
                line = await asyncio.to_thread(status_line, services, replica_url)
                print(line, flush=True)
    finally:
        if replica is not None:
            replica.terminate()
            replica.wait(timeout=10)
        await services.stop()
        await running.stop()
        await node.sequencer.stop()


def check_arguments(args) -> None:
    """What can be refused before anything starts."""
    parse_amount(args.operator_eth)
    if args.l1_fork is not None and args.l1_rpc:
        raise UsageError("--l1-fork chooses the embedded L1's fork: an L1 given by --l1-rpc runs its own")
    chosen_forks(ETHEREUM, args.l1_fork, "--l1-fork")
    chosen_forks(OP_STACK, args.l2_fork, "--l2-fork")
    if args.l1_slots_in_an_epoch < 0:
        raise UsageError("--l1-slots-in-an-epoch must not be negative")
    if args.block_time < 1:
        raise UsageError("--block-time must be at least 1 second: L2 timestamps are whole seconds, so faster "
                         "blocks would run ahead of L1 time")


def main(args) -> int:
    check_arguments(args)
    temporary = args.datadir is None
    datadir = Path(tempfile.mkdtemp(prefix="ovm-devnet-")) if temporary else Path(args.datadir)
    datadir.mkdir(mode=0o700, parents=True, exist_ok=True)
    l1 = None
    try:
        if args.l1_rpc:
            l1_url = args.l1_rpc
        else:
            l1 = DevChain.start(datadir / "l1", block_time=args.l1_block_time, host=args.host, port=args.l1_port,
                                forks=l1_forks(args.l1_fork), env=child_env(),
                                slots_in_an_epoch=args.l1_slots_in_an_epoch)  # fmt: skip
            l1_url = l1.url
        client = L1Client(l1_url)
        try:
            client.chain_id()
        except L1Error as exc:
            raise UsageError(f"cannot reach the L1 at {l1_url}: {exc}") from None
        config = resume_or_deploy(client, args, datadir, embedded=l1 is not None)
        rollup = open_sequencer(
            datadir / "l2", config, client, block_time=args.block_time, instant=False,
            batch_interval=max(1.0, args.block_time), confirmations=args.confirmations,
            blob_batches=blob_batches(client, args.batch_data),
            censored=set(args.censor),
        )  # fmt: skip
        try:
            asyncio.run(serve_devnet(rollup, args, l1_url, config, datadir))
        finally:
            rollup.node.store.close()
        print("ovm devnet: stopped", file=sys.stderr)
        return 0
    finally:
        if l1 is not None:
            l1.stop()
        if POINTER.exists() and json.loads(POINTER.read_text()).get("rollup_config") == str(datadir / "rollup.json"):
            POINTER.unlink()
        if temporary:
            shutil.rmtree(datadir, ignore_errors=True)
