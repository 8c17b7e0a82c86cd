"""
Batch data in blobs
===================

How a batch travels in EIP-4844 blobs. A blob is 4096 field elements of 32
bytes, each below the BLS12-381 scalar modulus; the simple, canonical packing
used here keeps the first byte of every field element zero and fills the other
31, so any bytes are valid (126,976 bytes per blob). The byte stream is a
4-byte big-endian length, the batch, then zeros to the end of the last blob.

Decoding is strict — a non-zero first byte, a length beyond the blobs, or a
non-zero byte in the padding is a ``BlobDataError`` — so one batch has one
encoding and a replica never reads garbage as frames.
"""

from __future__ import annotations

from ..evm.blobs import BYTES_PER_BLOB
from ..evm.kzg import BYTES_PER_FIELD_ELEMENT, FIELD_ELEMENTS_PER_BLOB
from ..evm.transactions import MAX_BLOBS_PER_TRANSACTION

USABLE_BYTES_PER_ELEMENT = BYTES_PER_FIELD_ELEMENT - 1
USABLE_BYTES_PER_BLOB = FIELD_ELEMENTS_PER_BLOB * USABLE_BYTES_PER_ELEMENT
LENGTH_BYTES = 4


class BlobDataError(ValueError):
    """Blobs that do not hold a batch in this packing."""


def blob_count(length: int) -> int:
    """How many blobs a batch of ``length`` bytes needs."""
    return max(1, -(-(LENGTH_BYTES + length) // USABLE_BYTES_PER_BLOB))


def to_blobs(data: bytes) -> list[bytes]:
    """``data`` packed into as few blobs as hold it."""
    count = blob_count(len(data))
    if count > MAX_BLOBS_PER_TRANSACTION:
        raise BlobDataError(f"{len(data)} bytes need {count} blobs; a transaction carries at most "
                            f"{MAX_BLOBS_PER_TRANSACTION}")
    stream = len(data).to_bytes(LENGTH_BYTES, "big") + data
    stream += bytes(count * USABLE_BYTES_PER_BLOB - len(stream))
    step = USABLE_BYTES_PER_ELEMENT
    elements = (b"\x00" + stream[i:i + step] for i in range(0, len(stream), step))
    packed = b"".join(elements)
    return [packed[i:i + BYTES_PER_BLOB] for i in range(0, len(packed), BYTES_PER_BLOB)]


def from_blobs(blobs: list[bytes] | tuple[bytes, ...]) -> bytes:
    """The batch packed in ``blobs`` (``BlobDataError`` if they do not hold one)."""
    if not blobs:
        raise BlobDataError("no blobs")
    stream = bytearray()
    for index, blob in enumerate(blobs):
        if len(blob) != BYTES_PER_BLOB:
            raise BlobDataError(f"blob {index} is {len(blob)} bytes, not {BYTES_PER_BLOB}")
        for offset in range(0, BYTES_PER_BLOB, BYTES_PER_FIELD_ELEMENT):
            if blob[offset]:
                raise BlobDataError(f"blob {index}: field element {offset // BYTES_PER_FIELD_ELEMENT} "
                                    "does not start with a zero byte")
            stream += blob[offset + 1:offset + BYTES_PER_FIELD_ELEMENT]
    length = int.from_bytes(stream[:LENGTH_BYTES], "big")
    end = LENGTH_BYTES + length
    if end > len(stream):
        raise BlobDataError(f"length {length} is beyond the {len(blobs)} blobs' capacity")
    if blob_count(length) != len(blobs):
        raise BlobDataError(f"{len(blobs)} blobs for a batch of {length} bytes, which needs {blob_count(length)}")
    if any(stream[end:]):
        raise BlobDataError("non-zero bytes after the batch")
    return bytes(stream[LENGTH_BYTES:end])
