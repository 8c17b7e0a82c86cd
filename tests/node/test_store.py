"""
Chain store
===========

The LMDB store on its own, in a temporary directory: opening (and refusing a
directory another store holds), genesis, blocks that do not extend the head,
state diffs and their undo records (including wiped storage), rewinds that
restore every row, receipts with all their details, the log query, pending
transactions and snapshots.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from support import fee_market_tx
from ovm.chain import Block, Genesis, GenesisAccount, Header, Receipt, ReceiptDetails
from ovm.chain import combine_blooms, genesis_block, genesis_state, make_receipt
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.transactions import FeeMarketTransaction, transaction_hash
from ovm.node.store import ChainStore, LogRecord, Position, StoreError, log_matches
from ovm.state import Log, State

CHAIN_ID = 901
A = bytes.fromhex("aa" * 20)
B = bytes.fromhex("bb" * 20)
CODE = bytes.fromhex("6001600055")
TOPIC_X = b"\x01" * 32
TOPIC_Y = b"\x02" * 32
KEY = dev_accounts()[0].private_key
NONCES = itertools.count(100)  # distinct transactions for blocks of logs


def rows(store: ChainStore, before_block: int | None = None) -> tuple[dict, dict]:
    """Every account and non-empty storage map of the stored state."""
    state = store.load_state(before_block)
    accounts = {a: (acc.nonce, acc.balance, acc.code) for a, acc in state.accounts.items()}
    return accounts, {a: dict(slots) for a, slots in state.storage.items() if slots}


def signed(nonce: int) -> FeeMarketTransaction:
    return fee_market_tx(KEY, chain_id=CHAIN_ID, to=B, nonce=nonce, value=1, max_priority_fee_per_gas=1)


GENESIS = Genesis(alloc={A: GenesisAccount(balance=100, nonce=1, code=CODE, storage={1: 5, 2: 6})})


@pytest.fixture
def store(tmp_path):
    store = ChainStore.open(tmp_path / "db")
    state = genesis_state(GENESIS)
    store.commit_genesis(genesis_block(GENESIS, state), state.take_diff())
    yield store
    store.close()


def child_block(parent: Header, state_root: bytes, txs=(), logs_bloom=None) -> Block:
    header = dataclasses.replace(
        parent, parent_hash=Block(parent, ()).hash, number=parent.number + 1,
        timestamp=parent.timestamp + 1, state_root=state_root,
        logs_bloom=parent.logs_bloom if logs_bloom is None else logs_bloom,
    )  # fmt: skip
    return Block(header, tuple(txs))


def details_for(tx, index: int, first_log: int, **extra) -> ReceiptDetails:
    return ReceiptDetails(
        transaction_hash=transaction_hash(tx), transaction_index=index, sender=A, to=B,
        gas_used=21000, effective_gas_price=7, contract_address=None, first_log_index=first_log,
        **extra,
    )  # fmt: skip


# --- opening -----------------------------------------------------------------------


def test_a_new_store_is_empty(tmp_path):
    with ChainStore.open(tmp_path / "new") as store:
        assert store.is_empty() and store.head() is None and store.genesis_hash() is None


def test_a_directory_is_opened_by_one_store_at_a_time(store):
    with pytest.raises(StoreError, match="in use by another process"):
        ChainStore.open(store.path)


def test_reopening_finds_the_genesis(store):
    head = store.head()
    store.close()
    with ChainStore.open(store.path) as again:
        assert again.head() == head and again.genesis_hash() == head.hash
        assert rows(again) == ({A: (1, 100, CODE)}, {A: {1: 5, 2: 6}})
        assert again.position() == Position(0, 0)


def test_genesis_is_written_once(store):
    state = genesis_state(GENESIS)
    with pytest.raises(StoreError, match="already has a genesis"):
        store.commit_genesis(genesis_block(GENESIS, state), state.take_diff())


def test_load_state_matches_the_genesis_root(store):
    assert store.load_state().state_root() == store.head().header.state_root == store.state_root()


# --- blocks ------------------------------------------------------------------------


def test_a_block_must_extend_the_head(store):
    genesis = store.head().header
    state = store.load_state()
    child = child_block(genesis, genesis.state_root).header
    orphan = dataclasses.replace(child, parent_hash=b"\x07" * 32)
    with pytest.raises(StoreError, match="does not extend the head"):
        store.commit_block(Block(orphan, ()), [], [], state.take_diff())
    gap = dataclasses.replace(child, number=2)
    with pytest.raises(StoreError, match="does not extend the head"):
        store.commit_block(Block(gap, ()), [], [], state.take_diff())
    assert store.head().number == 0


def test_receipt_count_must_match_the_transactions(store):
    block = child_block(store.head().header, store.state_root(), [signed(0)])
    with pytest.raises(StoreError, match="1 transactions, 0 receipts"):
        store.commit_block(block, [], [], store.load_state().take_diff())


def test_blocks_receipts_and_indexes_round_trip(store):
    txs = [signed(0), signed(1)]
    logs = [Log(A, (TOPIC_X,), b"x"), Log(B, (TOPIC_X, TOPIC_Y), b"")]
    receipts = [make_receipt(2, True, 21000, logs[:1]), make_receipt(2, False, 42000, logs[1:])]
    details = [
        details_for(txs[0], 0, 0, blob_gas_used=131072, blob_gas_price=1),
        dataclasses.replace(details_for(txs[1], 1, 1), to=None, contract_address=B),
    ]
    block = child_block(store.head().header, store.state_root(), txs)
    store.commit_block(block, receipts, details, store.load_state().take_diff())

    assert store.head() == block == store.block(1) == store.block(block.hash)
    assert store.header(1) == block.header and store.body(block.hash) == tuple(txs)
    assert store.canonical_hash(1) == block.hash and store.block(2) is None
    records = store.receipts(block.hash)
    assert [(r.receipt, r.details, r.header) for r in records] == [
        (receipts[0], details[0], block.header),
        (receipts[1], details[1], block.header),
    ]
    assert store.receipt(transaction_hash(txs[1])).details == details[1]
    location = store.tx_location(transaction_hash(txs[1]))
    assert (location.tx, location.block_hash, location.block_number, location.index) == (
        txs[1], block.hash, 1, 1,
    )  # fmt: skip
    assert store.tx_location(b"\x00" * 32) is None and store.receipt(b"\x00" * 32) is None
    assert store.receipts(b"\x00" * 32) is None


def test_a_block_hash_must_be_32_bytes(store):
    with pytest.raises(ValueError, match="32 bytes"):
        store.block(b"\x01")


# --- state diffs and undo ----------------------------------------------------------


def dev_change(store: ChainStore, change) -> bytes:
    """Apply ``change`` to the stored state and persist it as a dev change."""
    state = store.load_state()
    state.begin_transaction()
    change(state)
    diff = state.take_diff()
    store.commit_dev_change(diff, state.state_root())
    return state.state_root()


def test_dev_changes_persist_with_their_root(store):
    def change(state: State) -> None:
        state.set_balance(B, 9)
        state.set_storage(A, 1, 0)
        state.set_storage(A, 3, 4)

    root = dev_change(store, change)
    assert store.state_root() == root and store.position() == Position(0, 1)
    assert rows(store) == ({A: (1, 100, CODE), B: (0, 9, b"")}, {A: {2: 6, 3: 4}})
    assert store.load_state().state_root() == root


def test_wiped_storage_comes_back_on_rewind(store):
    before = rows(store)
    genesis_root = store.state_root()

    def destroy_and_recreate(state: State) -> None:
        state.destroy_account(A)
        state.set_balance(A, 1)
        state.set_storage(A, 7, 8)

    dev_change(store, destroy_and_recreate)
    assert rows(store) == ({A: (0, 1, b"")}, {A: {7: 8}})
    store.rewind(0)
    assert rows(store) == before and store.state_root() == genesis_root
    assert store.position() == Position(0, 0)


def test_rewind_undoes_blocks_and_dev_changes_newest_first(store):
    snapshots = [rows(store)]
    for balance in (10, 20):
        state = store.load_state()
        state.begin_transaction()
        state.set_balance(B, balance)
        state.set_storage(A, balance, balance)
        diff = state.take_diff()
        block = child_block(store.head().header, state.state_root())
        store.commit_block(block, [], [], diff)
        dev_change(store, lambda s, b=balance: s.set_storage(A, 1, b))
        snapshots.append(rows(store))
    assert store.position() == Position(2, 1)
    assert [rows(store, before_block=n) for n in (1, 2, 3)] == snapshots
    store.rewind(1)
    assert store.head().number == 1 and store.position() == Position(1, 0)
    assert store.state_root() == store.head().header.state_root == store.load_state().state_root()
    assert rows(store)[0][B] == (0, 10, b"") and rows(store)[1][A][1] == 5
    store.rewind(0)
    assert rows(store) == snapshots[0] and store.block(1) is None


def commit_transfer(store: ChainStore, tx) -> Block:
    """A block of ``tx`` with a plain receipt and no state change."""
    block = child_block(store.head().header, store.state_root(), [tx])
    receipt = make_receipt(2, True, 21000, [])
    store.commit_block(block, [receipt], [details_for(tx, 0, 0)], store.load_state().take_diff())
    return block


def test_rewind_deletes_the_blocks_indexes(store):
    tx = signed(0)
    block = commit_transfer(store, tx)
    store.rewind(0)
    assert store.receipt(transaction_hash(tx)) is None
    assert store.tx_location(transaction_hash(tx)) is None
    assert store.block(block.hash) is None and store.receipts(block.hash) is None


def test_rewind_beyond_the_head_is_refused(store):
    with pytest.raises(StoreError, match="cannot rewind to block 3"):
        store.rewind(3)


def test_state_before_a_future_block_is_refused(store):
    with pytest.raises(StoreError, match="no state before block 5"):
        store.load_state(before_block=5)


# --- snapshots ---------------------------------------------------------------------


def test_snapshots_revert_once_and_drop_later_ones(store):
    first = store.snapshot()
    dev_change(store, lambda s: s.set_balance(B, 1))
    second = store.snapshot()
    dev_change(store, lambda s: s.set_balance(B, 2))
    assert store.revert_to_snapshot(first)
    assert B not in rows(store)[0] and store.position() == Position(0, 0)
    assert not store.revert_to_snapshot(first) and not store.revert_to_snapshot(second)
    assert not store.revert_to_snapshot(0) and not store.revert_to_snapshot(-1)


def test_rewinding_below_a_snapshot_forgets_it(store):
    dev_change(store, lambda s: s.set_balance(B, 1))
    later = store.snapshot()
    store.rewind(0)
    assert not store.revert_to_snapshot(later)


# --- logs ----------------------------------------------------------------------------


def commit_logs(store: ChainStore, logs_per_tx: list[list[Log]]) -> Block:
    head = store.head()
    txs = [signed(next(NONCES)) for _ in logs_per_tx]
    receipts, details, first = [], [], 0
    for i, (tx, logs) in enumerate(zip(txs, logs_per_tx)):
        receipts.append(make_receipt(2, True, 21000 * (i + 1), logs))
        details.append(details_for(tx, i, first))
        first += len(logs)
    bloom = combine_blooms(receipt.bloom for receipt in receipts)
    block = child_block(head.header, store.state_root(), txs, bloom)
    store.commit_block(block, receipts, details, State().take_diff())
    return block


def test_logs_are_found_by_range_address_and_topics(store):
    x = Log(A, (TOPIC_X,), b"1")
    y = Log(B, (TOPIC_X, TOPIC_Y), b"2")
    first = commit_logs(store, [[x], [y]])
    commit_logs(store, [])
    third = commit_logs(store, [[y, x]])

    everything = store.logs(0, 10)
    assert [(r.log, r.block_number, r.tx_index, r.log_index) for r in everything] == [
        (x, 1, 0, 0), (y, 1, 1, 1), (y, 3, 0, 0), (x, 3, 0, 1),
    ]  # fmt: skip
    first_tx = transaction_hash(first.transactions[0])
    assert everything[0] == LogRecord(x, 1, first.hash, first_tx, 0, 0)
    assert everything[2].block_hash == third.hash
    assert [r.log for r in store.logs(2, 3, {A})] == [x]
    assert [r.log for r in store.logs(0, 3, None, [None, {TOPIC_Y}])] == [y, y]
    assert [r.log for r in store.logs(0, 3, {A, B}, [{TOPIC_X}])] == [x, y, y, x]
    assert store.logs(0, 3, {b"\x0c" * 20}) == []
    assert store.logs(2, 2) == []


@pytest.mark.parametrize(
    "addresses, topics, matches",
    [
        (None, [], True),
        (set(), [None], True),
        ({A}, [], True),
        ({B}, [], False),
        (None, [{TOPIC_X}], True),
        (None, [{TOPIC_Y}], False),
        (None, [set(), {TOPIC_Y}], True),
        (None, [{TOPIC_X}, {TOPIC_Y}, None], False),  # more positions than topics
    ],
)
def test_log_matching_follows_geth(addresses, topics, matches):
    assert log_matches(Log(A, (TOPIC_X, TOPIC_Y), b""), addresses, topics) is matches


# --- pending transactions ----------------------------------------------------------


def test_pending_transactions_keep_their_arrival_order(store):
    txs = [signed(2), signed(0), signed(1)]
    hashes = [store.put_pending(tx) for tx in txs]
    store.put_pending(txs[0])  # again: keeps its place
    assert hashes == [transaction_hash(tx) for tx in txs]
    assert store.pending() == txs
    assert store.delete_pending(hashes[1]) and not store.delete_pending(hashes[1])
    assert store.pending() == [txs[0], txs[2]]


def test_a_block_removes_its_transactions_from_pending(store):
    tx, other = signed(0), signed(1)
    store.put_pending(tx)
    store.put_pending(other)
    commit_transfer(store, tx)
    assert store.pending() == [other]


def test_time_offset_persists(store):
    assert store.time_offset() == 0
    store.set_time_offset(3600)
    store.close()
    with ChainStore.open(store.path) as again:
        assert again.time_offset() == 3600


def test_receipt_type_is_kept(store):
    tx = signed(0)
    receipt = Receipt(0, 1, 21000, make_receipt(0, True, 0, []).bloom, ())
    block = child_block(store.head().header, store.state_root(), [tx])
    store.commit_block(block, [receipt], [details_for(tx, 0, 0)], store.load_state().take_diff())
    assert store.receipt(transaction_hash(tx)).receipt == receipt


# --- transactions by address ------------------------------------------------------------

C = bytes.fromhex("cc" * 20)
D = bytes.fromhex("dd" * 20)


def commit_indexed(store: ChainStore, nonces: list[int], touched: list[set[bytes]]) -> Block:
    """A block of transfers A → B with these nonces; each touched ``touched[i]``."""
    txs = [signed(n) for n in nonces]
    receipts = [make_receipt(2, True, 21000 * (i + 1), []) for i in range(len(txs))]
    details = [details_for(tx, i, 0) for i, tx in enumerate(txs)]
    block = child_block(store.head().header, store.state_root(), txs)
    store.commit_block(block, receipts, details, State().take_diff(), touched)
    return block


def test_transactions_are_indexed_by_every_address_they_touch(store):
    commit_indexed(store, [0, 1], [{C}, set()])  # block 1
    commit_indexed(store, [2], [{C, D}])  # block 2
    commit_indexed(store, [3, 4, 5], [set(), set(), {D}])  # block 3
    assert store.address_transactions(A, 0, False, 100) == ([(1, 0), (1, 1), (2, 0), (3, 0), (3, 1), (3, 2)], False)
    assert store.address_transactions(C, 0, False, 100).places == [(1, 0), (2, 0)]
    assert store.address_transactions(D, 3, True, 100).places == [(3, 2), (2, 0)]
    assert store.address_transactions(D, 2, True, 100).places == [(2, 0)]
    assert store.address_transactions(bytes(20), 0, False, 100) == ([], False)
    # a page holds whole blocks: past the page size only to finish the block
    assert store.address_transactions(A, 0, False, 1) == ([(1, 0), (1, 1)], True)
    assert store.address_transactions(A, 3, True, 2) == ([(3, 2), (3, 1), (3, 0)], True)
    assert store.address_transactions(A, 2, True, 1) == ([(2, 0)], True)
    assert store.address_transactions(A, 1, True, 5) == ([(1, 1), (1, 0)], False)
    assert store.sent_transaction(A, 4) == (3, 1) and store.sent_transaction(A, 9) is None
    assert store.sent_transaction(B, 0) is None  # B received, never sent


def test_the_address_index_survives_reopening_and_leaves_with_rewound_blocks(store, tmp_path):
    commit_indexed(store, [0], [{C}])
    commit_indexed(store, [1], [{C}])
    store.close()
    reopened = ChainStore.open(tmp_path / "db")
    try:
        assert reopened.address_transactions(C, 0, False, 10).places == [(1, 0), (2, 0)]
        reopened.rewind(1)
        assert reopened.address_transactions(C, 0, False, 10).places == [(1, 0)]
        assert reopened.address_transactions(A, 0, False, 10).places == [(1, 0)]
        assert reopened.sent_transaction(A, 1) is None and reopened.sent_transaction(A, 0) == (1, 0)
    finally:
        reopened.close()
