// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AddressAlias
/// @notice The L2 address of an L1 contract, as on the OP Stack: the L1 address plus
///         0x1111000000000000000000000000000000001111, modulo 2^160. An L1 contract does not
///         control the L2 account at its own address (someone else may hold its key or deploy
///         code there), so deposits and forced withdrawals it starts act on the aliased one.
library AddressAlias {
    uint160 internal constant OFFSET = uint160(0x1111000000000000000000000000000000001111);

    /// @notice The aliased L2 address of the L1 contract `l1Address`.
    function applyAlias(address l1Address) internal pure returns (address) {
        unchecked {
            return address(uint160(l1Address) + OFFSET); // wraps around, by definition
        }
    }
}
