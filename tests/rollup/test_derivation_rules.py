"""
The derivation rules as pure functions: data in (L1 blocks, deposits, a frame,
the parent as the rules see it), data out (the block's attributes, or why the
frame is dropped). No chain, no process, no network.
"""

from __future__ import annotations

import dataclasses

import pytest
from fake_l1 import BATCHER, DEPOSIT_GAS, GAS_LIMIT, FakeL1, deposit, frame, rules

from support import fee_market_tx
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.l2 import L1_INFO_DEPOSIT_GAS
from ovm.evm.transactions import encode_transaction
from ovm.rollup.derivation.attributes import L2Parent, Origin, recorded_origin
from ovm.rollup.derivation.batches import (
    MAX_CANDIDATES,
    MAX_FRAMES_AHEAD,
    Drop,
    FrameQueue,
    L1Snapshot,
    QueuedFrame,
    Undecided,
    forced_block,
    frame_block,
)
from ovm.rollup.derivation.deposits import (
    InconsistentChain,
    capped,
    deposit_budget,
    pending_after,
    take_deposits,
)
from ovm.rollup.derivation.epochs import block_attributes, sequencer_origin, within_drift

ALICE, BOB = dev_accounts()[:2]
RULES = rules(window=4, drift=600)


def user_tx(nonce: int = 0) -> bytes:
    return encode_transaction(fee_market_tx(ALICE.private_key, chain_id=901, to=BOB.address, nonce=nonce, value=1))


def origin_of(block, sequence_number: int = 0) -> Origin:
    return Origin(block.number, block.hash, block.timestamp, sequence_number)


def parent_at(l1: FakeL1, number: int, timestamp: int, origin_number: int | None, seq: int = 0, pending=()):
    origin = None if origin_number is None else origin_of(l1.blocks[origin_number], seq)
    return L2Parent(number, bytes(32), timestamp, origin, tuple(pending))


@pytest.fixture
def l1() -> FakeL1:
    l1 = FakeL1()
    for _ in range(6):
        l1.mine()
    return l1


class Snapshot:
    """The L1 read so far: blocks up to ``read``."""

    def __init__(self, l1: FakeL1, read: int) -> None:
        self.l1, self.read = l1, read

    def block(self, number):
        return self.l1.block(number) if number <= self.read else None

    def deposits(self, block):
        return self.l1.deposits(block)


# --- deposits: nothing lost ---------------------------------------------------------


def test_deposits_fill_a_block_in_order_and_the_rest_carries_over(l1):
    block = l1.mine(deposits=[(ALICE.address, i + 1) for i in range(5)])
    pending = l1.deposits(block)
    taken, rest = take_deposits(pending, 3 * DEPOSIT_GAS)
    assert [d.mint for d in taken] == [1, 2, 3] and [d.mint for d in rest] == [4, 5]
    taken, rest = take_deposits(rest, 3 * DEPOSIT_GAS)
    assert [d.mint for d in taken] == [4, 5] and rest == ()


def test_a_deposit_larger_than_a_block_is_capped_and_goes_in_alone(l1):
    budget = deposit_budget(GAS_LIMIT)
    assert budget == GAS_LIMIT - L1_INFO_DEPOSIT_GAS
    block = l1.mine(deposits=[(ALICE.address, 1, 10 * GAS_LIMIT), (BOB.address, 2)])
    pending = capped(l1.deposits(block), budget)
    assert pending[0].gas == budget and pending[1].gas == DEPOSIT_GAS
    taken, rest = take_deposits(pending, budget)
    assert [d.mint for d in taken] == [1] and [d.mint for d in rest] == [2]


def test_what_is_pending_after_a_block_is_read_from_the_block(l1):
    block = l1.mine(deposits=[(ALICE.address, i + 1) for i in range(4)])
    deposits = l1.deposits(block)
    info = object()  # the L1-info deposit: the first transaction, never a user deposit
    assert pending_after([info, *deposits[:2], "a user tx"], deposits) == tuple(deposits[2:])
    assert pending_after([info, *deposits], deposits) == ()
    assert pending_after([info, "a user tx"], deposits) == ()
    stranger = deposit(l1.mine(), 0, BOB.address, 9)
    with pytest.raises(InconsistentChain):
        pending_after([info, stranger], deposits)


def test_the_epoch_waits_for_its_pending_deposits(l1):
    block = l1.blocks[1]
    flood = tuple(deposit(block, i, ALICE.address, 1, DEPOSIT_GAS) for i in range(400))  # 40M gas
    parent = parent_at(l1, 0, GENESIS := l1.blocks[0].timestamp, None)
    first = block_attributes(RULES, parent, l1.blocks[0], GENESIS + 1, flood)
    assert first.sequence_number == 0 and len(first.deposits) == RULES.deposit_budget // DEPOSIT_GAS
    pending = flood[len(first.deposits):]
    after = L2Parent(1, bytes(32), GENESIS + 1, origin_of(l1.blocks[0]), pending)
    # the next L1 block is there and old enough, but the origin stays while deposits are pending
    assert sequencer_origin(after, l1.blocks[0], l1.blocks[1], l1.blocks[1].timestamp + 5) == l1.blocks[0]
    second = block_attributes(RULES, after, l1.blocks[0], GENESIS + 2)
    assert second.sequence_number == 1 and second.deposits == pending
    assert [tx.gas for tx in second.preamble[:1]] == [L1_INFO_DEPOSIT_GAS]


# --- origins ------------------------------------------------------------------------


def test_the_sequencer_advances_its_origin_when_the_next_block_is_there_and_not_newer(l1):
    current, following = l1.blocks[2], l1.blocks[3]
    parent = parent_at(l1, 5, following.timestamp - 1, 2)
    assert sequencer_origin(parent, current, following, following.timestamp - 1) == current
    assert sequencer_origin(parent, current, following, following.timestamp) == following
    assert sequencer_origin(parent, current, None, following.timestamp + 100) == current
    genesis = parent_at(l1, 0, l1.blocks[0].timestamp, None)
    assert sequencer_origin(genesis, l1.blocks[0], l1.blocks[1], 10**9) == l1.blocks[0]


def test_the_l1_info_deposit_records_origin_and_sequence_number(l1):
    parent = parent_at(l1, 3, l1.blocks[2].timestamp, 2, seq=4)
    attributes = block_attributes(RULES, parent, l1.blocks[2], l1.blocks[2].timestamp + 1)
    assert recorded_origin(attributes.transactions) == origin_of(l1.blocks[2], 5)
    assert attributes.transactions[0].data[-20:] == BATCHER


def test_drift(l1):
    origin = l1.blocks[2]
    assert within_drift(RULES, origin, origin.timestamp + 600)
    assert not within_drift(RULES, origin, origin.timestamp + 601)


# --- frames -------------------------------------------------------------------------


def check(l1, parent, queued_frame, inclusion, read=None):
    return frame_block(RULES, parent, QueuedFrame(queued_frame, inclusion), Snapshot(l1, read or l1.head.number))


def test_a_valid_frame_makes_the_block_with_the_origins_deposits(l1):
    origin = l1.mine(deposits=[(ALICE.address, 5)])
    l1.mine()
    parent = parent_at(l1, 10, origin.timestamp - 3, origin.number - 1, seq=2)
    result = check(l1, parent, frame(11, origin, origin.timestamp, [user_tx()]), origin.number + 1)
    assert result.number == 11 and result.timestamp == origin.timestamp and result.sequence_number == 0
    assert [tx.mint for tx in result.deposits] == [5]
    assert len(result.transactions) == 3  # L1 info, deposit, the user's


@pytest.mark.parametrize("case, reason", [
    ("wrong number", "not 11"),
    ("not after the parent", "not after the parent"),
    ("included late", "past the sequencing window"),
    ("skips an origin", "does not follow"),
    ("older origin", "does not follow"),
    ("not canonical", "not the canonical"),
    ("origin newer than the block", "newer than the block"),
    ("advances while deposits are pending", "cannot follow"),
    ("transactions past the drift", "maximum sequencer drift"),
    ("keeps its origin past the drift though the next was there", "could have been its origin"),
    ("a transaction that does not decode", "does not decode"),
])  # fmt: skip
def test_frames_breaking_a_rule_are_dropped(l1, case, reason):
    o = l1.blocks[3]
    parent = parent_at(l1, 10, o.timestamp + 1, 3)
    f, inclusion = frame(11, o, o.timestamp + 2), 5
    if case == "wrong number":
        f = dataclasses.replace(f, number=12)
    elif case == "not after the parent":
        f = dataclasses.replace(f, timestamp=o.timestamp + 1)
    elif case == "included late":
        inclusion = o.number + RULES.sequencing_window + 1
    elif case == "skips an origin":
        f = frame(11, l1.blocks[5], l1.blocks[5].timestamp)
    elif case == "older origin":
        f = frame(11, l1.blocks[2], o.timestamp + 2)
    elif case == "not canonical":
        f = dataclasses.replace(f, l1_origin_hash=bytes(32))
    elif case == "origin newer than the block":
        parent = parent_at(l1, 10, o.timestamp - 5, 3)
        f = frame(11, l1.blocks[4], l1.blocks[4].timestamp - 1)
    elif case == "advances while deposits are pending":
        pending = (deposit(o, 0, ALICE.address, 1),)
        parent = parent_at(l1, 10, o.timestamp + 1, 3, pending=pending)
        f = frame(11, l1.blocks[4], l1.blocks[4].timestamp)
    elif case == "transactions past the drift":
        parent = parent_at(l1, 10, o.timestamp + 700, 3)
        f = frame(11, o, o.timestamp + 701, [user_tx()])
    elif case == "keeps its origin past the drift though the next was there":
        slow = l1.mine(timestamp=l1.head.timestamp + 1000)
        l1.mine()
        o = l1.blocks[slow.number - 1]
        parent = parent_at(l1, 10, o.timestamp + 700, o.number)
        f, inclusion = frame(11, o, slow.timestamp), slow.number + 1
    elif case == "a transaction that does not decode":
        f = dataclasses.replace(f, transactions=(b"\x02\xc0",))
    result = check(l1, parent, f, inclusion)
    assert isinstance(result, Drop) and reason in result.reason


def test_past_the_drift_an_empty_frame_keeps_its_origin_until_the_next_l1_block(l1):
    o = l1.blocks[3]
    parent = parent_at(l1, 10, o.timestamp + 700, 3)
    empty = frame(11, o, o.timestamp + 701)
    assert isinstance(check(l1, parent, empty, 4, read=3), Undecided)  # L1 block 4 not read yet
    assert l1.blocks[4].timestamp < o.timestamp + 701
    assert isinstance(check(l1, parent, empty, 4), Drop)  # block 4 could have been its origin
    late = l1.mine(timestamp=o.timestamp + 10_000)  # an L1 that stalled: the next block is newer
    parent = parent_at(l1, 10, l1.blocks[late.number - 1].timestamp + 700, late.number - 1)
    keep = frame(11, l1.blocks[late.number - 1], l1.blocks[late.number - 1].timestamp + 701)
    assert check(l1, parent, keep, late.number).batch == ()


def test_a_frame_whose_origin_is_not_read_yet_is_undecided(l1):
    parent = parent_at(l1, 10, l1.blocks[3].timestamp + 1, 3)
    assert isinstance(check(l1, parent, frame(11, l1.blocks[4], l1.blocks[4].timestamp), 5, read=3), Undecided)


def test_the_first_block_takes_the_anchor_as_origin(l1):
    genesis = parent_at(l1, 0, l1.blocks[0].timestamp, None)
    assert check(l1, genesis, frame(1, l1.blocks[0], l1.blocks[0].timestamp + 1), 1).origin == l1.blocks[0]
    assert isinstance(check(l1, genesis, frame(1, l1.blocks[1], l1.blocks[1].timestamp), 2), Drop)


def test_the_rules_run_on_data_alone(l1):
    """What a fraud proof has: L1 blocks and their deposits as plain data, a frame, the parent."""
    origin = l1.mine(deposits=[(ALICE.address, 5), (BOB.address, 6)])
    known = L1Snapshot({b.number: b for b in l1.blocks}, {origin.hash: tuple(l1.deposits(origin))})
    parent = parent_at(l1, 10, origin.timestamp - 3, origin.number - 1)
    queued = QueuedFrame(frame(11, origin, origin.timestamp, [user_tx()]), origin.number + 1)
    result = frame_block(RULES, parent, queued, known)
    assert [tx.mint for tx in result.deposits] == [5, 6] and result.transactions[-1].nonce == 0
    assert frame_block(RULES, parent, queued, L1Snapshot()) == Undecided(f"L1 block {origin.number} is not read yet")


# --- the sequencing window ------------------------------------------------------------


def test_no_block_is_forced_inside_the_window(l1):
    parent = parent_at(l1, 10, l1.blocks[2].timestamp + 1, 2)
    assert forced_block(RULES, parent, 2 + RULES.sequencing_window - 1, Snapshot(l1, 6)) is None


def test_past_the_window_the_next_epoch_is_forced_with_its_deposits(l1):
    o = l1.blocks[1]
    nxt = l1.blocks[2]
    parent = parent_at(l1, 10, o.timestamp + 1, 1)
    l1.deposits_in[nxt.hash] = [deposit(nxt, 0, ALICE.address, 7)]
    forced = forced_block(RULES, parent, 1 + RULES.sequencing_window, Snapshot(l1, 6))
    assert forced.origin == nxt and forced.sequence_number == 0 and forced.batch == ()
    assert forced.timestamp == max(parent.timestamp + 1, nxt.timestamp)
    assert [d.mint for d in forced.deposits] == [7]


def test_past_the_window_pending_deposits_keep_the_origin(l1):
    o = l1.blocks[1]
    pending = (deposit(o, 3, ALICE.address, 1),)
    parent = parent_at(l1, 10, o.timestamp + 1, 1, seq=0, pending=pending)
    forced = forced_block(RULES, parent, 6, Snapshot(l1, 6))
    assert forced.origin == o and forced.sequence_number == 1 and forced.deposits == pending
    assert forced.timestamp == parent.timestamp + 1


def test_a_sequencer_that_never_posted_cannot_hold_back_the_first_epoch(l1):
    genesis = parent_at(l1, 0, l1.blocks[0].timestamp, None)
    assert forced_block(RULES, genesis, RULES.sequencing_window - 1, Snapshot(l1, 6)) is None
    assert forced_block(RULES, genesis, RULES.sequencing_window, Snapshot(l1, 6)).origin == l1.blocks[0]


# --- the queue ------------------------------------------------------------------------


def test_the_queue_is_bounded(l1):
    queue = FrameQueue()
    o = l1.blocks[1]
    assert queue.add(QueuedFrame(frame(MAX_FRAMES_AHEAD + 11, o, 1), 2), 10) is not None
    assert queue.add(QueuedFrame(frame(10, o, 1), 2), 10) is None and len(queue) == 0  # derived already
    for _ in range(MAX_CANDIDATES):
        assert queue.add(QueuedFrame(frame(12, o, 1), 2), 10) is None
    assert "already has" in queue.add(QueuedFrame(frame(12, o, 1), 3), 10)
    assert queue.add(QueuedFrame(frame(11 + MAX_FRAMES_AHEAD - 1, o, 1), 2), 10) is None
    assert queue.oldest_inclusion() == 2
    queue.forget_through(12)
    assert len(queue) == 1


def test_the_queue_is_bounded_in_bytes(l1, monkeypatch):
    from ovm.rollup.derivation import batches

    monkeypatch.setattr(batches, "MAX_QUEUED_BYTES", 300)
    queue = FrameQueue()
    o = l1.blocks[1]
    big = [user_tx(n) for n in range(2)]
    assert queue.add(QueuedFrame(frame(12, o, 1, big), 2), 10) is None
    assert "bytes" in queue.add(QueuedFrame(frame(13, o, 1, big), 2), 10)
