"""
State commitment chain
======================

StateCommitmentChain: bonded proposals of output roots in L2 block order,
finality after the challenge period, deletion by the challenger only, bonds,
roles fixed by the constructor, and no output for an L2 block that cannot
exist yet.
"""

from __future__ import annotations

import pytest
from anvil_chain import emitted, reverts
from deployments import CHALLENGE_PERIOD, MAX_SEQUENCER_DRIFT, NO_CHALLENGER, REQUIRED_BOND, deploy_scc
from web3 import Web3

from ovm.rollup.artifacts import load

ROOT_A, ROOT_B, ROOT_C = (bytes([n]) * 32 for n in (0xA, 0xB, 0xC))


def propose(chain, scc, roles, root: bytes, l2_block: int):
    return chain.transact(scc.functions.proposeOutput(root, l2_block), sender=roles.proposer)


def test_outputs_are_stored_with_their_l1_timestamp(chain, scc, roles):
    receipt = propose(chain, scc, roles, ROOT_A, 10)
    timestamp = chain.w3.eth.get_block(receipt.blockNumber).timestamp

    assert scc.functions.outputCount().call() == 1
    assert scc.functions.getOutput(0).call() == (ROOT_A, timestamp, 10)
    (event,) = emitted(scc, "OutputProposed", receipt)
    assert dict(event.args) == {"root": ROOT_A, "outputIndex": 0, "l2BlockNumber": 10, "l1Timestamp": timestamp}


def test_block_numbers_must_strictly_increase(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 10)
    for l2_block in (10, 9):
        with reverts("SCC: block number must increase"):
            scc.functions.proposeOutput(ROOT_B, l2_block).transact({"from": roles.proposer})
    propose(chain, scc, roles, ROOT_B, 11)
    assert scc.functions.outputCount().call() == 2


def test_only_the_proposer_proposes(scc, roles):
    with reverts("SCC: only the proposer"):
        scc.functions.proposeOutput(ROOT_A, 1).transact({"from": roles.alice})


def test_proposer_must_be_bonded(chain, roles):
    scc = deploy_scc(chain, roles)
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND - 1)
    with reverts("SCC: proposer bond too low"):
        scc.functions.proposeOutput(ROOT_A, 1).transact({"from": roles.proposer})
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=1)
    propose(chain, scc, roles, ROOT_A, 1)


def test_only_the_proposer_bonds(scc, roles):
    with reverts("SCC: only the proposer"):
        scc.functions.depositBond().transact({"from": roles.alice, "value": 1})


def test_zero_root_is_rejected(scc, roles):
    with reverts("SCC: output root is zero"):
        scc.functions.proposeOutput(bytes(32), 1).transact({"from": roles.proposer})


# --- the L2 block numbers an output may claim ------------------------------------------------


def test_a_far_future_block_cannot_block_later_proposals(chain, scc, roles):
    """The attack: an output for block 2**64-1 would make every later proposal fail
    "block number must increase". It is refused, and proposals go on."""
    for l2_block in (2**64 - 1, 2**64, 2**256 - 1):
        with reverts("SCC: L2 block cannot exist yet"):
            scc.functions.proposeOutput(ROOT_A, l2_block).transact({"from": roles.proposer})
    assert scc.functions.outputCount().call() == 0
    propose(chain, scc, roles, ROOT_A, 10)
    propose(chain, scc, roles, ROOT_B, 20)
    assert scc.functions.outputCount().call() == 2


def propose_at(chain, scc, roles, root: bytes, l2_block: int, timestamp: int):
    """Proposes in a block with ``timestamp`` (the gas given, so that no estimate runs at
    another time); returns the receipt, successful or not."""
    chain.w3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    tx_hash = scc.functions.proposeOutput(root, l2_block).transact({"from": roles.proposer, "gas": 200_000})
    return chain.w3.eth.wait_for_transaction_receipt(tx_hash)


def test_the_bound_is_genesis_time_plus_drift(chain, roles):
    """Block n has a timestamp >= genesis + n and at most drift past an L1 block that
    exists, so n <= L1 time + drift - genesis; block numbers beyond that are refused
    and the bound moves with L1 time."""
    now = chain.w3.eth.get_block("latest").timestamp
    genesis = now - 100
    scc = deploy_scc(chain, roles, genesis_timestamp=genesis)
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND)

    at = now + 50
    bound = at + MAX_SEQUENCER_DRIFT - genesis
    refused = propose_at(chain, scc, roles, ROOT_A, bound + 1, at)
    assert refused.status == 0
    with reverts("SCC: L2 block cannot exist yet"):
        scc.functions.proposeOutput(ROOT_A, bound + 1).call({"from": roles.proposer},
                                                            block_identifier=refused.blockNumber - 1)
    assert propose_at(chain, scc, roles, ROOT_A, bound + 1, at + 1).status == 1  # a second later: allowed
    assert propose_at(chain, scc, roles, ROOT_B, bound + 2, at + 2).status == 1
    assert [scc.functions.getOutput(i).call()[2] for i in (0, 1)] == [bound + 1, bound + 2]


def test_no_block_can_exist_before_the_genesis_time_less_the_drift(chain, roles):
    now = chain.w3.eth.get_block("latest").timestamp
    scc = deploy_scc(chain, roles, genesis_timestamp=now + 10 * MAX_SEQUENCER_DRIFT)
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND)
    assert scc.functions.maxL2BlockNumber().call() == 0
    with reverts("SCC: L2 block cannot exist yet"):
        scc.functions.proposeOutput(ROOT_A, 1).transact({"from": roles.proposer})


def test_outputs_finalize_after_the_challenge_period(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 1)
    assert not scc.functions.isFinalized(0).call()
    chain.increase_time(CHALLENGE_PERIOD - 10)
    assert not scc.functions.isFinalized(0).call()
    chain.increase_time(10)
    assert scc.functions.isFinalized(0).call()
    assert not scc.functions.isFinalized(1).call()  # no such output


def test_challenger_deletes_an_output_and_all_after_it(chain, scc, roles):
    for root, l2_block in ((ROOT_A, 1), (ROOT_B, 2), (ROOT_C, 3)):
        propose(chain, scc, roles, root, l2_block)
    receipt = chain.transact(scc.functions.deleteOutputs(1), sender=roles.challenger)

    assert scc.functions.outputCount().call() == 1
    (event,) = emitted(scc, "OutputsDeleted", receipt)
    assert (event.args.fromIndex, event.args.previousCount) == (1, 3)
    for index in (1, 2):
        with reverts("SCC: unknown output"):
            scc.functions.getOutput(index).call()
    # The chain goes on from the surviving output (the proposer, slashed, bonds again).
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND)
    propose(chain, scc, roles, ROOT_C, 2)
    assert scc.functions.getOutput(1).call()[0] == ROOT_C


@pytest.mark.parametrize("who", ["deployer", "proposer", "alice"])
def test_only_the_challenger_deletes(chain, scc, roles, who):
    propose(chain, scc, roles, ROOT_A, 1)
    with reverts("SCC: only the challenger"):
        scc.functions.deleteOutputs(0).transact({"from": getattr(roles, who)})


def test_without_a_challenger_no_one_deletes(chain, roles):
    scc = deploy_scc(chain, roles, challenger=NO_CHALLENGER, bond=0)
    propose(chain, scc, roles, ROOT_A, 1)
    assert scc.functions.challenger().call() == NO_CHALLENGER
    for who in (roles.challenger, roles.deployer, roles.proposer):
        with reverts("SCC: only the challenger"):
            scc.functions.deleteOutputs(0).transact({"from": who})


def test_finalized_and_unknown_outputs_cannot_be_deleted(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 1)
    with reverts("SCC: unknown output"):
        scc.functions.deleteOutputs(1).transact({"from": roles.challenger})
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("SCC: output already finalized"):
        scc.functions.deleteOutputs(0).transact({"from": roles.challenger})


def test_roles_are_fixed_by_the_constructor(chain, scc, roles):
    """No setter to race: the old setChallenger(address) is gone, whoever calls it."""
    assert scc.functions.challenger().call() == roles.challenger
    assert scc.functions.proposer().call() == roles.proposer
    assert not [entry for entry in load("StateCommitmentChain").abi
                if entry["type"] == "function" and entry["name"].startswith("set")]
    set_challenger = Web3.keccak(text="setChallenger(address)")[:4] + bytes(12) + bytes.fromhex(roles.alice[2:])
    for who in (roles.deployer, roles.alice):
        with reverts("execution reverted"):
            chain.w3.eth.send_transaction({"from": who, "to": scc.address, "data": set_challenger})
    assert scc.functions.challenger().call() == roles.challenger


def test_deletion_slashes_the_bond_to_the_challenger(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 1)
    before = chain.balance(roles.challenger)
    receipt = chain.transact(scc.functions.deleteOutputs(0), sender=roles.challenger)
    gas_cost = receipt.gasUsed * receipt.effectiveGasPrice

    assert chain.balance(roles.challenger) == before + REQUIRED_BOND - gas_cost
    assert scc.functions.bond().call() == 0
    with reverts("SCC: proposer bond too low"):
        scc.functions.proposeOutput(ROOT_A, 1).transact({"from": roles.proposer})


def test_bond_is_withdrawn_only_when_no_output_is_pending(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 1)
    with reverts("SCC: outputs still in challenge period"):
        scc.functions.withdrawBond().transact({"from": roles.proposer})
    chain.increase_time(CHALLENGE_PERIOD)
    before = chain.balance(roles.proposer)
    receipt = chain.transact(scc.functions.withdrawBond(), sender=roles.proposer)

    assert chain.balance(roles.proposer) == before + REQUIRED_BOND - receipt.gasUsed * receipt.effectiveGasPrice
    assert scc.functions.bond().call() == 0


@pytest.mark.parametrize("arguments, reason", [
    ((NO_CHALLENGER, NO_CHALLENGER, CHALLENGE_PERIOD, 0, 0, 600, 2, 10), "SCC: proposer is zero"),
    ((None, NO_CHALLENGER, 2**64, 0, 0, 600, 2, 10), "SCC: challenge period too long"),
    ((None, NO_CHALLENGER, CHALLENGE_PERIOD, 0, 2**64, 600, 2, 10), "SCC: L2 genesis timestamp too large"),
    ((None, NO_CHALLENGER, CHALLENGE_PERIOD, 0, 0, 2**64, 2, 10), "SCC: sequencer drift too large"),
    ((None, NO_CHALLENGER, CHALLENGE_PERIOD, 0, 0, 600, 0, 10), "SCC: L2 block time is zero"),
    ((None, NO_CHALLENGER, CHALLENGE_PERIOD, 0, 0, 600, 2, 0), "SCC: submission interval is zero"),
])
def test_constructor_checks(chain, roles, arguments, reason):
    proposer, *rest = arguments
    with reverts(reason):
        chain.deploy(load("StateCommitmentChain"), proposer or roles.proposer, *rest)
