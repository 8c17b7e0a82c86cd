"""
Intrinsic gas
=============

The gas a transaction pays before its first instruction runs: the base cost,
calldata, creation and its init code words, the access list and, from Prague,
each authorization as if its authority were a new account (EIP-7702); and the
floor Prague puts under what a transaction uses, by calldata token (EIP-7623).
"""

from __future__ import annotations

from ovm.evm import gas as G

from .transactions import Transaction, authorizations


def intrinsic_gas(tx: Transaction) -> int:
    """Gas charged before execution: base, calldata, creation, access list and
    authorizations (each as if its authority were a new account, EIP-7702)."""
    zeros = tx.data.count(0)
    cost = G.TX_BASE + G.TX_DATA_ZERO * zeros + G.TX_DATA_NONZERO * (len(tx.data) - zeros)
    if tx.to is None:
        cost += G.TX_CREATE + G.INITCODE_WORD * G.words(len(tx.data))
    for _, keys in getattr(tx, "access_list", ()):
        cost += G.ACCESS_LIST_ADDRESS + G.ACCESS_LIST_STORAGE_KEY * len(keys)
    cost += G.PER_EMPTY_ACCOUNT_COST * len(authorizations(tx))
    return cost


def calldata_tokens(data: bytes) -> int:
    zeros = data.count(0)
    return zeros + G.TX_DATA_TOKENS_PER_NONZERO * (len(data) - zeros)


def calldata_floor_gas(tx: Transaction, per_token: int) -> int:
    """The least gas ``tx`` uses where a fork sets a floor of ``per_token`` gas
    per calldata token (Prague: 10); no floor when ``per_token`` is 0."""
    if not per_token:
        return 0
    return G.TX_BASE + per_token * calldata_tokens(tx.data)
