"""
Blob sidecars
=============

An EIP-4844 transaction commits to its blobs only by versioned hash; the blobs
themselves travel beside it, in the *network form* a node receives through
``eth_sendRawTransaction``, and never enter a block:

- version 0 (Cancun, Prague): ``0x03 ‖ rlp([tx_fields, blobs, commitments, proofs])``,
  one KZG proof per blob;
- version 1 (Osaka, EIP-7594): ``0x03 ‖ rlp([tx_fields, 1, blobs, commitments, cell_proofs])``,
  a proof for each of a blob's 128 cells.

A blob is 4096 field elements of 32 bytes, each below the BLS12-381 scalar
modulus; its versioned hash is ``0x01 ‖ sha256(commitment)[1:]``. The KZG
arithmetic is ckzg's, on the mainnet trusted setup the point-evaluation
precompile already loads.
"""

from __future__ import annotations

from dataclasses import dataclass

import ckzg

from ..primitives import rlp
from .kzg import BYTES_PER_FIELD_ELEMENT, FIELD_ELEMENTS_PER_BLOB, versioned_hash
from .precompiles.point_evaluation import trusted_setup
from .transactions import BlobTransaction, InvalidTransaction, decode_transaction, encode_transaction

BYTES_PER_BLOB = FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT
CELLS_PER_BLOB = 128
WRAPPER_VERSION_CELL_PROOFS = 1


class BlobError(InvalidTransaction):
    """A sidecar that does not belong to its transaction, or is malformed."""


@dataclass(frozen=True, slots=True)
class BlobSidecar:
    """A blob transaction's blobs, their commitments and proofs (per blob for
    version 0, per cell for version 1)."""

    blobs: tuple[bytes, ...]
    commitments: tuple[bytes, ...]
    proofs: tuple[bytes, ...]
    version: int = 0


def blob_commitment(blob: bytes) -> bytes:
    """The KZG commitment to ``blob`` (``BlobError`` if it is not a valid blob)."""
    try:
        return ckzg.blob_to_kzg_commitment(blob, trusted_setup())
    except (ValueError, RuntimeError) as exc:
        raise BlobError(f"invalid blob: {exc}") from None


def make_sidecar(blobs: list[bytes] | tuple[bytes, ...], version: int = 0) -> BlobSidecar:
    """Commit to ``blobs`` and prove them, in the wrapper ``version`` the L1 expects."""
    setup = trusted_setup()
    commitments = tuple(blob_commitment(blob) for blob in blobs)
    if version == WRAPPER_VERSION_CELL_PROOFS:
        proofs = tuple(
            proof for blob in blobs for proof in ckzg.compute_cells_and_kzg_proofs(blob, setup)[1]
        )
    elif version == 0:
        proofs = tuple(ckzg.compute_blob_kzg_proof(b, c, setup) for b, c in zip(blobs, commitments))
    else:
        raise ValueError(f"unknown blob sidecar version {version}")
    return BlobSidecar(tuple(blobs), commitments, proofs, version)


# --- the network form -------------------------------------------------------------


def encode_network_form(tx: BlobTransaction, sidecar: BlobSidecar) -> bytes:
    """``tx`` with its sidecar, as ``eth_sendRawTransaction`` takes it."""
    fields = rlp.decode(encode_transaction(tx)[1:])
    version = [rlp.int_to_be(sidecar.version)] if sidecar.version else []
    body = [fields, *version, list(sidecar.blobs), list(sidecar.commitments), list(sidecar.proofs)]
    return bytes((BlobTransaction.TYPE,)) + rlp.encode(body)


def decode_network_form(raw: bytes) -> tuple[BlobTransaction, BlobSidecar | None]:
    """Split a type-3 network form into the transaction and its sidecar (None when
    ``raw`` is the bare transaction, as blocks hold it)."""
    if not raw or raw[0] != BlobTransaction.TYPE:
        raise BlobError("not a blob transaction")
    try:
        outer = rlp.decode(raw[1:])
    except rlp.DecodingError as exc:
        raise BlobError(f"malformed RLP: {exc}") from None
    if not (isinstance(outer, list) and outer and isinstance(outer[0], list)):
        return decode_transaction(raw), None
    tx = decode_transaction(bytes((BlobTransaction.TYPE,)) + rlp.encode(outer[0]))
    return tx, _sidecar_of(outer[1:])


def _sidecar_of(items: list) -> BlobSidecar:
    version = 0
    if len(items) == 4:
        if not isinstance(items[0], bytes):
            raise BlobError("blob sidecar: the wrapper version is not a number")
        version = rlp.be_to_int(items[0])
        items = items[1:]
        if version != WRAPPER_VERSION_CELL_PROOFS:
            raise BlobError(f"blob sidecar: unknown wrapper version {version}")
    if len(items) != 3 or not all(isinstance(item, list) for item in items):
        raise BlobError("blob sidecar: expected lists of blobs, commitments and proofs")
    blobs, commitments, proofs = (tuple(_strings(item)) for item in items)
    return BlobSidecar(blobs, commitments, proofs, version)


def _strings(items: list) -> list[bytes]:
    if not all(isinstance(item, bytes) for item in items):
        raise BlobError("blob sidecar: a blob, commitment or proof is not a byte string")
    return items


# --- checking a sidecar against its transaction -----------------------------------


def verify_sidecar(tx: BlobTransaction, sidecar: BlobSidecar) -> None:
    """``BlobError`` unless the sidecar's blobs are the ones ``tx`` commits to."""
    count = len(tx.blob_versioned_hashes)
    proofs_per_blob = CELLS_PER_BLOB if sidecar.version == WRAPPER_VERSION_CELL_PROOFS else 1
    if len(sidecar.blobs) != count or len(sidecar.commitments) != count:
        raise BlobError(
            f"blob sidecar: {len(sidecar.blobs)} blobs and {len(sidecar.commitments)} commitments "
            f"for {count} blob hashes"
        )
    if len(sidecar.proofs) != count * proofs_per_blob:
        raise BlobError(f"blob sidecar: {len(sidecar.proofs)} proofs, expected {count * proofs_per_blob}")
    for index, (commitment, expected) in enumerate(zip(sidecar.commitments, tx.blob_versioned_hashes)):
        if versioned_hash(commitment) != expected:
            raise BlobError(f"blob sidecar: commitment {index} does not match blob hash 0x{expected.hex()}")
    if not _proofs_hold(sidecar):
        raise BlobError("blob sidecar: invalid KZG proof")


def _proofs_hold(sidecar: BlobSidecar) -> bool:
    setup = trusted_setup()
    try:
        if sidecar.version == 0:
            return ckzg.verify_blob_kzg_proof_batch(
                b"".join(sidecar.blobs), b"".join(sidecar.commitments), b"".join(sidecar.proofs), setup
            )
        cells = [cell for blob in sidecar.blobs for cell in ckzg.compute_cells(blob, setup)]
        commitments = [c for c in sidecar.commitments for _ in range(CELLS_PER_BLOB)]
        indices = list(range(CELLS_PER_BLOB)) * len(sidecar.blobs)
        return ckzg.verify_cell_kzg_proof_batch(commitments, indices, cells, list(sidecar.proofs), setup)
    except (ValueError, RuntimeError):  # ckzg's answer to a malformed blob, point or proof
        return False
