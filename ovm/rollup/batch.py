"""
Batches
=======

What the batcher posts to the L1 inbox: a run of consecutive L2 blocks, each
one compressed on its own (a *frame*), behind a table of where each frame ends.
One block comes out of a batch by reading two table entries and decompressing
one frame, which an L1 contract does for a few gas per byte
(``contracts/src/lib/BatchReader.sol``): fraud proofs use that to show which
transactions a block really had. Deposits are not in batches; derivation
rebuilds them from the L1 bridge's events.

Byte layout (version 0; integers big-endian)
--------------------------------------------

::

    batch  = version (u8, 0x00) ‖ count (u16, ≥ 1) ‖ ends (count × u32) ‖ frames
    frames = frame 0 ‖ frame 1 ‖ … ‖ frame count-1
    frame i = frames[ends[i-1] : ends[i]]            (ends[-1] = 0)
    frame  = FastLZ level 1 (ovm.primitives.fastlz) of rlp(block), at most MAX_FRAME_SIZE bytes once decompressed
    block  = [l2BlockNumber, timestamp, l1OriginNumber, l1OriginHash, [tx 0, tx 1, …]]

``ends`` counts from the first byte of ``frames`` and must rise strictly,
``0 < ends[0] < … < ends[count-1] == len(frames)``: no frame is empty, none
overlaps another, and nothing follows the last. In ``block`` the three numbers
are RLP integers of at most 8 bytes (canonical: no leading zero byte),
``l1OriginHash`` is a 32-byte string, and each transaction is an RLP string
holding the transaction's EIP-2718 network form (a legacy transaction's RLP
list, or type byte ‖ payload), which must decode as a transaction and must not
be a deposit (type 0x7E). The RLP is canonical. The blocks of a batch are
consecutive: block i + 1's number is block i's plus one.

``extract_block`` checks the header, the whole ``ends`` table and the one frame
it decodes (as the contract does); ``decode_batch`` checks every frame and that
the numbers are consecutive.

A batch sent in blobs is packed into them as ``ovm.rollup.blob_data`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ovm.evm.transactions import InvalidTransaction, decode_transaction
from ovm.primitives import rlp
from ovm.primitives.types import Hash32
from ovm.primitives import fastlz

VERSION = 0
VERSION_SIZE = 1
COUNT_SIZE = 2
END_SIZE = 4
HEADER_SIZE = VERSION_SIZE + COUNT_SIZE
MAX_BLOCKS = (1 << 8 * COUNT_SIZE) - 1
MAX_FRAMES_SECTION = (1 << 8 * END_SIZE) - 1  # the ends are u32
MAX_FRAME_SIZE = 10_000_000  # decompressed: the OP Stack's limit on a channel's RLP bytes
MAX_UINT64_SIZE = 8
HASH_SIZE = 32
BLOCK_FIELDS = 5
DEPOSIT_TX_TYPE = 0x7E
CALLDATA_BATCH_LIMIT = 120_000  # what the batcher puts in one inbox call


class BatchError(ValueError):
    """A batch, frame or blob payload is malformed, or blocks cannot form a batch."""


class BlockTooLarge(BatchError):
    """One block alone is larger than the batch it should go into."""


@dataclass(frozen=True, slots=True)
class BlockFrameData:
    """What a batch records of one L2 block: its number and time, its L1 origin, and
    its user transactions in their EIP-2718 network form (deposits excluded)."""

    number: int
    timestamp: int
    l1_origin_number: int
    l1_origin_hash: Hash32
    transactions: tuple[bytes, ...]


# --- frames -------------------------------------------------------------------


def encode_frame(block: BlockFrameData) -> bytes:
    """One block's frame: FastLZ of its RLP."""
    return fastlz.compress(encode_block(block))


def decode_frame(frame: bytes) -> BlockFrameData:
    """The block in one frame; anything malformed raises ``BatchError``."""
    try:
        payload = fastlz.decompress(frame, MAX_FRAME_SIZE)
    except fastlz.FastLZError as exc:
        raise BatchError(f"bad compression: {exc}") from None
    return decode_block(payload)


def encode_block(block: BlockFrameData) -> bytes:
    """A block's RLP, what its frame compresses."""
    _check_block(block)
    return rlp.encode([rlp.int_to_be(block.number), rlp.int_to_be(block.timestamp),
                       rlp.int_to_be(block.l1_origin_number), bytes(block.l1_origin_hash),
                       [bytes(tx) for tx in block.transactions]])


def decode_block(payload: bytes) -> BlockFrameData:
    """The block whose RLP is ``payload`` (a decompressed frame, e.g. as BatchReader.sol
    returns it); anything malformed raises ``BatchError``."""
    try:
        item = rlp.decode(payload)
    except rlp.DecodingError as exc:
        raise BatchError(f"bad RLP: {exc}") from None
    return _block_from_item(item)


def _block_from_item(item: rlp.Item) -> BlockFrameData:
    if not isinstance(item, list) or len(item) != BLOCK_FIELDS:
        raise BatchError(f"bad RLP: a block is a list of {BLOCK_FIELDS} items")
    number, timestamp, origin_number, origin_hash, transactions = item
    if not isinstance(origin_hash, bytes) or len(origin_hash) != HASH_SIZE:
        raise BatchError("bad RLP: l1OriginHash must be a 32-byte string")
    if not isinstance(transactions, list):
        raise BatchError("bad RLP: the transactions must be a list")
    return BlockFrameData(_uint64(number, "l2BlockNumber"), _uint64(timestamp, "timestamp"),
                          _uint64(origin_number, "l1OriginNumber"), origin_hash,
                          tuple(_transaction(tx, index) for index, tx in enumerate(transactions)))


def _uint64(item: rlp.Item, name: str) -> int:
    if not isinstance(item, bytes) or len(item) > MAX_UINT64_SIZE:
        raise BatchError(f"bad RLP: {name} must be an integer of at most 8 bytes")
    try:
        return rlp.be_to_int(item)
    except rlp.DecodingError:
        raise BatchError(f"bad RLP: {name} has leading zero bytes") from None


def _transaction(item: rlp.Item, index: int) -> bytes:
    if not isinstance(item, bytes):
        raise BatchError(f"bad RLP: transaction {index} must be a string (its network form)")
    _check_transaction(item, index)
    return item


def _check_block(block: BlockFrameData) -> None:
    """Refuses to encode what ``decode_frame`` would reject."""
    for name in ("number", "timestamp", "l1_origin_number"):
        if not 0 <= getattr(block, name) < 1 << 64:
            raise BatchError(f"{name} {getattr(block, name)} does not fit 64 bits")
    if len(block.l1_origin_hash) != HASH_SIZE:
        raise BatchError("l1_origin_hash must be 32 bytes")
    for index, tx in enumerate(block.transactions):
        _check_transaction(bytes(tx), index)


def _check_transaction(raw: bytes, index: int) -> None:
    if raw[:1] == bytes((DEPOSIT_TX_TYPE,)):
        raise BatchError(f"bad tx {index}: deposit transactions are not batched")
    try:
        decode_transaction(raw)
    except InvalidTransaction as exc:
        raise BatchError(f"bad tx {index}: {exc}") from None


# --- batches ------------------------------------------------------------------


def encode_batch(blocks: Sequence[BlockFrameData]) -> bytes:
    """The batch of ``blocks`` (at least one, consecutive)."""
    _check_consecutive(blocks)
    return assemble_batch([encode_frame(block) for block in blocks])


def assemble_batch(frames: Sequence[bytes]) -> bytes:
    """The batch made of already compressed ``frames``, in order."""
    if not 1 <= len(frames) <= MAX_BLOCKS:
        raise BatchError(f"a batch holds 1 to {MAX_BLOCKS} blocks, not {len(frames)}")
    if sum(map(len, frames)) > MAX_FRAMES_SECTION:
        raise BatchError("frames too large for 32-bit offsets")
    ends, end = bytearray(), 0
    for frame in frames:
        end += len(frame)
        ends += end.to_bytes(END_SIZE, "big")
    return bytes((VERSION,)) + len(frames).to_bytes(COUNT_SIZE, "big") + bytes(ends) + b"".join(frames)


def decode_batch(data: bytes) -> list[BlockFrameData]:
    """Every block of a batch; anything malformed raises ``BatchError``."""
    data = bytes(data)
    blocks = [decode_frame(data[start:end]) for start, end in frame_bounds(data)]
    _check_consecutive(blocks)
    return blocks


def extract_block(data: bytes, index: int) -> BlockFrameData:
    """Block ``index`` (from 0) of a batch, decoding only its frame."""
    data = bytes(data)
    bounds = frame_bounds(data)
    if not 0 <= index < len(bounds):
        raise BatchError(f"block index {index} out of range: the batch holds {len(bounds)} blocks")
    start, end = bounds[index]
    return decode_frame(data[start:end])


def frame_bounds(data: bytes) -> list[tuple[int, int]]:
    """Where each frame starts and ends in ``data``, after checking the header and
    the whole table of ends."""
    count = _read_header(data)
    frames_start = HEADER_SIZE + count * END_SIZE
    if len(data) < frames_start:
        raise BatchError(f"truncated: {count} offsets need {frames_start} bytes, the batch has {len(data)}")
    bounds, previous = [], 0
    for index in range(count):
        at = HEADER_SIZE + index * END_SIZE
        end = int.from_bytes(data[at : at + END_SIZE], "big")
        if end <= previous:
            raise BatchError(f"offset {index} ({end}) does not follow the previous one ({previous})")
        bounds.append((frames_start + previous, frames_start + end))
        previous = end
    if frames_start + previous != len(data):
        raise BatchError(f"offsets out of range: frames end at {frames_start + previous}, "
                         f"the batch at {len(data)}")
    return bounds


def _read_header(data: bytes) -> int:
    """The block count, after checking the version."""
    if len(data) < HEADER_SIZE:
        raise BatchError(f"truncated: a batch starts with {HEADER_SIZE} header bytes")
    if data[0] != VERSION:
        raise BatchError(f"bad version {data[0]}: expected {VERSION}")
    count = int.from_bytes(data[VERSION_SIZE:HEADER_SIZE], "big")
    if count == 0:
        raise BatchError("empty batch: the count is 0")
    return count


def _check_consecutive(blocks: Sequence[BlockFrameData]) -> None:
    for previous, block in zip(blocks, blocks[1:]):
        if block.number != previous.number + 1:
            raise BatchError(f"blocks not consecutive: {block.number} after {previous.number}")


def batch_size(frame_sizes: Iterable[int]) -> int:
    """How long the batch of frames of these sizes is."""
    sizes = list(frame_sizes)
    return HEADER_SIZE + END_SIZE * len(sizes) + sum(sizes)


# --- building -----------------------------------------------------------------


class BatchBuilder:
    """Collects consecutive blocks into one batch while it stays within ``max_bytes``.

    Each block is compressed once, when added: frames are independent, so the
    batch's size is known exactly without compressing anything again.
    """

    def __init__(self, max_bytes: int = CALLDATA_BATCH_LIMIT) -> None:
        if max_bytes < batch_size([1]):
            raise ValueError(f"a batch limit of {max_bytes} bytes cannot hold a block")
        self.max_bytes = max_bytes
        self._blocks: list[BlockFrameData] = []
        self._frames: list[bytes] = []
        self._size = batch_size(())

    @property
    def blocks(self) -> tuple[BlockFrameData, ...]:
        return tuple(self._blocks)

    @property
    def size(self) -> int:
        """The batch's size in bytes with the blocks added so far."""
        return self._size

    def __len__(self) -> int:
        return len(self._blocks)

    def add(self, block: BlockFrameData) -> bool:
        """Adds ``block`` if the batch stays within the limit and returns whether it did.
        A block that would not fit even alone raises ``BlockTooLarge``; one that does
        not follow the last block raises ``BatchError``."""
        if self._blocks and block.number != self._blocks[-1].number + 1:
            raise BatchError(f"blocks not consecutive: {block.number} after {self._blocks[-1].number}")
        frame = encode_frame(block)
        grown = self._size + END_SIZE + len(frame)
        if grown <= self.max_bytes and len(self._blocks) < MAX_BLOCKS:
            self._blocks.append(block)
            self._frames.append(frame)
            self._size = grown
            return True
        if not self._blocks:
            raise BlockTooLarge(f"block {block.number} takes {grown} bytes alone, over the limit of {self.max_bytes}")
        return False

    def build(self) -> bytes:
        """The batch of the blocks added (at least one)."""
        return assemble_batch(self._frames)
