// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RLPItem, RLPReader} from "../lib/RLPReader.sol";

/// @title MptUpdate
/// @notice Writes one key of a Merkle-Patricia trie from a proof: given the root, the key,
///         the EIP-1186 proof of the key's path (the key present or absent: the RLP nodes
///         from the root, each hashed node once, embedded nodes inside their parents) and the
///         new value (empty deletes), it returns the old value and the new root. A delete that
///         leaves a branch with one child collapses the branch into that child; when the child
///         is a hashed node its encoding is needed (`sibling`), else `sibling` must be empty.
/// @dev    The algorithm and its Python reference: `ovm/fraud/mpt.py`. Walk the proof along
///         the key keeping the branches and extensions passed; make the subtree replacing the
///         end (a leaf, a branch splitting a diverging leaf or extension, or nothing); walk
///         back up, an extension prefixing its path, a branch taking the subtree's reference
///         and collapsing when left with one entry. Paths are kept one nibble per byte.
library MptUpdate {
    using RLPReader for RLPItem;

    bytes32 internal constant EMPTY_ROOT = 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;

    uint256 private constant BRANCH_ITEMS = 17;
    uint256 private constant VALUE_SLOT = 16;

    enum Kind {
        None,
        Leaf,
        Extension,
        Branch
    }

    enum End {
        Empty, // the key leaves the trie at an empty slot, or the trie is empty
        Value, // the key ends at a branch (its value slot)
        Leaf,
        Extension // an extension whose path the key leaves
    }

    /// @dev A subtree not yet encoded: a leaf (`payload` its value), an extension (`payload`
    ///      its child's reference) or a branch (`payload` its encoding).
    struct Sub {
        Kind kind;
        bytes path;
        bytes payload;
    }

    /// @dev A branch passed at `nibble` (16: its value slot), or an extension of `path`.
    struct Frame {
        RLPItem[] items;
        uint256 nibble;
        bytes path;
        bool isExtension;
    }

    struct Walk {
        Frame[] frames;
        uint256 count;
        uint256 depth;
        End end;
        bytes endPath;
        RLPItem endItem;
    }

    /// @notice The value under `key` before, and the root after setting it to `value`
    ///         (deleting it when `value` is empty), in the trie of root `root`.
    /// @param key     The path (for a secure trie, the keccak256 of the key).
    /// @param proof   The RLP nodes on the key's path, root first; all must be used.
    /// @param sibling The encoding of the hashed child a collapsing branch is left with, or
    ///                empty when no collapse needs one.
    /// @dev Reverts ("MptUpdate: ...", "RLPReader: ...") unless the proof proves the path.
    function update(bytes32 root, bytes memory key, bytes[] memory proof, bytes memory sibling, bytes memory value)
        internal
        pure
        returns (bytes memory oldValue, bytes32 newRoot)
    {
        bytes memory path = _nibbles(key);
        Walk memory w = _walk(root, path, proof);
        bytes memory rest = _slice(path, w.depth, path.length);
        Sub memory sub;
        bool unchanged;
        (oldValue, sub, unchanged) = _endSubtree(w, rest, value);
        if (unchanged) {
            require(sibling.length == 0, "MptUpdate: unused sibling node");
            return (oldValue, root);
        }
        bool siblingUsed;
        for (uint256 i = w.count; i > 0; --i) {
            Frame memory frame = w.frames[i - 1];
            if (frame.isExtension) {
                sub = _prefixed(frame.path, sub);
            } else {
                bool used;
                (sub, used) = _rebuildBranch(frame.items, frame.nibble, sub, value, sibling);
                siblingUsed = siblingUsed || used;
            }
        }
        require(siblingUsed || sibling.length == 0, "MptUpdate: unused sibling node");
        newRoot = sub.kind == Kind.None ? EMPTY_ROOT : keccak256(_encode(sub));
    }

    /// @notice The value under `key` (empty when absent) in the trie of root `root`: as
    ///         `update`, the proof must prove the key's path (absence included) and be used up.
    function read(bytes32 root, bytes memory key, bytes[] memory proof) internal pure returns (bytes memory) {
        bytes memory path = _nibbles(key);
        Walk memory w = _walk(root, path, proof);
        if (w.end == End.Value) return w.frames[w.count - 1].items[VALUE_SLOT].readBytes();
        if (w.end == End.Leaf && keccak256(w.endPath) == keccak256(_slice(path, w.depth, path.length))) {
            return w.endItem.readBytes();
        }
        return "";
    }

    // -- walking down ------------------------------------------------------

    function _walk(bytes32 root, bytes memory path, bytes[] memory proof) private pure returns (Walk memory w) {
        // Every frame but a last branch-value one takes at least one nibble.
        w.frames = new Frame[](path.length + 1);
        if (root == EMPTY_ROOT) {
            require(proof.length == 0, "MptUpdate: the empty trie's proof has nodes");
            return w;
        }
        require(proof.length > 0, "MptUpdate: the proof ends before the key's path does");
        RLPItem[] memory items = _hashed(proof[0], root);
        uint256 used = 1;
        while (true) {
            RLPItem next;
            if (items.length == BRANCH_ITEMS) {
                if (w.depth == path.length) {
                    w.frames[w.count++] = Frame(items, VALUE_SLOT, "", false);
                    w.end = End.Value;
                    break;
                }
                uint256 nibble = uint8(path[w.depth]);
                w.frames[w.count++] = Frame(items, nibble, "", false);
                w.depth += 1;
                next = items[nibble];
                if (_isEmpty(next)) {
                    w.end = End.Empty;
                    break;
                }
            } else {
                require(items.length == 2, "MptUpdate: invalid node");
                (bytes memory nodePath, bool isLeaf) = _decodePath(items[0].readBytes());
                if (isLeaf) {
                    require(!items[1].isList(), "MptUpdate: a leaf's value is a list");
                    (w.end, w.endPath, w.endItem) = (End.Leaf, nodePath, items[1]);
                    break;
                }
                require(nodePath.length > 0, "MptUpdate: an extension with an empty path");
                require(!_isEmpty(items[1]), "MptUpdate: an extension without a child");
                if (!_continuesWith(path, w.depth, nodePath)) {
                    (w.end, w.endPath, w.endItem) = (End.Extension, nodePath, items[1]);
                    break;
                }
                w.frames[w.count++] = Frame(items, 0, nodePath, true);
                w.depth += nodePath.length;
                next = items[1];
            }
            if (next.isList()) {
                items = next.readList();
            } else {
                require(used < proof.length, "MptUpdate: the proof ends before the key's path does");
                items = _hashed(proof[used++], _hashRef(next));
            }
        }
        require(used == proof.length, "MptUpdate: proof nodes past the key's path");
    }

    function _hashed(bytes memory node, bytes32 expected) private pure returns (RLPItem[] memory) {
        require(keccak256(node) == expected, "MptUpdate: a proof node does not hash to its reference");
        return RLPReader.toItem(node).readList();
    }

    function _hashRef(RLPItem ref) private pure returns (bytes32) {
        bytes memory data = ref.readBytes();
        require(data.length == 32, "MptUpdate: invalid child reference");
        return bytes32(data);
    }

    // -- the new subtree at the end ------------------------------------------

    function _endSubtree(Walk memory w, bytes memory rest, bytes memory value)
        private
        pure
        returns (bytes memory oldValue, Sub memory sub, bool unchanged)
    {
        if (w.end == End.Empty) {
            if (value.length == 0) return ("", sub, true);
            return ("", Sub(Kind.Leaf, rest, value), false);
        }
        if (w.end == End.Value) {
            // The branch frame writes its own value slot.
            return (w.frames[w.count - 1].items[VALUE_SLOT].readBytes(), sub, false);
        }
        Sub memory node = w.end == End.Leaf
            ? Sub(Kind.Leaf, w.endPath, w.endItem.readBytes())
            : Sub(Kind.Extension, w.endPath, RLPReader.readRaw(w.endItem));
        if (w.end == End.Leaf && keccak256(w.endPath) == keccak256(rest)) {
            return (node.payload, value.length == 0 ? sub : Sub(Kind.Leaf, rest, value), false);
        }
        if (value.length == 0) return ("", node, true);
        return ("", _split(node, rest, value), false);
    }

    /// @dev A branch (under an extension of the shared path) holding `node` and a new leaf
    ///      with `value` at `rest`, whose paths diverge.
    function _split(Sub memory node, bytes memory rest, bytes memory value) private pure returns (Sub memory) {
        uint256 shared = _commonPrefix(node.path, rest);
        bytes[] memory refs = _emptyRefs();
        bytes memory branchValue;
        if (shared == node.path.length) {
            branchValue = node.payload; // only a leaf's path can end here
        } else {
            bytes memory below = _slice(node.path, shared + 1, node.path.length);
            refs[uint8(node.path[shared])] = node.kind == Kind.Extension && below.length == 0
                ? node.payload
                : _ref(_encode(Sub(node.kind, below, node.payload)));
        }
        if (shared == rest.length) {
            branchValue = value;
        } else {
            refs[uint8(rest[shared])] = _ref(_encode(Sub(Kind.Leaf, _slice(rest, shared + 1, rest.length), value)));
        }
        Sub memory branch = Sub(Kind.Branch, "", _encodeBranch(refs, branchValue));
        return _prefixed(_slice(rest, 0, shared), branch);
    }

    // -- walking back up -------------------------------------------------------

    /// @dev The branch `items` with `sub` at `nibble` (or `value` in its value slot), or what
    ///      it collapses into; and whether that took the sibling node.
    function _rebuildBranch(
        RLPItem[] memory items,
        uint256 nibble,
        Sub memory sub,
        bytes memory value,
        bytes memory sibling
    ) private pure returns (Sub memory, bool) {
        bytes[] memory refs = new bytes[](VALUE_SLOT);
        uint256 occupied;
        uint256 only;
        for (uint256 i; i < VALUE_SLOT; ++i) {
            refs[i] = i == nibble
                ? (sub.kind == Kind.None ? bytes(hex"80") : _ref(_encode(sub)))
                : RLPReader.readRaw(items[i]);
            if (!_isEmptyRef(refs[i])) (occupied, only) = (occupied + 1, i);
        }
        require(!items[VALUE_SLOT].isList(), "MptUpdate: a branch's value is a list");
        bytes memory branchValue = nibble == VALUE_SLOT ? value : items[VALUE_SLOT].readBytes();
        Sub memory none;
        if (occupied + (branchValue.length > 0 ? 1 : 0) >= 2) {
            return (Sub(Kind.Branch, "", _encodeBranch(refs, branchValue)), false);
        }
        if (branchValue.length > 0) return (Sub(Kind.Leaf, "", branchValue), false);
        if (occupied == 0) return (none, false);
        bytes memory prefix = new bytes(1);
        prefix[0] = bytes1(uint8(only));
        if (only == nibble) return (_prefixed(prefix, sub), false);
        RLPItem child = items[only];
        if (child.isList()) return (_prefixed(prefix, _subOfNode(RLPReader.readRaw(child))), false);
        require(keccak256(sibling) == _hashRef(child), "MptUpdate: the sibling node is not the collapsing child");
        return (_prefixed(prefix, _subOfNode(sibling)), true);
    }

    function _subOfNode(bytes memory encoding) private pure returns (Sub memory) {
        RLPItem[] memory items = RLPReader.toItem(encoding).readList();
        if (items.length == BRANCH_ITEMS) return Sub(Kind.Branch, "", encoding);
        require(items.length == 2, "MptUpdate: invalid node");
        (bytes memory path, bool isLeaf) = _decodePath(items[0].readBytes());
        if (isLeaf) return Sub(Kind.Leaf, path, items[1].readBytes());
        return Sub(Kind.Extension, path, RLPReader.readRaw(items[1]));
    }

    /// @dev `sub` reached through `prefix` more path: a branch gets an extension above it,
    ///      a leaf or extension takes the prefix on.
    function _prefixed(bytes memory prefix, Sub memory sub) private pure returns (Sub memory) {
        if (sub.kind == Kind.None) return sub;
        if (sub.kind == Kind.Branch) {
            return prefix.length == 0 ? sub : Sub(Kind.Extension, prefix, _ref(sub.payload));
        }
        return Sub(sub.kind, bytes.concat(prefix, sub.path), sub.payload);
    }

    // -- encoding ------------------------------------------------------------------

    function _encode(Sub memory sub) private pure returns (bytes memory) {
        if (sub.kind == Kind.Branch) return sub.payload;
        bool isLeaf = sub.kind == Kind.Leaf;
        bytes memory second = isLeaf ? _string(sub.payload) : sub.payload;
        return _list(bytes.concat(_string(_encodePath(sub.path, isLeaf)), second));
    }

    function _encodeBranch(bytes[] memory refs, bytes memory value) private pure returns (bytes memory) {
        bytes memory payload = bytes.concat(refs[0], refs[1], refs[2], refs[3], refs[4], refs[5], refs[6], refs[7]);
        payload = bytes.concat(payload, refs[8], refs[9], refs[10], refs[11], refs[12], refs[13], refs[14]);
        return _list(bytes.concat(payload, refs[15], _string(value)));
    }

    function _emptyRefs() private pure returns (bytes[] memory refs) {
        refs = new bytes[](VALUE_SLOT);
        for (uint256 i; i < VALUE_SLOT; ++i) {
            refs[i] = hex"80";
        }
    }

    /// @dev How a parent refers to a node: inline when its encoding is short, else by hash.
    function _ref(bytes memory encoding) private pure returns (bytes memory) {
        if (encoding.length < 32) return encoding;
        return abi.encodePacked(bytes1(0xa0), keccak256(encoding));
    }

    function _string(bytes memory data) private pure returns (bytes memory) {
        if (data.length == 1 && uint8(data[0]) < 0x80) return data;
        return bytes.concat(_lengthPrefix(data.length, 0x80), data);
    }

    function _list(bytes memory payload) private pure returns (bytes memory) {
        return bytes.concat(_lengthPrefix(payload.length, 0xc0), payload);
    }

    function _lengthPrefix(uint256 length, uint256 offset) private pure returns (bytes memory) {
        if (length < 56) return abi.encodePacked(uint8(offset + length));
        uint256 size;
        for (uint256 l = length; l > 0; l >>= 8) {
            ++size;
        }
        bytes memory prefix = new bytes(1 + size);
        prefix[0] = bytes1(uint8(offset + 55 + size));
        for (uint256 i; i < size; ++i) {
            prefix[size - i] = bytes1(uint8(length >> (8 * i)));
        }
        return prefix;
    }

    /// @dev Hex-prefix encoding: a flag nibble (2 leaf, +1 odd), a zero nibble when even.
    function _encodePath(bytes memory nibbles, bool isLeaf) private pure returns (bytes memory out) {
        uint256 odd = nibbles.length % 2;
        uint256 flag = (isLeaf ? 2 : 0) + odd;
        out = new bytes(nibbles.length / 2 + 1);
        out[0] = bytes1(uint8(flag << 4 | (odd == 1 ? uint8(nibbles[0]) : 0)));
        for (uint256 i = odd; i < nibbles.length; i += 2) {
            out[(i + 2 - odd) / 2] = bytes1(uint8(nibbles[i]) << 4 | uint8(nibbles[i + 1]));
        }
    }

    function _decodePath(bytes memory encoded) private pure returns (bytes memory path, bool isLeaf) {
        require(encoded.length > 0, "MptUpdate: empty node path");
        bytes memory all = _nibbles(encoded);
        uint256 flag = uint8(all[0]);
        require(flag <= 3, "MptUpdate: invalid path prefix");
        require(flag % 2 == 1 || uint8(all[1]) == 0, "MptUpdate: invalid path prefix");
        isLeaf = flag >= 2;
        path = _slice(all, flag % 2 == 1 ? 1 : 2, all.length);
    }

    // -- nibbles ---------------------------------------------------------------------

    function _nibbles(bytes memory data) private pure returns (bytes memory out) {
        out = new bytes(data.length * 2);
        for (uint256 i; i < data.length; ++i) {
            out[2 * i] = bytes1(uint8(data[i]) >> 4);
            out[2 * i + 1] = bytes1(uint8(data[i]) & 0x0f);
        }
    }

    function _slice(bytes memory data, uint256 start, uint256 end) private pure returns (bytes memory out) {
        out = new bytes(end - start);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(add(data, 0x20), start), sub(end, start))
        }
    }

    function _continuesWith(bytes memory path, uint256 depth, bytes memory part) private pure returns (bool) {
        if (depth + part.length > path.length) return false;
        for (uint256 i; i < part.length; ++i) {
            if (path[depth + i] != part[i]) return false;
        }
        return true;
    }

    function _commonPrefix(bytes memory a, bytes memory b) private pure returns (uint256 n) {
        while (n < a.length && n < b.length && a[n] == b[n]) {
            ++n;
        }
    }

    // -- raw items -----------------------------------------------------------------------

    function _isEmpty(RLPItem item) private pure returns (bool) {
        return _isEmptyRef(RLPReader.readRaw(item));
    }

    function _isEmptyRef(bytes memory ref) private pure returns (bool) {
        return ref.length == 1 && ref[0] == 0x80;
    }
}
