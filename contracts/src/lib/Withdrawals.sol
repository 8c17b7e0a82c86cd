// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Withdrawals
/// @notice The L2 → L1 withdrawal record shared by the L2 message passer (which stores it)
///         and the L1 bridge (which proves it): its hash, and the storage slot in the message
///         passer that marks it as sent.
library Withdrawals {
    /// @notice Storage slot of the message passer's `sentMessages` mapping.
    uint256 internal constant SENT_MESSAGES_SLOT = 0;

    /// @notice One withdrawal as the message passer recorded it.
    /// @param nonce       The message passer's running nonce when it was recorded.
    /// @param l2Sender    The account that called the message passer (the L2 bridge for
    ///                    withdrawals made through it).
    /// @param l1Recipient Who is paid on L1.
    /// @param amount      Wei paid on L1 (the value burned on L2).
    struct Withdrawal {
        uint256 nonce;
        address l2Sender;
        address l1Recipient;
        uint256 amount;
    }

    /// @notice keccak256(abi.encode(nonce, l2Sender, l1Recipient, amount)).
    function hash(Withdrawal memory withdrawal) internal pure returns (bytes32) {
        return keccak256(abi.encode(withdrawal.nonce, withdrawal.l2Sender, withdrawal.l1Recipient, withdrawal.amount));
    }

    /// @notice The message passer's storage slot holding `sentMessages[withdrawalHash]`:
    ///         keccak256(abi.encode(withdrawalHash, SENT_MESSAGES_SLOT)), Solidity's mapping rule.
    function sentMessageSlot(bytes32 withdrawalHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(withdrawalHash, SENT_MESSAGES_SLOT));
    }
}
