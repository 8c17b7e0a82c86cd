"""
Block attributes: what an L2 block is built from
================================================

The data the derivation rules take and give, with no L1 or L2 node behind
them (a fraud proof calls the rules with these alone):

- ``Rules``: the rollup's parameters the rules depend on (the L1 anchor, the
  batcher, the sequencing window, the maximum sequencer drift, the L2 block
  gas limit, the L1's fork schedule for its blob base fee);
- ``L2Parent``: what the rules need of the L2 block a new one builds on — its
  number, hash and timestamp, the L1 origin its L1-info deposit recorded, and
  the deposits of that origin still pending after it (``parent_of`` reads all
  of it from the block and its origin's deposits);
- ``BlockAttributes``: the block to build — its number and timestamp, its L1
  origin and sequence number (and the origin's blob parameters, which set
  its blob base fee in the L1-info deposit), the deposits it carries, the
  upgrade deposits of the first block of a new L2 fork, and the batch's
  transactions (the OP Stack's payload attributes). Its ``transactions`` are
  the block's, in order: the L1-info deposit, the deposits, the upgrade
  deposits, the batch's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ...chain.forks import CANCUN_ONLY, OP_STACK, ForkSchedule, upgrade_transactions
from ...evm.gas import CANCUN_BLOBS, BlobParams
from ...evm.l2 import L1Origin, l1_info_deposit
from ...evm.transactions import DepositTransaction, Transaction
from ..config import RollupConfig
from ..l1.data import L1Block
from .deposits import deposit_budget, pending_after

# Ecotone fee scalars of the L1-info deposit (the OP Stack's defaults).
BASE_FEE_SCALAR = 1368
BLOB_BASE_FEE_SCALAR = 810949

# Where the L1-info deposit's calldata (ovm.evm.l2.l1_info_calldata) keeps the
# origin: after the selector and the two scalars, the sequence number, the
# timestamp and the number (8 bytes each); the hash at 100.
SEQUENCE_NUMBER = slice(12, 20)
ORIGIN_TIMESTAMP = slice(20, 28)
ORIGIN_NUMBER = slice(28, 36)
ORIGIN_HASH = slice(100, 132)


@dataclass(frozen=True, slots=True)
class Rules:
    """The parameters of the derivation rules."""

    anchor: int  # the L1 anchor's number: the first L2 block's origin
    batcher: bytes
    sequencing_window: int  # L1 blocks
    max_sequencer_drift: int  # seconds
    gas_limit: int  # of every L2 block
    l1_forks: ForkSchedule = CANCUN_ONLY  # the L1's: its blob base fee
    l2_forks: ForkSchedule = OP_STACK.only("ecotone")  # the L2's: its upgrade deposits

    @classmethod
    def of(cls, config: RollupConfig, gas_limit: int) -> Rules:
        return cls(config.l1_anchor.number, config.batcher.address, config.sequencing_window,
                   config.max_sequencer_drift, gas_limit, config.l1_forks, config.l2_forks)

    def upgrades(self, parent_timestamp: int, timestamp: int) -> tuple[DepositTransaction, ...]:
        """The upgrade deposits of a block at ``timestamp`` after one at
        ``parent_timestamp``: none unless the L2's fork changes between them."""
        before, after = self.l2_forks.at(parent_timestamp), self.l2_forks.at(timestamp)
        return () if before.key == after.key else upgrade_transactions(before, after)

    def l1_blobs(self, origin: L1Block) -> BlobParams:
        """The blob parameters of the L1's fork at ``origin``."""
        return self.l1_forks.fork_at(origin.timestamp).blobs

    @property
    def deposit_budget(self) -> int:
        return deposit_budget(self.gas_limit)


@dataclass(frozen=True, slots=True)
class Origin:
    """The L1 origin an L2 block recorded, with its place in the epoch."""

    number: int
    hash: bytes
    timestamp: int
    sequence_number: int


@dataclass(frozen=True, slots=True)
class L2Parent:
    """What the rules need of the block a new one builds on; ``origin`` is None
    for the L2 genesis (no origin recorded yet)."""

    number: int
    hash: bytes
    timestamp: int
    origin: Origin | None
    pending: tuple[DepositTransaction, ...] = ()


@dataclass(frozen=True, slots=True)
class BlockAttributes:
    """Everything an L2 block is built from (see the module docstring)."""

    number: int
    timestamp: int
    origin: L1Block
    sequence_number: int
    deposits: tuple[DepositTransaction, ...]
    batch: tuple[Transaction, ...]
    batcher: bytes
    origin_blobs: BlobParams = CANCUN_BLOBS  # the L1 fork's at the origin (``Rules.l1_blobs``)
    upgrades: tuple[DepositTransaction, ...] = ()  # the first block of an L2 fork's (``Rules.upgrades``)

    @property
    def preamble(self) -> list[Transaction]:
        """The L1-info deposit and the deposits: what opens the block."""
        origin = as_l1_origin(self.origin, self.origin_blobs)
        info = l1_info_deposit(origin, self.sequence_number, self.batcher.rjust(32, b"\x00"),
                               BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR)
        return [info, *self.deposits, *self.upgrades]

    @property
    def transactions(self) -> list[Transaction]:
        return [*self.preamble, *self.batch]

    @property
    def preamble_gas(self) -> int:
        return sum(tx.gas for tx in self.preamble)


def as_l1_origin(block: L1Block, blobs: BlobParams) -> L1Origin:
    return L1Origin(block.number, block.timestamp, block.base_fee, block.blob_base_fee(blobs), block.hash)


def recorded_origin(transactions: Sequence[Transaction]) -> Origin | None:
    """The origin an L2 block's L1-info deposit recorded (None for a block
    without one: the genesis)."""
    if not transactions or not isinstance(transactions[0], DepositTransaction):
        return None
    data = transactions[0].data
    return Origin(
        number=int.from_bytes(data[ORIGIN_NUMBER], "big"),
        hash=bytes(data[ORIGIN_HASH]),
        timestamp=int.from_bytes(data[ORIGIN_TIMESTAMP], "big"),
        sequence_number=int.from_bytes(data[SEQUENCE_NUMBER], "big"),
    )


def parent_of(block, origin_deposits: Sequence[DepositTransaction] = ()) -> L2Parent:
    """The ``L2Parent`` of an L2 block (``ovm.chain.Block``), given the deposits
    of its origin (capped, ``deposits.capped``)."""
    return L2Parent(
        number=block.number,
        hash=block.hash,
        timestamp=block.header.timestamp,
        origin=recorded_origin(block.transactions),
        pending=pending_after(block.transactions, origin_deposits),
    )
