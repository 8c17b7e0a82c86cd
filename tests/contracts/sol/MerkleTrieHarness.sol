// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleTrie} from "../../../contracts/src/lib/MerkleTrie.sol";

/// @title MerkleTrieHarness
/// @notice Test helper: MerkleTrie.get as an external function.
contract MerkleTrieHarness {
    function get(bytes calldata key, bytes[] calldata proof, bytes32 root)
        external
        pure
        returns (bool found, bytes memory value)
    {
        return MerkleTrie.get(key, proof, root);
    }
}
