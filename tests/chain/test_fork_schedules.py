"""
Fork schedules
==============

A schedule picks the fork of a timestamp (the latest activated at or before
it); tables build schedules from activation times in geth's order rules and
say what is wrong with a bad one; a blob-parameter-only fork is its parent
with new blob parameters only; the block rules of each fork are data (its
system calls, requests, contracts); and EIP-6122's fork id matches Hoodi's
published values.
"""

from __future__ import annotations

import pytest

from ovm.chain.forks import (
    CANCUN_ONLY,
    ETHEREUM,
    OP_STACK,
    BlobOnlyFork,
    ChainFork,
    ForkScheduleError,
    ForkTable,
    fork_id,
)
from ovm.chain.requests import MAINNET_DEPOSIT_CONTRACT
from ovm.chain.system_call import STORE_BEACON_ROOT, STORE_PARENT_HASH
from ovm.evm import gas as G
from ovm.evm.forks import CANCUN, OVM_CANCUN, OVM_ISTHMUS, PRAGUE

HOODI_GENESIS = bytes.fromhex("bbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b")
HOODI_GENESIS_TIME = 1742212800
HOODI_PRAGUE = 1742999832


def test_the_fork_of_a_timestamp():
    schedule = ETHEREUM.schedule({"cancun": 0, "prague": 1000})
    assert [schedule.at(t).name for t in (0, 999, 1000, 2**64 - 1)] == ["Cancun", "Cancun", "Prague", "Prague"]
    assert schedule.fork_at(999) is CANCUN and schedule.fork_at(1000) is PRAGUE
    assert schedule.next_after(0) == (1000, schedule.at(1000))
    assert schedule.next_after(1000) is None
    assert schedule.times == {"cancun": 0, "prague": 1000}


def test_the_latest_fork_from_genesis():
    assert ETHEREUM.latest.name == "Osaka"  # blob-only forks are never the default
    assert ETHEREUM.only().times == {"cancun": 0, "prague": 0, "osaka": 0}
    assert ETHEREUM.only().at(0).name == "Osaka"
    assert CANCUN_ONLY.times == {"cancun": 0}
    assert OP_STACK.only().at(0).fork is OVM_ISTHMUS
    assert OP_STACK.only("ecotone").at(0).fork is OVM_CANCUN
    assert ETHEREUM.find("PRAGUE") is ETHEREUM.find("prague")


@pytest.mark.parametrize(
    "times, message",
    [
        ({"cancun": 7}, "cancun: ovm runs Cancun from genesis, so its time must be 0"),
        ({"amsterdam": 0}, "unknown fork 'amsterdam' \\(known: cancun, prague, osaka, bpo1, bpo2\\)"),
        ({"cancun": 0, "osaka": 0}, "osaka is scheduled, but the fork before it is not"),
        ({"cancun": 0, "prague": -1}, "prague at -1 is before cancun at 0"),
    ],
)
def test_bad_schedules_are_named(times, message):
    with pytest.raises(ForkScheduleError, match=message):
        ETHEREUM.schedule(times)


def test_a_fork_needs_the_one_before_it():
    table = ForkTable("test", (ChainFork("a", CANCUN, ETHEREUM.rows[0].block), ChainFork("b", PRAGUE, ETHEREUM.rows[1].block),
                               ChainFork("c", PRAGUE, ETHEREUM.rows[1].block)))  # fmt: skip
    with pytest.raises(ForkScheduleError, match="c is scheduled, but the fork before it is not"):
        table.schedule({"c": 5})
    assert table.schedule({"b": 5, "c": 5}).at(5).key == "c"


def test_blob_only_forks_change_nothing_but_the_blobs():
    """EIP-7892, on a test table whose last fork stands in for Osaka."""
    rows = (ETHEREUM.rows[0], ChainFork("osaka", PRAGUE, ETHEREUM.rows[1].block, ETHEREUM.rows[1].system_contracts))
    table = ForkTable("test", rows, (BlobOnlyFork("bpo1", "BPO1", "osaka", G.BPO1_BLOBS),
                                     BlobOnlyFork("bpo2", "BPO2", "bpo1", G.BPO2_BLOBS)))  # fmt: skip
    assert table.keys == ("cancun", "osaka", "bpo1", "bpo2")
    assert table.latest.key == "osaka"  # a new chain defaults to the named fork, not a BPO
    schedule = table.schedule({"osaka": 0, "bpo1": 100, "bpo2": 200})
    osaka, bpo1, bpo2 = (schedule.at(t) for t in (0, 100, 200))
    assert (bpo1.name, bpo1.fork.blobs, bpo2.fork.blobs) == ("BPO1", G.BPO1_BLOBS, G.BPO2_BLOBS)
    assert bpo1.fork.instruction_set is osaka.fork.instruction_set
    assert bpo1.fork.precompiles == osaka.fork.precompiles and bpo1.block is osaka.block
    # No Osaka row in ovm's table yet: no BPO either.
    assert ETHEREUM.keys[-2:] == ("bpo1", "bpo2") and ETHEREUM.find("bpo2").fork.blobs == G.BPO2_BLOBS


def test_block_rules_are_data():
    cancun, prague = ETHEREUM.find("cancun").block, ETHEREUM.find("prague").block
    assert cancun.start_calls == (STORE_BEACON_ROOT,) and cancun.requests is None
    assert prague.start_calls == (STORE_BEACON_ROOT, STORE_PARENT_HASH)
    assert [source.type for source in prague.requests] == [0, 1, 2]
    assert prague.contract_addresses(MAINNET_DEPOSIT_CONTRACT)["DEPOSIT_CONTRACT_ADDRESS"] == MAINNET_DEPOSIT_CONTRACT
    ecotone = OP_STACK.find("ecotone").block
    assert ecotone.start_calls == (STORE_BEACON_ROOT,) and ecotone.requests is None
    assert OP_STACK.find("ecotone").system_contracts == ()


def test_a_deployment_check_or_new_blobs_keep_the_schedule():
    schedule = ETHEREUM.schedule({"cancun": 0, "prague": 10})
    renamed = schedule.map_forks(lambda fork: fork.derive(fork.name))
    assert renamed.times == schedule.times and renamed.at(10).block is schedule.at(10).block
    wider = schedule.with_blobs({"prague": G.BPO1_BLOBS})
    assert wider.at(10).fork.blobs == G.BPO1_BLOBS and wider.at(0).fork.blobs == G.CANCUN_BLOBS


def test_hoodi_fork_ids():
    """EIP-7910's Hoodi sample: Cancun at genesis, Prague at 1742999832."""
    hoodi = ETHEREUM.schedule({"cancun": 0, "prague": HOODI_PRAGUE})
    assert fork_id(HOODI_GENESIS, HOODI_GENESIS_TIME, hoodi, 0).hex() == "bef71d30"
    assert fork_id(HOODI_GENESIS, HOODI_GENESIS_TIME, hoodi, HOODI_PRAGUE).hex() == "0929e24e"
