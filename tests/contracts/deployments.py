"""
Rollup contracts for the contract tests
=======================================

The parameters the contract tests deploy with, and the StateCommitmentChain
deployment the fixtures and tests share (a module of its own rather than the
conftest, whose name other test directories share).
"""

from __future__ import annotations

from ovm.rollup.artifacts import load

CHALLENGE_PERIOD = 1000
REQUIRED_BOND = 10**18
MAX_SEQUENCER_DRIFT = 600
L2_BLOCK_TIME = 2
SUBMISSION_INTERVAL = 10
NO_CHALLENGER = "0x" + "00" * 20


def deploy_scc(chain, roles, *, challenger=None, bond=REQUIRED_BOND, genesis_timestamp=None,
               drift=MAX_SEQUENCER_DRIFT):
    """A StateCommitmentChain (challenger ``roles.challenger`` unless given). Its L2
    genesis is anvil's own genesis block unless given: the withdrawal tests let anvil
    play the L2 and propose its blocks, whose timestamps grow by at least a second
    per block as an L2's do."""
    if genesis_timestamp is None:
        genesis_timestamp = chain.w3.eth.get_block(0).timestamp
    return chain.deploy(load("StateCommitmentChain"), roles.proposer, challenger or roles.challenger,
                        CHALLENGE_PERIOD, bond, genesis_timestamp, drift, L2_BLOCK_TIME, SUBMISSION_INTERVAL,
                        sender=roles.deployer)
