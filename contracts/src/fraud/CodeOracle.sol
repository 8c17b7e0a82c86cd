// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// Code by its hash, for the one-step verifier: anyone uploads code once, and the oracle keeps
/// its size and the root of its chunk tree (docs/fraud-proofs.md, "Code"), so that a step
/// reads one instruction with a proof of a chunk or two instead of the whole code.
///
/// The chunk tree has depth 12 (4,096 chunks of 32 bytes, 128 KiB: more than any initcode);
/// leaf i is keccak256(chunk_i ‖ mask_i), the chunk zero-padded and mask byte j 0x01 where
/// byte j of the chunk begins an instruction (0x00 in PUSH data); leaves past the code are
/// zero, and a subtree of zeros hashes as Z[d+1] = keccak256(Z[d] ‖ Z[d]), Z[0] = 0.
contract CodeOracle {
    uint256 public constant TREE_DEPTH = 12;
    uint256 public constant MAX_CODE_SIZE = 32 << TREE_DEPTH;

    struct Entry {
        bytes32 root;
        uint64 size;
        bool known;
    }

    mapping(bytes32 codeHash => Entry) private _entries;

    event CodeRegistered(bytes32 indexed codeHash, uint256 size, bytes32 root);

    /// Registers `code` (again is harmless); returns its hash.
    function register(bytes calldata code) external returns (bytes32 codeHash) {
        require(code.length <= MAX_CODE_SIZE, "CodeOracle: code larger than the chunk tree");
        codeHash = keccak256(code);
        if (_entries[codeHash].known) return codeHash;
        bytes32 root = chunkRoot(code);
        _entries[codeHash] = Entry(root, uint64(code.length), true);
        emit CodeRegistered(codeHash, code.length, root);
    }

    /// The size and chunk-tree root of registered code.
    function lookup(bytes32 codeHash) external view returns (uint256 size, bytes32 root) {
        Entry memory entry = _entries[codeHash];
        require(entry.known, "CodeOracle: code not registered");
        return (entry.size, entry.root);
    }

    function isRegistered(bytes32 codeHash) external view returns (bool) {
        return _entries[codeHash].known;
    }

    /// The root of `code`'s chunk tree.
    function chunkRoot(bytes calldata code) public pure returns (bytes32) {
        require(code.length <= MAX_CODE_SIZE, "CodeOracle: code larger than the chunk tree");
        uint256 count = (code.length + 31) / 32;
        bytes memory masks = instructionStarts(code, count * 32);
        bytes32[] memory nodes = new bytes32[](count + 1);
        for (uint256 i = 0; i < count; i++) {
            bytes32 chunk;
            bytes32 mask;
            assembly ("memory-safe") {
                chunk := calldataload(add(code.offset, shl(5, i)))
                mask := mload(add(add(masks, 32), shl(5, i)))
            }
            uint256 end = code.length - 32 * i;
            if (end < 32) chunk &= bytes32(~(type(uint256).max >> (8 * end))); // zero-pad the last chunk
            nodes[i] = keccak256(abi.encode(chunk, mask));
        }
        bytes32 zero = 0;
        for (uint256 d = 0; d < TREE_DEPTH; d++) {
            if (count % 2 == 1) nodes[count++] = zero;
            count /= 2;
            for (uint256 i = 0; i < count; i++) {
                nodes[i] = keccak256(abi.encode(nodes[2 * i], nodes[2 * i + 1]));
            }
            zero = keccak256(abi.encode(zero, zero));
        }
        return count == 0 ? zero : nodes[0];
    }

    /// One byte per code byte (padded to `size`): 0x01 where an instruction begins.
    function instructionStarts(bytes calldata code, uint256 size) internal pure returns (bytes memory masks) {
        masks = new bytes(size);
        assembly ("memory-safe") {
            let out := add(masks, 32)
            let n := code.length
            for { let at := 0 } lt(at, n) { at := add(at, 1) } {
                mstore8(add(out, at), 1)
                let op := byte(0, calldataload(add(code.offset, at)))
                if and(gt(op, 0x5f), lt(op, 0x80)) { at := add(at, sub(op, 0x5f)) }
            }
        }
    }
}
