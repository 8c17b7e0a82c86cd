// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Withdrawals
/// @notice The L2 → L1 withdrawal record shared by the L2 message passer (which stores it)
///         and the L1 bridge (which proves it): the OP Stack's withdrawal transaction, its
///         hash (`Hashing.hashWithdrawal`), and the storage slot in the message passer that
///         marks it as sent. Being the OP Stack's, the record is what viem's OP Stack actions
///         read from `MessagePassed` and hand back to `proveWithdrawalTransaction`.
library Withdrawals {
    /// @notice Storage slot of the message passer's `sentMessages` mapping.
    uint256 internal constant SENT_MESSAGES_SLOT = 0;

    /// @notice One withdrawal as the message passer recorded it (OP's `WithdrawalTransaction`).
    /// @param nonce    The message passer's running nonce when it was recorded.
    /// @param sender   The account that called the message passer (the L2 bridge for
    ///                 withdrawals made through it).
    /// @param target   Who is paid on L1.
    /// @param value    Wei paid on L1 (the value burned on L2).
    /// @param gasLimit The L1 gas the sender asked for. The L1 bridge forwards all the gas it
    ///                 has to the payment and reverts if it fails, so this is a record only.
    /// @param data     Empty: ovm's withdrawals carry ETH, not messages.
    struct Withdrawal {
        uint256 nonce;
        address sender;
        address target;
        uint256 value;
        uint256 gasLimit;
        bytes data;
    }

    /// @notice keccak256(abi.encode(nonce, sender, target, value, gasLimit, data)), the OP
    ///         Stack's `Hashing.hashWithdrawal`.
    function hash(Withdrawal memory withdrawal) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                withdrawal.nonce,
                withdrawal.sender,
                withdrawal.target,
                withdrawal.value,
                withdrawal.gasLimit,
                withdrawal.data
            )
        );
    }

    /// @notice The message passer's storage slot holding `sentMessages[withdrawalHash]`:
    ///         keccak256(abi.encode(withdrawalHash, SENT_MESSAGES_SLOT)), Solidity's mapping rule.
    function sentMessageSlot(bytes32 withdrawalHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(withdrawalHash, SENT_MESSAGES_SLOT));
    }
}
