"""
Withdrawal finalization
=======================

L1Bridge.finalizeWithdrawal against real proofs: withdrawals recorded in an
L2ToL1MessagePasser deployed on the same anvil, an output root made of anvil's
state root, the passer's storage root and the block hash, and eth_getProof's
storage proof. Pays once after the challenge period; every forgery, replay and
re-entry fails.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from anvil_chain import emitted, reverts
from deployments import CHALLENGE_PERIOD, REQUIRED_BOND
from eth_abi import decode
from web3 import Web3
from withdrawal_proofs import (
    BRIDGE_GAS_LIMIT,
    encode_proof,
    output_at,
    storage_proof,
    withdrawal_from_event,
)

from ovm.rollup.artifacts import load
from ovm.trie import verify_proof

ETHER = 10**18
ERROR_SELECTOR = Web3.keccak(text="Error(string)")[:4]


@pytest.fixture
def l2(chain, bridge, roles, helpers):
    """A funded bridge, three withdrawals in a message passer (one to a re-entrant
    recipient), and the output root of the block after them proposed as output 0."""
    chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=10 * ETHER)
    passer = chain.deploy(load("L2ToL1MessagePasser"))
    reentrant = chain.deploy(helpers["ReentrantRecipient"])
    withdrawals = []
    for sender, recipient, amount in ((roles.alice, roles.bob, ETHER), (roles.carol, roles.carol, 2 * ETHER),
                                      (roles.alice, reentrant.address, 3 * ETHER)):
        receipt = chain.transact(passer.functions.initiateWithdrawal(recipient, BRIDGE_GAS_LIMIT, b""), sender=sender, value=amount)
        withdrawals.append(withdrawal_from_event(emitted(passer, "MessagePassed", receipt)[0]))
    block = chain.w3.eth.block_number
    output = output_at(chain.w3, passer.address, block)
    return SimpleNamespace(passer=passer, block=block, output=output, withdrawals=withdrawals, reentrant=reentrant,
                           proofs=[storage_proof(chain.w3, passer.address, w.slot, block) for w in withdrawals])


@pytest.fixture
def proposed(chain, scc, roles, l2):
    """``l2`` with its output proposed (index 0), still in its challenge period."""
    chain.transact(scc.functions.proposeOutput(l2.output.root, l2.block), sender=roles.proposer)
    return l2


@pytest.fixture
def final(chain, proposed):
    """``proposed`` with the challenge period over."""
    chain.increase_time(CHALLENGE_PERIOD)
    return proposed


def proof_of(l2, index: int, **overrides) -> bytes:
    """The finalizeWithdrawal proof of withdrawal ``index`` of ``l2`` against output 0."""
    parts = dict(withdrawal=l2.withdrawals[index], output_index=0, output=l2.output, storage_proof=l2.proofs[index])
    parts.update(overrides)
    return encode_proof(**parts)


def finalize(chain, bridge, proof: bytes, sender: str):
    return chain.transact(bridge.functions.finalizeWithdrawal(proof), sender=sender)


def revert_reason(data: bytes) -> str:
    assert data[:4] == ERROR_SELECTOR, data
    return decode(["string"], data[4:])[0]


def test_the_output_root_commits_to_the_passer_storage(chain, l2):
    """Sanity of the setup: anvil's account proof puts the storage root under the
    state root, and our own trie code accepts anvil's storage proofs."""
    account = chain.w3.eth.get_proof(l2.passer.address, [], l2.block)
    key = Web3.keccak(hexstr=l2.passer.address)
    assert verify_proof(l2.output.state_root, key, [bytes(n) for n in account.accountProof]) is not None
    for withdrawal, proof in zip(l2.withdrawals, l2.proofs):
        assert verify_proof(l2.output.message_passer_storage_root, Web3.keccak(withdrawal.slot), proof) == b"\x01"


def test_decode_withdrawal_proof_round_trips(bridge, proposed):
    withdrawal, index, output, nodes = bridge.functions.decodeWithdrawalProof(proof_of(proposed, 0)).call()
    assert tuple(withdrawal) == proposed.withdrawals[0].fields()
    assert index == 0
    assert tuple(output) == proposed.output.fields()
    assert nodes == proposed.proofs[0]


def test_not_before_the_challenge_period(chain, bridge, proposed, roles):
    chain.increase_time(CHALLENGE_PERIOD - 20)
    with reverts("L1Bridge: output not finalized"):
        bridge.functions.finalizeWithdrawal(proof_of(proposed, 0)).transact({"from": roles.deployer})


def test_pays_exactly_once_after_the_challenge_period(chain, bridge, final, roles):
    withdrawal = final.withdrawals[0]
    bob_before, bridge_before = chain.balance(roles.bob), chain.balance(bridge.address)
    receipt = finalize(chain, bridge, proof_of(final, 0), sender=roles.deployer)

    assert chain.balance(roles.bob) == bob_before + withdrawal.amount
    assert chain.balance(bridge.address) == bridge_before - withdrawal.amount
    assert bridge.functions.finalizedWithdrawals(withdrawal.hash).call()
    (event,) = emitted(bridge, "WithdrawalFinalized", receipt)
    assert dict(event.args) == {"withdrawalHash": withdrawal.hash, "l1Recipient": roles.bob,
                                "amount": withdrawal.amount, "outputIndex": 0}
    with reverts("L1Bridge: withdrawal already finalized"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0)).transact({"from": roles.deployer})
    assert chain.balance(roles.bob) == bob_before + withdrawal.amount


def test_every_withdrawal_of_the_output_finalizes(chain, bridge, final, roles):
    for index in (1, 0):
        finalize(chain, bridge, proof_of(final, index), sender=roles.deployer)
    assert all(bridge.functions.finalizedWithdrawals(w.hash).call() for w in final.withdrawals[:2])


def test_a_later_output_proves_earlier_withdrawals(chain, bridge, scc, final, roles):
    """Withdrawals stay in the passer's storage: any later output proves them too."""
    chain.transact(final.passer.functions.initiateWithdrawal(roles.bob, BRIDGE_GAS_LIMIT, b""), sender=roles.bob, value=5)
    block = chain.w3.eth.block_number
    output = output_at(chain.w3, final.passer.address, block)
    chain.transact(scc.functions.proposeOutput(output.root, block), sender=roles.proposer)
    chain.increase_time(CHALLENGE_PERIOD)
    proof = storage_proof(chain.w3, final.passer.address, final.withdrawals[1].slot, block)
    finalize(chain, bridge, proof_of(final, 1, output_index=1, output=output, storage_proof=proof),
             sender=roles.deployer)


@pytest.mark.parametrize("forgery", [
    "amount", "recipient", "sender", "nonce", "other_withdrawals_proof", "tampered_leaf", "tampered_root_node",
    "truncated_proof", "extra_node", "empty_proof",
])
def test_forged_storage_proofs_are_rejected(bridge, final, roles, forgery):
    withdrawal, nodes = final.withdrawals[0], final.proofs[0]
    tampered = bytearray(nodes[-1])
    tampered[-1] ^= 1
    forged = {
        "amount": dict(withdrawal=withdrawal.but(amount=withdrawal.amount + 1)),
        "recipient": dict(withdrawal=withdrawal.but(l1_recipient=roles.alice)),
        "sender": dict(withdrawal=withdrawal.but(l2_sender=roles.bob)),
        "nonce": dict(withdrawal=withdrawal.but(nonce=7)),
        "other_withdrawals_proof": dict(storage_proof=final.proofs[1]),
        "tampered_leaf": dict(storage_proof=nodes[:-1] + [bytes(tampered)]),
        "tampered_root_node": dict(storage_proof=[nodes[0][:-1] + bytes([nodes[0][-1] ^ 1])] + nodes[1:]),
        "truncated_proof": dict(storage_proof=nodes[:-1]),
        "extra_node": dict(storage_proof=nodes + [nodes[-1]]),
        "empty_proof": dict(storage_proof=[]),
    }[forgery]
    with reverts("L1Bridge: invalid storage proof"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, **forged)).transact({"from": roles.deployer})


def test_proof_of_absence_is_rejected(chain, bridge, final, roles):
    """eth_getProof of a withdrawal that was never made proves its absence."""
    never = final.withdrawals[0].but(nonce=99)
    absent = storage_proof(chain.w3, final.passer.address, never.slot, final.block)
    with reverts("L1Bridge: invalid storage proof"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, withdrawal=never, storage_proof=absent)).transact(
            {"from": roles.deployer})


@pytest.mark.parametrize("forgery", ["state_root", "storage_root", "block_hash"])
def test_forged_output_root_proofs_are_rejected(bridge, final, roles, forgery):
    field = {"state_root": "state_root", "storage_root": "message_passer_storage_root",
             "block_hash": "block_hash"}[forgery]
    output = final.output.but(**{field: b"\x11" * 32})
    with reverts("L1Bridge: invalid output root proof"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, output=output)).transact({"from": roles.deployer})


def test_output_version_must_be_zero(bridge, final, roles):
    output = final.output.but(version=b"\x00" * 31 + b"\x01")
    with reverts("L1Bridge: unsupported output version"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, output=output)).transact({"from": roles.deployer})


def test_wrong_output_index_is_rejected(chain, bridge, scc, final, roles):
    chain.transact(scc.functions.proposeOutput(b"\x22" * 32, final.block + 1), sender=roles.proposer)
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("L1Bridge: invalid output root proof"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, output_index=1)).transact({"from": roles.deployer})
    with reverts("L1Bridge: unknown or deleted output"):
        bridge.functions.finalizeWithdrawal(proof_of(final, 0, output_index=2)).transact({"from": roles.deployer})


def test_deleted_output_is_rejected(chain, bridge, scc, proposed, roles):
    chain.transact(scc.functions.deleteOutputs(0), sender=roles.challenger)
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("L1Bridge: unknown or deleted output"):
        bridge.functions.finalizeWithdrawal(proof_of(proposed, 0)).transact({"from": roles.deployer})


@pytest.mark.parametrize("proof", [b"", b"\x01" * 31, b"\xff" * 64, b"\x00" * 31 + b"\x20" + b"\xff" * 300])
def test_malformed_proof_is_rejected(bridge, roles, proof):
    with reverts("L1Bridge: malformed proof"):
        bridge.functions.finalizeWithdrawal(proof).transact({"from": roles.deployer})


def test_reentrant_recipient_gains_nothing(chain, bridge, final, roles):
    withdrawal, recipient = final.withdrawals[2], final.reentrant
    assert withdrawal.l1_recipient == recipient.address
    proof = proof_of(final, 2)
    chain.transact(recipient.functions.arm(bridge.address, proof))
    bridge_before = chain.balance(bridge.address)
    finalize(chain, bridge, proof, sender=roles.deployer)

    assert recipient.functions.reentries().call() == 1
    assert not recipient.functions.reentrySucceeded().call()
    assert revert_reason(recipient.functions.reentryRevertData().call()) == "L1Bridge: reentrant call"
    assert chain.balance(recipient.address) == withdrawal.amount
    assert chain.balance(bridge.address) == bridge_before - withdrawal.amount
    with reverts("L1Bridge: withdrawal already finalized"):
        bridge.functions.finalizeWithdrawal(proof).transact({"from": roles.deployer})


def test_refused_payment_reverts_and_can_be_retried(chain, bridge, scc, helpers, roles):
    """A recipient that refuses ETH fails the whole call: the withdrawal stays unpaid."""
    chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=ETHER)
    refuser = chain.deploy(helpers["ContractDepositor"])  # no receive()
    passer = chain.deploy(load("L2ToL1MessagePasser"))
    receipt = chain.transact(passer.functions.initiateWithdrawal(refuser.address, BRIDGE_GAS_LIMIT, b""), sender=roles.alice, value=5)
    withdrawal = withdrawal_from_event(emitted(passer, "MessagePassed", receipt)[0])
    block = chain.w3.eth.block_number
    output = output_at(chain.w3, passer.address, block)
    chain.transact(scc.functions.proposeOutput(output.root, block), sender=roles.proposer)
    chain.increase_time(CHALLENGE_PERIOD)
    proof = encode_proof(withdrawal, 0, output, storage_proof(chain.w3, passer.address, withdrawal.slot, block))
    with reverts("L1Bridge: payment failed"):
        bridge.functions.finalizeWithdrawal(proof).transact({"from": roles.deployer})
    assert not bridge.functions.finalizedWithdrawals(withdrawal.hash).call()


# --- OptimismPortal's two steps: proveWithdrawalTransaction, finalizeWithdrawalTransaction ---


def prove(chain, bridge, l2, index: int, output_index: int = 0, sender=None, **overrides):
    """proveWithdrawalTransaction of withdrawal ``index`` of ``l2``, as viem sends it."""
    parts = dict(withdrawal=l2.withdrawals[index], output=l2.output, storage_proof=l2.proofs[index])
    parts.update(overrides)
    call = bridge.functions.proveWithdrawalTransaction(parts["withdrawal"].fields(), output_index,
                                                       parts["output"].fields(), parts["storage_proof"])
    return chain.transact(call, sender=sender or chain.w3.eth.accounts[0])


def finalize_transaction(bridge, l2, index: int):
    return bridge.functions.finalizeWithdrawalTransaction(l2.withdrawals[index].fields())


def test_op_steps_pay_once_the_period_has_passed_since_the_proof(chain, bridge, scc, proposed, roles):
    """Proven while the output is young; paid only once the challenge period has passed
    both since the output and since the proof; then never again, by either path."""
    withdrawal = proposed.withdrawals[0]
    receipt = prove(chain, bridge, proposed, 0)
    (event,) = emitted(bridge, "WithdrawalProven", receipt)
    assert dict(event.args) == {"withdrawalHash": withdrawal.hash, "from": roles.alice, "to": roles.bob}
    proven_at = chain.w3.eth.get_block(receipt.blockNumber).timestamp
    assert bridge.functions.provenWithdrawals(withdrawal.hash).call() == [proposed.output.root, proven_at, 0]
    with reverts("L1Bridge: withdrawal already proven"):
        prove(chain, bridge, proposed, 0)
    with reverts("L1Bridge: output not finalized"):
        finalize_transaction(bridge, proposed, 0).transact({"from": roles.deployer})

    chain.increase_time(CHALLENGE_PERIOD)
    bob_before = chain.balance(roles.bob)
    receipt = chain.transact(finalize_transaction(bridge, proposed, 0), sender=roles.deployer)
    assert chain.balance(roles.bob) == bob_before + withdrawal.amount
    (paid,) = emitted(bridge, "WithdrawalFinalized", receipt)
    assert (paid.args.withdrawalHash, paid.args.amount, paid.args.outputIndex) == (withdrawal.hash, ETHER, 0)
    assert bridge.functions.finalizedWithdrawals(withdrawal.hash).call()
    with reverts("L1Bridge: withdrawal already finalized"):  # replay
        finalize_transaction(bridge, proposed, 0).transact({"from": roles.deployer})
    with reverts("L1Bridge: withdrawal already finalized"):  # the other path
        bridge.functions.finalizeWithdrawal(proof_of(proposed, 0)).transact({"from": roles.deployer})
    with reverts("L1Bridge: withdrawal already finalized"):
        prove(chain, bridge, proposed, 0)
    assert chain.balance(roles.bob) == bob_before + withdrawal.amount


def test_the_period_counts_from_the_proof(chain, bridge, final, roles):
    """An output already final does not shorten the wait of a withdrawal proven now."""
    prove(chain, bridge, final, 0)
    chain.increase_time(CHALLENGE_PERIOD - 20)
    with reverts("L1Bridge: proven withdrawal still in its challenge period"):
        finalize_transaction(bridge, final, 0).transact({"from": roles.deployer})
    chain.increase_time(20)
    chain.transact(finalize_transaction(bridge, final, 0), sender=roles.deployer)


def test_not_finalized_unproven_or_through_the_op_path_after_ovms(chain, bridge, final, roles):
    with reverts("L1Bridge: withdrawal not proven"):
        finalize_transaction(bridge, final, 0).transact({"from": roles.deployer})
    prove(chain, bridge, final, 1)
    finalize(chain, bridge, proof_of(final, 1), sender=roles.deployer)  # ovm's one step, on a proven one
    chain.increase_time(CHALLENGE_PERIOD)
    carol_before = chain.balance(roles.carol)
    with reverts("L1Bridge: withdrawal already finalized"):
        finalize_transaction(bridge, final, 1).transact({"from": roles.deployer})
    assert chain.balance(roles.carol) == carol_before


def test_a_proof_against_a_deleted_output_pays_nothing(chain, bridge, scc, proposed, roles):
    """Deleted: the proof is void, the index refused; re-proposed (even with the same
    root, later): the old proof is void, the withdrawal is proven anew and waits again."""
    prove(chain, bridge, proposed, 0)
    chain.transact(scc.functions.deleteOutputs(0), sender=roles.challenger)
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("L1Bridge: the proven output was deleted; prove again"):
        finalize_transaction(bridge, proposed, 0).transact({"from": roles.deployer})
    with reverts("L1Bridge: unknown or deleted output"):
        prove(chain, bridge, proposed, 0)

    chain.transact(scc.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND)  # slashed
    chain.transact(scc.functions.proposeOutput(proposed.output.root, proposed.block), sender=roles.proposer)
    chain.increase_time(CHALLENGE_PERIOD)
    with reverts("L1Bridge: the proven output was deleted; prove again"):
        finalize_transaction(bridge, proposed, 0).transact({"from": roles.deployer})
    prove(chain, bridge, proposed, 0)
    with reverts("L1Bridge: proven withdrawal still in its challenge period"):
        finalize_transaction(bridge, proposed, 0).transact({"from": roles.deployer})
    chain.increase_time(CHALLENGE_PERIOD)
    chain.transact(finalize_transaction(bridge, proposed, 0), sender=roles.deployer)


def test_forged_op_proofs_are_rejected(chain, bridge, final, roles):
    withdrawal = final.withdrawals[0]
    with reverts("L1Bridge: invalid storage proof"):
        prove(chain, bridge, final, 0, withdrawal=withdrawal.but(amount=withdrawal.amount + 1))
    with reverts("L1Bridge: invalid storage proof"):
        prove(chain, bridge, final, 0, withdrawal=withdrawal.but(gas_limit=0))
    with reverts("L1Bridge: invalid output root proof"):
        prove(chain, bridge, final, 0, output=final.output.but(block_hash=b"\x01" * 32))
    with reverts("L1Bridge: unknown or deleted output"):
        prove(chain, bridge, final, 0, output_index=1)
    assert bridge.functions.provenWithdrawals(withdrawal.hash).call()[1] == 0


def test_the_l2_output_oracle_views(chain, bridge, scc, roles, l2):
    """What viem reads: the portal's version (2.x: the L2OutputOracle path) and the oracle's views."""
    assert bridge.functions.version().call() == "2.0.0"
    assert bridge.functions.l2Oracle().call() == scc.address
    with reverts("L2OutputOracle: cannot get output for a block that has not been proposed"):
        scc.functions.getL2OutputIndexAfter(0).call()
    with reverts("SCC: no outputs yet"):
        scc.functions.latestOutputIndex().call()
    assert scc.functions.latestBlockNumber().call() == 0
    assert scc.functions.FINALIZATION_PERIOD_SECONDS().call() == CHALLENGE_PERIOD
    assert (scc.functions.L2_BLOCK_TIME().call(), scc.functions.SUBMISSION_INTERVAL().call()) == (2, 10)

    blocks = [l2.block - 2, l2.block - 1, l2.block]
    for number in blocks:
        chain.transact(scc.functions.proposeOutput(Web3.keccak(number.to_bytes(32, "big")), number),
                       sender=roles.proposer)
    proposed_at = chain.w3.eth.get_block("latest").timestamp
    assert scc.functions.latestOutputIndex().call() == 2 and scc.functions.latestBlockNumber().call() == l2.block
    assert [scc.functions.getL2OutputIndexAfter(n).call() for n in (0, *blocks)] == [0, 0, 1, 2]
    with reverts("L2OutputOracle: cannot get output for a block that has not been proposed"):
        scc.functions.getL2OutputIndexAfter(l2.block + 1).call()
    assert scc.functions.getL2Output(2).call() == (Web3.keccak(l2.block.to_bytes(32, "big")), proposed_at, l2.block)
    with reverts("SCC: unknown output"):
        scc.functions.getL2Output(3).call()


def test_a_recipient_reentering_through_the_other_path_gains_nothing(chain, bridge, final, roles):
    """Paid by finalizeWithdrawalTransaction, the recipient re-enters with ovm's one-step proof."""
    withdrawal, recipient = final.withdrawals[2], final.reentrant
    chain.transact(recipient.functions.arm(bridge.address, proof_of(final, 2)))
    prove(chain, bridge, final, 2)
    chain.increase_time(CHALLENGE_PERIOD)
    bridge_before = chain.balance(bridge.address)
    chain.transact(finalize_transaction(bridge, final, 2), sender=roles.deployer)

    assert recipient.functions.reentries().call() == 1 and not recipient.functions.reentrySucceeded().call()
    assert revert_reason(recipient.functions.reentryRevertData().call()) == "L1Bridge: reentrant call"
    assert chain.balance(recipient.address) == withdrawal.amount
    assert chain.balance(bridge.address) == bridge_before - withdrawal.amount
