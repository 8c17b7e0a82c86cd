// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Machine} from "./Machine.sol";

/// One group of instructions of the one-step verifier (split by EIP-170's size limit).
/// `execute` runs an instruction whose static gas is already charged and whose `operands`
/// (top first) are already popped; it returns the machine after it (halted if the frame
/// halts). `continuePending` runs the next part of an instruction split into parts.
interface IStepExecutor {
    function execute(
        Machine calldata m,
        uint256 opcode,
        uint256[] calldata operands,
        uint256 immediate,
        bytes calldata extra,
        uint256 codeSize,
        bytes32 codeRoot
    ) external pure returns (Machine memory);

    function continuePending(Machine calldata m, bytes calldata extra, uint256 codeSize, bytes32 codeRoot)
        external
        pure
        returns (Machine memory);
}
