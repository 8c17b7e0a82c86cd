"""
Reading the inbox
=================

Each ``BatchAppended`` event of the ``BatchInbox`` points at the transaction
that carried the batch: its ``appendBatch(bytes)`` calldata, or, for a blob
batch (``appendBlobBatch()``), its blobs. ``batch_data`` finds those bytes and
checks them against what the inbox recorded, so nothing but the batcher's own
data is ever read as a batch:

- the transaction must be the batcher's, to the inbox;
- calldata must hash to the event's ``dataHash``;
- for blobs, the transaction's versioned hashes must hash to ``dataHash``, and
  each blob the L1 node hands back must commit to its versioned hash. A node
  that cannot give the blobs, or gives others, is an ``L1Error``: the reader
  stops rather than derive a different chain from missing data.
"""

from __future__ import annotations

from ..evm.blobs import BlobError, blob_commitment
from ..evm.kzg import versioned_hash
from ..primitives.crypto import keccak256
from ..primitives.types import to_hex
from .blob_data import BlobDataError, from_blobs
from .l1.client import L1Client
from .l1.data import L1Error, L1Transaction
from .l1.contract import Contract, ContractEvent

CALLDATA, BLOBS = 0, 1  # BatchInbox.DataKind


def batch_data(client: L1Client, inbox: Contract, event: ContractEvent, batcher: bytes) -> bytes | None:
    """The bytes of the batch ``event`` announces, or None if it is not a batch of ours."""
    tx = client.transaction(event.log.transaction_hash)
    if tx is None or tx.to != inbox.address or tx.sender != batcher:
        return None
    data_hash = event.args["dataHash"]
    if event.args["kind"] == BLOBS:
        return _blob_batch(client, tx, data_hash)
    try:
        (data,) = inbox.decode_input("appendBatch", tx.input)
    except Exception:  # not a call of appendBatch: nothing to read
        return None
    return data if keccak256(data) == data_hash else None


def _blob_batch(client: L1Client, tx: L1Transaction, data_hash: bytes) -> bytes | None:
    hashes = tx.blob_versioned_hashes
    if not hashes or keccak256(b"".join(hashes)) != data_hash:
        return None
    blobs = client.blobs(tx.hash)
    if blobs is None or len(blobs) != len(hashes):
        raise L1Error(f"the L1 node at {client.url} does not have the blobs of batch transaction {to_hex(tx.hash)}")
    _check_blobs(client, tx, blobs)
    try:
        return from_blobs(blobs)
    except BlobDataError:
        return None  # the batcher's own garbage: no batch, as with a malformed calldata batch


def _check_blobs(client: L1Client, tx: L1Transaction, blobs: list[bytes]) -> None:
    """``L1Error`` unless every blob commits to the versioned hash ``tx`` carries for it."""
    for index, (blob, expected) in enumerate(zip(blobs, tx.blob_versioned_hashes)):
        try:
            matches = versioned_hash(blob_commitment(blob)) == expected
        except BlobError:
            matches = False
        if not matches:
            raise L1Error(f"blob {index} of batch transaction {to_hex(tx.hash)} from {client.url} "
                          "does not match its versioned hash")
