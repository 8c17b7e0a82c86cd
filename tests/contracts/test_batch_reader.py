"""
Batches on chain
================

The Solidity side of the batch format, through harnesses: FastLZ.sol and
Solady's LibZip (the npm ``solady`` package) agree byte for byte with
ovm.primitives.fastlz, BatchReader returns exactly Python's frame and block for
batches of realistic L2 blocks, rejects what ovm.rollup.batch rejects with a
reason, and takes one block out of a 100 kB batch within a few million gas.
"""

from __future__ import annotations

import random

import pytest
from anvil_chain import reverts
from l2_blocks import make_blocks

from ovm.primitives import rlp
from ovm.primitives import fastlz
from ovm.rollup.batch import (
    MAX_FRAME_SIZE,
    BatchBuilder,
    BatchError,
    assemble_batch,
    decode_batch,
    decode_block,
    encode_batch,
    encode_block,
    extract_block,
)

GAS_PER_NONZERO_BYTE, GAS_PER_ZERO_BYTE, TX_BASE_GAS = 16, 4, 21_000
HASH = bytes(range(32))


@pytest.fixture(scope="module")
def harness(chain, helpers):
    return chain.deploy(helpers["BatchReaderHarness"])


@pytest.fixture(scope="module")
def reader(harness):
    return harness.functions


@pytest.fixture(scope="module")
def libzip(chain, helpers):
    return chain.deploy(helpers["LibZipHarness"]).functions


@pytest.fixture(scope="module")
def erc20_batch():
    """A batch of about 100 kB: blocks of 200 ERC-20 transfers signed by dev and seeded keys."""
    builder = BatchBuilder(100_000)
    for block in make_blocks(seed=7, count=10, txs_per_block=200, mix="erc20"):
        if not builder.add(block):
            break
    return builder.blocks, builder.build()


def samples() -> list[bytes]:
    """Inputs for the codec: random bytes over small and large alphabets, runs, and text."""
    rng = random.Random(11)
    inputs = [b"", b"\x00", b"abc", bytes(15), bytes(16), bytes(17), bytes(300), b"\xff" * 1000]
    for size in (14, 15, 16, 40, 100, 257, 1000, 5000, 20_000):
        for alphabet in (2, 16, 256):
            inputs.append(bytes(rng.randrange(alphabet) for _ in range(size)))
    inputs.append(b"the quick brown fox jumps over the lazy dog " * 300)
    inputs.append(bytes(rng.choice((0, 0, 0, 1, 0xFF)) for _ in range(9000)))  # beyond one 8 kB window
    return inputs


# --- FastLZ -------------------------------------------------------------------


def test_python_compresses_exactly_as_libzip(libzip):
    for data in samples():
        assert fastlz.compress(data) == libzip.flzCompress(data).call(), len(data)


def test_libzip_and_fastlz_sol_decompress_python_output(libzip, reader):
    for data in samples():
        compressed = fastlz.compress(data)
        assert libzip.flzDecompress(compressed).call() == data
        assert reader.decompress(compressed, len(data)).call() == data


def test_fastlz_sol_decompresses_real_frames(reader, erc20_batch):
    blocks, _ = erc20_batch
    payload = encode_block(blocks[0])
    assert reader.decompress(fastlz.compress(payload), MAX_FRAME_SIZE).call() == payload


def test_fastlz_sol_decodes_overlapping_and_long_matches(reader):
    """Matches at distance 1, 2, 3 and 7 that repeat what they write, up to 264 bytes at once."""
    for pattern in (b"a", b"ab", b"abc", b"abcdefg"):
        data = b"x" + pattern * 600 + b"y" * 20
        assert reader.decompress(fastlz.compress(data), len(data)).call() == data
    hand_made = bytes((0, ord("z"), 0xE0, 0xFF, 0x00))  # "z", then 264 bytes from 1 back
    assert reader.decompress(hand_made, 265).call() == b"z" * 265 == fastlz.decompress(hand_made)


@pytest.mark.parametrize("stream, limit, reason", [
    (bytes((5, 1, 2)), 100, "FastLZ: instruction cut short by the end of the input"),
    (bytes((0, 1, 0x20)), 100, "FastLZ: instruction cut short by the end of the input"),
    (bytes((0, 1, 0xE0, 5)), 100, "FastLZ: instruction cut short by the end of the input"),
    (bytes((0x20, 0)), 100, "FastLZ: match reaches before the start of the output"),
    (bytes((1, 1, 2, 0x20, 2)), 100, "FastLZ: match reaches before the start of the output"),
    (bytes((2, 1, 2, 3)), 2, "FastLZ: output exceeds the limit"),
    (bytes((0, 7, 0xE0, 0xFF, 0)), 200, "FastLZ: output exceeds the limit"),
])
def test_fastlz_sol_rejects_malformed_streams_as_python_does(reader, stream, limit, reason):
    with pytest.raises(fastlz.FastLZError):
        fastlz.decompress(stream, limit)
    with reverts(reason):
        reader.decompress(stream, limit).call()


# --- blocks out of batches ----------------------------------------------------


def test_block_frame_is_pythons_frame(reader, erc20_batch):
    blocks, batch = erc20_batch
    assert 80_000 < len(batch) <= 100_000 and len(blocks) >= 2
    for index, block in enumerate(blocks):
        frame = reader.blockFrame(batch, index).call()
        assert frame == encode_block(block)
        assert decode_block(frame) == extract_block(batch, index) == block


def test_read_block_decodes_every_field(reader):
    blocks = make_blocks(seed=3, count=4, txs_per_block=25, first_number=2**40)
    batch = encode_batch(blocks)
    for index, block in enumerate(blocks):
        number, timestamp, origin_number, origin_hash, transactions = reader.readBlock(batch, index).call()
        assert (number, timestamp, origin_number, origin_hash) == (
            block.number, block.timestamp, block.l1_origin_number, block.l1_origin_hash)
        assert tuple(transactions) == block.transactions


def test_one_block_of_a_100_kb_batch_takes_a_few_million_gas(harness, erc20_batch):
    blocks, batch = erc20_batch
    index = len(blocks) - 1
    total = harness.functions.blockFrame(batch, index).estimate_gas()
    calldata = sum(GAS_PER_ZERO_BYTE if byte == 0 else GAS_PER_NONZERO_BYTE
                   for byte in bytes.fromhex(harness.encode_abi("blockFrame", args=[batch, index])[2:]))
    execution = total - TX_BASE_GAS - calldata
    print(f"\nblockFrame: {len(batch)} B batch, {len(blocks[-1].transactions)} txs: "
          f"{total} gas = {TX_BASE_GAS} + {calldata} calldata + {execution} execution")
    assert total < 3_000_000
    assert execution < 1_000_000


# --- malformed batches: the contract refuses what Python refuses --------------


def frame(payload: bytes) -> bytes:
    return fastlz.compress(payload)


def block_rlp(*, number=b"\x01", timestamp=b"\x02", origin=b"\x03", origin_hash=HASH, txs=()) -> bytes:
    return rlp.encode([number, timestamp, origin, origin_hash, list(txs)])


GOOD = frame(block_rlp())
BAD_BATCHES = {
    "truncated header": (b"\x00\x00", "BatchReader: truncated header"),
    "bad version": (b"\x01" + assemble_batch([GOOD])[1:], "BatchReader: unsupported version"),
    "zero count": (b"\x00\x00\x00", "BatchReader: empty batch"),
    "index out of range": (assemble_batch([GOOD, GOOD]), "BatchReader: block index out of range"),
    "truncated offsets": (b"\x00\x00\x02\x00\x00\x00\x05", "BatchReader: truncated offsets"),
    "offsets not rising": (b"\x00\x00\x02" + (5).to_bytes(4, "big") * 2 + bytes(5), "BatchReader: offsets do not rise"),
    "empty first frame": (b"\x00\x00\x01" + bytes(4), "BatchReader: offsets do not rise"),
    "offsets beyond the end": (assemble_batch([GOOD])[:-1], "BatchReader: offsets do not end at the end"),
    "trailing bytes": (assemble_batch([GOOD]) + b"\x00", "BatchReader: offsets do not end at the end"),
    "truncated frame": (assemble_batch([GOOD[:-1]]), "FastLZ: instruction cut short"),
    "match before start": (assemble_batch([bytes((0x20, 0x05))]), "FastLZ: match reaches before the start"),
    "not RLP": (assemble_batch([frame(b"\xf8")]), "RLPReader:"),
    "not a list": (assemble_batch([frame(rlp.encode(b"block"))]), "RLPReader: not a list"),
    "four fields": (assemble_batch([frame(rlp.encode([b"\x01", b"\x02", b"\x03", HASH]))]),
                    "BatchReader: a block has five fields"),
    "wide integer": (assemble_batch([frame(block_rlp(number=b"\x01" * 9))]),
                     "BatchReader: integer wider than 64 bits"),
    "leading zero": (assemble_batch([frame(block_rlp(timestamp=b"\x00\x01"))]),
                     "BatchReader: integer with leading zero bytes"),
    "short hash": (assemble_batch([frame(block_rlp(origin_hash=HASH[:31]))]),
                   "BatchReader: l1OriginHash is not 32 bytes"),
    "transactions not a list": (assemble_batch([frame(rlp.encode([b"\x01", b"\x02", b"\x03", HASH, b"tx"]))]),
                                "RLPReader: not a list"),
    "empty transaction": (assemble_batch([frame(block_rlp(txs=[b""]))]), "BatchReader: empty transaction"),
    "deposit": (assemble_batch([frame(block_rlp(txs=[b"\x7e" + rlp.encode([b"\x01"])]))]),
                "BatchReader: deposits are not batched"),
}


@pytest.mark.parametrize("case", sorted(BAD_BATCHES))
def test_malformed_batches_revert_with_a_reason(reader, case):
    batch, reason = BAD_BATCHES[case]
    index = 2 if case == "index out of range" else 0
    with pytest.raises(BatchError):
        extract_block(batch, index)
    with pytest.raises(BatchError):
        decode_batch(batch)
    with reverts(reason):
        reader.readBlock(batch, index).call()
