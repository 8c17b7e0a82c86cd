"""
Contract artifacts
==================

The shipped contract artifacts (ovm/rollup/artifacts) are exactly what
bin/build-contracts makes of the current sources, so stale artifacts fail.
"""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from support import REPO

from ovm.rollup import artifacts

BUILD = REPO / "bin" / "build-contracts"
SOURCES = REPO / "contracts" / "src"
EXPECTED = {"BatchInbox", "GasPriceOracle", "IL1Bridge", "L1Block", "L1Bridge", "L2Bridge", "L2ToL1MessagePasser",
            "StateCommitmentChain", "CodeOracle", "IStepExecutor", "OneStepVerifier", "StepsCore", "StepsMemory",
            "DisputeGame", "FrameBlockTrace", "IBlockTrace", "IOutputDisputes", "StepsState", "StepsLog", "StepsCall"}
INTERFACES = {"IL1Bridge", "IStepExecutor", "IBlockTrace", "IOutputDisputes"}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("artifacts")
    subprocess.run([str(BUILD), str(out)], check=True, capture_output=True)
    return out


def test_shipped_artifacts_match_a_fresh_build(rebuilt):
    shipped = {path.name: path.read_bytes() for path in artifacts.ARTIFACTS_DIR.glob("*.json")}
    fresh = {path.name: path.read_bytes() for path in rebuilt.glob("*.json")}
    assert sorted(shipped) == sorted(fresh), "artifact set differs: run bin/build-contracts"
    stale = [name for name in fresh if shipped[name] != fresh[name]]
    assert not stale, f"stale artifacts {stale}: run bin/build-contracts"


def test_every_contract_and_interface_has_an_artifact():
    assert set(artifacts.names()) == EXPECTED


def test_source_set_hash_is_the_documented_one():
    """sha256 of `find contracts/src -name '*.sol' | LC_ALL=C sort | xargs sha256sum`."""
    files = sorted(path.relative_to(REPO).as_posix() for path in SOURCES.rglob("*.sol"))
    listing = "".join(f"{hashlib.sha256((REPO / name).read_bytes()).hexdigest()}  {name}\n" for name in files)
    digest = hashlib.sha256(listing.encode()).hexdigest()
    assert {artifacts.load(name).source_set_sha256 for name in artifacts.names()} == {digest}


def test_contracts_have_code_and_interfaces_do_not():
    for name in artifacts.names():
        artifact = artifacts.load(name)
        assert artifact.abi
        assert bool(artifact.deployed_bytecode) == (name not in INTERFACES), name


def test_load_unknown_name_says_what_exists():
    with pytest.raises(KeyError, match="L1Bridge"):
        artifacts.load("NoSuchContract")


def test_l1_bridge_implements_exactly_the_seed_interface():
    """depositETH() payable, withdrawETH(uint256), finalizeWithdrawal(bytes), as IL1Bridge declares."""
    seed = {("depositETH", (), "payable"), ("withdrawETH", ("uint256",), "nonpayable"),
            ("finalizeWithdrawal", ("bytes",), "nonpayable")}

    def functions(name):
        return {(entry["name"], tuple(i["type"] for i in entry["inputs"]), entry["stateMutability"])
                for entry in artifacts.load(name).abi if entry["type"] == "function"}

    assert functions("IL1Bridge") == seed
    assert seed <= functions("L1Bridge")
