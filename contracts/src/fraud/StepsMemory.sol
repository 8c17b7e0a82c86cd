// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStepExecutor} from "./IStepExecutor.sol";
import {KeccakSponge} from "./KeccakSponge.sol";
import {CodeReveal, Machine, MachineLib, Message, Pending, WordRange} from "./Machine.sol";
import {WordTrees} from "./WordTrees.sol";

/// The instructions that read or write memory: MLOAD, MSTORE, MSTORE8, RETURN, REVERT, and
/// those whose work grows with their input, in parts of bounded size — KECCAK256 (in one step
/// up to 480 blocks of 136 bytes, else 32 blocks a step through the sponge), MCOPY,
/// CALLDATACOPY, CODECOPY and RETURNDATACOPY (8,192 bytes a step)
/// (docs/fraud-proofs.md, "Operations in parts").
contract StepsMemory is IStepExecutor {
    using MachineLib for Machine;

    uint256 public constant KECCAK_ONE_STEP_BLOCKS = 480;
    uint256 public constant KECCAK_BLOCKS_PER_PART = 32;
    uint256 public constant COPY_BYTES_PER_STEP = 8192;

    uint256 internal constant KECCAK256 = 0x20;
    uint256 internal constant CALLDATACOPY = 0x37;
    uint256 internal constant CODECOPY = 0x39;
    uint256 internal constant RETURNDATACOPY = 0x3e;
    uint256 internal constant MCOPY = 0x5e;

    function execute(
        Machine calldata pre,
        uint256 op,
        uint256[] calldata a,
        uint256,
        bytes calldata extra,
        uint256 codeSize,
        bytes32 codeRoot
    ) external pure returns (Machine memory m) {
        m = pre;
        if (op == 0x51 || op == 0x52 || op == 0x53) {
            memoryAccess(m, op, a, extra);
        } else if (op == 0xf3 || op == 0xfd) {
            require(extra.length == 0, "StepsMemory: this step opens nothing more");
            if (!m.expand(a[0], a[1])) {
                m.haltExceptionally();
            } else {
                m.halt(op == 0xf3 ? MachineLib.HALT_SUCCESS : MachineLib.HALT_REVERT, m.memoryRoot, a[0], a[1]);
            }
        } else if (op == KECCAK256 || op == MCOPY || op == CALLDATACOPY || op == CODECOPY) {
            startInParts(m, op, a, extra, codeSize, codeRoot);
        } else if (op == RETURNDATACOPY) {
            returnDataCopy(m, a, extra);
        } else {
            revert("StepsMemory: instruction not proven here");
        }
    }

    function continuePending(Machine calldata pre, bytes calldata extra, uint256 codeSize, bytes32 codeRoot)
        external
        pure
        returns (Machine memory m)
    {
        m = pre;
        Pending memory record = abi.decode(extra[:256], (Pending));
        require(keccak256(abi.encode(record)) == m.pending, "StepsMemory: the pending record does not open the commitment");
        if (record.opcode == KECCAK256) {
            keccakPart(m, record, extra, false);
        } else {
            copyPart(m, record, extra, false, codeSize, codeRoot);
        }
    }

    // -- one word or byte ----------------------------------------------------------------

    function memoryAccess(Machine memory m, uint256 op, uint256[] calldata a, bytes calldata extra) internal pure {
        uint256 size = op == 0x53 ? 1 : 32;
        if (!m.expand(a[0], size)) {
            require(extra.length == 0, "StepsMemory: this step opens nothing more");
            m.haltExceptionally();
            return;
        }
        WordRange memory words = abi.decode(extra, (WordRange));
        if (op == 0x51) {
            m.push(uint256(bytes32(WordTrees.readBytes(m.memoryRoot, words, a[0], 32))));
        } else if (op == 0x52) {
            m.memoryRoot = WordTrees.writeBytes(m.memoryRoot, words, a[0], abi.encodePacked(a[1]));
        } else {
            m.memoryRoot = WordTrees.writeBytes(m.memoryRoot, words, a[0], abi.encodePacked(uint8(a[1])));
        }
        m.pc += 1;
    }

    // -- instructions in parts -----------------------------------------------------------

    /// Checks and charges all of KECCAK256 or a copy, then does its first part.
    function startInParts(
        Machine memory m,
        uint256 op,
        uint256[] calldata a,
        bytes calldata extra,
        uint256 codeSize,
        bytes32 codeRoot
    ) internal pure {
        uint256 size = a[a.length - 1];
        if (size == 0) {
            require(extra.length == 0, "StepsMemory: this step opens nothing more");
            if (op == KECCAK256) m.push(uint256(keccak256("")));
            m.pc += 1;
            return;
        }
        uint256 perWord = op == KECCAK256 ? 6 : 3;
        uint256 growFrom = op == MCOPY && a[1] > a[0] ? a[1] : a[0];
        if (size > MachineLib.MEMORY_LIMIT || !m.charge(perWord * ((size + 31) / 32)) || !m.expand(growFrom, size)) {
            require(extra.length == 0, "StepsMemory: this step opens nothing more");
            m.haltExceptionally();
            return;
        }
        if (op == KECCAK256) {
            keccakPart(m, Pending(KECCAK256, 0, a[0], size, 0, 0, 0, 0), extra, true);
        } else {
            copyPart(m, Pending(op, a[0], a[1], size, 0, 0, 0, 0), extra, true, codeSize, codeRoot);
        }
    }

    /// RETURNDATACOPY: the return data's view (root, offset, size) opens `returnData`; out of
    /// its bounds halts before any gas is charged; then a copy from the view's tree as
    /// CALLDATACOPY's (docs/fraud-proofs.md, "Call frames").
    function returnDataCopy(Machine memory m, uint256[] calldata a, bytes calldata extra) internal pure {
        (bytes32 root, uint256 offset, uint256 size, WordRange memory words, WordRange memory dest) =
            abi.decode(extra, (bytes32, uint256, uint256, WordRange, WordRange));
        if (size == 0) {
            require(root == 0 && offset == 0 && m.returnData == 0, "StepsMemory: the return data does not open");
        } else {
            require(keccak256(abi.encode(root, offset, size)) == m.returnData, "StepsMemory: the return data does not open");
        }
        bool readsNothing = words.words.length == 0 && words.siblings.length == 0 && words.first == 0
            && dest.words.length == 0 && dest.siblings.length == 0 && dest.first == 0;
        if (a[1] > size || a[2] > size - a[1]) {
            require(readsNothing, "StepsMemory: a copy out of bounds reads nothing");
            m.haltExceptionally();
            return;
        }
        if (a[2] == 0) {
            require(readsNothing, "StepsMemory: an empty copy reads nothing");
            m.pc += 1;
            return;
        }
        if (!m.charge(3 * ((a[2] + 31) / 32)) || !m.expand(a[0], a[2])) {
            require(readsNothing, "StepsMemory: a copy out of gas reads nothing");
            m.haltExceptionally();
            return;
        }
        Pending memory record = Pending(RETURNDATACOPY, a[0], offset + a[1], a[2], 0, root, offset + size, 0);
        (uint256 lo, uint256 hi) = partRange(record);
        bytes memory data = WordTrees.readSource(root, words, record.src + lo, record.srcEnd, hi - lo);
        m.memoryRoot = WordTrees.writeBytes(m.memoryRoot, dest, record.dest + lo, data);
        record.done = hi - lo;
        if (record.done == record.size) {
            finish(m);
        } else {
            m.pending = keccak256(abi.encode(record));
        }
    }

    function finish(Machine memory m) internal pure {
        m.pending = 0;
        m.pc += 1;
    }

    function blockCount(uint256 size) internal pure returns (uint256) {
        return size / KeccakSponge.RATE + 1;
    }

    function keccakPart(Machine memory m, Pending memory record, bytes calldata extra, bool first) internal pure {
        uint256 size = record.size;
        uint256 done = record.done;
        WordRange memory words;
        uint256[25] memory lanes;
        if (first) {
            words = abi.decode(extra, (WordRange));
            if (blockCount(size) <= KECCAK_ONE_STEP_BLOCKS) {
                finish(m);
                m.push(uint256(keccak256(WordTrees.readBytes(m.memoryRoot, words, record.src, size))));
                return;
            }
        } else {
            uint64[25] memory state;
            (, state, words) = abi.decode(extra, (Pending, uint64[25], WordRange));
            for (uint256 i = 0; i < 25; i++) {
                lanes[i] = state[i];
            }
            require(KeccakSponge.commitment(lanes) == record.sponge, "StepsMemory: the sponge does not open the record");
        }
        bool last = blockCount(size - done) <= KECCAK_BLOCKS_PER_PART;
        uint256 end = last ? size : done + KECCAK_BLOCKS_PER_PART * KeccakSponge.RATE;
        bytes memory data = WordTrees.readBytes(m.memoryRoot, words, record.src + done, end - done);
        KeccakSponge.absorb(lanes, last ? KeccakSponge.padded(data) : data);
        if (last) {
            finish(m);
            m.push(uint256(KeccakSponge.digest(lanes)));
        } else {
            record.done = end;
            record.sponge = KeccakSponge.commitment(lanes);
            m.pending = keccak256(abi.encode(record));
        }
    }

    function copyPart(
        Machine memory m,
        Pending memory record,
        bytes calldata extra,
        bool first,
        uint256 codeSize,
        bytes32 codeRoot
    ) internal pure {
        uint256 op = record.opcode;
        bytes memory source;
        WordRange memory dest;
        if (first) {
            source = extra; // the layouts below start with the source unless noted
            if (op == CALLDATACOPY) {
                Message memory message;
                WordRange memory words;
                (message, words, dest) = abi.decode(extra, (Message, WordRange, WordRange));
                require(
                    MachineLib.messageHash(message) == m.message, "StepsMemory: the message does not open the commitment"
                );
                uint256 skip = record.src < message.calldataSize ? record.src : message.calldataSize;
                record.src = message.calldataOffset + skip;
                record.srcRoot = message.calldataRoot;
                record.srcEnd = message.calldataOffset + message.calldataSize;
                source = abi.encode(words);
            } else if (op == CODECOPY) {
                record.src = record.src < codeSize ? record.src : codeSize;
                record.srcRoot = codeRoot;
                record.srcEnd = codeSize;
                CodeReveal memory reveal;
                (reveal, dest) = abi.decode(extra, (CodeReveal, WordRange));
                source = abi.encode(reveal);
            } else {
                WordRange memory words;
                (words, dest) = abi.decode(extra, (WordRange, WordRange));
                source = abi.encode(words);
            }
        } else if (op == CODECOPY) {
            CodeReveal memory reveal;
            (, reveal, dest) = abi.decode(extra, (Pending, CodeReveal, WordRange));
            source = abi.encode(reveal);
        } else {
            WordRange memory words;
            (, words, dest) = abi.decode(extra, (Pending, WordRange, WordRange));
            source = abi.encode(words);
        }
        (uint256 lo, uint256 hi) = partRange(record);
        bytes memory data = readPart(m, record, source, lo, hi);
        m.memoryRoot = WordTrees.writeBytes(m.memoryRoot, dest, record.dest + lo, data);
        record.done += hi - lo;
        if (record.done == record.size) {
            finish(m);
        } else {
            m.pending = keccak256(abi.encode(record));
        }
    }

    /// The bytes [lo, hi) of the copy that this part does: from the end when MCOPY's
    /// destination is above its source (as memmove), so no part reads what an earlier one wrote.
    function partRange(Pending memory record) internal pure returns (uint256 lo, uint256 hi) {
        if (record.opcode == MCOPY && record.dest > record.src) {
            hi = record.size - record.done;
            lo = hi > COPY_BYTES_PER_STEP ? hi - COPY_BYTES_PER_STEP : 0;
        } else {
            lo = record.done;
            hi = record.size - lo > COPY_BYTES_PER_STEP ? lo + COPY_BYTES_PER_STEP : record.size;
        }
    }

    function readPart(Machine memory m, Pending memory record, bytes memory source, uint256 lo, uint256 hi)
        internal
        pure
        returns (bytes memory)
    {
        if (record.opcode == CODECOPY) {
            CodeReveal memory reveal = abi.decode(source, (CodeReveal));
            return WordTrees.openCode(reveal, record.srcEnd, record.srcRoot, record.src + lo, record.src + hi);
        }
        WordRange memory words = abi.decode(source, (WordRange));
        if (record.opcode == MCOPY) {
            return WordTrees.readBytes(m.memoryRoot, words, record.src + lo, hi - lo);
        }
        return WordTrees.readSource(record.srcRoot, words, record.src + lo, record.srcEnd, hi - lo);
    }
}
