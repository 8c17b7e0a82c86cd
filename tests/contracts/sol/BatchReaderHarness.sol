// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BatchReader} from "../../../contracts/src/lib/BatchReader.sol";
import {FastLZ} from "../../../contracts/src/lib/FastLZ.sol";

/// @title BatchReaderHarness
/// @notice Test helper: BatchReader and FastLZ as external functions.
contract BatchReaderHarness {
    function blockFrame(bytes calldata batch, uint256 index) external pure returns (bytes memory) {
        return BatchReader.blockFrame(batch, index);
    }

    function readBlock(bytes calldata batch, uint256 index) external pure returns (BatchReader.Block memory) {
        return BatchReader.readBlock(batch, index);
    }

    function decompress(bytes memory data, uint256 maxOutput) external pure returns (bytes memory) {
        return FastLZ.decompress(data, maxOutput);
    }
}
