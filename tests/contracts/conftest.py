"""
Contract test fixtures
======================

Fixtures of the contract tests: one anvil per test session (per xdist worker),
the compiled test-helper contracts, and freshly deployed rollup contracts.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from anvil_chain import Anvil, Chain, compile_sources
from deployments import REQUIRED_BOND, deploy_scc

from ovm.rollup.artifacts import load


@pytest.fixture(scope="session")
def chain():
    anvil = Anvil()
    try:
        yield Chain(anvil.url)
    finally:
        anvil.stop()


@pytest.fixture(scope="session")
def helpers(tmp_path_factory):
    """The test-helper contracts of tests/contracts/sol, by name."""
    return compile_sources(tmp_path_factory.mktemp("helper-artifacts"), "tests/contracts/sol")


@pytest.fixture
def roles(chain):
    """Who is who among anvil's dev accounts."""
    deployer, proposer, challenger, batcher, alice, bob, carol = chain.accounts[:7]
    return SimpleNamespace(deployer=deployer, proposer=proposer, challenger=challenger, batcher=batcher,
                           alice=alice, bob=bob, carol=carol)


@pytest.fixture
def scc(chain, roles):
    """A StateCommitmentChain with its challenger and the proposer bonded."""
    contract = deploy_scc(chain, roles)
    chain.transact(contract.functions.depositBond(), sender=roles.proposer, value=REQUIRED_BOND)
    return contract


@pytest.fixture
def bridge(chain, scc, roles):
    """An L1Bridge over ``scc``."""
    return chain.deploy(load("L1Bridge"), scc.address, sender=roles.deployer)
