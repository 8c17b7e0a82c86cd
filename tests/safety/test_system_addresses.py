"""
System addresses
================

The OP Stack's system sender and predeploy namespace, and the predeploys the
design names lying inside it.
"""

from __future__ import annotations

import pytest

from ovm.chain.genesis import SEQUENCER_FEE_VAULT
from ovm.safety import DEPOSITOR_ACCOUNT, is_predeploy, is_system_sender


def address(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def test_the_depositor_is_the_system_sender():
    assert DEPOSITOR_ACCOUNT == address("0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001")
    assert is_system_sender(DEPOSITOR_ACCOUNT)
    assert not is_system_sender(address("0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0002"))


@pytest.mark.parametrize(
    "name, text",
    [
        ("L2ToL1MessagePasser", "0x4200000000000000000000000000000000000016"),
        ("L1Block", "0x4200000000000000000000000000000000000015"),
        ("GasPriceOracle", "0x420000000000000000000000000000000000000F"),
    ],
)
def test_design_predeploys_are_in_the_namespace(name, text):
    assert is_predeploy(address(text)), name


def test_the_fee_vault_coinbase_is_a_predeploy():
    assert is_predeploy(SEQUENCER_FEE_VAULT)


@pytest.mark.parametrize(
    "text, inside",
    [
        ("0x4200000000000000000000000000000000000000", True),
        ("0x42000000000000000000000000000000000007ff", True),
        ("0x4200000000000000000000000000000000000800", False),
        ("0x41ffffffffffffffffffffffffffffffffffffff", False),
        ("0x4300000000000000000000000000000000000000", False),
    ],
)
def test_namespace_bounds(text, inside):
    assert is_predeploy(address(text)) == inside
