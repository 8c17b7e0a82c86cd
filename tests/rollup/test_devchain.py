"""The embedded L1: its genesis, blocks on an interval, restart on the same data directory,
pending-transaction nonce conflicts, and a start that fails."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest

from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.forks import ETHEREUM
from ovm.chain.genesis import DEV_BALANCE, parse_genesis
from ovm.chain.system_contracts import BEACON_ROOTS, CONSOLIDATION_REQUESTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction
from ovm.primitives.crypto import keccak256
from ovm.rollup.l1 import DevChain, L1Client, L1Error
from ovm.rollup.l1.devchain import l1_genesis_json
from ovm.rollup.preinstalls import address as preinstall_address
from ovm.rollup.preinstalls import preinstall_alloc

BLOCK_TIME = 0.5
ALICE, BOB = dev_accounts()[4], dev_accounts()[5]


@pytest.fixture
def interval_chain(tmp_path):
    """The embedded L1 producing a block every half second."""
    with DevChain.start(tmp_path / "l1", block_time=BLOCK_TIME) as chain:
        yield chain


def test_genesis_is_plain_l1_at_the_latest_fork_with_the_dev_accounts_funded():
    """The dev accounts, the forks' system contracts and Multicall3 (which viem's OP Stack L1 actions read through)."""
    genesis = parse_genesis(l1_genesis_json(1_700_000_000))
    assert genesis.config.chain_id == 900
    assert genesis.timestamp == 1_700_000_000
    assert genesis.config.forks.at(1_700_000_000).name == ETHEREUM.latest.name == "Osaka"
    assert all(row.fork.l2 is None for row in genesis.config.forks.forks)
    balances = {address: account.balance for address, account in genesis.alloc.items() if account.balance}
    assert balances == {account.address: DEV_BALANCE for account in dev_accounts()}
    contracts = {address: account.code for address, account in genesis.alloc.items() if account.code}
    multicall = preinstall_alloc(900)[preinstall_address("Multicall3")]
    assert contracts == {**{c.address: c.code for c in (BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS,
                                                        CONSOLIDATION_REQUESTS)},
                         preinstall_address("Multicall3"): multicall.code}  # fmt: skip
    assert genesis.alloc[preinstall_address("Multicall3")].nonce == 1


def test_genesis_runs_the_fork_asked_for_with_geths_blob_schedule():
    data = l1_genesis_json(1_700_000_000, forks=ETHEREUM.only("cancun"))
    assert data["config"]["cancunTime"] == 0 and "pragueTime" not in data["config"]
    assert data["config"]["blobSchedule"] == {"cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477}}
    genesis = parse_genesis(data)
    assert [row.name for row in genesis.config.forks.forks] == ["Cancun"]
    assert [a.code for a in genesis.alloc.values() if a.code] == [BEACON_ROOTS.code,
                                                                  genesis.alloc[preinstall_address("Multicall3")].code]


def test_blocks_come_on_the_interval_and_transactions_wait_for_them(interval_chain):
    client = interval_chain.client()
    assert client.chain_id() == 900
    tx_hash = client.txs.send_transaction(ALICE.private_key, to=BOB.address, value=1)
    assert client.receipt(tx_hash) is None  # pending until the next block
    receipt = client.wait_for_receipt(tx_hash, timeout=10)
    assert receipt.succeeded
    later = receipt.block_number + 3  # empty blocks come too
    deadline = time.monotonic() + 10
    while client.block_number() < later and time.monotonic() < deadline:
        time.sleep(0.1)
    blocks = [client.block(n) for n in range(receipt.block_number, later + 1)]
    assert all(child.parent_hash == parent.hash for parent, child in zip(blocks, blocks[1:]))
    assert all(child.timestamp > parent.timestamp for parent, child in zip(blocks, blocks[1:]))


def test_resending_a_pending_transaction_is_harmless(interval_chain):
    client = interval_chain.client()
    tx = FeeMarketTransaction(
        chain_id=900, nonce=client.transaction_count(ALICE.address), max_priority_fee_per_gas=10**9,
        max_fee_per_gas=100 * 10**9, gas=21_000, to=BOB.address, value=7, data=b"", access_list=(),
        y_parity=0, r=0, s=0,
    )
    raw = encode_transaction(sign_transaction(tx, ALICE.private_key, 900))
    assert client.txs.send_raw_transaction(raw) == client.txs.send_raw_transaction(raw) == keccak256(raw)
    assert client.wait_for_receipt(keccak256(raw), timeout=10).succeeded


def test_nonce_recovers_from_a_pending_external_transaction(interval_chain):
    client, outsider = interval_chain.client(), interval_chain.client()
    first = client.txs.send_transaction(ALICE.private_key, to=BOB.address, value=1)
    external = outsider.txs.send_transaction(ALICE.private_key, to=BOB.address, value=2)  # all three pending
    second = client.txs.send_transaction(ALICE.private_key, to=BOB.address, value=3)
    nonces = [client.transaction(h).nonce for h in (first, external, second)]
    assert nonces[1:] == [nonces[0] + 1, nonces[0] + 2]
    assert all(client.wait_for_receipt(h, timeout=10).succeeded for h in (first, external, second))


def test_restart_after_a_crash_resumes_the_same_chain(tmp_path):
    chain = DevChain.start(tmp_path / "l1", instant=True)
    client = chain.client()
    receipt = client.txs.transact(ALICE.private_key, to=BOB.address, value=1)
    genesis = client.block(0)
    chain.kill()
    genesis_file = (tmp_path / "l1" / "l1-genesis.json").read_text()
    with DevChain.start(tmp_path / "l1", instant=True) as chain:
        client = chain.client()
        assert client.block(0) == genesis
        assert client.block_hash(receipt.block_number) == receipt.block_hash
    assert (tmp_path / "l1" / "l1-genesis.json").read_text() == genesis_file
    assert json.loads(genesis_file)["config"]["chainId"] == 900


def test_stop_ends_the_process(tmp_path):
    chain = DevChain.start(tmp_path / "l1", instant=True)
    url, pid = chain.url, chain.pid
    assert chain.stop() == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(L1Error, match="cannot reach the L1 node"):
        L1Client(url, retries=0).chain_id()


def test_a_failed_start_reports_the_node_s_reason(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(L1Error, match=f"the embedded L1 exited with status 2: .*cannot listen on 127.0.0.1:{port}"):
            DevChain.start(tmp_path / "l1", instant=True, port=port)


def test_block_time_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="block time must be positive"):
        DevChain.start(tmp_path / "l1", block_time=0)
