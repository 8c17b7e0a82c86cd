"""Blob sidecars: the network form of a blob transaction (versions 0 and 1), and
checking a sidecar against the versioned hashes its transaction carries."""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.blobs import (
    BYTES_PER_BLOB,
    CELLS_PER_BLOB,
    BlobError,
    decode_network_form,
    encode_network_form,
    make_sidecar,
    verify_sidecar,
)
from ovm.evm.kzg import FIELD_ELEMENTS_PER_BLOB, versioned_hash
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import BlobTransaction, encode_transaction
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256

ALICE = dev_accounts()[0]
CHAIN_ID = 900


def varied_blob(seed: int) -> bytes:
    return b"".join(
        b"\x00" + keccak256(seed.to_bytes(4, "big") + i.to_bytes(2, "big"))[:31] for i in range(FIELD_ELEMENTS_PER_BLOB)
    )


@pytest.fixture(scope="module")
def blobs() -> list[bytes]:
    return [varied_blob(1), varied_blob(2)]


def signed_for(sidecar) -> BlobTransaction:
    tx = BlobTransaction(
        CHAIN_ID, 0, 1, 10**9, 21000, b"\xbb" * 20, 0, b"", (), 1,
        tuple(versioned_hash(c) for c in sidecar.commitments), 0, 0, 0,
    )  # fmt: skip
    return sign_transaction(tx, ALICE.private_key, CHAIN_ID)


@pytest.mark.parametrize("version", [0, 1])
def test_network_form_round_trip_and_verifies(blobs, version):
    sidecar = make_sidecar(blobs, version)
    assert len(sidecar.proofs) == len(blobs) * (CELLS_PER_BLOB if version else 1)
    tx = signed_for(sidecar)
    decoded_tx, decoded_sidecar = decode_network_form(encode_network_form(tx, sidecar))
    assert decoded_tx == tx and decoded_sidecar == sidecar
    verify_sidecar(tx, decoded_sidecar)


def test_the_bare_transaction_has_no_sidecar(blobs):
    tx = signed_for(make_sidecar(blobs))
    assert decode_network_form(encode_transaction(tx)) == (tx, None)


def test_versioned_hash_is_sha256_with_the_kzg_version_byte():
    # The commitment to the zero blob is the point at infinity (0xc0 then zeros).
    commitment = make_sidecar([bytes(BYTES_PER_BLOB)]).commitments[0]
    assert commitment == b"\xc0" + bytes(47)
    assert versioned_hash(commitment).hex() == "010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014"


@pytest.mark.parametrize("version", [0, 1])
def test_a_swapped_proof_fails(blobs, version):
    sidecar = make_sidecar(blobs, version)
    swapped = dataclasses.replace(sidecar, proofs=sidecar.proofs[::-1])
    with pytest.raises(BlobError, match="invalid KZG proof"):
        verify_sidecar(signed_for(sidecar), swapped)


def test_counts_must_match_the_transaction(blobs):
    sidecar = make_sidecar(blobs)
    tx = signed_for(sidecar)
    with pytest.raises(BlobError, match="1 blobs and 1 commitments for 2 blob hashes"):
        verify_sidecar(tx, make_sidecar(blobs[:1]))
    with pytest.raises(BlobError, match="1 proofs, expected 2"):
        verify_sidecar(tx, dataclasses.replace(sidecar, proofs=sidecar.proofs[:1]))


def test_a_blob_that_is_not_field_elements_fails(blobs):
    sidecar = make_sidecar(blobs)
    not_canonical = b"\xff" * BYTES_PER_BLOB  # every element above the modulus
    with pytest.raises(BlobError, match="invalid KZG proof"):
        verify_sidecar(signed_for(sidecar), dataclasses.replace(sidecar, blobs=(not_canonical, blobs[1])))


@pytest.mark.parametrize("body, message", [
    ([[], b"\x02", [], [], []], "unknown wrapper version 2"),
    ([[], b"blobs", [], []], "expected lists of blobs"),
    ([[], [[]], [], []], "not a byte string"),
])
def test_malformed_wrappers(blobs, body, message):
    fields = rlp.decode(encode_transaction(signed_for(make_sidecar(blobs)))[1:])
    body[0] = fields
    with pytest.raises(BlobError, match=message):
        decode_network_form(b"\x03" + rlp.encode(body))
