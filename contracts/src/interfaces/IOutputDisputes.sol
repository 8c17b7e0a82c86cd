// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOutputDisputes
/// @notice What the StateCommitmentChain asks its challenger (the dispute game): whether an
///         output must not be treated as final because a game that could delete it is open.
interface IOutputDisputes {
    /// @notice True while a game is open against output `outputIndex` or any output before it
    ///         (winning such a game deletes `outputIndex` too).
    function disputes(uint256 outputIndex) external view returns (bool);
}
