// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MptUpdate} from "../../../contracts/src/fraud/MptUpdate.sol";

/// @notice The test's way to call the MptUpdate library on a real L1 (libraries are inlined
///         into their users and have no address of their own).
contract MptHarness {
    function update(bytes32 root, bytes memory key, bytes[] memory proof, bytes memory sibling, bytes memory value)
        external
        pure
        returns (bytes memory oldValue, bytes32 newRoot)
    {
        return MptUpdate.update(root, key, proof, sibling, value);
    }

    function read(bytes32 root, bytes memory key, bytes[] memory proof) external pure returns (bytes memory) {
        return MptUpdate.read(root, key, proof);
    }
}
