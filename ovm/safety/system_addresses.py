"""
System addresses
================

Addresses that belong to the rollup itself, following the OP Stack:

- **System senders.** The depositor account
  ``0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001`` sends the L1-attributes
  deposit at the start of every L2 block (OP Stack ``L1Block.DEPOSITOR_ACCOUNT``).
  Only derivation may make it a sender; nobody holds a key for it, and a user
  transaction recovering to it is refused all the same (at admission).
- **Predeploys.** The namespace ``0x4200000000000000000000000000000000000000``
  to ``0x42000000000000000000000000000000000007ff``: the 2048 addresses the OP
  Stack reserves for protocol contracts (``Predeploys.PREDEPLOY_COUNT``), among
  them L2ToL1MessagePasser (…0016), L1Block (…0015), GasPriceOracle (…000F)
  and the fee vaults. Their code is set at genesis or by network upgrades.

What is checked so that no user transaction writes a predeploy's code: code
is written only by a creation (Cancun has no other way: SELFDESTRUCT deletes
code only of a contract created in the same transaction, EIP-6780, and a
predeploy was not), and a creation's address comes from a hash — of sender and
nonce, or of deployer, salt and initcode — so landing in the namespace takes a
2^149 search, and on an existing predeploy it is also an address collision.
``bytecode_policy.PredeployGuard`` refuses such a creation outright
nonetheless, at admission (the transaction's creation address) and, as part of
every chain deployment policy, at each CREATE and CREATE2 during execution; it
costs one comparison.
"""

from __future__ import annotations

from ..evm.l2 import DEPOSITOR_ACCOUNT

SYSTEM_SENDERS = frozenset({DEPOSITOR_ACCOUNT})

PREDEPLOY_NAMESPACE = bytes.fromhex("4200000000000000000000000000000000000000")
PREDEPLOY_COUNT = 2048
_PREDEPLOY_FIRST = int.from_bytes(PREDEPLOY_NAMESPACE, "big")


def is_system_sender(address: bytes) -> bool:
    return address in SYSTEM_SENDERS


def is_predeploy(address: bytes) -> bool:
    """Whether ``address`` lies in the predeploy namespace (…0000 to …07ff)."""
    return 0 <= int.from_bytes(address, "big") - _PREDEPLOY_FIRST < PREDEPLOY_COUNT
