"""
The derivation driver over an in-memory L1 (``fake_l1``): frames become
blocks, the sequencing window forces deposit-only blocks, a flood of deposits
carries over in order, an L1 reorg rewinds what it took away, a burst of
frames is derived, frames far ahead are bounded, and every proposed output is
checked — again when its index is re-used after a deletion.
"""

from __future__ import annotations

import pytest
from fake_l1 import FakeL1, FakeL2, frame, rules

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.transactions import DepositTransaction
from ovm.rollup.derivation import batches
from ovm.rollup.derivation.attributes import recorded_origin
from ovm.rollup.derivation.deposits import user_deposits
from ovm.rollup.derivation.driver import Derivation

ALICE, VICTIM = dev_accounts()[3], dev_accounts()[4]
WINDOW = 4


def driver(l1: FakeL1, l2: FakeL2 | None = None, window: int = WINDOW, **options) -> Derivation:
    return Derivation(l1, l2 or FakeL2(), rules(window=window, **options), l1.anchor)


def next_frame(l2: FakeL2, origin, transactions=()):
    head = l2.safe_block()
    return frame(head.number + 1, origin, max(head.header.timestamp + 1, origin.timestamp), transactions)


def origins(l2: FakeL2) -> list[int]:
    return [recorded_origin(block.transactions).number for block in l2.blocks[1:]]


def minted(l2: FakeL2) -> list[int]:
    return [d.mint for block in l2.blocks for d in user_deposits(block.transactions)]


def test_frames_become_blocks_in_order():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    a = frame(1, l1.blocks[0], l1.blocks[0].timestamp + 1)
    b = frame(2, l1.blocks[0], l1.blocks[0].timestamp + 2)
    l1.mine([b])  # out of order: 2 waits for 1
    derivation.step()
    assert l2.safe_block().number == 0 and len(derivation.queue) == 1
    l1.mine([a])
    status = derivation.step()
    assert l2.safe_block().number == 2 and status.l2_safe == 2 and status.l1_derived == 2
    assert derivation.next_l1 == 3 and len(derivation.queue) == 0


def test_past_the_window_blocks_are_forced_with_the_deposits():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    l1.mine(deposits=[(ALICE.address, 5)])
    l1.mine_until(WINDOW - 1)
    derivation.step()
    assert l2.safe_block().number == 0
    l1.mine()  # the anchor's window passes: its epoch is forced, then block 1's
    derivation.step()
    assert derivation.status.forced_blocks >= 2 and origins(l2)[:2] == [0, 1]
    assert minted(l2) == [5] and all(len(block.transactions) >= 1 for block in l2.blocks[1:])


def test_a_flood_of_deposits_carries_over_in_order_and_the_victims_deposit_arrives():
    """More deposit gas in one L1 block than an L2 block holds: the epoch's
    blocks take them in order until none is left, then the origin advances."""
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    flood = [(ALICE.address, 1, 200_000)] * 160 + [(ALICE.address, 1)] * 12 + [(VICTIM.address, 2 * 10**18)]
    l1.mine(deposits=flood)  # 33.2M gas of deposits, the block holds 29M
    l1.mine_until(1 + WINDOW + 2)
    derivation.step()
    assert minted(l2)[-1] == 2 * 10**18 and len(minted(l2)) == len(flood)
    counts = [len(user_deposits(b.transactions)) for b in l2.blocks[1:]]
    assert origins(l2)[:3] == [0, 1, 1] and counts[1] == 145 and counts[2] == len(flood) - 145
    assert origins(l2)[3] == 2  # once nothing is pending, the next epoch


def test_a_frame_that_advances_while_deposits_are_pending_is_dropped():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2, window=10)
    one = l1.mine(deposits=[(ALICE.address, 1, 200_000)] * 150)  # 30M: more than one block holds
    l2_frames = [frame(1, l1.blocks[0], l1.blocks[0].timestamp + 1), frame(2, one, one.timestamp)]
    l1.mine(l2_frames)
    two = l1.mine()
    derivation.step()
    assert l2.safe_block().number == 2 and derivation.status.frames_dropped == 0
    l1.mine([frame(3, two, two.timestamp)])  # advances past block 1 though its deposits are pending
    derivation.step()
    assert derivation.status.frames_dropped == 1 and l2.safe_block().number == 2
    l1.mine([frame(3, one, two.timestamp)])  # the same block keeping the origin is fine
    derivation.step()
    assert l2.safe_block().number == 3 and len(minted(l2)) == 150


def test_an_l1_reorg_rewinds_the_blocks_derived_from_it():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2, window=10)
    l1.mine([frame(1, l1.blocks[0], l1.blocks[0].timestamp + 1)])
    first = l1.mine(deposits=[(ALICE.address, 3)])
    l1.mine([frame(2, first, first.timestamp)])
    derivation.step()
    assert l2.safe_block().number == 1  # block 2's frame skips L1 block 1: dropped
    l1.mine([frame(2, l1.blocks[1], l1.blocks[1].timestamp), frame(3, first, first.timestamp + 1)])
    derivation.step()
    assert l2.safe_block().number == 3 and minted(l2) == [3]
    l1.reorg(3)  # the deposit and the batches of blocks 2 and 3 are gone
    derivation.step()
    assert l2.safe_block().number == 1 and minted(l2) == []
    new = l1.blocks[1]
    l1.mine([frame(2, new, new.timestamp)])
    derivation.step()
    assert l2.safe_block().number == 2 and origins(l2) == [0, 1]
    assert recorded_origin(l2.blocks[2].transactions).hash == new.hash


def test_a_burst_of_frames_in_order_is_derived_whatever_its_size():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2, drift=10**6)  # a second per block: within the drift
    start = l1.blocks[0].timestamp
    burst = [frame(n, l1.blocks[0], start + n) for n in range(1, 3 * batches.MAX_FRAMES_AHEAD)]
    l1.mine(burst)
    derivation.step()
    assert l2.safe_block().number == len(burst) and derivation.status.frames_dropped == 0


def test_frames_far_ahead_are_dropped_and_derivation_still_moves_on(monkeypatch):
    monkeypatch.setattr(batches, "MAX_FRAMES_AHEAD", 8)
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    start = l1.blocks[0].timestamp
    l1.mine([frame(n, l1.blocks[0], start + n) for n in range(2, 20)])  # a gap at block 1
    derivation.step()
    assert len(derivation.queue) == 7 and derivation.status.frames_dropped == 11
    l1.mine([frame(1, l1.blocks[0], start + 1)])
    derivation.step()
    assert l2.safe_block().number == 8  # then the window forces the rest
    l1.mine_until(WINDOW + 1)
    derivation.step()
    assert l2.safe_block().number > 8 and derivation.status.forced_blocks > 0


def test_outputs_are_checked_and_a_reused_index_is_checked_again():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    l1.mine([frame(n, l1.blocks[0], l1.blocks[0].timestamp + n) for n in (1, 2)])
    l1.propose(b"\x01" * 32, 1)  # a wrong one
    derivation.step()
    [check] = derivation.status.outputs_checked
    assert (check.index, check.l2_block, check.matches) == (0, 1, False)
    l1.mine(deleted=0)  # the dispute game deleted it...
    l1.propose(l2.output_root(2), 2)  # ...and index 0 is proposed again, right this time
    derivation.step()
    [check] = derivation.status.outputs_checked
    assert (check.index, check.l2_block, check.matches) == (0, 2, True)
    assert derivation.status.outputs_match


def test_an_output_for_a_block_not_derived_yet_waits():
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2)
    l1.propose(b"\x02" * 32, 5)
    l1.mine()
    derivation.step()
    assert derivation.status.outputs_checked == []


def test_progress_is_kept_across_a_restart(tmp_path):
    l1, l2 = FakeL1(), FakeL2()
    derivation = Derivation(l1, l2, rules(window=WINDOW), l1.anchor, progress_dir=tmp_path)
    l1.mine([frame(1, l1.blocks[0], l1.blocks[0].timestamp + 1)])
    l1.mine([frame(3, l1.blocks[0], l1.blocks[0].timestamp + 3)])  # waits for 2
    derivation.step()
    again = Derivation(l1, l2, rules(window=WINDOW), l1.anchor, progress_dir=tmp_path)
    assert again.next_l1 == 2  # the L1 block of the frame still queued is read again
    l1.mine([frame(2, l1.blocks[0], l1.blocks[0].timestamp + 2)])
    again.step()
    assert l2.safe_block().number == 3


@pytest.mark.parametrize("drift", [600, 5])
def test_deposits_are_never_deposit_transactions_of_the_batch(drift):
    """Whatever the drift, every deposit made on L1 is derived exactly once, in order."""
    l1, l2 = FakeL1(), FakeL2()
    derivation = driver(l1, l2, drift=drift)
    for n in range(6):
        l1.mine(deposits=[(ALICE.address, n * 10 + i) for i in range(3)])
    l1.mine_until(6 + WINDOW + 1)
    derivation.step()
    assert minted(l2) == [n * 10 + i for n in range(6) for i in range(3)]
    deposits = [tx for b in l2.blocks for tx in b.transactions if isinstance(tx, DepositTransaction)]
    assert len({tx.source_hash for tx in deposits}) == len(deposits)
