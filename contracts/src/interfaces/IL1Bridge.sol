// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IL1Bridge
/// @notice The L1 half of the ETH bridge: the seed interface of the rollup and its events.
interface IL1Bridge {
    /// @notice ETH locked on L1, to be minted on L2 by a deposit transaction (type 0x7E).
    /// @param from     The L1 caller.
    /// @param to       The L2 account credited: `from`, or its alias if `from` is a contract.
    /// @param amount   Wei locked here and minted on L2.
    /// @param nonce    The bridge's running nonce, shared with forced withdrawals.
    /// @param gasLimit Gas limit of the L2 deposit transaction.
    event DepositInitiated(address indexed from, address indexed to, uint256 amount, uint256 nonce, uint64 gasLimit);

    /// @notice A forced withdrawal: derivation turns it into an L2 deposit transaction from
    ///         `l2Account` that sends `amount` of its balance to the L2 bridge's
    ///         `withdrawETHTo(from)`.
    /// @param from      The L1 caller, who is paid on L1 once the withdrawal is proven.
    /// @param l2Account The L2 account debited: `from`, or its alias if `from` is a contract.
    /// @param amount    Wei to withdraw.
    /// @param nonce     The bridge's running nonce, shared with deposits.
    /// @param gasLimit  Gas limit of the L2 deposit transaction.
    event ForcedWithdrawalInitiated(
        address indexed from, address indexed l2Account, uint256 amount, uint256 nonce, uint64 gasLimit
    );

    /// @notice A withdrawal proven against a final output root and paid.
    event WithdrawalFinalized(
        bytes32 indexed withdrawalHash, address indexed l1Recipient, uint256 amount, uint256 outputIndex
    );

    /// @notice Locks `msg.value` (non-zero) to be minted to the caller's L2 account.
    function depositETH() external payable;

    /// @notice Forces a withdrawal of `amount` (non-zero) from the caller's L2 account through
    ///         derivation, so that a censoring sequencer cannot trap funds. No ETH moves here.
    function withdrawETH(uint256 amount) external;

    /// @notice Pays out a withdrawal proven against an output root past its challenge period.
    /// @param proof abi.encode(Withdrawals.Withdrawal, outputIndex, OutputRoots.Proof, bytes[] storageProof).
    function finalizeWithdrawal(bytes calldata proof) external;
}
