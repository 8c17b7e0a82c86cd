// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Predeploys} from "../lib/Predeploys.sol";
import {L1Block} from "./L1Block.sol";

/// @title GasPriceOracle
/// @notice Predeploy at 0x420000000000000000000000000000000000000F. The L1 data fee of an L2
///         transaction by the OP Stack's Ecotone formula, from the values in L1Block:
///           l1GasUsed = zeroBytes * 4 + nonZeroBytes * 16 + 68 * 16
///           l1Fee     = l1GasUsed * (16 * baseFeeScalar * l1BaseFee
///                                    + blobBaseFeeScalar * blobBaseFee) / (16 * 10^6)
///         The `68 * 16` stands for a signature: callers pass the unsigned RLP-encoded
///         transaction. (The node charges the same fee computed on the signed encoding,
///         without that allowance.)
/// @dev    Genesis-ready: no constructor, no storage.
contract GasPriceOracle {
    /// @dev Decimals of the fee scalars.
    uint256 private constant DECIMALS = 6;
    /// @dev L1 gas per zero and non-zero byte of calldata.
    uint256 private constant ZERO_BYTE_GAS = 4;
    uint256 private constant NONZERO_BYTE_GAS = 16;
    /// @dev Bytes allowed for the signature the unsigned transaction lacks.
    uint256 private constant SIGNATURE_BYTES = 68;

    /// @notice Decimals of the fee scalars (6).
    function decimals() external pure returns (uint256) {
        return DECIMALS;
    }

    /// @notice The L1 base fee per gas, from L1Block.
    function l1BaseFee() public view returns (uint256) {
        return _l1Block().basefee();
    }

    /// @notice The L1 blob base fee per blob gas, from L1Block.
    function blobBaseFee() public view returns (uint256) {
        return _l1Block().blobBaseFee();
    }

    /// @notice The base fee scalar, from L1Block.
    function baseFeeScalar() public view returns (uint32) {
        return _l1Block().baseFeeScalar();
    }

    /// @notice The blob base fee scalar, from L1Block.
    function blobBaseFeeScalar() public view returns (uint32) {
        return _l1Block().blobBaseFeeScalar();
    }

    /// @notice L1 gas that posting `data` costs: its calldata gas plus 68 non-zero bytes
    ///         standing for the signature.
    /// @param data The unsigned RLP-encoded transaction.
    function getL1GasUsed(bytes calldata data) public pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? ZERO_BYTE_GAS : NONZERO_BYTE_GAS;
        }
        return gas + SIGNATURE_BYTES * NONZERO_BYTE_GAS;
    }

    /// @notice The L1 data fee (wei) of a transaction, by the Ecotone formula.
    /// @param data The unsigned RLP-encoded transaction.
    function getL1Fee(bytes calldata data) external view returns (uint256) {
        uint256 scaledBaseFee = NONZERO_BYTE_GAS * uint256(baseFeeScalar()) * l1BaseFee();
        uint256 scaledBlobBaseFee = uint256(blobBaseFeeScalar()) * blobBaseFee();
        return getL1GasUsed(data) * (scaledBaseFee + scaledBlobBaseFee) / (NONZERO_BYTE_GAS * 10 ** DECIMALS);
    }

    /// @dev The L1Block predeploy.
    function _l1Block() private pure returns (L1Block) {
        return L1Block(Predeploys.L1_BLOCK);
    }
}
