"""
Transaction signatures
======================

The hash a transaction's sender signs (EIP-155 for legacy transactions, the
type byte and the unsigned fields for typed ones), signing with a private key,
and recovering the sender from the signature. A deposit has no signature: its
sender is its ``from``, vouched for by the L1 event derivation made it from.
"""

from __future__ import annotations

import dataclasses

from ovm.primitives import rlp
from ovm.primitives.crypto import InvalidSignature, keccak256, recover_address, sign
from ovm.primitives.types import Address, Hash32

from .transactions import (
    SIGNATURE_FIELD_COUNT,
    DepositTransaction,
    InvalidSender,
    InvalidTransaction,
    LegacyTransaction,
    Transaction,
    transaction_fields,
)


def legacy_chain_id(v: int) -> int | None:
    """The chain id a legacy ``v`` encodes (EIP-155), or ``None`` for an unprotected 27/28."""
    if v in (27, 28):
        return None
    if v >= 35:
        return (v - 35) // 2
    raise InvalidTransaction(f"invalid legacy v value {v}")


def _legacy_y_parity(v: int) -> int:
    return (v - 27) if v in (27, 28) else (v - 35) % 2


def _unsigned_fields(tx: Transaction) -> list:
    return transaction_fields(tx)[:-SIGNATURE_FIELD_COUNT]


def _legacy_signing_hash(tx: LegacyTransaction, chain_id: int | None) -> Hash32:
    """EIP-155 appends ``chain_id, 0, 0``; an unprotected transaction signs six fields."""
    fields = _unsigned_fields(tx)
    if chain_id is not None:
        fields += [rlp.int_to_be(chain_id), b"", b""]
    return keccak256(rlp.encode(fields))


def signing_hash(tx: Transaction, chain_id: int | None = None) -> Hash32:
    """The hash the sender signs.

    For a legacy transaction the chain id comes from ``v`` unless ``chain_id`` is
    given. A typed transaction signs over its own ``chain_id`` field, and a
    different ``chain_id`` argument is an error. A deposit is not signed.
    """
    if isinstance(tx, DepositTransaction):
        raise InvalidTransaction("a deposit transaction is not signed")
    if isinstance(tx, LegacyTransaction):
        return _legacy_signing_hash(tx, legacy_chain_id(tx.v) if chain_id is None else chain_id)
    if chain_id is not None and chain_id != tx.chain_id:
        raise InvalidTransaction(
            f"chain id {chain_id} does not match the transaction's {tx.chain_id}"
        )
    return keccak256(bytes((tx.TYPE,)) + rlp.encode(_unsigned_fields(tx)))


def sign_transaction(tx: Transaction, private_key: bytes, chain_id: int | None) -> Transaction:
    """Return ``tx`` signed by ``private_key`` (its signature fields are replaced).

    A legacy transaction is signed with EIP-155 for ``chain_id``, or unprotected
    if it is ``None``; a typed transaction must already carry ``chain_id``.
    """
    if isinstance(tx, LegacyTransaction):
        y_parity, r, s = sign(_legacy_signing_hash(tx, chain_id), private_key)
        v = 27 + y_parity if chain_id is None else chain_id * 2 + 35 + y_parity
        return dataclasses.replace(tx, v=v, r=r, s=s)
    y_parity, r, s = sign(signing_hash(tx, chain_id), private_key)
    return dataclasses.replace(tx, y_parity=y_parity, r=r, s=s)


def recover_sender(tx: Transaction) -> Address:
    """The address that signed ``tx`` (a deposit's ``from``); ``InvalidTransaction``
    if there is none."""
    if isinstance(tx, DepositTransaction):
        return tx.sender
    y_parity = _legacy_y_parity(tx.v) if isinstance(tx, LegacyTransaction) else tx.y_parity
    try:
        return recover_address(signing_hash(tx), y_parity, tx.r, tx.s)
    except InvalidSignature as exc:
        raise InvalidSender(f"invalid signature: {exc}") from None
