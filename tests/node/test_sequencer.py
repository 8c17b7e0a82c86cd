"""
Sequencer
=========

Block production over a real ``Blockchain`` and ``Mempool``: instant mode (the
receipt exists when ``submit`` returns; a queued transaction waits for its gap;
a transaction the block refuses is answered with the reason), ``mine`` for
``evm_mine``, and the interval loop on an event loop — empty blocks, pending
transactions picked up, a failing build survived, a clean stop — and blocks
announced to listeners; a rollup's preamble (its transactions first, the pool
kept out, its timestamp, catching up, skipping), and blocks rewound and
adopted.
"""

from __future__ import annotations

import asyncio

import pytest

from support import fee_market_tx
from ovm.chain import dev_genesis
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.transactions import encode_transaction
from ovm.node.chain import Blockchain
from ovm.node.mempool import Mempool
from ovm.node.sequencer import MAX_CATCH_UP, BlockStart, Sequencer, SkipBlock
from ovm.node.store import ChainStore
from ovm.evm.forks import CANCUN
from ovm.evm.instructions.system import create_address
from ovm.safety import AdmissionError, chain_deployment_policy, with_deployment_policy

CHAIN_ID = 901
NOW = 1_700_000_000
GWEI = 10**9
ETHER = 10**18
ALICE, BOB = dev_accounts()[:2]
TO = bytes.fromhex("da" * 20)
FAST = 0.02  # seconds between blocks in the interval tests


def transfer(account, nonce: int, value: int = 1, *, to: bytes | None = TO, data: bytes = b"",
             gas: int = 21000) -> bytes:  # fmt: skip
    tx = fee_market_tx(account.private_key, chain_id=CHAIN_ID, to=to, nonce=nonce, value=value, data=data, gas=gas)
    return encode_transaction(tx)


@pytest.fixture
def chain(tmp_path):
    chain = Blockchain(ChainStore.open(tmp_path / "chain"), dev_genesis(), clock=lambda: NOW)
    yield chain
    chain.store.close()


def sequencer(chain: Blockchain, **options) -> Sequencer:
    return Sequencer(chain, Mempool(chain), **options)


def block_numbers(seq: Sequencer) -> list[int]:
    numbers: list[int] = []
    seq.new_blocks.subscribe(lambda built: numbers.append(built.block.number))
    return numbers


# --- instant mode --------------------------------------------------------------------


def test_instant_mode_has_the_receipt_when_submit_returns(chain):
    seq = sequencer(chain, instant=True)
    announced = block_numbers(seq)
    tx_hash = seq.submit(transfer(ALICE, 0))
    assert chain.receipt(tx_hash) is not None
    assert chain.head.number == 1 and announced == [1]
    assert len(seq.mempool) == 0 and chain.pending_transactions() == []


def test_instant_mode_makes_a_block_per_transaction(chain):
    seq = sequencer(chain, instant=True)
    for nonce in range(3):
        seq.submit(transfer(ALICE, nonce))
    assert chain.head.number == 3
    assert [len(chain.block(n).transactions) for n in (1, 2, 3)] == [1, 1, 1]


def test_a_queued_transaction_waits_for_its_gap(chain):
    seq = sequencer(chain, instant=True)
    later = seq.submit(transfer(ALICE, 1))
    assert chain.head.number == 0 and chain.receipt(later) is None
    seq.submit(transfer(ALICE, 0))
    assert chain.head.number == 1 and len(chain.head.transactions) == 2
    assert chain.receipt(later) is not None


def test_a_transaction_the_block_refuses_is_answered(chain):
    seq = sequencer(chain, instant=True)
    seq.mempool.add(transfer(ALICE, 0, value=6000 * ETHER))  # pending, not yet mined
    with pytest.raises(AdmissionError, match="^insufficient funds for gas \\* price \\+ value"):
        seq.submit(transfer(ALICE, 1, value=6000 * ETHER))
    assert chain.head.number == 1 and len(chain.head.transactions) == 1
    assert len(seq.mempool) == 0 and chain.pending_transactions() == []


def test_admission_errors_come_straight_back(chain):
    seq = sequencer(chain, instant=True)
    seq.submit(transfer(ALICE, 0))
    with pytest.raises(AdmissionError, match="^nonce too low"):
        seq.submit(transfer(ALICE, 0))
    assert chain.head.number == 1


def test_starting_in_instant_mode_mines_restored_transactions(chain):
    seq = sequencer(chain, instant=True)
    seq.mempool.add(transfer(ALICE, 0))
    seq.mempool.add(transfer(BOB, 0))
    asyncio.run(seq.start())
    assert chain.head.number == 1 and len(chain.head.transactions) == 2
    assert not seq.running


def test_a_chain_with_a_deployment_policy(tmp_path):
    policy = chain_deployment_policy(denied_opcodes=["SELFDESTRUCT"])
    fork = with_deployment_policy(CANCUN, policy)
    chain = Blockchain(ChainStore.open(tmp_path / "chain"), dev_genesis(), fork, clock=lambda: NOW)
    try:
        seq = Sequencer(chain, Mempool(chain, deployment_policy=policy), instant=True)
        with pytest.raises(AdmissionError, match="^denied opcode: initcode uses SELFDESTRUCT"):
            seq.submit(transfer(ALICE, 0, to=None, data=bytes.fromhex("6000ff"), gas=100_000))
        # initcode returning PUSH1 0 SELFDESTRUCT: only the block can tell
        returns_selfdestruct = bytes.fromhex("626000ff6000526003601df3")
        tx_hash = seq.submit(transfer(ALICE, 0, to=None, data=returns_selfdestruct, gas=100_000))
        assert chain.receipt(tx_hash).receipt.status == 0
        assert chain.state.get_code(create_address(ALICE.address, 0)) == b""
    finally:
        chain.store.close()


# --- mine ----------------------------------------------------------------------------


def test_mine_builds_blocks_empty_or_not(chain):
    seq = sequencer(chain)
    seq.submit(transfer(ALICE, 0))
    built = seq.mine(3)
    assert [len(b.block.transactions) for b in built] == [1, 0, 0]
    assert chain.head.number == 3 and len(seq.mempool) == 0


def test_mine_at_a_timestamp(chain):
    seq = sequencer(chain)
    first, second = seq.mine(2, timestamp=NOW + 100)
    assert first.block.header.timestamp == NOW + 100
    assert second.block.header.timestamp == NOW + 101


def test_mine_needs_a_count(chain):
    with pytest.raises(ValueError, match="block count must be at least 1, got 0"):
        sequencer(chain).mine(0)


def test_block_time_must_be_positive(chain):
    with pytest.raises(ValueError, match="block time must be positive, got 0"):
        sequencer(chain, block_time=0)


# --- the interval loop ----------------------------------------------------------------


async def wait_for(condition, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(FAST / 4)


def test_interval_blocks_come_empty_or_with_the_pending_transactions(chain):
    seq = sequencer(chain, block_time=FAST)

    async def scenario():
        await seq.start()
        assert seq.running
        await wait_for(lambda: chain.head.number >= 2)
        tx_hash = seq.submit(transfer(ALICE, 0))
        assert chain.receipt(tx_hash) is None  # not before the next tick
        await wait_for(lambda: chain.receipt(tx_hash) is not None)
        await seq.stop()
        return tx_hash

    tx_hash = asyncio.run(scenario())
    assert not seq.running and len(seq.mempool) == 0
    location = chain.transaction(tx_hash)
    assert location is not None and location.block_number > 2


def test_stop_stops_the_blocks(chain):
    seq = sequencer(chain, block_time=FAST)

    async def scenario():
        await seq.start()
        await wait_for(lambda: chain.head.number >= 1)
        await seq.stop()
        stopped_at = chain.head.number
        await asyncio.sleep(FAST * 5)
        return stopped_at

    assert asyncio.run(scenario()) == chain.head.number


def test_a_failing_build_does_not_end_the_loop(chain, monkeypatch):
    seq = sequencer(chain, block_time=FAST)
    build = chain.build_block
    failures = []

    def flaky(txs, timestamp=None):
        if not failures:
            failures.append(1)
            raise RuntimeError("disk full")
        return build(txs, timestamp)

    monkeypatch.setattr(chain, "build_block", flaky)

    async def scenario():
        await seq.start()
        await wait_for(lambda: chain.head.number >= 1)
        await seq.stop()

    asyncio.run(scenario())
    assert failures == [1]


def test_the_loop_starts_once(chain):
    seq = sequencer(chain, block_time=FAST)

    async def scenario():
        await seq.start()
        try:
            with pytest.raises(RuntimeError, match="already running"):
                await seq.start()
        finally:
            await seq.stop()

    asyncio.run(scenario())


def test_listeners_hear_of_every_block(chain):
    seq = sequencer(chain, block_time=FAST)
    announced = block_numbers(seq)

    async def scenario():
        await seq.start()
        await wait_for(lambda: chain.head.number >= 3)
        await seq.stop()

    asyncio.run(scenario())
    assert announced == list(range(1, chain.head.number + 1))


def test_blocks_are_packed_by_the_gas_transactions_use(chain):
    seq = sequencer(chain)
    # 400 transfers with 100k gas limits: by their limits only 300 fit the 30M
    # block; by the 21k each uses, all do (as geth packs them)
    count = 400
    for nonce in range(count):
        seq.submit(transfer(ALICE, nonce, gas=100_000))
    [built] = seq.mine()
    assert len(built.included) == count
    assert built.rejected == [] and built.deferred == []


# --- a rollup's preamble ---------------------------------------------------------------


def opened_by(start: BlockStart):
    """A preamble hook answering ``start`` whatever the timestamp (and recording them)."""
    seen: list[int] = []

    def preamble(timestamp: int) -> BlockStart:
        seen.append(timestamp)
        return start

    preamble.seen = seen
    return preamble


def test_the_preamble_opens_the_block_before_the_pool(chain):
    from ovm.evm.transactions import decode_transaction

    opening = decode_transaction(transfer(BOB, 0))
    seq = sequencer(chain, preamble=opened_by(BlockStart([opening])))
    seq.submit(transfer(ALICE, 0))
    [built] = seq.mine()
    assert [tx for tx, _, _ in built.included][0] == opening and len(built.included) == 2


def test_a_preamble_can_keep_the_pool_out_and_set_the_timestamp(chain):
    seq = sequencer(chain, preamble=opened_by(BlockStart([], include_pool=False, timestamp=NOW + 50)))
    seq.submit(transfer(ALICE, 0))
    [built] = seq.mine()
    assert built.included == [] and built.block.header.timestamp == NOW + 50 and len(seq.mempool) == 1


def test_a_tick_builds_more_blocks_while_the_preamble_asks_and_none_when_it_skips(chain):
    seq = sequencer(chain, preamble=opened_by(BlockStart([], again=True)))
    seq.tick()
    assert chain.head.number == MAX_CATCH_UP

    def skip(timestamp):
        raise SkipBlock("the origin left L1")

    seq.preamble = skip
    seq.tick()
    assert chain.head.number == MAX_CATCH_UP


def test_rewound_blocks_give_their_transactions_back_to_the_pool(chain):
    seq = sequencer(chain)
    seq.submit(transfer(ALICE, 0))
    seq.submit(transfer(ALICE, 1))
    seq.mine()
    assert chain.head.number == 1 and len(seq.mempool) == 0
    assert seq.rewind(0) == 2
    assert chain.head.number == 0 and len(seq.mempool) == 2
    built = seq.adopt([], NOW + 9)  # a block derived elsewhere, announced as any
    assert built.block.number == 1 and built.block.header.timestamp == NOW + 9
    [again] = seq.mine()
    assert len(again.included) == 2 and len(seq.mempool) == 0
