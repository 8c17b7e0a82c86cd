"""
Dev accounts
============

BIP-39/BIP-32 derivation from the standard test mnemonic gives the accounts
anvil and Hardhat print, and the BIP-39 seed matches the published vector.
"""

from __future__ import annotations

import pytest

from ovm.chain.dev_accounts import (
    DEV_MNEMONIC,
    derive_private_key,
    dev_accounts,
    mnemonic_to_seed,
)
from ovm.primitives.types import hex_to_address

# anvil's startup listing (the same as Hardhat's).
ANVIL = [
    (
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    ),
    (
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    ),
    (
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ),
]


@pytest.mark.parametrize("index", range(len(ANVIL)))
def test_first_accounts_match_anvil(index):
    address, key = ANVIL[index]
    account = dev_accounts()[index]
    assert account.address == hex_to_address(address)
    assert account.private_key.hex() == key


def test_ten_distinct_accounts():
    accounts = dev_accounts()
    assert len(accounts) == 10
    assert len({account.address for account in accounts}) == 10


def test_derive_private_key_by_index():
    assert derive_private_key(DEV_MNEMONIC, 2).hex() == ANVIL[2][1]


def test_bip39_seed_vector():
    # BIP-39 reference vectors (trezor/python-mnemonic vectors.json), first English entry.
    mnemonic = " ".join(["abandon"] * 11 + ["about"])
    seed = mnemonic_to_seed(mnemonic, "TREZOR")
    assert seed.hex() == (
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e5349553"
        "1f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
    )
