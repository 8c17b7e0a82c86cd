"""
Store at scale
==============

A store with 10,000 accounts (made by blocks of 200 transfers) reopens with
the same state and root. Run as a script, the file prints the figures quoted
in ``ovm/node/store/__init__.py``: the commit time of a block of 1 and of 200
transfers, with and without fsync, and the start-up time of the store.

    python tests/node/test_store_scale.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ovm.chain import dev_genesis
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction
from ovm.node.chain import Blockchain
from ovm.node.store import ChainStore

CHAIN_ID = 901
SENDER = dev_accounts()[0]
GENESIS = dev_genesis()
ACCOUNTS = 10_000
PER_BLOCK = 200


def transfers(first_nonce: int, count: int) -> list[FeeMarketTransaction]:
    """``count`` transfers of 1 wei, each to a new address."""
    txs = []
    for nonce in range(first_nonce, first_nonce + count):
        tx = FeeMarketTransaction(
            chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10**10,
            gas=21000, to=(0x10000 + nonce).to_bytes(20, "big"), value=1, data=b"",
            access_list=(), y_parity=0, r=0, s=0,
        )  # fmt: skip
        txs.append(sign_transaction(tx, SENDER.private_key, CHAIN_ID))
    return txs


def fill(chain: Blockchain, accounts: int) -> None:
    for first in range(0, accounts, PER_BLOCK):
        built = chain.build_block(transfers(first, PER_BLOCK))
        assert not built.rejected


@pytest.mark.slow
def test_a_store_of_ten_thousand_accounts_reopens_with_its_state(tmp_path):
    store = ChainStore.open(tmp_path / "big")
    chain = Blockchain(store, GENESIS)
    fill(chain, ACCOUNTS)
    head, root = chain.head, chain.state.state_root()
    assert head.number == ACCOUNTS // PER_BLOCK and len(head.transactions) == PER_BLOCK
    store.close()
    with ChainStore.open(tmp_path / "big") as store:
        chain = Blockchain(store, GENESIS)
        assert chain.head == head and chain.state.state_root() == root == head.header.state_root
        assert len(chain.state.accounts) >= ACCOUNTS
        assert chain.state.get_balance((0x10000 + ACCOUNTS - 1).to_bytes(20, "big")) == 1


# --- figures (run as a script) -----------------------------------------------------


def commit_times(path: Path, fsync: bool, size: int, blocks: int = 30) -> float:
    """The median time of ``ChainStore.commit_block`` for blocks of ``size`` transfers."""
    store = ChainStore.open(path, fsync=fsync)
    chain = Blockchain(store, GENESIS)
    commit, times = store.commit_block, []

    def timed(*args) -> None:
        start = time.perf_counter()
        commit(*args)
        times.append(time.perf_counter() - start)

    store.commit_block = timed
    for block in range(blocks):
        chain.build_block(transfers(block * size, size))
    store.close()
    return statistics.median(times)


def startup_time(path: Path) -> float:
    with ChainStore.open(path) as store:
        fill(Blockchain(store, GENESIS), ACCOUNTS)
    start = time.perf_counter()
    with ChainStore.open(path) as store:
        Blockchain(store, GENESIS)
        return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for fsync in (False, True):
            for size in (1, PER_BLOCK):
                median = commit_times(root / f"commit-{fsync}-{size}", fsync, size)
                what = f"commit of a block of {size} transfer(s), fsync={fsync}"
                print(f"{what}: {median * 1000:.2f} ms")
        print(f"start-up with {ACCOUNTS} accounts: {startup_time(root / 'startup'):.2f} s")


if __name__ == "__main__":
    sys.exit(main())
