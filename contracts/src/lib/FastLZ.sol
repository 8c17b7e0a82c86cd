// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title FastLZ
/// @notice Decompression of FastLZ level 1, the stream Solady's LibZip.flzCompress writes and
///         ovm.primitives.fastlz reads and writes (its docstring describes the format). Every
///         instruction is checked: a stream cut short, a match reaching before the start of
///         the output, or output beyond the caller's bound reverts with a "FastLZ: ..." reason.
/// @dev    The output is written straight to free memory and allocated at the end, so memory
///         grows with the output only, never beyond `maxOutput`. A match copies with `mcopy`
///         in doubling steps: each step's source lies a whole number of distances back, so the
///         bytes it reads are already final, and a match of length L at distance D takes about
///         log2(L / D) copies rather than L single-byte ones.
library FastLZ {
    uint256 private constant TRUNCATED = 1;
    uint256 private constant BEFORE_START = 2;
    uint256 private constant TOO_LARGE = 3;

    /// @notice The decompressed `input`, which must come to at most `maxOutput` bytes.
    function decompress(bytes memory input, uint256 maxOutput) internal pure returns (bytes memory output) {
        uint256 status;
        assembly ("memory-safe") {
            // Appends at `op` the `length` bytes that start `distance` bytes back.
            function copyMatch(op, distance, length) {
                if iszero(lt(distance, length)) {
                    mcopy(op, sub(op, distance), length)
                    leave
                }
                for { let done := 0 let step := distance } lt(done, length) { step := add(step, step) } {
                    let size := step
                    if gt(size, sub(length, done)) { size := sub(length, done) }
                    mcopy(add(op, done), sub(add(op, done), step), size)
                    done := add(done, size)
                }
            }

            output := mload(0x40)
            let out := add(output, 0x20)
            if gt(maxOutput, 0xffffffff) { maxOutput := 0xffffffff } // memory that large costs more gas than exists
            let limit := add(out, maxOutput)
            let op := out
            let ip := add(input, 0x20)
            let end := add(ip, mload(input))
            for {} lt(ip, end) {} {
                let word := mload(ip)
                let control := byte(0, word)
                let kind := shr(5, control)
                // Literal run: control + 1 bytes follow the control byte.
                if iszero(kind) {
                    let run := add(control, 1)
                    ip := add(ip, 1)
                    if gt(add(ip, run), end) {
                        status := TRUNCATED
                        break
                    }
                    if gt(add(op, run), limit) {
                        status := TOO_LARGE
                        break
                    }
                    mcopy(op, ip, run)
                    op := add(op, run)
                    ip := add(ip, run)
                    continue
                }
                // Match: kind 1-6 is `c d` (kind + 2 bytes), kind 7 is `c e d` (e + 9 bytes).
                let long := eq(kind, 7)
                ip := add(ip, add(2, long))
                if gt(ip, end) {
                    status := TRUNCATED
                    break
                }
                let length := add(2, kind)
                if long { length := add(9, byte(1, word)) }
                let distance := add(1, or(shl(8, and(control, 0x1f)), byte(add(1, long), word)))
                if gt(distance, sub(op, out)) {
                    status := BEFORE_START
                    break
                }
                if gt(add(op, length), limit) {
                    status := TOO_LARGE
                    break
                }
                copyMatch(op, distance, length)
                op := add(op, length)
            }
            mstore(output, sub(op, out))
            mstore(op, 0) // clean padding after the last byte, as Solidity keeps it
            mstore(0x40, and(add(op, 31), not(31)))
        }
        require(status != TRUNCATED, "FastLZ: instruction cut short by the end of the input");
        require(status != BEFORE_START, "FastLZ: match reaches before the start of the output");
        require(status != TOO_LARGE, "FastLZ: output exceeds the limit");
    }
}
