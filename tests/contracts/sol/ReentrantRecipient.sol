// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Bridge} from "../../../contracts/src/interfaces/IL1Bridge.sol";

/// @title ReentrantRecipient
/// @notice Test helper: a withdrawal recipient whose receive() calls finalizeWithdrawal again
///         with a stored proof, and records how that went (without failing the payment).
contract ReentrantRecipient {
    IL1Bridge public bridge;
    bytes public proof;
    uint256 public reentries;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    /// @notice Sets the bridge and the proof to replay from receive().
    function arm(IL1Bridge bridge_, bytes calldata proof_) external {
        bridge = bridge_;
        proof = proof_;
    }

    receive() external payable {
        if (reentries > 0) return;
        ++reentries;
        (bool ok, bytes memory data) = address(bridge).call(abi.encodeCall(IL1Bridge.finalizeWithdrawal, (proof)));
        reentrySucceeded = ok;
        reentryRevertData = data;
    }
}
