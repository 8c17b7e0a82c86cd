"""
State commitment chain
======================

StateCommitmentChain: bonded proposals of output roots in L2 block order,
finality after the challenge period, deletion by the challenger only, bonds.
"""

from __future__ import annotations

import pytest
from anvil_chain import emitted, reverts
from conftest import CHALLENGE_PERIOD, REQUIRED_BOND

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
    scc = chain.deploy(load("StateCommitmentChain"), roles.proposer, CHALLENGE_PERIOD, REQUIRED_BOND)
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND - 1)
    with reverts("SCC: proposer bond too low"):
        scc.functions.proposeOutput(ROOT_A, 1).transact({"from": roles.proposer})
    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=1)
    propose(chain, scc, roles, ROOT_A, 1)


def test_only_the_proposer_bonds(scc, roles):
    with reverts("SCC: only the proposer"):
        scc.functions.depositBond().transact({"from": roles.alice, "value": 1})


def test_zero_root_and_oversized_block_numbers_are_rejected(scc, roles):
    with reverts("SCC: output root is zero"):
        scc.functions.proposeOutput(bytes(32), 1).transact({"from": roles.proposer})
    with reverts("SCC: block number too large"):
        scc.functions.proposeOutput(ROOT_A, 2**64).transact({"from": roles.proposer})


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


def test_deletion_needs_a_challenger_set(chain, roles):
    scc = chain.deploy(load("StateCommitmentChain"), roles.proposer, CHALLENGE_PERIOD, 0)
    propose(chain, scc, roles, ROOT_A, 1)
    with reverts("SCC: only the challenger"):
        scc.functions.deleteOutputs(0).transact({"from": roles.challenger})


def test_finalized_and_unknown_outputs_cannot_be_deleted(chain, scc, roles):
    propose(chain, scc, roles, ROOT_A, 1)
    with reverts("SCC: unknown output"):
        scc.functions.deleteOutputs(1).transact({"from": roles.challenger})
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("SCC: output already finalized"):
        scc.functions.deleteOutputs(0).transact({"from": roles.challenger})


def test_challenger_is_set_once_by_the_deployer(chain, scc, roles):
    assert scc.functions.challenger().call() == roles.challenger
    with reverts("SCC: only the deployer"):
        scc.functions.setChallenger(roles.alice).transact({"from": roles.alice})
    with reverts("SCC: challenger already set"):
        scc.functions.setChallenger(roles.alice).transact({"from": roles.deployer})
    fresh = chain.deploy(load("StateCommitmentChain"), roles.proposer, CHALLENGE_PERIOD, 0, sender=roles.deployer)
    with reverts("SCC: challenger is zero"):
        fresh.functions.setChallenger("0x" + "00" * 20).transact({"from": roles.deployer})


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


def test_constructor_checks(chain, roles):
    with reverts("SCC: proposer is zero"):
        chain.deploy(load("StateCommitmentChain"), "0x" + "00" * 20, CHALLENGE_PERIOD, 0)
    with reverts("SCC: challenge period too long"):
        chain.deploy(load("StateCommitmentChain"), roles.proposer, 2**64, 0)
