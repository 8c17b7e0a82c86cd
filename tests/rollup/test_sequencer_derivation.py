"""
The sequencer and a replica on the same rules, over an in-memory L1
(``fake_l1``) and real L2 chains (in process, no network): blocks batched in
time are confirmed as they are; blocks whose batches miss the sequencing
window are replaced on the sequencer by the blocks a replica forces (their
transactions back in the pool); a flood of deposits and forced withdrawals
carries over block by block with the same block hashes on both; past the
maximum sequencer drift the sequencer builds deposit-only blocks and takes the
next origin at once; a sequencer that starts far behind L1 builds the blocks
derivation would force.
"""

from __future__ import annotations

import pytest
from fake_l1 import FakeL1, forced_withdrawal, rules

from support import fee_market_tx
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.forks.ovm_cancun import OVM_CANCUN
from ovm.evm.transactions import DepositTransaction, encode_transaction
from ovm.node.chain import Blockchain
from ovm.node.mempool import Mempool
from ovm.node.sequencer import Sequencer
from ovm.node.store import ChainStore
from ovm.rollup.batcher import frame_of
from ovm.rollup.derivation.attributes import recorded_origin
from ovm.rollup.derivation.deposits import user_deposits
from ovm.rollup.derivation.driver import Derivation
from ovm.rollup.derivation.sequencing import BlockOpener
from ovm.rollup.derivation.writer import ReplicaChain, SequencerChain
from ovm.rollup.genesis import l2_genesis
from ovm.rollup.output import OutputRoots

USER, VICTIM = dev_accounts()[3], dev_accounts()[4]
ATTACKER = bytes.fromhex("a7" * 20)
ETHER = 10**18


def user_tx(nonce: int, account=USER) -> bytes:
    tx = fee_market_tx(account.private_key, chain_id=901, to=VICTIM.address, nonce=nonce, value=1,
                       max_fee_per_gas=100 * 10**9)
    return encode_transaction(tx)


def open_chain(path, l1: FakeL1, clock) -> Blockchain:
    return Blockchain(ChainStore.open(path), l2_genesis(timestamp=l1.anchor.timestamp), OVM_CANCUN,
                      clock=lambda: clock[0])


class Sequencing:
    """A sequencer building on the fake L1, its derivation, and a batcher posting by hand."""

    def __init__(self, path, l1: FakeL1, rollup_rules, confirmations: int = 1) -> None:
        self.l1 = l1
        self.clock = [l1.anchor.timestamp]
        self.chain = open_chain(path / "sequencer", l1, self.clock)
        self.sequencer = Sequencer(self.chain, Mempool(self.chain))
        self.opener = BlockOpener(self.chain, l1, rollup_rules, confirmations)
        self.sequencer.preamble = self.opener.open
        self.outputs = OutputRoots(self.chain)
        self.sequencer.new_blocks.subscribe(lambda built: self.outputs.record_head())
        self.rewinds: list[int] = []
        self.safe = SequencerChain(self.sequencer, self.outputs, on_rewind=self.rewinds.append)
        self.derivation = Derivation(l1, self.safe, rollup_rules, l1.anchor)
        self.posted = 0

    def build(self, seconds_after_l1: int = 2, count: int = 1) -> None:
        self.clock[0] = max(self.clock[0], self.l1.head.timestamp + seconds_after_l1)
        self.sequencer.mine(count)

    def tick(self, seconds_after_l1: int = 2) -> None:
        """What the interval loop does: a block, or more while catching up."""
        self.clock[0] = max(self.clock[0], self.l1.head.timestamp + seconds_after_l1)
        self.sequencer.tick()

    def batch(self) -> list:
        """The frames of the blocks not posted yet."""
        head = self.chain.head.number
        frames = [frame_of(self.chain.block(n)) for n in range(self.posted + 1, head + 1)]
        self.posted = head
        return frames

    def close(self) -> None:
        self.chain.store.close()


class Replica:
    def __init__(self, path, l1: FakeL1, rollup_rules) -> None:
        self.chain = open_chain(path / "replica", l1, [0])
        self.derivation = Derivation(l1, ReplicaChain(self.chain, OutputRoots(self.chain)), rollup_rules, l1.anchor)


@pytest.fixture
def l1() -> FakeL1:
    return FakeL1()


@pytest.fixture
def rig(tmp_path, l1):
    made = []

    def make(window: int = 6, drift: int = 600, confirmations: int = 1):
        the_rules = rules(window=window, drift=drift)
        sequencing = Sequencing(tmp_path, l1, the_rules, confirmations)
        replica = Replica(tmp_path, l1, the_rules)
        made.append((sequencing, replica))
        return sequencing, replica

    yield make
    for sequencing, replica in made:
        sequencing.close()
        replica.chain.store.close()


def hashes(chain: Blockchain, up_to: int) -> list[bytes]:
    return [chain.block(n).hash for n in range(up_to + 1)]


def step_both(sequencing: Sequencing, replica: Replica) -> None:
    sequencing.derivation.step()
    replica.derivation.step()


def test_blocks_batched_in_time_are_confirmed_as_built(rig, l1):
    sequencing, replica = rig()
    for round_ in range(5):
        if round_ == 2:
            sequencing.sequencer.submit(user_tx(0))
        sequencing.build()
        l1.mine(sequencing.batch())
        step_both(sequencing, replica)
    head = sequencing.chain.head.number
    assert sequencing.derivation.safe_head == head and sequencing.safe.replaced == 0
    assert hashes(replica.chain, head) == hashes(sequencing.chain, head)
    assert any(len(replica.chain.block(n).transactions) == 2 for n in range(head + 1))  # the user's


def test_blocks_whose_batches_miss_the_window_are_replaced_by_the_forced_ones(rig, l1):
    sequencing, replica = rig(window=4)
    l1.mine()
    sequencing.sequencer.submit(user_tx(0))
    sequencing.build(count=2)
    tx_block = sequencing.chain.block(1)
    assert len(tx_block.transactions) == 2
    for _ in range(6):  # no batch: the sequencing window passes
        l1.mine()
    sequencing.batch()  # lost: never posted
    step_both(sequencing, replica)
    assert sequencing.safe.replaced >= 1 and sequencing.rewinds[0] == 0
    assert sequencing.derivation.status.forced_blocks >= 1
    head = replica.chain.head.number
    assert sequencing.chain.head.number == head and hashes(sequencing.chain, head) == hashes(replica.chain, head)
    assert all(len(replica.chain.block(n).transactions) == 1 for n in range(1, head + 1))  # deposit-only
    assert len(sequencing.sequencer.mempool) == 1  # the user's transaction is pending again
    sequencing.posted = sequencing.chain.head.number
    sequencing.tick()  # it catches up with L1 (the forced blocks' origins are old), then
    sequencing.tick()  # the transaction goes into the next block, which is batched in time
    l1.mine(sequencing.batch())
    step_both(sequencing, replica)
    head = sequencing.chain.head.number
    assert replica.chain.head.number == head and hashes(replica.chain, head) == hashes(sequencing.chain, head)
    assert len(sequencing.sequencer.mempool) == 0
    assert any(len(replica.chain.block(n).transactions) == 2 for n in range(head + 1))


def test_a_flood_of_deposits_carries_over_with_the_same_blocks_on_both(rig, l1):
    """The attack of issue #10: 160 failing forced withdrawals of 200,000 gas and
    12 one-wei deposits in one L1 block, then a victim's 2 ETH deposit."""
    sequencing, replica = rig()
    flood = [forced_withdrawal(ATTACKER, 1)] * 160 + [(ATTACKER, 1)] * 12 + [(VICTIM.address, 2 * ETHER)]
    l1.mine(deposits=flood)
    l1.mine()
    before = sequencing.chain.state.get_balance(VICTIM.address)
    for _ in range(3):
        sequencing.build()
        l1.mine(sequencing.batch())
        step_both(sequencing, replica)
    head = sequencing.chain.head.number
    assert sequencing.safe.replaced == 0 and replica.chain.head.number == head
    assert hashes(replica.chain, head) == hashes(sequencing.chain, head)
    deposits = [tx for n in range(head + 1) for tx in user_deposits(sequencing.chain.block(n).transactions)]
    assert len(deposits) == len(flood) and deposits[-1].mint == 2 * ETHER
    assert [recorded_origin(sequencing.chain.block(n).transactions).number for n in (1, 2, 3)] == [0, 1, 1]
    for chain in (sequencing.chain, replica.chain):
        assert chain.state.get_balance(VICTIM.address) == before + 2 * ETHER


def test_past_the_drift_the_sequencer_builds_deposit_only_blocks_and_takes_the_next_origin(rig, l1):
    sequencing, replica = rig(drift=30, confirmations=3)
    for _ in range(4):
        l1.mine()
    sequencing.build()
    origin = recorded_origin(sequencing.chain.head.transactions)
    sequencing.sequencer.submit(user_tx(0))
    sequencing.clock[0] = origin.timestamp + 100  # L1 stalls: past the drift
    sequencing.sequencer.mine()
    stalled = sequencing.chain.head
    assert len(stalled.transactions) == 1 and len(sequencing.sequencer.mempool) == 1
    l1.mine(timestamp=sequencing.clock[0] + 1)  # a new L1 block: taken at once, though shallow
    sequencing.clock[0] += 2
    sequencing.sequencer.mine()
    assert len(sequencing.chain.head.transactions) == 1  # still past the drift of the next origin
    l1.mine(sequencing.batch(), timestamp=sequencing.clock[0] + 1)
    step_both(sequencing, replica)
    head = sequencing.chain.head.number
    assert sequencing.safe.replaced == 0 and hashes(replica.chain, head) == hashes(sequencing.chain, head)


def test_a_sequencer_far_behind_l1_builds_the_blocks_derivation_would_force(rig, l1):
    sequencing, replica = rig(window=4)
    l1.mine_until(12)  # the sequencer starts late
    sequencing.sequencer.submit(user_tx(0))
    start = sequencing.opener.open(sequencing.chain.next_timestamp())
    assert start.again and not start.include_pool and start.timestamp is not None
    sequencing.tick()  # recovering (deposit-only blocks), then catching up with the user's block
    chain = sequencing.chain
    assert len(chain.block(1).transactions) == 1 and len(sequencing.sequencer.mempool) == 0
    assert not sequencing.opener.open(chain.next_timestamp()).again
    l1.mine(sequencing.batch())  # the early frames land past their window: forced, the same
    step_both(sequencing, replica)
    head = chain.head.number
    assert replica.chain.head.number == head and sequencing.safe.replaced == 0
    assert hashes(replica.chain, head) == hashes(chain, head)


def test_deposits_reach_the_sequencers_blocks_in_order(rig, l1):
    sequencing, replica = rig()
    l1.mine(deposits=[(USER.address, 5), (VICTIM.address, 6)])
    l1.mine()
    sequencing.build(count=2)  # the first block's origin is the anchor; the second's, the deposits' block
    minted = [tx.mint for tx in sequencing.chain.head.transactions if isinstance(tx, DepositTransaction)][1:]
    assert minted == [5, 6]
