// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStepExecutor} from "./IStepExecutor.sol";
import {MerkleTrie} from "../lib/MerkleTrie.sol";
import {RLPItem, RLPReader} from "../lib/RLPReader.sol";
import {BlockContext, CodeReveal, Machine, MachineLib, Message, Substate, TxContext, WordRange} from "./Machine.sol";
import {WordTrees} from "./WordTrees.sol";

/// The instructions that compute a word, shuffle the stack, jump, halt without output or read
/// a value of the message, block or transaction, BLOCKHASH from the block's ring of its last 256
/// hashes, and SELFBALANCE from an MPT proof of the running
/// account under the substate's state root (docs/fraud-proofs.md, "The witness").
/// Arithmetic runs on the L1's own opcodes, whose semantics are the L2's; Osaka's CLZ, which the
/// L1 may not have, is written out.
contract StepsCore is IStepExecutor {
    using MachineLib for Machine;
    using RLPReader for RLPItem;

    uint256 internal constant BLOCK_HASHES_DEPTH = 8;

    function execute(
        Machine calldata pre,
        uint256 op,
        uint256[] calldata a,
        uint256 immediate,
        bytes calldata extra,
        uint256 codeSize,
        bytes32 codeRoot
    ) external pure returns (Machine memory m) {
        m = pre;
        if (isWordOp(op)) {
            noExtra(extra);
            if (op == 0x0a && a[1] != 0 && !m.charge(50 * byteLength(a[1]))) {
                m.haltExceptionally();
                return m;
            }
            m.push(wordOp(op, a));
        } else if (op >= 0x5f && op <= 0x7f) {
            noExtra(extra); // PUSH0 .. PUSH32
            m.push(immediate);
            m.pc += op - 0x5f;
        } else if (op >= 0x80 && op <= 0x8f) {
            noExtra(extra); // DUPn: top first, tn t1 .. tn
            for (uint256 i = a.length; i > 0; i--) {
                m.push(a[i - 1]);
            }
            m.push(a[a.length - 1]);
        } else if (op >= 0x90 && op <= 0x9f) {
            noExtra(extra); // SWAPn: t(n+1) t2 .. tn t1
            m.push(a[0]);
            for (uint256 i = a.length - 1; i > 1; i--) {
                m.push(a[i - 1]);
            }
            m.push(a[a.length - 1]);
        } else if (op == 0x50 || op == 0x5b) {
            noExtra(extra); // POP, JUMPDEST
        } else if (op == 0x58) {
            noExtra(extra);
            m.push(m.pc);
        } else if (op == 0x5a) {
            noExtra(extra);
            m.push(m.gas);
        } else if (op == 0x59) {
            noExtra(extra);
            m.push(m.memorySize);
        } else if (op == 0x38) {
            noExtra(extra);
            m.push(codeSize);
        } else if (op == 0x56 || op == 0x57) {
            jump(m, op, a, extra, codeSize, codeRoot);
            return m;
        } else if (op == 0x00) {
            noExtra(extra);
            m.halt(MachineLib.HALT_SUCCESS, 0, 0, 0);
            return m;
        } else if (op == 0xfe) {
            noExtra(extra);
            m.haltExceptionally();
            return m;
        } else if (op == 0x30 || op == 0x33 || op == 0x34 || op == 0x36) {
            m.push(messageValue(m, op, extra));
        } else if (op == 0x35) {
            m.push(calldataWord(m, a[0], extra));
        } else if (op >= 0x41 && op <= 0x4a && op != 0x47 && op != 0x49) {
            m.push(blockValue(m, op, extra));
        } else if (op == 0x40) {
            m.push(blockHash(m, a[0], extra));
        } else if (op == 0x32 || op == 0x3a || op == 0x49) {
            m.push(txValue(m, op, a, extra));
        } else if (op == 0x47) {
            m.push(selfBalance(m, extra));
        } else if (op == 0x3d) {
            // RETURNDATASIZE: the size of the return data's view (root, offset, size)
            (bytes32 root, uint256 offset, uint256 size) = abi.decode(extra, (bytes32, uint256, uint256));
            if (size == 0) {
                require(root == 0 && offset == 0 && m.returnData == 0, "StepsCore: the return data does not open");
            } else {
                require(keccak256(abi.encode(root, offset, size)) == m.returnData, "StepsCore: the return data does not open");
            }
            m.push(size);
        } else {
            revert("StepsCore: instruction not proven here");
        }
        m.pc += 1;
    }

    function continuePending(Machine calldata, bytes calldata, uint256, bytes32)
        external
        pure
        returns (Machine memory)
    {
        revert("StepsCore: no instruction in parts here");
    }

    // -- words ---------------------------------------------------------------------------

    function isWordOp(uint256 op) internal pure returns (bool) {
        return (op >= 0x01 && op <= 0x0b) || (op >= 0x10 && op <= 0x1e);
    }

    /// The word an arithmetic, comparison or bitwise instruction computes from `a` (top first).
    function wordOp(uint256 op, uint256[] calldata a) internal pure returns (uint256 r) {
        uint256 x = a[0];
        uint256 y = a.length > 1 ? a[1] : 0;
        uint256 z = a.length > 2 ? a[2] : 0;
        assembly {
            switch op
            case 0x01 { r := add(x, y) }
            case 0x02 { r := mul(x, y) }
            case 0x03 { r := sub(x, y) }
            case 0x04 { r := div(x, y) }
            case 0x05 { r := sdiv(x, y) }
            case 0x06 { r := mod(x, y) }
            case 0x07 { r := smod(x, y) }
            case 0x08 { r := addmod(x, y, z) }
            case 0x09 { r := mulmod(x, y, z) }
            case 0x0a { r := exp(x, y) }
            case 0x0b { r := signextend(x, y) }
            case 0x10 { r := lt(x, y) }
            case 0x11 { r := gt(x, y) }
            case 0x12 { r := slt(x, y) }
            case 0x13 { r := sgt(x, y) }
            case 0x14 { r := eq(x, y) }
            case 0x15 { r := iszero(x) }
            case 0x16 { r := and(x, y) }
            case 0x17 { r := or(x, y) }
            case 0x18 { r := xor(x, y) }
            case 0x19 { r := not(x) }
            case 0x1a { r := byte(x, y) }
            case 0x1b { r := shl(x, y) }
            case 0x1c { r := shr(x, y) }
            case 0x1d { r := sar(x, y) }
        }
        if (op == 0x1e) r = leadingZeros(x);
    }

    /// CLZ (Osaka, EIP-7939): the leading zero bits of `x`, 256 for zero.
    function leadingZeros(uint256 x) internal pure returns (uint256 n) {
        if (x == 0) return 256;
        for (uint256 shift = 128; shift > 0; shift >>= 1) {
            if (x >> (256 - shift) == 0) {
                n += shift;
                x <<= shift;
            }
        }
    }

    function byteLength(uint256 value) internal pure returns (uint256 n) {
        while (value != 0) {
            n++;
            value >>= 8;
        }
    }

    // -- jumps ---------------------------------------------------------------------------

    function jump(
        Machine memory m,
        uint256 op,
        uint256[] calldata a,
        bytes calldata extra,
        uint256 codeSize,
        bytes32 codeRoot
    ) internal pure {
        uint256 destination = a[0];
        if (op == 0x57 && a[1] == 0) {
            noExtra(extra);
            m.pc += 1;
            return;
        }
        if (destination >= codeSize) {
            noExtra(extra);
            m.haltExceptionally();
            return;
        }
        CodeReveal memory reveal = abi.decode(extra, (CodeReveal));
        WordTrees.openCode(reveal, codeSize, codeRoot, destination, destination + 1);
        uint256 at = destination % 32;
        if (uint8(reveal.chunks[0][at]) != 0x5b || uint8(reveal.masks[0][at]) != 1) {
            m.haltExceptionally();
            return;
        }
        m.pc = destination;
    }

    // -- values of the message, block and transaction ---------------------------------------

    function openMessage(Machine memory m, Message memory message) internal pure {
        require(MachineLib.messageHash(message) == m.message, "StepsCore: the message does not open the commitment");
    }

    function messageValue(Machine memory m, uint256 op, bytes calldata extra) internal pure returns (uint256) {
        Message memory message = abi.decode(extra, (Message));
        openMessage(m, message);
        if (op == 0x30) return uint256(uint160(message.self));
        if (op == 0x33) return uint256(uint160(message.caller));
        if (op == 0x34) return message.value;
        return message.calldataSize;
    }

    function calldataWord(Machine memory m, uint256 offset, bytes calldata extra) internal pure returns (uint256) {
        (Message memory message, WordRange memory words) = abi.decode(extra, (Message, WordRange));
        openMessage(m, message);
        if (offset >= message.calldataSize) {
            WordTrees.requireEmpty(words);
            return 0;
        }
        uint256 start = message.calldataOffset + offset;
        bytes memory data = WordTrees.readSource(
            message.calldataRoot, words, start, message.calldataOffset + message.calldataSize, 32
        );
        return uint256(bytes32(data));
    }

    function blockValue(Machine memory m, uint256 op, bytes calldata extra) internal pure returns (uint256) {
        BlockContext memory b = abi.decode(extra, (BlockContext));
        require(keccak256(abi.encode(b)) == m.blockContext, "StepsCore: the block context does not open the commitment");
        if (op == 0x41) return uint256(uint160(b.coinbase));
        if (op == 0x42) return b.timestamp;
        if (op == 0x43) return b.number;
        if (op == 0x44) return uint256(b.prevRandao);
        if (op == 0x45) return b.gasLimit;
        if (op == 0x46) return b.chainId;
        if (op == 0x48) return b.baseFee;
        return b.blobBaseFee;
    }

    /// BLOCKHASH: the hash of block `number` from the ring of the last 256 (leaf number % 256 of
    /// the depth-8 word tree `blockHashes`), or 0 outside them.
    function blockHash(Machine memory m, uint256 number, bytes calldata extra) internal pure returns (uint256) {
        (BlockContext memory b, WordRange memory leaf) = abi.decode(extra, (BlockContext, WordRange));
        require(keccak256(abi.encode(b)) == m.blockContext, "StepsCore: the block context does not open the commitment");
        if (number >= b.number || b.number - number > 256) {
            WordTrees.requireEmpty(leaf);
            return 0;
        }
        require(leaf.first == number % 256 && leaf.words.length == 1, "StepsCore: not the leaf of this block");
        require(
            WordTrees.rangeRoot(BLOCK_HASHES_DEPTH, leaf.first, leaf.words, leaf.siblings) == b.blockHashes,
            "StepsCore: the block hash does not open the ring"
        );
        return uint256(leaf.words[0]);
    }

    function txValue(Machine memory m, uint256 op, uint256[] calldata a, bytes calldata extra)
        internal
        pure
        returns (uint256)
    {
        TxContext memory t;
        bytes32[] memory hashes;
        if (op == 0x49) {
            (t, hashes) = abi.decode(extra, (TxContext, bytes32[]));
            require(keccak256(abi.encodePacked(hashes)) == t.blobHashes, "StepsCore: not the blob hashes");
        } else {
            t = abi.decode(extra, (TxContext));
        }
        require(keccak256(abi.encode(t)) == m.txContext, "StepsCore: the transaction context does not open the commitment");
        if (op == 0x32) return uint256(uint160(t.origin));
        if (op == 0x3a) return t.gasPrice;
        return a[0] < hashes.length ? uint256(hashes[a[0]]) : 0;
    }

    /// The running account's balance: its MPT proof under the substate's state root (it must be
    /// there: the account is running), its RLP fields [nonce, balance, storageRoot, codeHash].
    function selfBalance(Machine memory m, bytes calldata extra) internal pure returns (uint256 balance) {
        (Message memory message, Substate memory s, bytes[] memory proof) =
            abi.decode(extra, (Message, Substate, bytes[]));
        openMessage(m, message);
        require(keccak256(abi.encode(s)) == m.substate, "StepsCore: the substate does not open the commitment");
        (bool found, bytes memory account) =
            MerkleTrie.get(abi.encodePacked(keccak256(abi.encodePacked(message.self))), proof, s.stateRoot);
        require(found, "StepsCore: no proof of the running account");
        RLPItem[] memory fields = RLPReader.toItem(account).readList();
        require(fields.length == 4, "StepsCore: not an account");
        bytes memory value = fields[1].readBytes();
        require(value.length <= 32, "StepsCore: not an account");
        for (uint256 i = 0; i < value.length; i++) {
            balance = (balance << 8) | uint8(value[i]);
        }
    }

    function noExtra(bytes calldata extra) internal pure {
        require(extra.length == 0, "StepsCore: this step opens nothing more");
    }
}
