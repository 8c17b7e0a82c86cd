// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CodeOracle} from "./CodeOracle.sol";
import {IStepExecutor} from "./IStepExecutor.sol";
import {CodeReveal, Machine, MachineLib} from "./Machine.sol";
import {Opcodes} from "./Opcodes.sol";
import {StepsCall} from "./StepsCall.sol";
import {WordTrees} from "./WordTrees.sol";

/// The one-step verifier: from the commitment before a step and the step's witness, the
/// commitment after it (docs/fraud-proofs.md). It reverts when the witness does not open the
/// pre-commitment or is not the one this step needs.
///
///     witness = abi.encode(Machine pre, uint256[] stack, bytes32 stackRest,
///                          CodeReveal code, bytes extra)
///
/// An instruction step: open `pre`; fetch the opcode at pc (and PUSH's immediate) from the
/// code's chunk tree (CodeOracle); an undefined opcode, too little gas for its static cost, too
/// few stack items or too many halt exceptionally, revealing nothing; otherwise the witness
/// reveals the instruction's inputs (top first) over `stackRest`, the static gas is charged and
/// the instruction runs in its executor with `extra`. A step continuing an instruction in parts
/// (`pending` set) reveals no stack and no code and goes to the executor of its instruction.
///
/// This slice proves the steps of a running frame: arithmetic, comparison, bitwise, stack,
/// memory, control flow, KECCAK256, the copies, the message, block and transaction values,
/// SELFBALANCE (an MPT proof of the running account), BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD and TSTORE (MPT
/// proofs and updates of the state and the substate's sets), BLOCKHASH, LOG0 .. LOG4 (`logs`), the return data,
/// and calls with the exit of the frames they enter (`StepsCall`). A halted frame's step is its exit.
contract OneStepVerifier {
    using MachineLib for Machine;

    CodeOracle public immutable codeOracle;
    IStepExecutor public immutable core;
    IStepExecutor public immutable memoryOps;
    IStepExecutor public immutable stateOps;
    IStepExecutor public immutable logs;
    StepsCall public immutable calls;

    /// Opcodes run by `memoryOps`: KECCAK256, CALLDATACOPY, CODECOPY, RETURNDATACOPY, MLOAD,
    /// MSTORE, MSTORE8, MCOPY, RETURN, REVERT.
    uint256 internal constant MEMORY_OPS = (1 << 0x20) | (1 << 0x37) | (1 << 0x39) | (1 << 0x3e) | (1 << 0x51)
        | (1 << 0x52) | (1 << 0x53) | (1 << 0x5e) | (1 << 0xf3) | (1 << 0xfd);
    /// Opcodes run by `calls`: CALL, CALLCODE, DELEGATECALL, STATICCALL.
    uint256 internal constant CALL_OPS = (1 << 0xf1) | (1 << 0xf2) | (1 << 0xf4) | (1 << 0xfa);

    /// Opcodes run by `stateOps`: BALANCE, EXTCODEHASH, SLOAD, SSTORE, TLOAD, TSTORE.
    uint256 internal constant STATE_OPS =
        (1 << 0x31) | (1 << 0x3f) | (1 << 0x54) | (1 << 0x55) | (1 << 0x5c) | (1 << 0x5d);

    constructor(
        CodeOracle codeOracle_,
        IStepExecutor core_,
        IStepExecutor memoryOps_,
        IStepExecutor stateOps_,
        IStepExecutor logs_,
        StepsCall calls_
    ) {
        codeOracle = codeOracle_;
        core = core_;
        memoryOps = memoryOps_;
        stateOps = stateOps_;
        logs = logs_;
        calls = calls_;
    }

    function step(bytes32 pre, bytes calldata witness) external view returns (bytes32) {
        (Machine memory m, uint256[] memory items, bytes32 rest, CodeReveal memory code, bytes memory extra) =
            abi.decode(witness, (Machine, uint256[], bytes32, CodeReveal, bytes));
        require(m.commitment() == pre, "OneStepVerifier: the witness does not open the pre-state");
        if (m.phase == MachineLib.PHASE_HALTED) {
            // a halted child's exit to its caller (docs/fraud-proofs.md, "Call frames")
            require(items.length == 0 && rest == 0, "OneStepVerifier: an exit reveals no stack");
            WordTrees.requireEmptyCode(code);
            return calls.exitFrame(m, extra).commitment();
        }
        require(m.phase == MachineLib.PHASE_RUNNING, "OneStepVerifier: not a phase of a frame");
        (uint256 codeSize, bytes32 codeRoot) = codeOracle.lookup(m.codeHash);
        if (m.pending != 0) {
            require(items.length == 0 && rest == 0, "OneStepVerifier: a continued step reveals no stack");
            WordTrees.requireEmptyCode(code);
            // the pending record's first word is its opcode (its executor checks the record)
            IStepExecutor continuing = extra.length >= 32 && isLog(uint256(bytes32(extra))) ? logs : memoryOps;
            return continuing.continuePending(m, extra, codeSize, codeRoot).commitment();
        }
        (uint256 op, uint256 immediate) = fetch(m, code, codeSize, codeRoot);
        Opcodes.Info memory info = Opcodes.info(m.fork, op);
        if (
            !info.defined || m.gas < info.staticGas || m.stackSize < info.inputs
                || m.stackSize - info.inputs + info.outputs > MachineLib.STACK_LIMIT
        ) {
            require(
                items.length == 0 && rest == 0 && extra.length == 0,
                "OneStepVerifier: a step that halts at once reveals nothing"
            );
            m.haltExceptionally();
            return m.commitment();
        }
        reveal(m, items, rest, info.inputs);
        m.gas -= info.staticGas;
        IStepExecutor executor = isLog(op)
            ? logs
            : (MEMORY_OPS >> op) & 1 == 1
                ? memoryOps
                : (STATE_OPS >> op) & 1 == 1 ? stateOps : (CALL_OPS >> op) & 1 == 1 ? calls : core;
        return executor.execute(m, op, items, immediate, extra, codeSize, codeRoot).commitment();
    }

    function isLog(uint256 op) internal pure returns (bool) {
        return op >= 0xa0 && op <= 0xa4;
    }

    /// The opcode at pc and its PUSH immediate (zeros past the code), from the chunks
    /// holding them.
    function fetch(Machine memory m, CodeReveal memory code, uint256 codeSize, bytes32 codeRoot)
        internal
        pure
        returns (uint256 op, uint256 immediate)
    {
        uint256 pc = m.pc;
        if (pc >= codeSize) {
            WordTrees.requireEmptyCode(code);
            return (0, 0);
        }
        require(code.chunks.length > 0 && code.first == pc / 32, "OneStepVerifier: the chunk at pc is not revealed");
        op = uint8(code.chunks[0][pc % 32]);
        uint256 size = op >= 0x60 && op <= 0x7f ? op - 0x5f : 0;
        bytes memory data = WordTrees.openCode(code, codeSize, codeRoot, pc, pc + 1 + size);
        if (size > 0) {
            assembly ("memory-safe") {
                immediate := shr(sub(256, shl(3, size)), mload(add(data, 33)))
            }
        }
    }

    /// Checks the witness's top `count` items against the stack and pops them.
    function reveal(Machine memory m, uint256[] memory items, bytes32 rest, uint256 count) internal pure {
        require(items.length == count, "OneStepVerifier: not the stack items this step takes");
        bytes32 stack = rest;
        for (uint256 i = count; i > 0; i--) {
            stack = MachineLib.hashPair(stack, bytes32(items[i - 1]));
        }
        require(stack == m.stack, "OneStepVerifier: the stack items do not open the stack");
        m.stack = rest;
        m.stackSize -= count;
    }

    /// Constants the off-chain step machine must share (ovm.fraud.rules).
    function opcodeInfo(uint256 fork, uint256 opcode)
        external
        pure
        returns (bool defined, uint256 immediate, uint256 inputs, uint256 outputs, uint256 staticGas)
    {
        Opcodes.Info memory i = Opcodes.info(fork, opcode);
        return (i.defined, i.immediate, i.inputs, i.outputs, i.staticGas);
    }
}
