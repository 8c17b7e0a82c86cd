// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Withdrawals} from "../lib/Withdrawals.sol";

/// @title L2ToL1MessagePasser
/// @notice Predeploy at 0x4200000000000000000000000000000000000016. Records each withdrawal
///         as `sentMessages[withdrawalHash] = true`; the L1 bridge pays it out against a proof
///         of that storage slot under an output root. Its entry point and event are the OP
///         Stack's, so viem's `initiateWithdrawal` and `getWithdrawals` work on it; ovm's
///         withdrawals carry ETH only (no data), and the nonce is a plain counter (the OP
///         Stack puts a version in its top two bytes; nothing reads it).
/// @dev    Genesis-ready: no constructor, no immutables; empty storage is the initial state.
///         Storage layout (binding: the L1 proof depends on slot 0):
///           slot 0  mapping(bytes32 => bool) sentMessages
///           slot 1  uint256 messageNonce
///         The withdrawn ETH stays in this contract's balance for good: no code path sends it
///         anywhere, so it is out of circulation without the OP Stack's self-destructing
///         burner, and this balance is the total ever withdrawn.
contract L2ToL1MessagePasser {
    /// @notice Withdrawal hashes recorded (see Withdrawals.hash).
    mapping(bytes32 withdrawalHash => bool) public sentMessages;
    /// @notice Nonce of the next withdrawal.
    uint256 public messageNonce;

    /// @notice A withdrawal recorded (the OP Stack's event); the fields are the preimage of
    ///         `withdrawalHash`.
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        uint256 gasLimit,
        bytes data,
        bytes32 withdrawalHash
    );

    /// @notice Withdraws `msg.value` (non-zero) to `target` on L1.
    /// @param target   Who is paid on L1 (not zero).
    /// @param gasLimit Recorded in the withdrawal (see Withdrawals.Withdrawal).
    /// @param data     Must be empty: a withdrawal with a message could never be paid on L1.
    /// @return withdrawalHash Withdrawals.hash of the recorded withdrawal.
    function initiateWithdrawal(address target, uint256 gasLimit, bytes calldata data)
        external
        payable
        returns (bytes32 withdrawalHash)
    {
        require(msg.value > 0, "L2ToL1MessagePasser: amount is zero");
        require(target != address(0), "L2ToL1MessagePasser: recipient is zero");
        require(data.length == 0, "L2ToL1MessagePasser: only ETH withdrawals (no data)");
        uint256 nonce = messageNonce++;
        withdrawalHash = Withdrawals.hash(Withdrawals.Withdrawal(nonce, msg.sender, target, msg.value, gasLimit, data));
        sentMessages[withdrawalHash] = true;
        emit MessagePassed(nonce, msg.sender, target, msg.value, gasLimit, data, withdrawalHash);
    }
}
