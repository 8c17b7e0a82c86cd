// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CodeReveal, WordRange} from "./Machine.sol";

/// Binary Merkle trees of words (memory, calldata, any byte string: depth 37) and of code
/// chunks (depth 12), opened by range proofs (docs/fraud-proofs.md, "Word trees").
///
/// A range proof for leaves first .. first+n-1: walking up, the range takes its left
/// neighbour when it starts at an odd index and its right neighbour when it ends at an even
/// one; the siblings are those neighbours in that order, at most two per level.
library WordTrees {
    uint256 internal constant WORD_TREE_DEPTH = 37;
    uint256 internal constant CODE_TREE_DEPTH = 12;

    /// The root that `leaves` (at first ..) and `siblings` make. `leaves` is overwritten.
    function rangeRoot(uint256 depth, uint256 first, bytes32[] memory leaves, bytes32[] memory siblings)
        internal
        pure
        returns (bytes32 root)
    {
        uint256 n = leaves.length;
        require(n > 0 && first + n <= (1 << depth), "WordTrees: range outside the tree");
        // nodes live in buffer[start .. end); room for one neighbour on each side
        bytes32[] memory buffer = new bytes32[](n + 2);
        for (uint256 i = 0; i < n; i++) {
            buffer[i + 1] = leaves[i];
        }
        uint256 start = 1;
        uint256 end = n + 1;
        uint256 lo = first;
        uint256 hi = first + n - 1;
        uint256 used = 0;
        for (uint256 d = 0; d < depth; d++) {
            if (lo & 1 == 1) {
                require(used < siblings.length, "WordTrees: range proof too short");
                start -= 1;
                buffer[start] = siblings[used++];
                lo -= 1;
            }
            if (hi & 1 == 0) {
                require(used < siblings.length, "WordTrees: range proof too short");
                buffer[end] = siblings[used++];
                end += 1;
                hi += 1;
            }
            uint256 pairs = (end - start) / 2;
            assembly ("memory-safe") {
                let base := add(buffer, 32)
                let from := add(base, shl(5, start))
                let to := add(base, 32)
                for { let i := 0 } lt(i, pairs) { i := add(i, 1) } {
                    let h := keccak256(add(from, shl(6, i)), 64)
                    mstore(add(to, shl(5, i)), h)
                }
            }
            start = 1;
            end = 1 + pairs;
            lo >>= 1;
            hi >>= 1;
        }
        require(used == siblings.length, "WordTrees: range proof too long");
        return buffer[1];
    }

    /// The words of tree `root` covering bytes [offset, offset + size) (size > 0), checked;
    /// returns them as bytes.
    function openWords(bytes32 root, WordRange memory range, uint256 offset, uint256 size)
        internal
        pure
        returns (bytes memory data)
    {
        uint256 first = offset / 32;
        uint256 count = (offset + size - 1) / 32 - first + 1;
        require(range.first == first && range.words.length == count, "WordTrees: not the words this step reads");
        data = abi.encodePacked(range.words);
        require(
            rangeRoot(WORD_TREE_DEPTH, first, range.words, range.siblings) == root,
            "WordTrees: the words do not open their tree"
        );
    }

    /// Bytes [offset, offset + size) of tree `root` (the range must be empty when size is 0).
    function readBytes(bytes32 root, WordRange memory range, uint256 offset, uint256 size)
        internal
        pure
        returns (bytes memory)
    {
        if (size == 0) {
            requireEmpty(range);
            return "";
        }
        bytes memory words = openWords(root, range, offset, size);
        return slice(words, offset - 32 * range.first, size);
    }

    /// `size` bytes from position `start` of a source whose bytes from `end` on are zero.
    function readSource(bytes32 root, WordRange memory range, uint256 start, uint256 end, uint256 size)
        internal
        pure
        returns (bytes memory data)
    {
        uint256 available = start < end ? end - start : 0;
        if (available > size) available = size;
        bytes memory head = readBytes(root, range, start, available);
        data = new bytes(size);
        copy(head, 0, data, 0, available);
    }

    /// The root of tree `root` after writing `data` at `offset`, through the range proof `range`.
    function writeBytes(bytes32 root, WordRange memory range, uint256 offset, bytes memory data)
        internal
        pure
        returns (bytes32)
    {
        bytes memory words = openWords(root, range, offset, data.length);
        copy(data, 0, words, offset - 32 * range.first, data.length);
        bytes32[] memory leaves = new bytes32[](range.words.length);
        for (uint256 i = 0; i < leaves.length; i++) {
            bytes32 leaf;
            assembly ("memory-safe") {
                leaf := mload(add(add(words, 32), shl(5, i)))
            }
            leaves[i] = leaf;
        }
        return rangeRoot(WORD_TREE_DEPTH, range.first, leaves, range.siblings);
    }

    function requireEmpty(WordRange memory range) internal pure {
        require(
            range.first == 0 && range.words.length == 0 && range.siblings.length == 0,
            "WordTrees: no words to reveal here"
        );
    }

    // -- code ----------------------------------------------------------------------------

    /// Code bytes [start, end) (zeros past the code) from `reveal`, which must hold exactly the
    /// chunks with code in that range, checked against the code's chunk tree.
    function openCode(CodeReveal memory reveal, uint256 codeSize, bytes32 codeRoot, uint256 start, uint256 end)
        internal
        pure
        returns (bytes memory data)
    {
        data = new bytes(end - start);
        uint256 stop = end < codeSize ? end : codeSize;
        if (start >= stop) {
            requireEmptyCode(reveal);
            return data;
        }
        uint256 first = start / 32;
        uint256 count = (stop - 1) / 32 - first + 1;
        require(
            reveal.first == first && reveal.chunks.length == count && reveal.masks.length == count,
            "WordTrees: not the chunks this step reads"
        );
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            leaves[i] = keccak256(abi.encode(reveal.chunks[i], reveal.masks[i]));
        }
        require(
            rangeRoot(CODE_TREE_DEPTH, first, leaves, reveal.siblings) == codeRoot,
            "WordTrees: the chunks do not open the code"
        );
        bytes memory chunks = abi.encodePacked(reveal.chunks);
        copy(chunks, start - 32 * first, data, 0, stop - start);
    }

    function requireEmptyCode(CodeReveal memory reveal) internal pure {
        require(
            reveal.first == 0 && reveal.chunks.length == 0 && reveal.masks.length == 0
                && reveal.siblings.length == 0,
            "WordTrees: no code to reveal here"
        );
    }

    // -- bytes ---------------------------------------------------------------------------

    function slice(bytes memory data, uint256 offset, uint256 size) internal pure returns (bytes memory out) {
        out = new bytes(size);
        copy(data, offset, out, 0, size);
    }

    function copy(bytes memory from, uint256 fromOffset, bytes memory to, uint256 toOffset, uint256 size)
        internal
        pure
    {
        assembly ("memory-safe") {
            mcopy(add(add(to, 32), toOffset), add(add(from, 32), fromOffset), size)
        }
    }
}
