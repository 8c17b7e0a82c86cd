"""
Dev accounts
============

The prefunded accounts of the dev genesis are those anvil and Hardhat print:
keys derived from the mnemonic ``test test ... junk`` along the BIP-44 path
``m/44'/60'/0'/0/i``, so wallets and scripts written for those tools work here
unchanged.

The derivation is written out (BIP-39 seed by PBKDF2-HMAC-SHA512, then BIP-32
private child derivation over ``coincurve``) rather than taken from
eth-account: it is a few lines over libraries the project already has, while
eth-account would bring a dependency tree and an "unaudited" feature flag for
what is only ever used on a dev chain. Mnemonic checksums are not verified
(that needs the BIP-39 word list); the dev mnemonic is a constant.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import cache
from typing import NamedTuple

from coincurve import PrivateKey

from ..primitives.crypto import SECP256K1_N, private_key_to_address

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 10
HARDENED = 1 << 31
BIP44_ETHEREUM_ACCOUNT = (44 | HARDENED, 60 | HARDENED, 0 | HARDENED, 0)  # m/44'/60'/0'/0
SEED_ROUNDS = 2048
MASTER_HMAC_KEY = b"Bitcoin seed"


class ExtendedKey(NamedTuple):
    """A BIP-32 extended private key."""

    key: bytes
    chain_code: bytes


class DevAccount(NamedTuple):
    address: bytes
    private_key: bytes


def mnemonic_to_seed(mnemonic: str, passphrase: str = "") -> bytes:
    """BIP-39: the 64-byte seed of a mnemonic sentence."""
    password = unicodedata.normalize("NFKD", mnemonic).encode()
    salt = unicodedata.normalize("NFKD", "mnemonic" + passphrase).encode()
    return hashlib.pbkdf2_hmac("sha512", password, salt, SEED_ROUNDS)


def _extended_key(digest: bytes, parent_key: int = 0) -> ExtendedKey:
    """Split an HMAC-SHA512 digest into key and chain code (BIP-32).

    The left half must be a valid scalar; the spec skips such an index, which
    happens with probability below 2**-127, so it is an error here.
    """
    tweak = int.from_bytes(digest[:32], "big")
    key = (tweak + parent_key) % SECP256K1_N
    if tweak >= SECP256K1_N or key == 0:
        raise ValueError("BIP-32 derivation produced an invalid key")
    return ExtendedKey(key.to_bytes(32, "big"), digest[32:])


def master_key(seed: bytes) -> ExtendedKey:
    return _extended_key(hmac.new(MASTER_HMAC_KEY, seed, hashlib.sha512).digest())


def child_key(parent: ExtendedKey, index: int) -> ExtendedKey:
    """BIP-32 private parent key to private child key; hardened from ``2**31``."""
    if index >= HARDENED:
        data = b"\x00" + parent.key
    else:
        data = PrivateKey(parent.key).public_key.format(compressed=True)
    digest = hmac.new(parent.chain_code, data + index.to_bytes(4, "big"), hashlib.sha512).digest()
    return _extended_key(digest, int.from_bytes(parent.key, "big"))


def account_key(mnemonic: str, passphrase: str = "") -> ExtendedKey:
    """The extended key at ``m/44'/60'/0'/0``, parent of the numbered accounts."""
    extended = master_key(mnemonic_to_seed(mnemonic, passphrase))
    for index in BIP44_ETHEREUM_ACCOUNT:
        extended = child_key(extended, index)
    return extended


def derive_private_key(mnemonic: str, index: int, passphrase: str = "") -> bytes:
    """The private key at ``m/44'/60'/0'/0/index``."""
    return child_key(account_key(mnemonic, passphrase), index).key


@cache
def dev_accounts(count: int = DEV_ACCOUNT_COUNT) -> tuple[DevAccount, ...]:
    """The first ``count`` accounts of the dev mnemonic."""
    parent = account_key(DEV_MNEMONIC)
    keys = [child_key(parent, i).key for i in range(count)]
    return tuple(DevAccount(private_key_to_address(key), key) for key in keys)
