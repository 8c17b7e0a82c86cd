"""
Forks of a chain
================

A chain runs a *schedule* of forks (``ForkSchedule``): each fork from its
activation timestamp until the next one's, as geth (``pragueTime``) and the
OP Stack (``isthmus_time``) schedule them. The fork of a block is the one
active at its timestamp; building, importing, calls, estimates and traces
all ask the schedule, never a single fork for every block.

What one fork is to a chain is a ``ChainFork``, data in one row:

- ``fork``: its EVM (``ovm.evm.forks``: instructions, gas, precompiles,
  transaction types, blob parameters);
- ``block``: its ``BlockRules``, what it does at block level: the system
  calls at the start of a block (EIP-4788, EIP-2935; ``system_call``) and,
  from Prague, the request sources whose requests the header commits to in
  ``requests_hash`` (EIP-7685; ``requests``). ``requests`` is ``None`` for a
  fork whose header has no ``requests_hash``, an empty tuple for one that
  has the field but no requests (the OP Stack's Isthmus);
- ``system_contracts``: what a dev chain that starts at this fork holds in
  its genesis (``genesis.dev_genesis``), so that its blocks can make their
  system calls: on Ethereum the contracts came by transactions before the
  fork, on a fresh chain there is no before.

The rows are in tables, one per family of chains, in order (``ForkTable``):
``ETHEREUM`` (Cancun, Prague; and each blob-parameter-only fork of EIP-7892,
BPO1 and BPO2, derived from Osaka once Osaka is a row) and ``OP_STACK`` (the
L2's forks, by the OP Stack's names: ``ecotone`` is ``OvmCancun``). A
table's ``key`` names each row in configuration: ``cancunTime`` in a
genesis file, ``ecotone_time`` in ``rollup.json``, ``--fork prague``. The
latest row of a table, blob-only forks aside, is what a new chain runs by
default (``ForkTable.latest``).

The L2's rows follow the OP Stack: Ecotone (``OvmCancun``: Cancun's EVM, the
EIP-4788 call), Fjord (``OvmFjord``: the FastLZ L1 fee, P256VERIFY) and
Isthmus (``OvmIsthmus``: Prague's EVM, EIP-2935's call, a ``requests_hash``
that is always that of no requests, as the Isthmus spec has it: an L2 has
no beacon chain to take EIP-7002/7251 requests, and no deposit contract).
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..evm.forks import CANCUN, OSAKA, OVM_CANCUN, OVM_FJORD, OVM_ISTHMUS, PRAGUE, Fork
from ..evm.gas import BPO1_BLOBS, BPO2_BLOBS, BlobParams
from ..evm.l2 import upgrade_deposits, upgrade_source_hash
from ..evm.transactions import DepositTransaction
from .requests import PRAGUE_REQUESTS, QueueRequests, RequestSource
from .system_call import STORE_BEACON_ROOT, STORE_PARENT_HASH, StartCall
from .system_contracts import (
    BEACON_ROOTS,
    CONSOLIDATION_REQUESTS,
    HISTORY_STORAGE,
    WITHDRAWAL_REQUESTS,
    SystemContract,
)


class ForkScheduleError(ValueError):
    """A fork schedule that is out of order or names an unknown fork."""


@dataclass(frozen=True, slots=True)
class BlockRules:
    """What a fork does at block level (see the module docstring)."""

    start_calls: tuple[StartCall, ...] = ()
    requests: tuple[RequestSource, ...] | None = None

    @property
    def required_contracts(self) -> tuple[SystemContract, ...]:
        """The contracts whose end-of-block calls are checked: a block fails without them."""
        return tuple(source.queue for source in self.requests or () if isinstance(source, QueueRequests))

    def contract_addresses(self, deposit_contract: bytes) -> dict[str, bytes]:
        """The system contracts its blocks use, by their ``eth_config`` names (EIP-7910)."""
        named = {call.contract.config_name: call.contract.address for call in self.start_calls}
        named.update(source.contract(deposit_contract) for source in self.requests or ())
        return named


@dataclass(frozen=True, slots=True)
class ChainFork:
    key: str
    fork: Fork
    block: BlockRules
    system_contracts: tuple[SystemContract, ...] = ()

    @property
    def name(self) -> str:
        return self.fork.name


CANCUN_BLOCK = BlockRules(start_calls=(STORE_BEACON_ROOT,))
PRAGUE_BLOCK = BlockRules(start_calls=(STORE_BEACON_ROOT, STORE_PARENT_HASH), requests=PRAGUE_REQUESTS)
PRAGUE_CONTRACTS = (BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS)
# Ecotone makes the EIP-4788 call on L2; the OP Stack deploys the contract by
# an upgrade transaction, and this L2's genesis (``ovm.rollup.genesis``) has none.
ECOTONE_BLOCK = BlockRules(start_calls=(STORE_BEACON_ROOT,))
# Isthmus adds EIP-2935's call and the header's requests hash, of no requests.
ISTHMUS_BLOCK = BlockRules(start_calls=(STORE_BEACON_ROOT, STORE_PARENT_HASH), requests=())


@dataclass(frozen=True, slots=True)
class BlobOnlyFork:
    """An EIP-7892 fork: its parent (a key of the table) with new blob parameters."""

    key: str
    name: str
    parent: str
    blobs: BlobParams


class ForkTable:
    """A family's forks in order (``rows``), and its blob-only forks, each
    after the rows once its parent is one of them."""

    def __init__(self, family: str, rows: Iterable[ChainFork], blob_only: Iterable[BlobOnlyFork] = ()) -> None:
        self.family = family
        main = list(rows)
        self.latest = main[-1]
        keys = {row.key: row for row in main}
        for bpo in blob_only:
            parent = keys.get(bpo.parent)
            if parent is not None:
                fork = dataclasses.replace(parent.fork, name=bpo.name, blobs=bpo.blobs)  # its instructions, shared
                row = ChainFork(bpo.key, fork, parent.block, parent.system_contracts)
                main.append(row)
                keys[bpo.key] = row
        self.rows: tuple[ChainFork, ...] = tuple(main)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(row.key for row in self.rows)

    def find(self, name: str) -> ChainFork:
        """The row named ``name`` (its key or its fork's name, in any case)."""
        wanted = name.lower()
        for row in self.rows:
            if wanted in (row.key, row.name.lower()):
                return row
        raise ForkScheduleError(f"unknown fork {name!r} (known: {', '.join(self.keys)})")

    def only(self, name: str | None = None) -> ForkSchedule:
        """The schedule that runs one fork (the latest by default) from genesis
        on: it and every fork before it at 0, as a genesis file says it."""
        target = self.latest if name is None else self.find(name)
        index = self.rows.index(target)
        return self.schedule({row.key: 0 for row in self.rows[: index + 1]})

    def schedule(self, times: Mapping[str, int]) -> ForkSchedule:
        """The schedule of ``times`` (key -> activation timestamp). The first
        row is active from 0 (a time for it, if given, must be 0); a row may
        only be given if the row before it is, at or before its time, as geth
        checks a genesis's fork order."""
        for key in times:
            self.find(key)
        first = self.rows[0]
        if times.get(first.key, 0) != 0:
            raise ForkScheduleError(f"{first.key}: ovm runs {first.name} from genesis, so its time must be 0")
        activations = [(0, first)]
        previous: ChainFork | None = first
        for row in self.rows[1:]:
            if row.key not in times:
                previous = None
                continue
            if previous is None:
                raise ForkScheduleError(f"{row.key} is scheduled, but the fork before it is not")
            if times[row.key] < activations[-1][0]:
                raise ForkScheduleError(
                    f"{row.key} at {times[row.key]} is before {previous.key} at {activations[-1][0]}"
                )
            activations.append((times[row.key], row))
            previous = row
        return ForkSchedule(tuple(activations))


@dataclass(frozen=True, slots=True)
class ForkSchedule:
    """Forks by activation timestamp, in order; the first at 0."""

    activations: tuple[tuple[int, ChainFork], ...]

    def __post_init__(self) -> None:
        times = [time for time, _ in self.activations]
        if not times or times[0] != 0 or times != sorted(times):
            raise ForkScheduleError(f"a fork schedule starts at 0 and never goes back in time: {times}")

    @classmethod
    def only(cls, row: ChainFork) -> ForkSchedule:
        return cls(((0, row),))

    def at(self, timestamp: int) -> ChainFork:
        """The fork active at ``timestamp``."""
        active = self.activations[0][1]
        for time, row in self.activations:
            if time > timestamp:
                break
            active = row
        return active

    def fork_at(self, timestamp: int) -> Fork:
        return self.at(timestamp).fork

    def next_after(self, timestamp: int) -> tuple[int, ChainFork] | None:
        """The next activation after ``timestamp`` and the fork from then on, if any."""
        later = [time for time, _ in self.activations if time > timestamp]
        return (later[0], self.at(later[0])) if later else None

    @property
    def times(self) -> dict[str, int]:
        """Each scheduled fork's key and activation time (configuration's form)."""
        return {row.key: time for time, row in self.activations}

    @property
    def forks(self) -> tuple[ChainFork, ...]:
        return tuple(row for _, row in self.activations)

    def map_forks(self, change: Callable[[Fork], Fork]) -> ForkSchedule:
        """This schedule with each fork's EVM replaced by ``change(fork)``
        (a deployment check, new blob parameters)."""
        return ForkSchedule(tuple(
            (time, dataclasses.replace(row, fork=change(row.fork))) for time, row in self.activations
        ))  # fmt: skip

    def with_blobs(self, blobs: Mapping[str, BlobParams]) -> ForkSchedule:
        """This schedule with the blob parameters of the forks keyed in ``blobs``."""
        return ForkSchedule(tuple(
            (time, dataclasses.replace(row, fork=dataclasses.replace(row.fork, blobs=blobs[row.key])))
            if row.key in blobs else (time, row)
            for time, row in self.activations
        ))  # fmt: skip


def fork_id(genesis_hash: bytes, genesis_time: int, forks: ForkSchedule, timestamp: int) -> bytes:
    """EIP-6122's fork hash of the fork active at ``timestamp``: the CRC32 of
    the genesis hash and of each fork's activation time (8 bytes, big-endian)
    after genesis and up to ``timestamp``, once each, in order."""
    checksum = zlib.crc32(genesis_hash)
    for time in sorted({time for time, _ in forks.activations if genesis_time < time <= timestamp}):
        checksum = zlib.crc32(time.to_bytes(8, "big"), checksum)
    return checksum.to_bytes(4, "big")


ETHEREUM = ForkTable(
    "Ethereum",
    (
        ChainFork("cancun", CANCUN, CANCUN_BLOCK, (BEACON_ROOTS,)),
        ChainFork("prague", PRAGUE, PRAGUE_BLOCK, PRAGUE_CONTRACTS),
        ChainFork("osaka", OSAKA, PRAGUE_BLOCK, PRAGUE_CONTRACTS),
    ),
    blob_only=(
        BlobOnlyFork("bpo1", "BPO1", "osaka", BPO1_BLOBS),
        BlobOnlyFork("bpo2", "BPO2", "bpo1", BPO2_BLOBS),
    ),
)

OP_STACK = ForkTable(
    "OP Stack",
    (
        ChainFork("ecotone", OVM_CANCUN, ECOTONE_BLOCK),
        ChainFork("fjord", OVM_FJORD, ECOTONE_BLOCK),
        ChainFork("isthmus", OVM_ISTHMUS, ISTHMUS_BLOCK, (HISTORY_STORAGE,)),
    ),
)

CANCUN_ONLY = ETHEREUM.only("cancun")


def schedule_of(fork: Fork) -> ForkSchedule:
    """The schedule that runs ``fork`` (a row of ``ETHEREUM`` or ``OP_STACK``,
    by its name) from genesis on."""
    for table in (ETHEREUM, OP_STACK):
        if any(row.name == fork.name for row in table.rows):
            return table.only(fork.name)
    raise ForkScheduleError(f"{fork.name} is not a fork of a chain ovm runs")


# Enough for any system contract's deployment (the OP Stack gives EIP-2935's 250,000).
DEPLOYMENT_DEPOSIT_GAS = 250_000


def upgrade_transactions(before: ChainFork, after: ChainFork) -> tuple[DepositTransaction, ...]:
    """The deposits the first L2 block of ``after`` runs after its L1-info and
    user deposits, when the chain ran ``before`` until then (the OP Stack's
    network upgrade transactions): the predeploys' new state
    (``ovm.evm.l2.upgrade_deposits``), then each system contract ``after``
    calls that ``before`` did not, deployed from its EIP's deployer (nonce 0)
    so that it lands at its canonical address, as Isthmus deploys EIP-2935's."""
    if after.fork.l2 is None:
        return ()
    deposits = list(upgrade_deposits(before.fork.l2, after.fork.l2))
    for contract in after.system_contracts:
        if contract not in before.system_contracts:
            deposits.append(deployment_deposit(contract, after.name))
    return tuple(deposits)


def deployment_deposit(contract: SystemContract, fork_name: str) -> DepositTransaction:
    return DepositTransaction(
        source_hash=upgrade_source_hash(f"{fork_name}: {contract.name} deployment".encode()),
        sender=contract.deployer, to=None, mint=0, value=0, gas=DEPLOYMENT_DEPOSIT_GAS,
        is_system_tx=False, data=contract.init_code,
    )  # fmt: skip


def upgrade_source_hashes(table: ForkTable) -> frozenset[bytes]:
    """The source hashes of every upgrade deposit between consecutive rows of ``table``."""
    return frozenset(
        tx.source_hash for before, after in zip(table.rows, table.rows[1:]) for tx in upgrade_transactions(before, after)
    )


UPGRADE_SOURCE_HASHES = upgrade_source_hashes(OP_STACK)
"""What tells an upgrade deposit from a user deposit in an L2 block."""
