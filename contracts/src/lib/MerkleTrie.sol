// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RLPItem, RLPReader} from "./RLPReader.sol";

/// @title MerkleTrie
/// @notice Verifies Merkle-Patricia trie proofs in the shape of EIP-1186 (`eth_getProof`'s
///         `accountProof` and `storageProof`): the RLP-encoded nodes on a key's path, root
///         first, each hashed node listed once. Embedded nodes (encodings under 32 bytes) sit
///         inside their parent's encoding and are followed there, as geth and reth emit them.
/// @dev    Node kinds (Ethereum Yellow Paper, appendix D): a branch is a 17-item list (16
///         child references and a value), a leaf or extension a 2-item list whose first item
///         is the hex-prefix encoded path (flag nibble 0/1 extension, 2/3 leaf; odd flags
///         carry one path nibble in the first byte). A child reference is a 32-byte hash, an
///         embedded node (a list), or the empty string.
library MerkleTrie {
    using RLPReader for RLPItem;

    uint256 private constant BRANCH_ITEMS = 17;
    uint256 private constant VALUE_INDEX = 16;
    uint256 private constant PAIR_ITEMS = 2;
    uint256 private constant HASH_LENGTH = 32;
    uint256 private constant LEAF_FLAG = 2;

    /// @dev What one node says about the key: its value is found, the key is absent, or the
    ///      path goes on in the next listed node (by hash) or inside this one (embedded).
    enum Step {
        Found,
        Absent,
        HashedChild,
        EmbeddedChild
    }

    /// @notice Looks `key` up in the trie whose root hash is `root`, through `proof`.
    /// @param key   The path in the trie. For the state and storage tries (secure tries) this
    ///              is the keccak256 of the address or slot.
    /// @param proof The RLP-encoded nodes along the key's path, root first.
    /// @param root  The trie's root hash.
    /// @return found Whether the proof shows a value under `key`.
    /// @return value That value (for a storage slot: the RLP encoding of its word); empty
    ///               when not found.
    /// @dev    A node that does not match the hash referring to it, a proof that stops before
    ///         the key's path is settled or has nodes left over, and a proof of absence all
    ///         give `found = false`. A node that is not well-formed RLP or not a trie node
    ///         reverts (with an "RLPReader: ..." or "MerkleTrie: ..." reason).
    function get(bytes memory key, bytes[] memory proof, bytes32 root)
        internal
        pure
        returns (bool found, bytes memory value)
    {
        bytes32 expectedHash = root;
        uint256 depth; // nibbles of the key consumed so far
        for (uint256 i; i < proof.length; ++i) {
            if (keccak256(proof[i]) != expectedHash) return (false, "");
            RLPItem node = RLPReader.toItem(proof[i]);
            Step step;
            (step, node, depth) = _walk(node, key, depth);
            if (step == Step.Absent) break;
            if (step == Step.Found) {
                if (i == proof.length - 1) return (true, node.readBytes());
                break; // nodes left over
            }
            expectedHash = bytes32(node.readBytes());
        }
        return (false, "");
    }

    /// @dev Follows the key through `node` and the nodes embedded in it, until the path
    ///      ends there (Found/Absent, with the value item) or leaves for a hashed child
    ///      (HashedChild, with the 32-byte reference item).
    function _walk(RLPItem node, bytes memory key, uint256 depth)
        private
        pure
        returns (Step step, RLPItem next, uint256 newDepth)
    {
        step = Step.EmbeddedChild;
        next = node;
        newDepth = depth;
        while (step == Step.EmbeddedChild) {
            (step, next, newDepth) = _visit(next, key, newDepth);
        }
    }

    /// @dev One node: where the key goes from it.
    function _visit(RLPItem node, bytes memory key, uint256 depth)
        private
        pure
        returns (Step, RLPItem, uint256)
    {
        RLPItem[] memory items = node.readList();
        if (items.length == BRANCH_ITEMS) return _visitBranch(items, key, depth);
        require(items.length == PAIR_ITEMS, "MerkleTrie: invalid node");
        return _visitPair(items, key, depth);
    }

    /// @dev A branch: the value when the key ends here, else the child at the next nibble.
    function _visitBranch(RLPItem[] memory items, bytes memory key, uint256 depth)
        private
        pure
        returns (Step, RLPItem, uint256)
    {
        if (depth == key.length * 2) {
            RLPItem value = items[VALUE_INDEX];
            return (_isEmptyString(value) ? Step.Absent : Step.Found, value, depth);
        }
        RLPItem child = items[_nibble(key, depth)];
        return (_refStep(child), child, depth + 1);
    }

    /// @dev A leaf or an extension: the key must continue with the node's path.
    function _visitPair(RLPItem[] memory items, bytes memory key, uint256 depth)
        private
        pure
        returns (Step, RLPItem, uint256)
    {
        bytes memory encodedPath = items[0].readBytes();
        (bool matches, uint256 pathLength, bool isLeaf) = _matchPath(encodedPath, key, depth);
        if (!matches) return (Step.Absent, items[1], depth);
        depth += pathLength;
        if (isLeaf) return (depth == key.length * 2 ? Step.Found : Step.Absent, items[1], depth);
        return (_refStep(items[1]), items[1], depth);
    }

    /// @dev What a child reference leads to: an embedded node, a hashed node, or nothing.
    function _refStep(RLPItem ref) private pure returns (Step) {
        if (ref.isList()) return Step.EmbeddedChild;
        uint256 length = ref.readBytes().length;
        if (length == 0) return Step.Absent;
        require(length == HASH_LENGTH, "MerkleTrie: invalid child reference");
        return Step.HashedChild;
    }

    /// @dev Whether `key`, from nibble `depth` on, starts with the hex-prefix encoded path;
    ///      also the path's length in nibbles and whether it belongs to a leaf.
    function _matchPath(bytes memory encodedPath, bytes memory key, uint256 depth)
        private
        pure
        returns (bool matches, uint256 pathLength, bool isLeaf)
    {
        require(encodedPath.length > 0, "MerkleTrie: empty node path");
        uint256 flag = _nibble(encodedPath, 0);
        require(flag <= LEAF_FLAG + 1, "MerkleTrie: invalid path prefix");
        isLeaf = flag >= LEAF_FLAG;
        uint256 skipped = flag % 2 == 1 ? 1 : 2; // odd paths start in the first byte
        pathLength = encodedPath.length * 2 - skipped;
        if (depth + pathLength > key.length * 2) return (false, pathLength, isLeaf);
        unchecked {
            // Indexes stay below both lengths (checked just above).
            for (uint256 i; i < pathLength; ++i) {
                if (_nibble(encodedPath, skipped + i) != _nibble(key, depth + i)) {
                    return (false, pathLength, isLeaf);
                }
            }
        }
        matches = true;
    }

    /// @dev Whether `item` is the empty string (0x80).
    function _isEmptyString(RLPItem item) private pure returns (bool) {
        return !item.isList() && item.readBytes().length == 0;
    }

    /// @dev Nibble `index` of `data` (high nibble of each byte first). The caller keeps
    ///      `index` below `2 * data.length`; no bounds check here (this is the inner loop).
    function _nibble(bytes memory data, uint256 index) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            let b := byte(0, mload(add(add(data, 0x20), shr(1, index))))
            value := and(shr(mul(4, iszero(and(index, 1))), b), 0x0f)
        }
    }
}
