"""
Mempool
=======

The pool over a real ``Blockchain`` (LMDB in a temporary directory): pending
and queued transactions around nonce gaps, the order offered for a block
(effective tip, arrival, nonce order per sender, base fee and gas budget),
replacement by geth's 10% rule, the pool and per-sender limits, leaving the
pool when included or stale, listeners, restoring the persisted
transactions after a restart, and blob transactions on an L1 chain (their
blobs kept through inclusion and restarts).
"""

from __future__ import annotations

import pytest
from support import fee_market_tx, legacy_tx

from ovm.chain import dev_genesis
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.blobs import BYTES_PER_BLOB, encode_network_form, make_sidecar
from ovm.evm.forks import OVM_CANCUN
from ovm.evm.gas import GAS_PER_BLOB
from ovm.evm.kzg import versioned_hash
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import BlobTransaction, encode_transaction, transaction_hash
from ovm.node.chain import Blockchain
from ovm.node.mempool import Mempool, PoolLimits
from ovm.node.store import ChainStore
from ovm.safety import AdmissionError

CHAIN_ID = 901
NOW = 1_700_000_000
GWEI = 10**9
ALICE, BOB, CAROL = dev_accounts()[:3]
TO = bytes.fromhex("da" * 20)
GAS_LIMIT = 30_000_000


def transfer(account, nonce: int, *, tip: int = GWEI, fee_cap: int = 10 * GWEI, gas: int = 21000):
    return fee_market_tx(account.private_key, chain_id=CHAIN_ID, to=TO, nonce=nonce, value=1, gas=gas,
                         max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap)


def legacy(account, nonce: int, gas_price: int):
    return legacy_tx(account.private_key, chain_id=CHAIN_ID, to=TO, nonce=nonce, value=1, gas_price=gas_price)


def open_chain(path) -> Blockchain:
    return Blockchain(ChainStore.open(path), dev_genesis(), clock=lambda: NOW)


@pytest.fixture
def chain(tmp_path):
    chain = open_chain(tmp_path / "chain")
    yield chain
    chain.store.close()


@pytest.fixture
def pool(chain):
    return Mempool(chain)


def add_all(pool: Mempool, *txs) -> list[bytes]:
    return [pool.add(encode_transaction(tx)) for tx in txs]


def refusal(pool: Mempool, tx) -> str:
    with pytest.raises(AdmissionError) as error:
        pool.add(encode_transaction(tx))
    return str(error.value)


def for_block(pool: Mempool, base_fee: int = GWEI, gas_limit: int = GAS_LIMIT) -> list:
    return pool.pending_for_block(base_fee, gas_limit)


def hashes(txs) -> list[bytes]:
    return [transaction_hash(tx) for tx in txs]


def nonces(content: dict, sender: bytes) -> list[int]:
    return list(content.get(sender, {}))


# --- adding ------------------------------------------------------------------------


def test_add_returns_the_hash_and_persists_the_transaction(chain, pool):
    tx = transfer(ALICE, 0)
    assert pool.add(encode_transaction(tx)) == transaction_hash(tx)
    assert transaction_hash(tx) in pool and len(pool) == 1
    assert pool.get(transaction_hash(tx)).sender == ALICE.address
    assert chain.pending_transactions() == [tx]


def test_the_same_transaction_again_is_already_known(pool):
    add_all(pool, transfer(ALICE, 0))
    assert refusal(pool, transfer(ALICE, 0)) == "already known"


def test_admission_uses_the_next_blocks_base_fee(chain, pool):
    cap = chain.next_base_fee() - 1
    assert refusal(pool, transfer(ALICE, 0, tip=1, fee_cap=cap)).startswith(
        "max fee per gas less than block base fee"
    )


def test_a_refused_transaction_is_not_persisted(chain, pool):
    refusal(pool, transfer(ALICE, 1000))
    assert chain.pending_transactions() == []


# --- pending and queued --------------------------------------------------------------


def test_a_nonce_gap_queues_until_it_is_filled(pool):
    gapped = transfer(ALICE, 2)
    add_all(pool, gapped)
    assert nonces(pool.content()["queued"], ALICE.address) == [2]
    assert pool.pending_nonce(ALICE.address) == 0 and not pool.is_pending(transaction_hash(gapped))
    assert for_block(pool) == []
    add_all(pool, transfer(ALICE, 0))
    assert pool.pending_nonce(ALICE.address) == 1
    add_all(pool, transfer(ALICE, 1))
    content = pool.content()
    assert nonces(content["pending"], ALICE.address) == [0, 1, 2] and content["queued"] == {}
    assert pool.pending_nonce(ALICE.address) == 3 and pool.is_pending(transaction_hash(gapped))


def test_pending_nonce_of_an_unknown_account_is_its_state_nonce(pool):
    assert pool.pending_nonce(TO) == 0


def test_content_groups_by_sender_and_nonce(pool):
    a0, a5, b0 = transfer(ALICE, 0), transfer(ALICE, 5), transfer(BOB, 0)
    add_all(pool, a5, b0, a0)
    content = pool.content()
    assert {s: {n: e.tx for n, e in txs.items()} for s, txs in content["pending"].items()} == {
        ALICE.address: {0: a0}, BOB.address: {0: b0}
    }
    assert {s: {n: e.tx for n, e in txs.items()} for s, txs in content["queued"].items()} == {
        ALICE.address: {5: a5}
    }


# --- order for a block ---------------------------------------------------------------


def test_best_effective_tip_first_then_arrival(pool):
    a, b = transfer(ALICE, 0, tip=1), transfer(BOB, 0, tip=5 * GWEI)
    c, d = transfer(CAROL, 0, tip=3 * GWEI), transfer(dev_accounts()[3], 0, tip=1)
    add_all(pool, a, b, c, d)
    assert for_block(pool) == [b, c, a, d]


def test_effective_tip_is_capped_by_the_fee_cap_above_the_base_fee(pool):
    capped = transfer(ALICE, 0, tip=3 * GWEI, fee_cap=3 * GWEI)  # 2 gwei above the base fee
    plain = transfer(BOB, 0, tip=5 * GWEI // 2)
    add_all(pool, capped, plain)
    assert for_block(pool, base_fee=GWEI) == [plain, capped]


def test_each_senders_transactions_come_in_nonce_order(pool):
    a0, a1 = transfer(ALICE, 0, tip=1), transfer(ALICE, 1, tip=9 * GWEI)
    b0 = transfer(BOB, 0, tip=GWEI)
    add_all(pool, a1, a0, b0)
    assert for_block(pool) == [b0, a0, a1]


def test_a_sender_below_the_base_fee_waits_with_its_later_nonces(pool):
    low = transfer(ALICE, 0, tip=1, fee_cap=2 * GWEI)
    add_all(pool, low, transfer(ALICE, 1), transfer(BOB, 0))
    assert hashes(for_block(pool, base_fee=3 * GWEI)) == hashes([transfer(BOB, 0)])


def test_candidates_are_capped_by_what_could_fit(pool):
    # blocks are packed by gas used, so candidates are not cut by their gas
    # limits; only by how many 21,000-gas transactions the block could hold
    big = transfer(ALICE, 0, tip=9 * GWEI, gas=40_000)
    after_big = transfer(ALICE, 1, gas=21000)
    small = transfer(BOB, 0, tip=2 * GWEI, gas=21000)
    add_all(pool, big, after_big, small)
    assert for_block(pool, gas_limit=30_000) == [big]
    assert for_block(pool, gas_limit=63_000) == [big, small, after_big]


# --- replacement ---------------------------------------------------------------------


def test_replacement_needs_ten_percent_more_fee_cap_and_tip(chain, pool):
    old = transfer(ALICE, 0, tip=GWEI, fee_cap=10 * GWEI)
    new = transfer(ALICE, 0, tip=GWEI * 11 // 10, fee_cap=11 * GWEI)
    add_all(pool, old, new)
    assert transaction_hash(old) not in pool and pool.is_pending(transaction_hash(new))
    assert chain.pending_transactions() == [new]


@pytest.mark.parametrize(
    "tip, fee_cap",
    [(GWEI * 11 // 10 - 1, 11 * GWEI), (GWEI * 11 // 10, 11 * GWEI - 1), (2 * GWEI, 10 * GWEI)],
    ids=["tip-short", "fee-cap-short", "same-fee-cap"],
)
def test_underpriced_replacement(pool, tip, fee_cap):
    add_all(pool, transfer(ALICE, 0, tip=GWEI, fee_cap=10 * GWEI))
    assert refusal(pool, transfer(ALICE, 0, tip=tip, fee_cap=fee_cap)) == (
        "replacement transaction underpriced: needs maxFeePerGas >= 11000000000 "
        "and maxPriorityFeePerGas >= 1100000000"
    )


def test_replacement_of_a_zero_tip_needs_a_higher_one(pool):
    add_all(pool, transfer(ALICE, 0, tip=0))
    assert refusal(pool, transfer(ALICE, 0, tip=0, fee_cap=20 * GWEI)).endswith(
        "maxPriorityFeePerGas >= 1"
    )
    add_all(pool, transfer(ALICE, 0, tip=1, fee_cap=20 * GWEI))


def test_legacy_replacement_compares_gas_prices(pool):
    add_all(pool, legacy(ALICE, 0, 10 * GWEI))
    message = refusal(pool, legacy(ALICE, 0, 10 * GWEI + 1))
    assert message.startswith("replacement transaction underpriced")
    add_all(pool, legacy(ALICE, 0, 11 * GWEI))


# --- limits --------------------------------------------------------------------------


def test_a_full_pool_refuses_new_transactions_but_not_replacements(chain):
    pool = Mempool(chain, PoolLimits(max_transactions=2))
    add_all(pool, transfer(ALICE, 0), transfer(BOB, 0))
    assert refusal(pool, transfer(CAROL, 0)) == "txpool is full: 2 transactions"
    add_all(pool, transfer(ALICE, 0, tip=2 * GWEI, fee_cap=20 * GWEI))
    assert len(pool) == 2


def test_per_sender_limit(chain):
    pool = Mempool(chain, PoolLimits(max_per_sender=2))
    add_all(pool, transfer(ALICE, 0), transfer(ALICE, 1))
    assert refusal(pool, transfer(ALICE, 2)) == (
        f"account limit exceeded: address 0x{ALICE.address.hex()} has 2 transactions in the pool"
    )
    add_all(pool, transfer(BOB, 0))


def test_nonce_gap_limit_counts_from_the_pools_next_nonce(chain):
    pool = Mempool(chain, PoolLimits(max_nonce_gap=2))
    add_all(pool, transfer(ALICE, 0), transfer(ALICE, 1), transfer(ALICE, 4))
    assert refusal(pool, transfer(ALICE, 5)).endswith("tx: 5 state: 0, next: 2, max gap: 2")


# --- leaving the pool ----------------------------------------------------------------


def test_included_transactions_leave_and_stale_ones_are_dropped(chain, pool):
    pooled = transfer(ALICE, 0, tip=GWEI)
    queued = transfer(BOB, 3)
    add_all(pool, pooled, transfer(ALICE, 1), queued)
    other = transfer(ALICE, 0, tip=2 * GWEI)  # the same nonce, included from elsewhere
    built = chain.build_block([other, transfer(ALICE, 1)])
    pool.remove_included(tx for tx, _, _ in built.included)
    assert len(pool) == 1 and transaction_hash(queued) in pool
    assert chain.pending_transactions() == [queued]


def test_a_block_from_the_pool_empties_it(chain, pool):
    add_all(pool, transfer(ALICE, 0), transfer(ALICE, 1), transfer(BOB, 0))
    built = chain.build_block(for_block(pool, chain.next_base_fee()))
    assert len(built.included) == 3
    pool.remove_included(tx for tx, _, _ in built.included)
    assert len(pool) == 0 and chain.pending_transactions() == []
    assert pool.pending_nonce(ALICE.address) == 2


def test_dropped_transactions_are_forgotten(chain, pool):
    a0, a1 = transfer(ALICE, 0), transfer(ALICE, 1)
    add_all(pool, a0, a1)
    pool.drop([transaction_hash(a0)])
    assert chain.pending_transactions() == [a1]
    assert pool.content()["queued"] == {ALICE.address: {1: pool.get(transaction_hash(a1))}}


# --- listeners -----------------------------------------------------------------------


def test_listeners_hear_of_transactions_as_they_become_pending(pool):
    heard = []
    unsubscribe = pool.new_pending.subscribe(lambda entry: heard.append(entry.nonce))
    add_all(pool, transfer(ALICE, 2), transfer(ALICE, 0))
    assert heard == [0]
    add_all(pool, transfer(ALICE, 1))
    assert heard == [0, 1, 2]
    unsubscribe()
    add_all(pool, transfer(ALICE, 3))
    assert heard == [0, 1, 2]


def test_a_failing_listener_does_not_stop_the_pool(pool):
    heard = []
    pool.new_pending.subscribe(lambda entry: 1 / 0)
    pool.new_pending.subscribe(lambda entry: heard.append(entry.hash))
    tx_hash = pool.add(encode_transaction(transfer(ALICE, 0)))
    assert heard == [tx_hash]


# --- restart -------------------------------------------------------------------------


def test_restore_brings_back_what_was_acknowledged(chain, pool):
    txs = [transfer(ALICE, 0), transfer(ALICE, 1), transfer(BOB, 4)]
    add_all(pool, *txs)
    chain.store.close()
    reopened = open_chain(chain.store.path)
    try:
        restored = Mempool(reopened)
        assert restored.restore() == 3
        assert restored.content().keys() == pool.content().keys()
        assert {h for h in hashes(txs)} == {e.hash for e in map(restored.get, hashes(txs))}
        assert restored.pending_nonce(ALICE.address) == 2
    finally:
        reopened.store.close()


def test_restore_forgets_what_is_no_longer_valid(chain):
    old, new = transfer(ALICE, 0), transfer(ALICE, 0, tip=2 * GWEI, fee_cap=20 * GWEI)
    stale = transfer(BOB, 0)
    chain.build_block([stale])
    for tx in (old, new, stale):  # as if the node died between remembering and forgetting
        chain.remember_pending(tx)
    pool = Mempool(chain)
    assert pool.restore() == 2  # the old one, then its replacement
    assert hashes(for_block(pool)) == hashes([new])
    assert chain.pending_transactions() == [new]


# --- blob transactions (an L1 chain) -------------------------------------------------


@pytest.fixture(scope="module")
def sidecar():
    return make_sidecar([bytes(BYTES_PER_BLOB)])


def blob_transfer(account, nonce: int, sidecar):
    tx = BlobTransaction(
        CHAIN_ID, nonce, GWEI, 10 * GWEI, 21000, TO, 0, b"", (), 10,
        tuple(versioned_hash(c) for c in sidecar.commitments), 0, 0, 0,
    )  # fmt: skip
    return sign_transaction(tx, account.private_key, CHAIN_ID)


def test_a_blob_transaction_keeps_its_blobs_through_inclusion_and_restart(chain, pool, sidecar):
    tx = blob_transfer(ALICE, 0, sidecar)
    tx_hash = pool.add(encode_network_form(tx, sidecar))
    assert tx_hash == transaction_hash(tx) and chain.sidecar(tx_hash) == sidecar
    assert chain.pending_transactions() == [tx]
    block = chain.build_block(for_block(pool)).block
    assert block.transactions == (tx,) and block.header.blob_gas_used == len(sidecar.blobs) * GAS_PER_BLOB
    assert chain.pending_transactions() == [] and chain.sidecar(tx_hash) == sidecar
    chain.store.close()
    reopened = open_chain(chain.store.path)
    try:
        assert reopened.sidecar(tx_hash) == sidecar
    finally:
        reopened.store.close()


def test_a_pending_blob_transaction_is_restored_with_its_blobs(chain, pool, sidecar):
    tx = blob_transfer(ALICE, 0, sidecar)
    pool.add(encode_network_form(tx, sidecar))
    chain.store.close()
    reopened = open_chain(chain.store.path)
    try:
        restored = Mempool(reopened)
        assert restored.restore() == 1
        assert restored.get(transaction_hash(tx)).sidecar == sidecar
    finally:
        reopened.store.close()


def test_an_l2_pool_refuses_blob_transactions(tmp_path, sidecar):
    l2 = Blockchain(ChainStore.open(tmp_path / "l2"), dev_genesis(), fork=OVM_CANCUN, clock=lambda: NOW)
    try:
        with pytest.raises(AdmissionError, match="transaction type not supported: type 3"):
            Mempool(l2).add(encode_network_form(blob_transfer(ALICE, 0, sidecar), sidecar))
    finally:
        l2.store.close()
