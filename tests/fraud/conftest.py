"""
Fraud-proof test fixtures
=========================

One real anvil per test session (per xdist worker) with the one-step
verifier deployed from the shipped artifacts (``l1_verifier.L1Verifier``),
and, for the tests that ask for it, the embedded L1 (``ovm node`` in L1 mode,
a block per transaction: ovm's own EVM runs the verifier), asked a few steps
per batch (a sponge part is about 4M gas, seconds of Python EVM).
"""

from __future__ import annotations

import pytest
from anvil_process import Anvil
from l1_verifier import L1Verifier

from ovm.rollup.l1 import DevChain


@pytest.fixture(scope="session")
def l1():
    anvil = Anvil()
    try:
        yield L1Verifier(anvil.url)
    finally:
        anvil.stop()


@pytest.fixture(scope="session")
def embedded_l1(tmp_path_factory):
    with DevChain.start(tmp_path_factory.mktemp("embedded-l1"), instant=True) as chain:
        yield L1Verifier(chain.url, batch=4)
