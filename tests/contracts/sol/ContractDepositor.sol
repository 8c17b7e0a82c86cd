// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Bridge} from "../../../contracts/src/interfaces/IL1Bridge.sol";

/// @title ContractDepositor
/// @notice Test helper: a contract that deposits and forces withdrawals through the L1
///         bridge, so that its L2 account is the aliased one.
contract ContractDepositor {
    /// @notice Deposits `msg.value` from this contract.
    function deposit(IL1Bridge bridge) external payable {
        bridge.depositETH{value: msg.value}();
    }

    /// @notice Forces a withdrawal of `amount` from this contract's L2 account.
    function forceWithdrawal(IL1Bridge bridge, uint256 amount) external {
        bridge.withdrawETH(amount);
    }
}
