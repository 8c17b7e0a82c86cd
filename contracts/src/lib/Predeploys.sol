// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Predeploys
/// @notice Addresses of the L2 system contracts (placed in the L2 genesis) and of the
///         system depositor, the OP Stack's.
library Predeploys {
    /// @notice The L2 half of the ETH bridge (the OP Stack's L2StandardBridge address).
    address internal constant L2_BRIDGE = 0x4200000000000000000000000000000000000010;
    /// @notice L1 block attributes, set by the L1-info deposit at the start of each L2 block.
    address internal constant L1_BLOCK = 0x4200000000000000000000000000000000000015;
    /// @notice Records withdrawals in its storage, which L1 proves against.
    address internal constant L2_TO_L1_MESSAGE_PASSER = 0x4200000000000000000000000000000000000016;
    /// @notice The L1 data fee of L2 transactions.
    address internal constant GAS_PRICE_ORACLE = 0x420000000000000000000000000000000000000F;
    /// @notice The sender of system deposits (the L1-info deposit).
    address internal constant DEPOSITOR_ACCOUNT = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;
}
