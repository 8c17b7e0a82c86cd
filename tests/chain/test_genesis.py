"""
Genesis
=======

A genesis JSON file to a state and block 0, defaults, op-geth's base fee
parameters, geth's fork schedule (``<fork>Time``, ``blobSchedule``,
``depositContractAddress``), one case per malformed field (each error names
the file and the field), and the dev genesis with its system contracts.
"""

from __future__ import annotations

import json

import pytest

from ovm.chain.base_fee import BaseFeeParams
from ovm.chain.block import decode_block, encode_block
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import (
    DEV_BALANCE,
    ChainConfig,
    GenesisError,
    dev_genesis,
    genesis_block,
    genesis_state,
    load_genesis,
    parse_genesis,
)
from ovm.chain.forks import CANCUN_ONLY, ETHEREUM
from ovm.chain.header import EMPTY_OMMERS_HASH
from ovm.chain.requests import EMPTY_REQUESTS_HASH, MAINNET_DEPOSIT_CONTRACT
from ovm.chain.system_contracts import (
    BEACON_ROOTS,
    CONSOLIDATION_REQUESTS,
    HISTORY_STORAGE,
    WITHDRAWAL_REQUESTS,
)
from ovm.evm import gas as G
from ovm.primitives.crypto import keccak256
from ovm.primitives.types import ZERO_HASH
from ovm.trie import EMPTY_TRIE_ROOT

ALICE = "0x" + "aa" * 20
CONTRACT = "0x" + "cc" * 20
CODE = "0x6001600055"

GENESIS_JSON = {
    "config": {"chainId": 901, "cancunTime": 0},
    "gasLimit": "0x1c9c380",
    "baseFeePerGas": "1000000000",
    "timestamp": "0x65000000",
    "extraData": "0x6f766d",
    "alloc": {
        ALICE: {"balance": "0xde0b6b3a7640000"},
        CONTRACT[2:]: {
            "balance": 5,
            "nonce": "0x1",
            "code": CODE,
            "storage": {"0x00": "0x2a", "0x01": "0x0"},
        },
    },
}


def write(tmp_path, data, name="genesis.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_load_from_file(tmp_path):
    genesis = load_genesis(write(tmp_path, GENESIS_JSON))
    assert genesis.config == ChainConfig(chain_id=901, gas_limit=30_000_000, initial_base_fee=10**9)
    assert genesis.timestamp == 0x65000000
    assert genesis.extra_data == b"ovm"
    alice = genesis.alloc[bytes.fromhex("aa" * 20)]
    assert (alice.balance, alice.nonce, alice.code) == (10**18, 0, b"")
    contract = genesis.alloc[bytes.fromhex("cc" * 20)]
    assert (contract.balance, contract.nonce, contract.code) == (5, 1, bytes.fromhex(CODE[2:]))
    assert dict(contract.storage) == {0: 42, 1: 0}


def test_state_and_block_zero(tmp_path):
    genesis = load_genesis(write(tmp_path, GENESIS_JSON))
    state = genesis_state(genesis)
    contract = bytes.fromhex("cc" * 20)
    assert state.get_balance(bytes.fromhex("aa" * 20)) == 10**18
    assert state.get_storage(contract, 0) == 42
    assert state.get_code_hash(contract) == keccak256(bytes.fromhex(CODE[2:]))

    block = genesis_block(genesis, state)
    header = block.header
    assert header.number == 0 and header.parent_hash == ZERO_HASH
    assert header.state_root == state.state_root() != EMPTY_TRIE_ROOT
    assert (
        header.transactions_root
        == header.receipts_root
        == header.withdrawals_root
        == EMPTY_TRIE_ROOT
    )
    assert header.ommers_hash == EMPTY_OMMERS_HASH
    assert (header.gas_limit, header.base_fee_per_gas, header.timestamp) == (
        30_000_000,
        10**9,
        0x65000000,
    )
    assert header.extra_data == b"ovm"
    assert block.transactions == ()
    assert decode_block(encode_block(block)) == block


def test_same_genesis_same_hash(tmp_path):
    first = load_genesis(write(tmp_path, GENESIS_JSON))
    second = load_genesis(write(tmp_path, GENESIS_JSON, "again.json"))
    assert (
        genesis_block(first, genesis_state(first)).hash
        == genesis_block(second, genesis_state(second)).hash
    )


def test_defaults():
    genesis = parse_genesis({"config": {"chainId": 7}, "alloc": {}})
    assert genesis.config == ChainConfig(chain_id=7)
    assert genesis.config.gas_limit == 30_000_000
    assert genesis.config.initial_base_fee == 10**9
    assert genesis.config.base_fee_params == BaseFeeParams(2, 8)
    assert (genesis.timestamp, genesis.extra_data, genesis.alloc) == (0, b"", {})


def test_op_geth_base_fee_parameters():
    genesis = parse_genesis(
        {
            "config": {
                "chainId": 901,
                "optimism": {"eip1559Elasticity": 6, "eip1559Denominator": 250},
            },
            "alloc": {},
        }
    )
    assert genesis.config.base_fee_params == BaseFeeParams(
        elasticity_multiplier=6, max_change_denominator=250
    )


def with_changes(**changes) -> dict:
    data = json.loads(json.dumps(GENESIS_JSON))
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = data
        for parent in parents:
            target = target[parent]
        if value is None:
            del target[key]
        else:
            target[key] = value
    return data


@pytest.mark.parametrize(
    "data, message",
    [
        ([1, 2], "genesis: expected an object"),
        (with_changes(config=None), "config: missing"),
        (with_changes(config="x"), "config: expected an object"),
        (with_changes(config__chainId=None), "config.chainId: missing"),
        (with_changes(config__chainId=0), "config.chainId: must not be 0"),
        (with_changes(config__chainId=True), "config.chainId: expected a number"),
        (with_changes(config__optimism={"eip1559Denominator": 0}), "must be positive"),
        (with_changes(alloc=None), "alloc: missing"),
        (with_changes(alloc=[]), "alloc: expected an object"),
        (with_changes(gasLimit="0x10"), "gasLimit: 16 is below the minimum"),
        (with_changes(gasLimit="lots"), "gasLimit: invalid number"),
        (with_changes(baseFeePerGas=-1), "baseFeePerGas: -1 is out of range"),
        (with_changes(timestamp=1.5), "timestamp: expected a number"),
        (with_changes(extraData="0x" + "00" * 33), "extraData: 33 bytes"),
        (with_changes(extraData="0xabc"), "extraData: invalid hex"),
        (with_changes(mixHash="0x01"), "mixHash: expected 32 bytes"),
        (with_changes(coinbase=5), "coinbase: expected a hex address"),
        (with_changes(alloc={"0x1234": {}}), "alloc.0x1234: address must be 20 bytes"),
        (with_changes(alloc={ALICE: "rich"}), f"alloc.{ALICE}: expected an object"),
        (
            with_changes(alloc={ALICE: {"balance": "0xzz"}}),
            f"alloc.{ALICE}.balance: invalid number",
        ),
        (
            with_changes(alloc={ALICE: {"nonce": "0x" + "ff" * 9}}),
            f"alloc.{ALICE}.nonce: .* out of range",
        ),
        (with_changes(alloc={ALICE: {"code": 5}}), f"alloc.{ALICE}.code: expected a hex string"),
        (
            with_changes(alloc={ALICE: {"storage": []}}),
            f"alloc.{ALICE}.storage: expected an object",
        ),
        (
            with_changes(alloc={ALICE: {"storage": {"0x1": "0x" + "11" * 33}}}),
            r"storage.0x1: .* out of range",
        ),
        (
            with_changes(alloc={ALICE: {"storage": {"slot": "0x1"}}}),
            r"storage.slot \(key\): invalid number",
        ),
    ],
)
def test_malformed_fields(tmp_path, data, message):
    path = write(tmp_path, data)
    with pytest.raises(GenesisError, match=message) as error:
        load_genesis(path)
    assert str(error.value).startswith(f"{path}: ")


def prague_alloc() -> dict:
    return {"0x" + c.address.hex(): {"nonce": 1, "code": "0x" + c.code.hex()}
            for c in (WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS)}  # fmt: skip


def test_a_genesis_that_names_no_fork_is_cancun_throughout():
    genesis = parse_genesis({"config": {"chainId": 7}, "alloc": {}})
    assert genesis.config.forks == CANCUN_ONLY
    assert genesis.config.deposit_contract == MAINNET_DEPOSIT_CONTRACT
    assert genesis_block(genesis, genesis_state(genesis)).header.requests_hash is None


def test_fork_times_make_the_schedule():
    genesis = parse_genesis({"config": {"chainId": 7, "cancunTime": 0, "pragueTime": "0x64"},
                             "alloc": prague_alloc()})  # fmt: skip
    forks = genesis.config.forks
    assert forks.times == {"cancun": 0, "prague": 100}
    assert [forks.at(t).name for t in (0, 99, 100, 10**9)] == ["Cancun", "Cancun", "Prague", "Prague"]
    assert genesis_block(genesis, genesis_state(genesis)).header.requests_hash is None


def test_a_prague_genesis_commits_to_no_requests():
    genesis = parse_genesis({"config": {"chainId": 7, "pragueTime": 0}, "alloc": prague_alloc()})
    assert genesis.config.forks.at(0).name == "Prague"
    assert genesis_block(genesis, genesis_state(genesis)).header.requests_hash == EMPTY_REQUESTS_HASH
    assert EMPTY_REQUESTS_HASH.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_blob_schedule_and_deposit_contract():
    genesis = parse_genesis({
        "config": {"chainId": 7, "cancunTime": 0, "pragueTime": 0,
                   "blobSchedule": {"prague": {"target": "0x8", "max": 12, "baseFeeUpdateFraction": 6000000}},
                   "depositContractAddress": "0x" + "de" * 20},
        "alloc": prague_alloc(),
    })  # fmt: skip
    blobs = genesis.config.forks.at(0).fork.blobs
    assert (blobs.target, blobs.max, blobs.update_fraction, blobs.transaction_max) == (8, 12, 6000000, 12)
    assert genesis.config.forks.activations[0][1].fork.blobs == G.CANCUN_BLOBS  # not Cancun's
    assert genesis.config.deposit_contract == bytes.fromhex("de" * 20)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"cancunTime": 5}, "config: cancun: ovm runs Cancun from genesis, so its time must be 0"),
        ({"cancunTime": 0, "pragueTime": -1}, "config.pragueTime: -1 is out of range"),
        ({"cancunTime": 0, "pragueTime": "soon"}, "config.pragueTime: invalid number"),
        ({"blobSchedule": {"osakka": {}}}, "config.blobSchedule.osakka: not a fork ovm runs"),
        ({"blobSchedule": {"cancun": {"target": 7, "max": 6, "baseFeeUpdateFraction": 1}}},
         "config.blobSchedule.cancun: needs 0 < target <= max"),
        ({"blobSchedule": {"cancun": {"target": 3, "max": 6}}}, "config.blobSchedule.cancun.baseFeeUpdateFraction: missing"),
        ({"depositContractAddress": "0x12"}, "config.depositContractAddress: address must be 20 bytes"),
        ({"amsterdamTime": 100}, "config.amsterdamTime: ovm does not run that fork \\(it runs cancun, prague, osaka, bpo1, bpo2\\)"),
        ({"pragueTime": 0}, "alloc: Prague at genesis calls the withdrawal requests \\(EIP-7002\\) contract, "
                            "but 0x00000961ef480eb55e80d19ad83579a64c007002 has no code"),
    ],
)  # fmt: skip
def test_malformed_schedules(config, message):
    with pytest.raises(GenesisError, match=message):
        parse_genesis({"config": {"chainId": 7, **config}, "alloc": {}})


def test_a_later_prague_does_not_need_the_contracts_at_genesis():
    """They may be deployed before the fork, as on mainnet: the blocks tell."""
    genesis = parse_genesis({"config": {"chainId": 7, "pragueTime": 1000}, "alloc": {}})
    assert genesis.config.forks.at(1000).name == "Prague"


def test_missing_file(tmp_path):
    with pytest.raises(GenesisError, match="nope.json: cannot read"):
        load_genesis(tmp_path / "nope.json")


def test_invalid_json(tmp_path):
    path = write(tmp_path, '{"config": {"chainId": 901},\n "alloc": }')
    with pytest.raises(GenesisError, match="invalid JSON at line 2, column 11"):
        load_genesis(path)


def test_dev_genesis():
    genesis = dev_genesis()
    assert genesis.config.chain_id == 901
    assert len(genesis.alloc) == 11
    assert genesis.alloc[BEACON_ROOTS.address].code == BEACON_ROOTS.code  # what Cancun calls
    state = genesis_state(genesis)
    for account in dev_accounts():
        assert state.get_balance(account.address) == DEV_BALANCE == 10_000 * 10**18
    block = genesis_block(genesis, state)
    assert block.header.base_fee_per_gas == 10**9
    assert block.header.state_root == state.state_root()


def test_a_prague_dev_genesis_holds_the_system_contracts_its_blocks_call():
    genesis = dev_genesis(ChainConfig(forks=ETHEREUM.only("prague")))
    for contract in (BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS):
        account = genesis.alloc[contract.address]
        assert (account.nonce, account.code, account.balance) == (1, contract.code, 0)
    assert len(genesis.alloc) == 14
