// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Withdrawals} from "../lib/Withdrawals.sol";

/// @title L2ToL1MessagePasser
/// @notice Predeploy at 0x4200000000000000000000000000000000000016. Records each withdrawal
///         as `sentMessages[withdrawalHash] = true`; the L1 bridge pays it out against a proof
///         of that storage slot under an output root.
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

    /// @notice A withdrawal recorded; the fields are the preimage of `withdrawalHash`.
    event MessagePassed(
        uint256 indexed nonce, address indexed sender, address indexed recipient, uint256 amount, bytes32 withdrawalHash
    );

    /// @notice Withdraws `msg.value` (non-zero) to `l1Recipient` on L1.
    /// @return withdrawalHash keccak256(abi.encode(nonce, msg.sender, l1Recipient, msg.value)).
    function initiateWithdrawal(address l1Recipient) external payable returns (bytes32 withdrawalHash) {
        require(msg.value > 0, "L2ToL1MessagePasser: amount is zero");
        require(l1Recipient != address(0), "L2ToL1MessagePasser: recipient is zero");
        uint256 nonce = messageNonce++;
        withdrawalHash = Withdrawals.hash(Withdrawals.Withdrawal(nonce, msg.sender, l1Recipient, msg.value));
        sentMessages[withdrawalHash] = true;
        emit MessagePassed(nonce, msg.sender, l1Recipient, msg.value, withdrawalHash);
    }
}
