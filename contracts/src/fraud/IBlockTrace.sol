// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IBlockTrace
/// @notice How the dispute game binds the step trace of one L2 block to output roots
///         (docs/fraud-proofs.md, "The dispute game"). The game bisects over the commitments
///         of steps 0 .. maxSteps of block n: step 0's is `startCommitment(root of block n-1, n)`,
///         the claimed end is `endCommitment(claimed root of block n)`, and `step` proves one
///         step. An implementation must make `endCommitment` injective and `step` the identity
///         on an end commitment (a finished block stays finished), so that every trace shorter
///         than `maxSteps` pads to it; `step` reverts on a witness that does not open `pre`.
interface IBlockTrace {
    /// @notice The commitment before the first step of L2 block `l2BlockNumber`, whose parent's
    ///         output root is `parentOutputRoot` (with the block's inputs from L1).
    function startCommitment(bytes32 parentOutputRoot, uint256 l2BlockNumber) external view returns (bytes32);

    /// @notice The commitment a block's trace ends in when its output root is `outputRoot`.
    function endCommitment(bytes32 outputRoot) external view returns (bytes32);

    /// @notice The commitment after the step from `pre` that `witness` opens.
    function step(bytes32 pre, bytes calldata witness) external view returns (bytes32);
}
