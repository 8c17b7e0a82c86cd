"""rollup.json: round trip, defaults, the fork schedules (the L2's and the L1's), and one-line
errors naming the field."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.forks import ETHEREUM
from ovm.evm import gas as G
from ovm.evm.forks import OVM_CANCUN
from ovm.rollup.config import (
    Operator,
    RollupConfig,
    RollupConfigError,
    RollupContracts,
    load_config,
    parse_config,
)
from ovm.rollup.l1 import BlockRef

BATCHER, PROPOSER = dev_accounts()[3], dev_accounts()[1]


def sample() -> RollupConfig:
    return RollupConfig(
        contracts=RollupContracts(b"\x01" * 20, b"\x02" * 20, b"\x03" * 20),
        batcher=Operator(BATCHER.address, BATCHER.private_key),
        proposer=Operator(PROPOSER.address),
        l1_anchor=BlockRef(12, b"\xaa" * 32, 1_700_000_000),
        l2_genesis=BlockRef(0, b"\xbb" * 32, 1_700_000_002),
        l2_block_time=1,
        sequencing_window=20,
        challenge_period=30,
        proposal_interval=5,
    )


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "rollup.json"
    sample().save(path)
    assert load_config(path) == sample()


def test_json_names_every_field_and_leaves_out_absent_keys():
    data = sample().to_json()
    assert data["contracts"]["batch_inbox"] == "0x" + "02" * 20
    assert data["batcher"] == {"address": "0x" + BATCHER.address.hex(), "private_key": "0x" + BATCHER.private_key.hex()}
    assert data["proposer"] == {"address": "0x" + PROPOSER.address.hex()}
    assert data["l1_anchor"] == {"number": 12, "hash": "0x" + "aa" * 32, "timestamp": 1_700_000_000}
    assert (data["l1_chain_id"], data["l2_chain_id"], data["l2_block_time"]) == (900, 901, 1)


def test_defaults_are_the_documented_network_values():
    given = sample()
    defaults = RollupConfig(given.contracts, given.batcher, given.proposer, given.l1_anchor, given.l2_genesis)
    assert (defaults.l1_chain_id, defaults.l2_chain_id, defaults.l2_block_time) == (900, 901, 2)
    assert defaults.challenge_period == 7 * 24 * 3600


def edited(path: str, value) -> dict:
    """The sample's JSON with the field at dotted ``path`` set to ``value`` (deleted if ``...``)."""
    data = copy.deepcopy(sample().to_json())
    *parents, key = path.split(".")
    target = data
    for parent in parents:
        target = target[parent]
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


@pytest.mark.parametrize("path, value, message", [
    ("l2_block_time", ..., "l2_block_time: missing"),
    ("contracts.l1_bridge", ..., "contracts.l1_bridge: missing"),
    ("contracts.l1_bridge", "0x1234", 'contracts.l1_bridge: expected 20 bytes of 0x hex, got "0x1234"'),
    ("contracts.batch_inbox", "01" * 20, "contracts.batch_inbox: expected 20 bytes of 0x hex"),
    ("l1_anchor.hash", "0xzz", "l1_anchor.hash: expected 32 bytes of 0x hex"),
    ("l1_anchor.number", "12", 'l1_anchor.number: expected an integer, got "12"'),
    ("l2_genesis.timestamp", -1, "l2_genesis.timestamp: must not be negative, got -1"),
    ("challenge_period", True, "challenge_period: expected an integer, got true"),
    ("challenge_period", -5, "challenge_period: must not be negative, got -5"),
    ("l2_block_time", 0, "l2_block_time: must be positive, got 0"),
    ("sequencing_window", 0, "sequencing_window: must be positive, got 0"),
    ("l2_chain_id", 900, "l1_chain_id and l2_chain_id are both 900"),
    ("batcher.private_key", "0x" + PROPOSER.private_key.hex(),
     f"batcher.private_key: belongs to 0x{PROPOSER.address.hex()}, not to batcher.address"),
    ("proposer.private_key", "0x" + "00" * 32, "proposer.private_key: not a valid secp256k1 key"),
    ("contracts.bridge", "0x" + "01" * 20, "unknown field contracts.bridge"),
    ("block_time", 2, "unknown field block_time"),
    ("batcher", "0x01", "batcher: expected an object"),
    ("l2_dev_accounts", 1, "l2_dev_accounts: expected true or false, got 1"),
])
def test_bad_fields_are_named(path, value, message):
    with pytest.raises(RollupConfigError, match="^" + message.replace("(", r"\(")) as caught:
        parse_config(edited(path, value))
    assert "\n" not in str(caught.value)


def test_not_an_object():
    with pytest.raises(RollupConfigError, match="the configuration: expected an object"):
        parse_config([])


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "rollup.json"
    with pytest.raises(RollupConfigError, match=f"{path}: cannot read: No such file"):
        load_config(path)
    path.write_text("{\n  \"l1_chain_id\": 900,\n")
    with pytest.raises(RollupConfigError, match=f"{path}: invalid JSON at line 3, column 1"):
        load_config(path)
    path.write_text(json.dumps(edited("proposal_interval", ...)))
    with pytest.raises(RollupConfigError, match=f"^{path}: proposal_interval: missing$"):
        load_config(path)


def test_configs_built_in_code_are_checked_too():
    with pytest.raises(RollupConfigError, match="contracts.state_commitment_chain: expected 20 bytes, got 3"):
        dataclasses.replace(sample(), contracts=RollupContracts(b"\x01" * 20, b"\x02" * 20, b"abc"))


def test_l2_dev_accounts_round_trips_and_older_files_mean_true():
    """Whether the L2 genesis funds the dev accounts is part of the genesis, so the
    replica must read it; files from before the field had them."""
    safe = dataclasses.replace(sample(), l2_dev_accounts=False)
    assert parse_config(safe.to_json()).l2_dev_accounts is False
    assert parse_config(edited("l2_dev_accounts", ...)).l2_dev_accounts is True


def test_fork_schedules_round_trip_in_the_op_stacks_names():
    config = dataclasses.replace(sample(), l1_forks=ETHEREUM.schedule({"cancun": 0, "prague": 1_700_000_500}))
    data = config.to_json()
    assert data["ecotone_time"] == 0
    assert data["l1_forks"] == {"cancun_time": 0, "prague_time": 1_700_000_500}
    parsed = parse_config(json.loads(json.dumps(data)))
    assert parsed == config
    assert parsed.l1_forks.fork_at(1_700_000_499).blobs == G.CANCUN_BLOBS
    assert parsed.l1_forks.fork_at(1_700_000_500).blobs == G.PRAGUE_BLOBS
    assert parsed.l2_forks.at(0).fork is OVM_CANCUN


def test_older_files_without_forks_run_the_first_ones():
    data = edited("l1_forks", ...)
    del data["ecotone_time"]
    parsed = parse_config(data)
    assert parsed.l2_forks.times == {"ecotone": 0} and parsed.l1_forks.times == {"cancun": 0}


@pytest.mark.parametrize("path, value, message", [
    ("ecotone_time", 5, "the L2 forks: ecotone: ovm runs OvmCancun from genesis, so its time must be 0"),
    ("ecotone_time", "0", 'ecotone_time: expected an integer, got "0"'),
    ("jovian_time", 0, "unknown field jovian_time"),
    ("l1_forks.prague_time", -1, "l1_forks: prague at -1 is before cancun at 0"),
    ("l1_forks.amsterdam_time", 0, "unknown field l1_forks.amsterdam_time"),
    ("l1_forks", [], "l1_forks: expected an object"),
])
def test_bad_fork_schedules_are_named(path, value, message):
    with pytest.raises(RollupConfigError, match="^" + message.replace("(", r"\(")):
        parse_config(edited(path, value))
