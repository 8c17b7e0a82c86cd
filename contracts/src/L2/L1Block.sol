// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Predeploys} from "../lib/Predeploys.sol";

/// @title L1Block
/// @notice Predeploy at 0x4200000000000000000000000000000000000015. The attributes of the L1
///         block the current L2 block derives from, set by the L1-info deposit transaction at
///         the start of every L2 block (from the system depositor).
/// @dev    Genesis-ready: no constructor; empty storage until the first L1-info deposit.
///         Storage layout (packed, lowest-order bytes first):
///           slot 0  uint64 number (bytes 0-7), uint64 timestamp (bytes 8-15)
///           slot 1  uint256 basefee
///           slot 2  bytes32 hash
///           slot 3  uint64 sequenceNumber (bytes 0-7), uint32 blobBaseFeeScalar (bytes 8-11),
///                   uint32 baseFeeScalar (bytes 12-15)
///           slot 4  bytes32 batcherHash
///           slot 5  uint256 blobBaseFee
contract L1Block {
    /// @notice The system depositor, the only account that may set the values.
    address public constant DEPOSITOR_ACCOUNT = Predeploys.DEPOSITOR_ACCOUNT;

    /// @dev Calldata of setL1BlockValuesEcotone: selector and nine packed fields.
    uint256 private constant ECOTONE_INPUT_LENGTH = 164;

    /// @notice L1 block number.
    uint64 public number;
    /// @notice L1 block timestamp.
    uint64 public timestamp;
    /// @notice L1 base fee per gas.
    uint256 public basefee;
    /// @notice L1 block hash.
    bytes32 public hash;
    /// @notice Number of L2 blocks since the first one derived from this L1 block.
    uint64 public sequenceNumber;
    /// @notice Scalar of the L1 blob base fee in the L1 data fee (6 decimals).
    uint32 public blobBaseFeeScalar;
    /// @notice Scalar of the L1 base fee in the L1 data fee (6 decimals).
    uint32 public baseFeeScalar;
    /// @notice The batcher's address as a versioned hash (left-padded address, version 0).
    bytes32 public batcherHash;
    /// @notice L1 blob base fee per blob gas.
    uint256 public blobBaseFee;

    /// @notice Sets the L1 values, in the OP Stack's Ecotone L1-info format (selector
    ///         0x440a5e20): the selector then, packed big-endian without padding,
    ///         baseFeeScalar (uint32), blobBaseFeeScalar (uint32), sequenceNumber (uint64),
    ///         timestamp (uint64), number (uint64), basefee (uint256), blobBaseFee (uint256),
    ///         hash (bytes32), batcherHash (bytes32): 164 bytes in all.
    function setL1BlockValuesEcotone() external {
        require(msg.sender == DEPOSITOR_ACCOUNT, "L1Block: only the depositor account");
        require(msg.data.length == ECOTONE_INPUT_LENGTH, "L1Block: invalid input length");
        baseFeeScalar = uint32(bytes4(msg.data[4:8]));
        blobBaseFeeScalar = uint32(bytes4(msg.data[8:12]));
        sequenceNumber = uint64(bytes8(msg.data[12:20]));
        timestamp = uint64(bytes8(msg.data[20:28]));
        number = uint64(bytes8(msg.data[28:36]));
        basefee = uint256(bytes32(msg.data[36:68]));
        blobBaseFee = uint256(bytes32(msg.data[68:100]));
        hash = bytes32(msg.data[100:132]);
        batcherHash = bytes32(msg.data[132:164]);
    }
}
