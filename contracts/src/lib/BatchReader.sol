// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FastLZ} from "./FastLZ.sol";
import {RLPItem, RLPReader} from "./RLPReader.sol";

/// @title BatchReader
/// @notice Takes one L2 block out of a batch as the batcher posts it (version 0, laid out in
///         ovm/rollup/batch.py): `version (u8) ‖ count (u16) ‖ ends (count × u32) ‖ frames`,
///         frame i being `frames[ends[i-1] : ends[i]]`, FastLZ of
///         `rlp([l2BlockNumber, timestamp, l1OriginNumber, l1OriginHash, [tx...]])`.
///         Only the block's own frame is decompressed, so the cost follows that block's size,
///         not the batch's. Malformed input reverts with a "BatchReader: ...", "FastLZ: ..."
///         or "RLPReader: ..." reason.
/// @dev    Checked here as in ovm.rollup.batch.extract_block: the header, the whole table of
///         ends (strictly rising, the last one at the end of the batch), the frame's
///         decompression and the block's shape (five items, 64-bit integers without leading
///         zero bytes, a 32-byte hash, transactions as non-empty strings that are not
///         deposits). Not checked here: that each transaction decodes, and canonical RLP
///         length prefixes (RLPReader accepts non-minimal ones, which ovm's decoder rejects);
///         a caller that needs those must check them itself.
library BatchReader {
    /// @notice One block of a batch, its transactions in their EIP-2718 network form.
    struct Block {
        uint64 number;
        uint64 timestamp;
        uint64 l1OriginNumber;
        bytes32 l1OriginHash;
        bytes[] transactions;
    }

    uint256 internal constant VERSION = 0;
    /// @notice The most a frame may decompress to (as ovm.rollup.batch.MAX_FRAME_SIZE).
    uint256 internal constant MAX_FRAME_SIZE = 10_000_000;
    uint256 private constant HEADER_SIZE = 3;
    uint256 private constant END_SIZE = 4;
    uint256 private constant BLOCK_FIELDS = 5;
    uint256 private constant DEPOSIT_TX_TYPE = 0x7E;

    /// @notice Block `index`'s frame, decompressed: the block's RLP.
    function blockFrame(bytes calldata batch, uint256 index) internal pure returns (bytes memory) {
        return FastLZ.decompress(compressedFrame(batch, index), MAX_FRAME_SIZE);
    }

    /// @notice Block `index` of `batch`, decoded.
    function readBlock(bytes calldata batch, uint256 index) internal pure returns (Block memory block_) {
        RLPItem[] memory fields = RLPReader.readList(RLPReader.toItem(blockFrame(batch, index)));
        require(fields.length == BLOCK_FIELDS, "BatchReader: a block has five fields");
        block_.number = _readUint64(fields[0]);
        block_.timestamp = _readUint64(fields[1]);
        block_.l1OriginNumber = _readUint64(fields[2]);
        bytes memory originHash = RLPReader.readBytes(fields[3]);
        require(originHash.length == 32, "BatchReader: l1OriginHash is not 32 bytes");
        block_.l1OriginHash = bytes32(originHash);
        block_.transactions = _readTransactions(fields[4]);
    }

    /// @notice Block `index`'s compressed frame, a slice of `batch`, after checking the header
    ///         and the whole table of ends.
    function compressedFrame(bytes calldata batch, uint256 index) internal pure returns (bytes calldata) {
        require(batch.length >= HEADER_SIZE, "BatchReader: truncated header");
        require(uint8(batch[0]) == VERSION, "BatchReader: unsupported version");
        uint256 count = uint16(bytes2(batch[1:HEADER_SIZE]));
        require(count > 0, "BatchReader: empty batch");
        require(index < count, "BatchReader: block index out of range");
        uint256 framesStart = HEADER_SIZE + count * END_SIZE;
        require(batch.length >= framesStart, "BatchReader: truncated offsets");
        (uint256 start, uint256 end) = _frameBounds(batch, count, index);
        require(framesStart + _endAt(batch, count - 1) == batch.length, "BatchReader: offsets do not end at the end");
        return batch[framesStart + start:framesStart + end];
    }

    /// @dev Where frame `index` starts and ends within the frames, checking on the way that
    ///      all `count` ends rise strictly from above zero.
    function _frameBounds(bytes calldata batch, uint256 count, uint256 index)
        private
        pure
        returns (uint256 start, uint256 end)
    {
        uint256 previous;
        for (uint256 i; i < count; ++i) {
            uint256 current = _endAt(batch, i);
            require(current > previous, "BatchReader: offsets do not rise");
            if (i == index) (start, end) = (previous, current);
            previous = current;
        }
    }

    /// @dev Entry `i` of the table of ends (which the caller has checked lies in `batch`).
    function _endAt(bytes calldata batch, uint256 i) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(224, calldataload(add(batch.offset, add(HEADER_SIZE, mul(i, END_SIZE)))))
        }
    }

    /// @dev A canonical RLP integer of at most 8 bytes.
    function _readUint64(RLPItem item) private pure returns (uint64) {
        bytes memory data = RLPReader.readBytes(item);
        require(data.length <= 8, "BatchReader: integer wider than 64 bits");
        require(data.length == 0 || data[0] != 0, "BatchReader: integer with leading zero bytes");
        return uint64(uint256(bytes32(data)) >> (256 - 8 * data.length));
    }

    /// @dev The transaction strings of the block's last field.
    function _readTransactions(RLPItem item) private pure returns (bytes[] memory transactions) {
        RLPItem[] memory items = RLPReader.readList(item);
        transactions = new bytes[](items.length);
        for (uint256 i; i < items.length; ++i) {
            bytes memory raw = RLPReader.readBytes(items[i]);
            require(raw.length > 0, "BatchReader: empty transaction");
            require(uint8(raw[0]) != DEPOSIT_TX_TYPE, "BatchReader: deposits are not batched");
            transactions[i] = raw;
        }
    }
}
