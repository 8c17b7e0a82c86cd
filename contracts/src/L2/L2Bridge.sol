// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Predeploys} from "../lib/Predeploys.sol";
import {L2ToL1MessagePasser} from "./L2ToL1MessagePasser.sol";

/// @title L2Bridge
/// @notice Predeploy at 0x4200000000000000000000000000000000000010 (the OP Stack's
///         L2StandardBridge address). The L2 half of the ETH bridge: withdrawals go through
///         the message passer, with this contract as their `l2Sender`.
/// @dev    Genesis-ready: no constructor, no immutables, no storage.
///         Forced withdrawals (L1Bridge.withdrawETH) need no function of their own: derivation
///         makes them deposit transactions from the user's L2 account that call
///         `withdrawETHTo(l1Caller)` with `value = amount`, so the user's balance moves by the
///         EVM's ordinary value transfer (a deposit transaction needs no signature, as on the
///         OP Stack).
contract L2Bridge {
    /// @notice The L1 gas limit recorded in this bridge's withdrawals (the OP Stack's
    ///         L2StandardBridge asks for the same; ovm's L1 bridge forwards all its gas anyway).
    uint256 public constant WITHDRAWAL_GAS_LIMIT = 200_000;

    /// @notice A withdrawal started here; `withdrawalHash` is the message passer's record.
    event WithdrawalInitiated(address indexed from, address indexed l1Recipient, uint256 amount, bytes32 withdrawalHash);

    /// @notice Withdraws `msg.value` to the caller's own address on L1.
    /// @dev    Contracts, whose address on L1 is usually not theirs, should use `withdrawETHTo`.
    function withdrawETH() external payable {
        _withdraw(msg.sender);
    }

    /// @notice Withdraws `msg.value` to `l1Recipient` on L1.
    function withdrawETHTo(address l1Recipient) external payable {
        _withdraw(l1Recipient);
    }

    /// @dev Records the withdrawal in the message passer (which checks value and recipient).
    function _withdraw(address l1Recipient) private {
        bytes32 withdrawalHash = L2ToL1MessagePasser(Predeploys.L2_TO_L1_MESSAGE_PASSER).initiateWithdrawal{
            value: msg.value
        }(l1Recipient, WITHDRAWAL_GAS_LIMIT, "");
        emit WithdrawalInitiated(msg.sender, l1Recipient, msg.value, withdrawalHash);
    }
}
