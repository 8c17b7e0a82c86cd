// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStepExecutor} from "./IStepExecutor.sol";
import {Machine, MachineLib, Message, Pending, Substate, WordRange} from "./Machine.sol";
import {WordTrees} from "./WordTrees.sol";

/// LOG0 .. LOG4 (docs/fraud-proofs.md, "Logs"). A log is a leaf of the substate's log tree (a
/// word tree, leaf i log i): keccak256(abi.encode(head, dataRoot, dataSize)), head =
/// keccak256(abi.encode(address, n, topic1, topic2, topic3, topic4)) (zeros past the n topics),
/// dataRoot the word tree of its data. The data is copied from memory into its tree at most
/// COPY_BYTES_PER_STEP bytes a step; the step with the last part writes the leaf at index
/// logCount. Between steps, Pending = (LOGn, 0, offset, size, done, dataRoot so far, 0, head).
///
/// Gas and order are ovm.evm's: 8 a byte of data, then memory expansion (short of either: out
/// of gas, nothing revealed), then a static frame halts with the message alone revealed.
contract StepsLog is IStepExecutor {
    using MachineLib for Machine;

    uint256 public constant COPY_BYTES_PER_STEP = 8192;
    uint256 internal constant LOG_DATA_BYTE = 8;
    uint256 internal constant MESSAGE_BYTES = 11 * 32;
    /// The root of the word tree of no bytes (Z[37]), where a log's data tree starts.
    bytes32 internal constant EMPTY_DATA_ROOT = 0x743cc5c365a9a6a15c1f240ac25880c7a9d1de290696cb766074a1d83d927816;

    function execute(Machine calldata pre, uint256 op, uint256[] calldata a, uint256, bytes calldata extra, uint256, bytes32)
        external
        pure
        returns (Machine memory m)
    {
        m = pre;
        require(op >= 0xa0 && op <= 0xa4, "StepsLog: instruction not proven here");
        uint256 offset = a[0];
        uint256 size = a[1];
        if (size > m.gas / LOG_DATA_BYTE || !m.charge(LOG_DATA_BYTE * size) || !m.expand(offset, size)) {
            require(extra.length == 0, "StepsLog: this step opens nothing more");
            m.haltExceptionally();
            return m;
        }
        require(extra.length >= MESSAGE_BYTES, "StepsLog: the message is not revealed");
        Message memory message = abi.decode(extra[:MESSAGE_BYTES], (Message));
        require(MachineLib.messageHash(message) == m.message, "StepsLog: the message does not open the commitment");
        if (message.flags & 1 != 0) {
            require(extra.length == MESSAGE_BYTES, "StepsLog: a static frame's LOG opens the message only");
            m.haltExceptionally();
            return m;
        }
        bytes32[4] memory topics;
        for (uint256 i = 2; i < a.length; i++) {
            topics[i - 2] = bytes32(a[i]);
        }
        bytes32 head = keccak256(abi.encode(message.self, a.length - 2, topics[0], topics[1], topics[2], topics[3]));
        part(m, Pending(op, 0, offset, size, 0, EMPTY_DATA_ROOT, 0, head), extra, true);
    }

    function continuePending(Machine calldata pre, bytes calldata extra, uint256, bytes32)
        external
        pure
        returns (Machine memory m)
    {
        m = pre;
        Pending memory record = abi.decode(extra[:256], (Pending));
        require(keccak256(abi.encode(record)) == m.pending, "StepsLog: the pending record does not open the commitment");
        part(m, record, extra, false);
    }

    /// Copies the next part of the data into its tree; the last part appends the log.
    function part(Machine memory m, Pending memory record, bytes calldata extra, bool first) internal pure {
        uint256 hi = record.size - record.done > COPY_BYTES_PER_STEP ? record.done + COPY_BYTES_PER_STEP : record.size;
        bool last = hi == record.size;
        WordRange memory source;
        WordRange memory data;
        Substate memory s;
        WordRange memory slot;
        if (first && last) {
            (, source, data, s, slot) = abi.decode(extra, (Message, WordRange, WordRange, Substate, WordRange));
        } else if (first) {
            (, source, data) = abi.decode(extra, (Message, WordRange, WordRange));
        } else if (last) {
            (, source, data, s, slot) = abi.decode(extra, (Pending, WordRange, WordRange, Substate, WordRange));
        } else {
            (, source, data) = abi.decode(extra, (Pending, WordRange, WordRange));
        }
        bytes32 dataRoot = record.srcRoot;
        if (record.size > 0) {
            bytes memory chunk = WordTrees.readBytes(m.memoryRoot, source, record.src + record.done, hi - record.done);
            dataRoot = WordTrees.writeBytes(dataRoot, data, record.done, chunk);
        } else {
            WordTrees.requireEmpty(source);
            WordTrees.requireEmpty(data);
        }
        if (!last) {
            record.done = hi;
            record.srcRoot = dataRoot;
            m.pending = keccak256(abi.encode(record));
            return;
        }
        append(m, s, slot, keccak256(abi.encode(record.sponge, dataRoot, record.size)));
        m.pending = 0;
        m.pc += 1;
    }

    /// Writes `leaf` at index logCount of the substate's log tree, where the leaf is zero.
    function append(Machine memory m, Substate memory s, WordRange memory slot, bytes32 leaf) internal pure {
        require(keccak256(abi.encode(s)) == m.substate, "StepsLog: the substate does not open the commitment");
        require(
            slot.first == s.logCount && slot.words.length == 1 && slot.words[0] == 0,
            "StepsLog: not the next log's empty leaf"
        );
        bytes32[] memory leaves = new bytes32[](1);
        require(
            WordTrees.rangeRoot(WordTrees.WORD_TREE_DEPTH, slot.first, slot.words, slot.siblings) == s.logs,
            "StepsLog: the log slot does not open the log tree"
        );
        leaves[0] = leaf;
        s.logs = WordTrees.rangeRoot(WordTrees.WORD_TREE_DEPTH, slot.first, leaves, slot.siblings);
        s.logCount += 1;
        m.substate = keccak256(abi.encode(s));
    }
}
