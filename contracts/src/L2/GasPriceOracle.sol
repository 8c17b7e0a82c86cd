// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LibZip} from "../../../node_modules/solady/src/utils/LibZip.sol";
import {Predeploys} from "../lib/Predeploys.sol";
import {L1Block} from "./L1Block.sol";

/// @title GasPriceOracle
/// @notice Predeploy at 0x420000000000000000000000000000000000000F. The L1 data fee of an L2
///         transaction, from the values in L1Block, by the formula of the L2 fork the chain runs.
///         Callers pass the unsigned EIP-2718 encoding; the node charges the signed one.
///
///         Ecotone (until `isFjord`): 68 non-zero bytes stand for the missing signature,
///           l1GasUsed = zeroBytes * 4 + nonZeroBytes * 16 + 68 * 16
///           l1Fee     = l1GasUsed * (16 * baseFeeScalar * l1BaseFee
///                                    + blobBaseFeeScalar * blobBaseFee) / (16 * 10^6)
///
///         Fjord (once `isFjord`): the size once compressed is estimated from the FastLZ length
///         (Solady's LibZip.flzCompress) plus 68 for the signature, scaled by 10^6,
///           estimatedSize = max(100 * 10^6, -42_585_600 + 836_500 * fastlzSize)
///           l1Fee         = estimatedSize * (16 * baseFeeScalar * l1BaseFee
///                                            + blobBaseFeeScalar * blobBaseFee) / 10^12
///           l1GasUsed     = estimatedSize * 16 / 10^6
/// @dev    Genesis-ready: no constructor. Storage: slot 0 holds `isFjord` (byte 0), set in the
///         genesis of a chain that starts on Fjord's rules, or by the system depositor's
///         `setFjord()` deposit in the first block of a chain that moves to them.
contract GasPriceOracle {
    /// @dev Decimals of the fee scalars.
    uint256 private constant DECIMALS = 6;
    /// @dev L1 gas per zero and non-zero byte of calldata.
    uint256 private constant ZERO_BYTE_GAS = 4;
    uint256 private constant NONZERO_BYTE_GAS = 16;
    /// @dev Bytes allowed for the signature the unsigned transaction lacks.
    uint256 private constant SIGNATURE_BYTES = 68;
    /// @dev Fjord's linear regression from FastLZ length to compressed size, scaled by 10^6.
    int256 private constant COST_INTERCEPT = -42_585_600;
    uint256 private constant COST_FASTLZ_COEF = 836_500;
    /// @dev Fjord's lower bound on a transaction's estimated size, in bytes.
    uint256 private constant MIN_TRANSACTION_SIZE = 100;

    /// @notice Whether the L1 fee is Fjord's (FastLZ-based) rather than Ecotone's.
    bool public isFjord;

    /// @notice Switches to Fjord's L1 fee; only the system depositor, once.
    function setFjord() external {
        require(
            msg.sender == Predeploys.DEPOSITOR_ACCOUNT,
            "GasPriceOracle: only the depositor account can set isFjord flag"
        );
        require(!isFjord, "GasPriceOracle: Fjord already active");
        isFjord = true;
    }

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

    /// @notice L1 gas that posting a transaction costs, with the signature allowance.
    /// @param data The unsigned EIP-2718 encoding of the transaction.
    function getL1GasUsed(bytes calldata data) external view returns (uint256) {
        if (isFjord) {
            return _fjordEstimatedSize(_fastLzSize(data)) * NONZERO_BYTE_GAS / 10 ** DECIMALS;
        }
        return _ecotoneL1GasUsed(data);
    }

    /// @notice The L1 data fee (wei) of a transaction.
    /// @param data The unsigned EIP-2718 encoding of the transaction.
    function getL1Fee(bytes calldata data) external view returns (uint256) {
        if (isFjord) {
            return _fjordL1Cost(_fastLzSize(data));
        }
        return _ecotoneL1GasUsed(data) * _weightedL1Price() / (NONZERO_BYTE_GAS * 10 ** DECIMALS);
    }

    /// @notice An upper bound on the L1 data fee of a transaction of `unsignedTxSize` bytes,
    ///         without its content: FastLZ adds at most size / 255 + 16 bytes to its input.
    function getL1FeeUpperBound(uint256 unsignedTxSize) external view returns (uint256) {
        require(isFjord, "GasPriceOracle: getL1FeeUpperBound only supports Fjord");
        uint256 txSize = unsignedTxSize + SIGNATURE_BYTES;
        return _fjordL1Cost(txSize + txSize / 255 + 16);
    }

    /// @dev Ecotone's L1 gas: the calldata gas of `data` plus the signature allowance.
    function _ecotoneL1GasUsed(bytes calldata data) private pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? ZERO_BYTE_GAS : NONZERO_BYTE_GAS;
        }
        return gas + SIGNATURE_BYTES * NONZERO_BYTE_GAS;
    }

    /// @dev The FastLZ length of `data` plus the signature allowance.
    function _fastLzSize(bytes calldata data) private pure returns (uint256) {
        return LibZip.flzCompress(data).length + SIGNATURE_BYTES;
    }

    /// @dev Fjord's estimated compressed size (scaled by 10^6) for a FastLZ length.
    function _fjordEstimatedSize(uint256 fastLzSize) private pure returns (uint256) {
        int256 estimate = COST_INTERCEPT + int256(COST_FASTLZ_COEF * fastLzSize);
        int256 minimum = int256(MIN_TRANSACTION_SIZE * 10 ** DECIMALS);
        return uint256(estimate < minimum ? minimum : estimate);
    }

    /// @dev Fjord's L1 fee for a FastLZ length.
    function _fjordL1Cost(uint256 fastLzSize) private view returns (uint256) {
        return _fjordEstimatedSize(fastLzSize) * _weightedL1Price() / 10 ** (2 * DECIMALS);
    }

    /// @dev The L1 price per byte scaled by 16 * 10^6: calldata at 16 gas a byte, blobs at one.
    function _weightedL1Price() private view returns (uint256) {
        return NONZERO_BYTE_GAS * uint256(baseFeeScalar()) * l1BaseFee()
            + uint256(blobBaseFeeScalar()) * blobBaseFee();
    }

    /// @dev The L1Block predeploy.
    function _l1Block() private pure returns (L1Block) {
        return L1Block(Predeploys.L1_BLOCK);
    }
}
