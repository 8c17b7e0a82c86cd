"""
Batches
=======

ovm.rollup.batch: the byte layout, round trips of realistic L2 blocks, taking
one block out, every kind of malformed batch with its ``BatchError``, the
size-aware builder.
"""

from __future__ import annotations

import random

import pytest
from l2_blocks import make_blocks

from ovm.primitives import rlp
from ovm.primitives import fastlz
from ovm.rollup.batch import (
    CALLDATA_BATCH_LIMIT,
    MAX_FRAME_SIZE,
    BatchBuilder,
    BatchError,
    BlockFrameData,
    BlockTooLarge,
    assemble_batch,
    decode_batch,
    decode_frame,
    encode_batch,
    encode_frame,
    extract_block,
    frame_bounds,
)

HASH = bytes(range(32))


@pytest.fixture(scope="module")
def mixed_blocks():
    return make_blocks(seed=1, count=12, txs_per_block=40)


def empty_block(number: int = 5) -> BlockFrameData:
    return BlockFrameData(number=number, timestamp=1000 + 2 * number, l1_origin_number=7, l1_origin_hash=HASH,
                          transactions=())


def block_rlp(*, number=b"\x05", timestamp=b"\x03\xf2", origin=b"\x07", origin_hash=HASH, txs=()) -> bytes:
    return rlp.encode([number, timestamp, origin, origin_hash, list(txs)])


def one_frame_batch(payload: bytes) -> bytes:
    return assemble_batch([fastlz.compress(payload)])


# --- layout and round trips ---------------------------------------------------


def test_layout_is_version_count_ends_frames():
    blocks = [empty_block(5), empty_block(6)]
    frames = [encode_frame(block) for block in blocks]
    batch = encode_batch(blocks)
    ends = (len(frames[0]), len(frames[0]) + len(frames[1]))
    assert batch == (b"\x00" + b"\x00\x02" + ends[0].to_bytes(4, "big") + ends[1].to_bytes(4, "big")
                     + frames[0] + frames[1])
    assert fastlz.decompress(frames[0]) == rlp.encode([b"\x05", b"\x03\xf2", b"\x07", HASH, []])
    assert frame_bounds(batch) == [(11, 11 + ends[0]), (11 + ends[0], 11 + ends[1])]


def test_realistic_blocks_round_trip(mixed_blocks):
    batch = encode_batch(mixed_blocks)
    assert decode_batch(batch) == mixed_blocks
    for index, block in enumerate(mixed_blocks):
        assert extract_block(batch, index) == block
    raw = sum(len(rlp.encode(list(block.transactions))) for block in mixed_blocks)
    assert len(batch) < 0.8 * raw


def test_extremes_round_trip():
    top = (1 << 64) - 1
    blocks = [BlockFrameData(top - 1, top, top, b"\xff" * 32, ()),
              BlockFrameData(top, 0, 0, bytes(32), make_blocks(seed=2, count=1, txs_per_block=3)[0].transactions)]
    assert decode_batch(encode_batch(blocks)) == blocks
    assert decode_batch(encode_batch([empty_block(0)])) == [empty_block(0)]


def test_frames_decode_alone(mixed_blocks):
    assert decode_frame(encode_frame(mixed_blocks[3])) == mixed_blocks[3]


def test_frames_of_other_compressors_are_accepted():
    """Any valid FastLZ stream will do: here all literals, as an encoder without matches writes."""
    payload = block_rlp()
    literal_only = b"".join(bytes((len(chunk) - 1,)) + chunk for chunk in (payload[:32], payload[32:]))
    assert decode_frame(literal_only) == empty_block(5)


# --- what encoding refuses ----------------------------------------------------


@pytest.mark.parametrize("blocks, message", [
    ([], "a batch holds 1 to 65535 blocks, not 0"),
    ([empty_block(5), empty_block(7)], "blocks not consecutive: 7 after 5"),
    ([empty_block(5), empty_block(5)], "blocks not consecutive: 5 after 5"),
    ([BlockFrameData(1 << 64, 0, 0, HASH, ())], "number 18446744073709551616 does not fit 64 bits"),
    ([BlockFrameData(1, -1, 0, HASH, ())], "timestamp -1 does not fit 64 bits"),
    ([BlockFrameData(1, 0, 0, HASH[:20], ())], "l1_origin_hash must be 32 bytes"),
    ([BlockFrameData(1, 0, 0, HASH, (b"\x7e\xc0",))], "bad tx 0: deposit transactions are not batched"),
    ([BlockFrameData(1, 0, 0, HASH, (b"\x02\xc0",))], "bad tx 0: FeeMarketTransaction: expected 12 fields"),
    ([BlockFrameData(1, 0, 0, HASH, (b"",))], "bad tx 0: empty transaction"),
])
def test_encoding_refuses_what_decoding_would_reject(blocks, message):
    with pytest.raises(BatchError, match=message):
        encode_batch(blocks)


# --- malformed batches --------------------------------------------------------

GOOD_FRAME = encode_frame(empty_block(5))
GOOD = assemble_batch([GOOD_FRAME])

MALFORMED = {
    "empty input": (b"", "truncated: a batch starts with 3 header bytes"),
    "truncated header": (b"\x00\x00", "truncated: a batch starts with 3 header bytes"),
    "bad version": (b"\x01" + GOOD[1:], "bad version 1: expected 0"),
    "zero count": (b"\x00\x00\x00", "empty batch: the count is 0"),
    "truncated offsets": (b"\x00\x00\x02" + GOOD[3:7], "truncated: 2 offsets need 11 bytes, the batch has 7"),
    "empty first frame": (b"\x00\x00\x01" + bytes(4), r"offset 0 \(0\) does not follow the previous one \(0\)"),
    "offsets not rising": (b"\x00\x00\x02" + (5).to_bytes(4, "big") * 2 + bytes(5),
                           r"offset 1 \(5\) does not follow the previous one \(5\)"),
    "offsets beyond the end": (GOOD[:-1], "offsets out of range: frames end at"),
    "trailing bytes": (GOOD + b"\x00", "offsets out of range: frames end at"),
    "truncated frame": (assemble_batch([GOOD_FRAME[:-1]]), "bad compression: literal run"),
    "match before start": (assemble_batch([bytes((0x20, 5))]), "bad compression: match at 0 refers 6 bytes back"),
    "not RLP": (one_frame_batch(b"\xf8"), "bad RLP: "),
    "non-canonical RLP": (one_frame_batch(b"\xc6\x81\x05" + b"\x0a\x07\x80\xc0"), "bad RLP: single byte"),
    "trailing RLP": (one_frame_batch(block_rlp() + b"\x00"), "bad RLP: trailing bytes"),
    "not a list": (one_frame_batch(rlp.encode(b"block")), "bad RLP: a block is a list of 5 items"),
    "four fields": (one_frame_batch(rlp.encode([b"\x05", b"\x0a", b"\x07", HASH])),
                    "bad RLP: a block is a list of 5 items"),
    "list as number": (one_frame_batch(block_rlp(number=[])), "bad RLP: l2BlockNumber must be an integer"),
    "wide integer": (one_frame_batch(block_rlp(timestamp=b"\x01" * 9)), "bad RLP: timestamp must be an integer"),
    "leading zero": (one_frame_batch(block_rlp(origin=b"\x00\x07")), "bad RLP: l1OriginNumber has leading zero"),
    "short hash": (one_frame_batch(block_rlp(origin_hash=HASH[:31])), "bad RLP: l1OriginHash must be a 32-byte"),
    "transactions not a list": (one_frame_batch(rlp.encode([b"\x05", b"\x0a", b"\x07", HASH, b"tx"])),
                                "bad RLP: the transactions must be a list"),
    "transaction as a list": (one_frame_batch(block_rlp(txs=[[b"\x01"]])),
                              "bad RLP: transaction 0 must be a string"),
    "undecodable transaction": (one_frame_batch(block_rlp(txs=[b"\x02\xc1\x01"])), "bad tx 0: "),
    "unknown transaction type": (one_frame_batch(block_rlp(txs=[b"\x05\xc0"])),
                                 "bad tx 0: unsupported transaction type 0x05"),
    "deposit": (one_frame_batch(block_rlp(txs=[b"\x7e" + rlp.encode([b"\x01"])])),
                "bad tx 0: deposit transactions are not batched"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_batches_raise_batch_error(case):
    batch, message = MALFORMED[case]
    with pytest.raises(BatchError, match=message):
        decode_batch(batch)
    with pytest.raises(BatchError, match=message):
        extract_block(batch, 0)


def test_non_consecutive_frames_fail_the_batch_but_not_one_block():
    batch = assemble_batch([encode_frame(empty_block(5)), encode_frame(empty_block(9))])
    with pytest.raises(BatchError, match="blocks not consecutive: 9 after 5"):
        decode_batch(batch)
    assert extract_block(batch, 1) == empty_block(9)


@pytest.mark.parametrize("index", [-1, 1, 70_000])
def test_block_index_out_of_range(index):
    with pytest.raises(BatchError, match=f"block index {index} out of range: the batch holds 1 blocks"):
        extract_block(GOOD, index)


def test_frames_may_not_decompress_beyond_the_limit():
    """A 40 kB frame of long zero matches would decompress to 3.5 MB a block; one that goes past
    MAX_FRAME_SIZE is refused before it is built."""
    bomb = bytes((0, 0)) + bytes((0xE0, 0xFF, 0x00)) * (MAX_FRAME_SIZE // 264 + 1)
    with pytest.raises(BatchError, match=f"bad compression: decompressed data exceeds {MAX_FRAME_SIZE} bytes"):
        extract_block(assemble_batch([bomb]), 0)


def test_random_corruption_only_ever_raises_batch_error(mixed_blocks):
    batch = encode_batch(mixed_blocks[:3])
    rng = random.Random(8)
    for _ in range(300):
        corrupt = bytearray(batch)
        for _ in range(rng.randrange(1, 4)):
            corrupt[rng.randrange(len(corrupt))] = rng.randrange(256)
        cut = rng.choice((len(corrupt), rng.randrange(len(corrupt))))
        try:
            decode_batch(bytes(corrupt[:cut]))
        except BatchError:
            pass


# --- the builder --------------------------------------------------------------


def test_builder_fills_up_to_the_limit(mixed_blocks):
    builder = BatchBuilder(12_000)
    added = []
    for block in mixed_blocks:
        if not builder.add(block):
            rejected = block
            break
        added.append(block)
    batch = builder.build()
    assert len(batch) == builder.size <= 12_000
    assert builder.blocks == tuple(added) and len(builder) == len(added) >= 2
    assert decode_batch(batch) == added
    with_next = encode_batch(added + [rejected])
    assert len(with_next) > 12_000
    assert builder.add(rejected) is False and builder.build() == batch


def test_builder_defaults_to_the_calldata_limit():
    assert BatchBuilder().max_bytes == CALLDATA_BATCH_LIMIT == 120_000


def test_builder_refuses_a_block_too_large_for_any_batch(mixed_blocks):
    builder = BatchBuilder(200)
    with pytest.raises(BlockTooLarge, match=f"block {mixed_blocks[0].number} takes .* over the limit of 200"):
        builder.add(mixed_blocks[0])
    assert len(builder) == 0


def test_builder_refuses_gaps_and_empty_batches(mixed_blocks):
    builder = BatchBuilder()
    with pytest.raises(BatchError, match="a batch holds 1 to 65535 blocks, not 0"):
        builder.build()
    builder.add(mixed_blocks[0])
    with pytest.raises(BatchError, match="blocks not consecutive"):
        builder.add(mixed_blocks[2])
    with pytest.raises(ValueError, match="cannot hold a block"):
        BatchBuilder(7)


def test_builder_stops_at_the_block_count_limit():
    builder = BatchBuilder(10_000_000)
    assert all(builder.add(empty_block(number)) for number in range(65_535))
    assert builder.add(empty_block(65_535)) is False
    assert len(decode_batch(builder.build())) == 65_535
