// SPDX-License-Identifier: MIT
pragma solidity ^0.8.31;

/// Compiled in the end-to-end tests with the newer solc's defaults (evmVersion
/// osaka): leading zeros and bit lengths through Osaka's CLZ (EIP-7939) in
/// inline assembly, beside a loop that any EVM runs.
contract BitLength {
    uint256 public lastBitLength;

    event Measured(uint256 x, uint256 bitLength);

    function leadingZeros(uint256 x) external pure returns (uint256 n) {
        assembly {
            n := clz(x)
        }
    }

    function bitLength(uint256 x) public pure returns (uint256 n) {
        assembly {
            n := sub(256, clz(x))
        }
    }

    /// The same answer without CLZ.
    function bitLengthByLoop(uint256 x) external pure returns (uint256 n) {
        while (x != 0) {
            x >>= 1;
            n++;
        }
    }

    /// CLZ in a transaction: the answer stored and logged.
    function measure(uint256 x) external returns (uint256 n) {
        n = bitLength(x);
        lastBitLength = n;
        emit Measured(x, n);
    }
}
