// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OutputRoots
/// @notice The L2 output root, as on the OP Stack: a commitment to one L2 block's state
///         root, the message passer's storage root in that state, and the block hash.
library OutputRoots {
    /// @notice The only output root version there is.
    bytes32 internal constant VERSION_0 = bytes32(0);

    /// @notice The preimage of an output root.
    struct Proof {
        bytes32 version;
        bytes32 stateRoot;
        bytes32 messagePasserStorageRoot;
        bytes32 latestBlockhash;
    }

    /// @notice keccak256(version ‖ stateRoot ‖ messagePasserStorageRoot ‖ latestBlockhash),
    ///         the four words back to back (128 bytes).
    function hash(Proof memory proof) internal pure returns (bytes32) {
        return keccak256(abi.encode(proof.version, proof.stateRoot, proof.messagePasserStorageRoot, proof.latestBlockhash));
    }
}
