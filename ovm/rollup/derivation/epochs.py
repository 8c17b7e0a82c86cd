"""
Epochs: the L1 origin of each L2 block
======================================

Every L2 block names an L1 block, its *origin*, and opens with the L1-info
deposit that records it in the L1Block predeploy. The blocks sharing an origin
form an epoch; the first block of an epoch (sequence number 0) also carries
the deposits of its origin, right after the L1-info deposit.

Rules (the sequencer follows them when it builds, a replica checks them when
it derives):

- the first L2 block's origin is the rollup's L1 anchor;
- after that, an origin is the parent's origin or the L1 block right after it
  (its child: same parent hash), never older, never skipping;
- an origin's timestamp is at most the L2 block's timestamp.

What the parent's origin was is read from the L1Block predeploy's storage in
the parent's post-state, so nothing besides the chain itself needs to be kept.
"""

from __future__ import annotations

import time

from ...evm.l2 import L1Origin, RecordedOrigin, l1_info_deposit, recorded_origin
from ...evm.transactions import DepositTransaction, Transaction
from ...state import State
from ..l1.client import L1Client
from ..l1.data import L1Block
from ..l1.contract import Contract
from .deposits import deposits_in

# Ecotone fee scalars of the L1-info deposit (the OP Stack's defaults).
BASE_FEE_SCALAR = 1368
BLOB_BASE_FEE_SCALAR = 810949


def as_origin(block: L1Block) -> L1Origin:
    return L1Origin(block.number, block.timestamp, block.base_fee, block.blob_base_fee, block.hash)


def batcher_hash(batcher: bytes) -> bytes:
    return batcher.rjust(32, b"\x00")


def preamble(
    origin: L1Block, sequence_number: int, deposits: list[DepositTransaction], batcher: bytes
) -> list[Transaction]:
    """The transactions that open an L2 block with this origin."""
    info = l1_info_deposit(
        as_origin(origin), sequence_number, batcher_hash(batcher), BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR
    )
    return [info, *deposits] if sequence_number == 0 else [info]


class L1View:
    """Cached reads of L1 blocks and their deposits, for origins."""

    def __init__(self, client: L1Client, bridge: Contract, head_refresh: float = 0.5) -> None:
        self.client = client
        self.bridge = bridge
        self.head_refresh = head_refresh
        self._blocks: dict[int, L1Block] = {}
        self._deposits: dict[bytes, list[DepositTransaction]] = {}
        self._head = (0, -1.0)

    def head_number(self) -> int:
        number, read_at = self._head
        now = time.monotonic()
        if now - read_at >= self.head_refresh:
            number = self.client.block_number()
            self._head = (number, now)
        return number

    def block(self, number: int) -> L1Block:
        block = self._blocks.get(number)
        if block is None or not self.client.is_canonical(block.ref):
            block = self._blocks[number] = self.client.block(number)
        return block

    def deposits(self, block: L1Block) -> list[DepositTransaction]:
        deposits = self._deposits.get(block.hash)
        if deposits is None:
            deposits = self._deposits[block.hash] = deposits_in(self.bridge, block)
        return deposits

    def forget(self) -> None:
        """Drop everything cached (after an L1 reorg)."""
        self._blocks.clear()
        self._deposits.clear()
        self._head = (0, -1.0)


class OriginSelector:
    """The sequencer's side: picks each new L2 block's origin and opens it.

    The origin advances to the next L1 block once that block is
    ``confirmations`` deep and not newer than the L2 block; otherwise the
    epoch continues."""

    def __init__(self, view: L1View, anchor_number: int, batcher: bytes, confirmations: int = 1) -> None:
        self.view = view
        self.anchor_number = anchor_number
        self.batcher = batcher
        self.confirmations = confirmations

    def next_origin(self, parent: RecordedOrigin, timestamp: int) -> tuple[L1Block, int]:
        """The origin and sequence number of the block after ``parent``'s."""
        view = self.view
        if parent.unset:
            return view.block(self.anchor_number), 0
        current = view.block(parent.number)
        if view.head_number() - self.confirmations >= parent.number + 1:
            following = view.block(parent.number + 1)
            if following.parent_hash == current.hash and following.timestamp <= timestamp:
                return following, 0
        return current, parent.sequence_number + 1

    def transactions(self, state: State, timestamp: int) -> list[Transaction]:
        """The preamble of the block built on ``state`` at ``timestamp``."""
        origin, sequence_number = self.next_origin(recorded_origin(state), timestamp)
        deposits = self.view.deposits(origin) if sequence_number == 0 else []
        return preamble(origin, sequence_number, deposits, self.batcher)
