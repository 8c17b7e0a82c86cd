"""Deploying the rollup's L1 contracts on anvil and on the embedded L1, then using them as the
services will: a deposit read back from the logs, a batch from the configured batcher, an
output from the proposer."""

from __future__ import annotations

import pytest
from support import free_port

from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import load
from ovm.rollup.config import Operator, RollupConfig, load_config
from ovm.rollup.deploy import DeploymentError, deploy_rollup
from ovm.rollup.l1 import BlockRef, Contract, L1Client, L1Error

ETHER = 10**18
CHALLENGE_PERIOD = 60
BOND = ETHER
DRIFT = 300


@pytest.fixture
def config(client, roles, tmp_path) -> RollupConfig:
    """A freshly deployed rollup, its config written to rollup.json and read back."""
    anchor = client.head().ref
    contracts = deploy_rollup(client, roles.deployer.private_key, batcher=roles.batcher.address,
                              proposer=roles.proposer.address, challenge_period=CHALLENGE_PERIOD, bond=BOND,
                              l2_genesis_timestamp=anchor.timestamp, max_sequencer_drift=DRIFT)
    RollupConfig(
        contracts=contracts,
        batcher=Operator(roles.batcher.address, roles.batcher.private_key),
        proposer=Operator(roles.proposer.address, roles.proposer.private_key),
        l1_anchor=anchor,
        l2_genesis=BlockRef(0, keccak256(b"l2 genesis"), anchor.timestamp),
        challenge_period=CHALLENGE_PERIOD,
        max_sequencer_drift=DRIFT,
    ).save(tmp_path / "rollup.json")
    return load_config(tmp_path / "rollup.json")


def contract(client: L1Client, name: str, address: bytes) -> Contract:
    return Contract.at(client, load(name), address)


def test_contracts_are_deployed_with_their_constructor_arguments(client, config):
    scc = contract(client, "StateCommitmentChain", config.contracts.state_commitment_chain)
    bridge = contract(client, "L1Bridge", config.contracts.l1_bridge)
    inbox = contract(client, "BatchInbox", config.contracts.batch_inbox)
    assert scc.call("proposer") == config.proposer.address
    assert scc.call("challengePeriod") == CHALLENGE_PERIOD
    assert scc.call("requiredBond") == BOND
    assert scc.call("challenger") == bytes(20)  # none: no one can delete outputs
    assert scc.call("l2GenesisTimestamp") == config.l2_genesis.timestamp
    assert scc.call("maxSequencerDrift") == config.max_sequencer_drift == DRIFT
    assert bridge.call("stateCommitmentChain") == scc.address
    assert inbox.call("batcher") == config.batcher.address
    assert client.is_canonical(config.l1_anchor)


def test_deposit_is_read_back_from_the_logs(client, config, roles):
    bridge = contract(client, "L1Bridge", config.contracts.l1_bridge)
    receipt = bridge.transact(roles.alice.private_key, "depositETH", value=ETHER)
    [deposit] = bridge.events("DepositInitiated", from_block=config.l1_anchor.number + 1)
    assert deposit.args == {"from": roles.alice.address, "to": roles.alice.address, "amount": ETHER,
                            "nonce": 0, "gasLimit": 100_000}
    assert (deposit.log.block_hash, deposit.log.transaction_hash) == (receipt.block_hash, receipt.transaction_hash)
    assert client.balance(bridge.address) == ETHER


def test_batch_from_the_configured_batcher(client, config):
    inbox = contract(client, "BatchInbox", config.contracts.batch_inbox)
    data = bytes(range(256)) * 4
    receipt = inbox.transact(config.batcher.key, "appendBatch", data)
    [appended] = inbox.events("BatchAppended", from_block=receipt.block_number, to_block=receipt.block_number)
    assert appended.args == {"index": 0, "dataHash": keccak256(data), "kind": 0}
    tx = client.transaction(appended.log.transaction_hash)  # derivation's path: event → transaction → input
    assert tx.sender == config.batcher.address
    assert inbox.decode_input("appendBatch", tx.input) == (data,)
    assert inbox.call("getBatch", 0) == (keccak256(data), receipt.block_number, 0)


def test_batches_sent_back_to_back_land_in_order(client, config):
    inbox = contract(client, "BatchInbox", config.contracts.batch_inbox)
    hashes = [inbox.send(config.batcher.key, "appendBatch", bytes([n]) * 100) for n in (1, 2, 3)]
    receipts = [client.txs.confirm(tx_hash) for tx_hash in hashes]
    indexes = [inbox.events_in(receipt, "BatchAppended")[0].args["index"] for receipt in receipts]
    assert indexes == [0, 1, 2] and inbox.call("batchCount") == 3


def test_only_the_batcher_may_append(client, config, roles):
    inbox = contract(client, "BatchInbox", config.contracts.batch_inbox)
    with pytest.raises(L1Error, match="BatchInbox: only the batcher"):
        inbox.transact(roles.alice.private_key, "appendBatch", b"\x01")


def test_output_from_the_proposer(client, config):
    scc = contract(client, "StateCommitmentChain", config.contracts.state_commitment_chain)
    scc.transact(config.proposer.key, "depositBond", value=BOND)
    root, l2_block = keccak256(b"output 0"), 10
    receipt = scc.transact(config.proposer.key, "proposeOutput", root, l2_block)
    [proposed] = scc.events_in(receipt, "OutputProposed")
    timestamp = client.block(receipt.block_number).timestamp
    assert proposed.args == {"root": root, "outputIndex": 0, "l2BlockNumber": l2_block, "l1Timestamp": timestamp}
    assert scc.call("getOutput", 0) == (root, timestamp, l2_block)
    assert scc.call("outputCount") == 1


def test_no_output_for_a_block_that_cannot_exist_yet(client, config):
    """The L2 genesis time and the drift from the config bound the block numbers: an
    output for block 2**64-1 (which would block every later proposal) is refused."""
    scc = contract(client, "StateCommitmentChain", config.contracts.state_commitment_chain)
    scc.transact(config.proposer.key, "depositBond", value=BOND)
    bound = scc.call("maxL2BlockNumber")
    assert DRIFT <= bound <= client.head().timestamp + DRIFT - config.l2_genesis.timestamp
    for l2_block in (2**64 - 1, bound + 1000):
        with pytest.raises(L1Error, match="SCC: L2 block cannot exist yet"):
            scc.transact(config.proposer.key, "proposeOutput", keccak256(b"x"), l2_block)
    scc.transact(config.proposer.key, "proposeOutput", keccak256(b"x"), bound)


def test_proposal_without_bond_reverts_with_the_reason(client, config):
    scc = contract(client, "StateCommitmentChain", config.contracts.state_commitment_chain)
    with pytest.raises(L1Error, match="execution reverted: SCC: proposer bond too low"):
        scc.transact(config.proposer.key, "proposeOutput", keccak256(b"x"), 1)


# --- errors ------------------------------------------------------------------------------


def test_deployer_without_funds_is_named_in_the_error(client, roles):
    broke = keccak256(b"a key with no ether")
    with pytest.raises(DeploymentError, match="(?i)deploying StateCommitmentChain: .*insufficient funds"):
        deploy_rollup(client, broke, batcher=roles.batcher.address, proposer=roles.proposer.address,
                      challenge_period=1, bond=1, l2_genesis_timestamp=0)


def test_unreachable_l1_is_named_in_the_error(roles):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(DeploymentError, match=f"deploying StateCommitmentChain: .*cannot reach the L1 node at {url}"):
        deploy_rollup(L1Client(url, retries=0), roles.deployer.private_key, batcher=roles.batcher.address,
                      proposer=roles.proposer.address, challenge_period=1, bond=1, l2_genesis_timestamp=0)


@pytest.mark.parametrize("change, message", [
    ({"batcher": b"\x01" * 19}, "batcher: an address is 20 bytes, got 19"),
    ({"challenge_period": -1}, "challenge period must not be negative"),
    ({"bond": -1}, "bond must not be negative"),
    ({"challenger": b"\x01"}, "challenger: an address is 20 bytes, got 1"),
    ({"l2_genesis_timestamp": -1}, "L2 genesis timestamp must not be negative"),
    ({"max_sequencer_drift": 0}, "max sequencer drift must be positive"),
    ({"l2_block_time": 0}, "L2 block time must be positive"),
    ({"proposal_interval": 0}, "proposal interval must be positive"),
])
def test_bad_arguments_are_refused_before_sending(roles, change, message):
    arguments = dict(batcher=roles.batcher.address, proposer=roles.proposer.address, challenge_period=1, bond=1,
                     l2_genesis_timestamp=0)
    with pytest.raises(ValueError, match=message):
        deploy_rollup(L1Client("http://127.0.0.1:1"), roles.deployer.private_key, **{**arguments, **change})
