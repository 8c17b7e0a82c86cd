"""
Fraud-proof test fixtures
=========================

One real anvil per test session (per xdist worker) with the one-step
verifier deployed from the shipped artifacts (``l1_verifier.L1Verifier``).
"""

from __future__ import annotations

import pytest
from anvil_process import Anvil
from l1_verifier import L1Verifier


@pytest.fixture(scope="session")
def l1():
    anvil = Anvil()
    try:
        yield L1Verifier(anvil.url)
    finally:
        anvil.stop()
