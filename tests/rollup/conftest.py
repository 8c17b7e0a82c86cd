"""
Rollup test fixtures
====================

Two real L1s per test session (per xdist worker): an anvil, and our own
embedded L1 (``DevChain``, ``ovm node`` in L1 mode, a block per transaction).
Tests taking ``l1_url`` (or ``client``) run once against each. Both are
stopped by their pid at the end.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from anvil_process import Anvil

from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.l1 import DevChain, L1Client


@pytest.fixture(scope="session", params=["anvil", "ovm"])
def l1_url(request, tmp_path_factory):
    """The URL of a running L1: anvil, or the embedded L1."""
    if request.param == "anvil":
        anvil = Anvil()
        try:
            yield anvil.url
        finally:
            anvil.stop()
    else:
        with DevChain.start(tmp_path_factory.mktemp("l1"), instant=True) as chain:
            yield chain.url


@pytest.fixture
def client(l1_url) -> L1Client:
    """A fresh client (so its nonce counts start from the node's)."""
    return L1Client(l1_url)


@pytest.fixture
def roles():
    """Who is who among the dev accounts (each has ``address`` and ``private_key``)."""
    deployer, proposer, challenger, batcher, alice, bob = dev_accounts()[:6]
    return SimpleNamespace(deployer=deployer, proposer=proposer, challenger=challenger, batcher=batcher,
                           alice=alice, bob=bob)
