"""
Epochs: the L1 origin of each L2 block
======================================

Every L2 block names an L1 block, its *origin*, and opens with the L1-info
deposit that records it in the L1Block predeploy. The blocks sharing an origin
form an epoch; the first block of an epoch (sequence number 0) starts carrying
its origin's deposits (``deposits``: what does not fit carries into the next
blocks of the epoch).

Rules (the sequencer follows them when it builds, derivation checks them):

- the first L2 block's origin is the rollup's L1 anchor;
- after that, an origin is the parent's origin or the L1 block right after it
  (its child: same parent hash), never older, never skipping;
- the origin stays the parent's while deposits of the parent's origin are
  pending;
- an origin's timestamp is at most the L2 block's timestamp;
- **the maximum sequencer drift** (the OP Stack's rule): a block whose
  timestamp is more than ``max_sequencer_drift`` seconds past its origin's
  carries no batch transactions (only its deposits), and may keep the
  parent's origin only while the next L1 block is not known yet, or is newer
  than the block (advancing would break "origin not newer than the block"),
  or deposits are pending (this rollup's carry-over, which the OP Stack does
  not have). So the sequencer cannot run L2 time ahead of L1: past the drift
  it builds deposit-only blocks and takes the next origin as soon as there is
  one.

What the parent's origin was is read from its L1-info deposit
(``attributes.recorded_origin``), so nothing besides the chain itself needs to
be kept.
"""

from __future__ import annotations

from typing import Sequence

from ...evm.transactions import DepositTransaction, Transaction
from ..l1.data import L1Block
from .attributes import BlockAttributes, L2Parent, Rules
from .deposits import capped, take_deposits


def within_drift(rules: Rules, origin: L1Block, timestamp: int) -> bool:
    """Whether a block at ``timestamp`` with this origin may carry batch transactions."""
    return timestamp <= origin.timestamp + rules.max_sequencer_drift


def continues_epoch(parent: L2Parent, origin: L1Block) -> bool:
    return parent.origin is not None and origin.number == parent.origin.number


def follows(parent: L2Parent, origin: L1Block) -> bool:
    """Whether ``origin`` may be the origin of the block after ``parent`` (its
    number, and hash or parent hash; nothing about time)."""
    if parent.origin is None:
        return True
    if origin.number == parent.origin.number:
        return origin.hash == parent.origin.hash
    return origin.number == parent.origin.number + 1 and origin.parent_hash == parent.origin.hash and not parent.pending


def sequencer_origin(parent: L2Parent, current: L1Block, following: L1Block | None, timestamp: int) -> L1Block:
    """The origin the sequencer gives the block after ``parent`` at ``timestamp``:
    ``current`` is the L1 block of the parent's origin (the anchor after the
    genesis), ``following`` the next L1 block if the sequencer may use it
    (deep enough, or needed because of the drift). The origin advances as soon
    as the next L1 block is there, not newer than the block, and no deposits
    are pending."""
    if parent.origin is None or following is None or parent.pending:
        return current
    if following.parent_hash == current.hash and following.timestamp <= timestamp:
        return following
    return current


def block_attributes(
    rules: Rules,
    parent: L2Parent,
    origin: L1Block,
    timestamp: int,
    origin_deposits: Sequence[DepositTransaction] = (),
    batch: Sequence[Transaction] = (),
) -> BlockAttributes:
    """The block after ``parent`` with this origin: in the parent's epoch it
    carries on with the parent's pending deposits; starting one it takes
    ``origin_deposits`` (the origin's, as read from L1)."""
    if continues_epoch(parent, origin):
        sequence_number, pending = parent.origin.sequence_number + 1, parent.pending
    else:
        sequence_number, pending = 0, capped(origin_deposits, rules.deposit_budget)
    deposits, _ = take_deposits(pending, rules.deposit_budget)
    return BlockAttributes(parent.number + 1, timestamp, origin, sequence_number, deposits, tuple(batch),
                           rules.batcher, rules.l1_blobs(origin), rules.upgrades(parent.timestamp, timestamp))
