"""Batch bytes packed into blobs: round trips at the blob boundaries, and strict decoding."""

from __future__ import annotations

import pytest

from ovm.evm.blobs import BYTES_PER_BLOB, blob_commitment
from ovm.rollup.blob_data import USABLE_BYTES_PER_BLOB, BlobDataError, blob_count, from_blobs, to_blobs

ONE_BLOB = USABLE_BYTES_PER_BLOB - 4  # the length prefix takes 4 bytes


@pytest.mark.parametrize("length", [0, 1, 31, 32, ONE_BLOB, ONE_BLOB + 1, 3 * USABLE_BYTES_PER_BLOB])
def test_round_trip(length):
    data = bytes((i * 7 + 3) % 256 for i in range(length))
    blobs = to_blobs(data)
    assert len(blobs) == blob_count(length) and all(len(blob) == BYTES_PER_BLOB for blob in blobs)
    assert all(blob[offset] == 0 for blob in blobs for offset in range(0, BYTES_PER_BLOB, 32))
    assert from_blobs(blobs) == data


def test_packed_blobs_are_valid_blobs():
    """Every field element is below the BLS modulus: the blobs can be committed to."""
    for blob in to_blobs(b"\xff" * (2 * USABLE_BYTES_PER_BLOB)):
        assert len(blob_commitment(blob)) == 48


def test_one_blob_holds_126972_bytes():
    assert blob_count(ONE_BLOB) == 1 and blob_count(ONE_BLOB + 1) == 2


def test_more_than_a_transaction_carries():
    with pytest.raises(BlobDataError, match="need 7 blobs; a transaction carries at most 6"):
        to_blobs(bytes(6 * USABLE_BYTES_PER_BLOB))


def corrupt(blob: bytes, offset: int, value: int) -> bytes:
    return blob[:offset] + bytes((value,)) + blob[offset + 1:]


@pytest.mark.parametrize("blobs, message", [
    ([], "no blobs"),
    ([bytes(100)], "blob 0 is 100 bytes"),
    ([corrupt(to_blobs(b"abc")[0], 32, 1)], "field element 1 does not start with a zero byte"),
    ([corrupt(to_blobs(b"abc")[0], 1, 0xFF)], "beyond the 1 blobs' capacity"),
    ([corrupt(to_blobs(b"abc")[0], 40, 1)], "non-zero bytes after the batch"),
    (to_blobs(b"abc") + [bytes(BYTES_PER_BLOB)], "2 blobs for a batch of 3 bytes, which needs 1"),
])
def test_strict_decoding(blobs, message):
    with pytest.raises(BlobDataError, match=message):
        from_blobs(blobs)
