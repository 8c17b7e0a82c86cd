// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A view of one RLP item in memory, header included: the memory address of its first
///         byte (the prefix) in the high 128 bits, the size of the whole encoding in the low
///         128. A value type, so that a list of items is an array of plain words.
type RLPItem is uint256;

/// @title RLPReader
/// @notice Reads Ethereum's Recursive Length Prefix encoding in place: items are views into
///         the encoded bytes, and only the string payloads asked for are copied out.
/// @dev    Every read checks that the item's header fits inside the view it came from, so a
///         malformed encoding reverts with an "RLPReader: ..." reason and never reads past its
///         input. Arithmetic on memory addresses and sizes is unchecked: addresses and sizes
///         are below 2^64 (memory that large cannot be paid for) and a decoded length below
///         2^64 (at most 8 bytes), so no sum here overflows; this halves the cost of a read. Canonical form (shortest length prefixes) is not enforced: the caller that
///         needs it (the Merkle-Patricia verifier) already binds the exact bytes by a hash.
library RLPReader {
    uint256 private constant SHORT_STRING = 0x80;
    uint256 private constant LONG_STRING = 0xb8;
    uint256 private constant SHORT_LIST = 0xc0;
    uint256 private constant LONG_LIST = 0xf8;

    /// @notice The item spanning all of `data` (which must hold exactly one item for the
    ///         reads below to accept it).
    function toItem(bytes memory data) internal pure returns (RLPItem) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(data, 0x20)
        }
        return _item(ptr, data.length);
    }

    /// @notice Whether `item` encodes a list (rather than a string).
    function isList(RLPItem item) internal pure returns (bool) {
        (uint256 ptr, uint256 length) = _unpack(item);
        require(length > 0, "RLPReader: empty input");
        return _byteAt(ptr) >= SHORT_LIST;
    }

    /// @notice The elements of the list that `item` encodes, as views into the same memory.
    /// @dev    Reverts unless `item` is exactly one well-formed list.
    function readList(RLPItem item) internal pure returns (RLPItem[] memory elements) {
        (uint256 ptr, uint256 end) = _payload(item, true);
        elements = new RLPItem[](_countItems(ptr, end));
        unchecked {
            for (uint256 i; ptr < end; ++i) {
                uint256 size = _itemSize(ptr, end - ptr);
                elements[i] = _item(ptr, size);
                ptr += size;
            }
        }
    }

    /// @notice The payload of the string that `item` encodes, copied into new memory.
    /// @dev    Reverts unless `item` is exactly one well-formed string.
    function readBytes(RLPItem item) internal pure returns (bytes memory payload) {
        (uint256 ptr, uint256 end) = _payload(item, false);
        uint256 length = end - ptr;
        payload = new bytes(length);
        assembly ("memory-safe") {
            mcopy(add(payload, 0x20), ptr, length)
        }
    }

    /// @notice The bytes of `item` itself, its header included (a child reference as its
    ///         parent holds it), copied into new memory.
    function readRaw(RLPItem item) internal pure returns (bytes memory out) {
        (uint256 ptr, uint256 size) = _unpack(item);
        out = new bytes(size);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), ptr, size)
        }
    }

    /// @dev Where the payload of `item` starts and ends in memory, after checking that the item
    ///      is one list (`list`) or one string (not `list`) filling the view exactly.
    function _payload(RLPItem item, bool list) private pure returns (uint256 start, uint256 end) {
        (uint256 ptr, uint256 size) = _unpack(item);
        (uint256 offset, uint256 length, bool isList_) = _header(ptr, size);
        if (list) require(isList_, "RLPReader: not a list");
        else require(!isList_, "RLPReader: not a string");
        require(offset + length == size, "RLPReader: trailing bytes after item");
        return (ptr + offset, ptr + size);
    }

    /// @dev How many items lie back to back between `ptr` and `end`.
    function _countItems(uint256 ptr, uint256 end) private pure returns (uint256 count) {
        unchecked {
            while (ptr < end) {
                ptr += _itemSize(ptr, end - ptr);
                ++count;
            }
        }
    }

    /// @dev Size of the whole item (header and payload) starting at `ptr`, which must fit in
    ///      `available` bytes.
    function _itemSize(uint256 ptr, uint256 available) private pure returns (uint256) {
        (uint256 offset, uint256 length,) = _header(ptr, available);
        unchecked {
            return offset + length;
        }
    }

    /// @dev Decodes the header at `ptr`: where the payload starts (`offset` from `ptr`), how
    ///      long it is, and whether the item is a list. The item must fit in `available` bytes.
    function _header(uint256 ptr, uint256 available)
        private
        pure
        returns (uint256 offset, uint256 length, bool list)
    {
        require(available > 0, "RLPReader: empty input");
        uint256 prefix = _byteAt(ptr);
        unchecked {
            if (prefix < SHORT_STRING) {
                return (0, 1, false);
            } else if (prefix < LONG_STRING) {
                (offset, length) = (1, prefix - SHORT_STRING);
            } else if (prefix < SHORT_LIST) {
                (offset, length) = _longLength(ptr, available, prefix - (LONG_STRING - 1));
            } else if (prefix < LONG_LIST) {
                (offset, length, list) = (1, prefix - SHORT_LIST, true);
            } else {
                (offset, length) = _longLength(ptr, available, prefix - (LONG_LIST - 1));
                list = true;
            }
            require(offset + length <= available, "RLPReader: item longer than input");
        }
    }

    /// @dev Reads a long-form payload length: `lengthOfLength` (1 to 8) big-endian bytes
    ///      after the prefix at `ptr`.
    function _longLength(uint256 ptr, uint256 available, uint256 lengthOfLength)
        private
        pure
        returns (uint256 offset, uint256 length)
    {
        require(available > lengthOfLength, "RLPReader: truncated length");
        uint256 word;
        assembly ("memory-safe") {
            word := mload(add(ptr, 1))
        }
        unchecked {
            return (1 + lengthOfLength, word >> (256 - 8 * lengthOfLength));
        }
    }

    /// @dev The byte at memory address `ptr`.
    function _byteAt(uint256 ptr) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := byte(0, mload(ptr))
        }
    }

    /// @dev Packs a view (`ptr` and `size` both fit in 128 bits: they are memory offsets).
    function _item(uint256 ptr, uint256 size) private pure returns (RLPItem) {
        return RLPItem.wrap(ptr << 128 | size);
    }

    /// @dev Unpacks a view.
    function _unpack(RLPItem item) private pure returns (uint256 ptr, uint256 size) {
        uint256 packed = RLPItem.unwrap(item);
        return (packed >> 128, uint128(packed));
    }
}
