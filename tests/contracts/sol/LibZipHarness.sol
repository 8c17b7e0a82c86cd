// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LibZip} from "../../../node_modules/solady/src/utils/LibZip.sol";

/// @title LibZipHarness
/// @notice Test helper: Solady's FastLZ (the npm `solady` package), the reference that
///         ovm.primitives.fastlz and contracts/src/lib/FastLZ.sol must agree with.
contract LibZipHarness {
    function flzCompress(bytes memory data) external pure returns (bytes memory) {
        return LibZip.flzCompress(data);
    }

    function flzDecompress(bytes memory data) external pure returns (bytes memory) {
        return LibZip.flzDecompress(data);
    }
}
