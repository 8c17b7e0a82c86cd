// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBlockTrace} from "./IBlockTrace.sol";
import {Machine, MachineLib} from "./Machine.sol";
import {OneStepVerifier} from "./OneStepVerifier.sol";

/// @title FrameBlockTrace
/// @notice The block trace as far as the step machine goes today (docs/fraud-proofs.md): a
///         "block" is one transaction's top frame, from its first instruction to its halt, and
///         its "output root" is the commitment of the halted frame. It stands in for the block
///         trace of issue #12 (block start from the parent's output root and the L1 inputs,
///         block end at the real output root), which will implement IBlockTrace in its place.
///
///         - `startCommitment`: the first commitment of the block's transaction, registered by
///           the deployer for (parent output root, block number): the stand-in for the block's
///           inputs on L1 until the block-start step exists. Unregistered: it reverts.
///         - `endCommitment`: the output root itself (the halted machine's commitment).
///         - `step`: `witness = abi.encode(bool finished, bytes proof)`. Not finished: the
///           one-step verifier's answer for `proof`. Finished: `proof` is `abi.encode(Machine)`
///           of `pre`, a halted machine, and the answer is `pre` (a finished block stays so).
contract FrameBlockTrace is IBlockTrace {
    using MachineLib for Machine;

    uint256 private constant MACHINE_BYTES = 17 * 32;

    OneStepVerifier public immutable verifier;
    /// @notice Who may register block starts.
    address public immutable registrar;
    mapping(bytes32 key => bytes32 commitment) private _starts;

    event StartRegistered(bytes32 indexed parentOutputRoot, uint256 indexed l2BlockNumber, bytes32 commitment);

    constructor(OneStepVerifier verifier_) {
        verifier = verifier_;
        registrar = msg.sender;
    }

    /// @notice Registers the first commitment of block `l2BlockNumber` over `parentOutputRoot`.
    function registerStart(bytes32 parentOutputRoot, uint256 l2BlockNumber, bytes32 commitment) external {
        require(msg.sender == registrar, "FrameBlockTrace: only the registrar");
        require(commitment != 0, "FrameBlockTrace: commitment is zero");
        _starts[keccak256(abi.encode(parentOutputRoot, l2BlockNumber))] = commitment;
        emit StartRegistered(parentOutputRoot, l2BlockNumber, commitment);
    }

    /// @inheritdoc IBlockTrace
    function startCommitment(bytes32 parentOutputRoot, uint256 l2BlockNumber) external view returns (bytes32) {
        bytes32 commitment = _starts[keccak256(abi.encode(parentOutputRoot, l2BlockNumber))];
        require(commitment != 0, "FrameBlockTrace: unknown block start");
        return commitment;
    }

    /// @inheritdoc IBlockTrace
    function endCommitment(bytes32 outputRoot) external pure returns (bytes32) {
        return outputRoot;
    }

    /// @inheritdoc IBlockTrace
    function step(bytes32 pre, bytes calldata witness) external view returns (bytes32) {
        (bool finished, bytes memory proof) = abi.decode(witness, (bool, bytes));
        if (!finished) {
            return verifier.step(pre, proof);
        }
        require(proof.length == MACHINE_BYTES, "FrameBlockTrace: a finished step's proof is the machine");
        Machine memory m = abi.decode(proof, (Machine));
        require(m.commitment() == pre, "FrameBlockTrace: the witness does not open the pre-state");
        require(m.phase == MachineLib.PHASE_HALTED, "FrameBlockTrace: the block has not finished");
        return pre;
    }
}
