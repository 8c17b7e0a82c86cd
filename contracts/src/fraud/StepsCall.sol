// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStepExecutor} from "./IStepExecutor.sol";
import {Machine, MachineLib, Message, Pending, Substate, WordRange} from "./Machine.sol";
import {MptUpdate} from "./MptUpdate.sol";
import {RLPItem, RLPReader} from "../lib/RLPReader.sol";
import {WordTrees} from "./WordTrees.sol";

/// A caller while its callee runs: what the exit step restores (docs/fraud-proofs.md, "Call frames").
struct SuspendedFrame {
    bytes32 message;
    bytes32 codeHash;
    uint256 pc; // on the call instruction
    uint256 gas; // after the call's gas was taken
    uint256 stackSize; // operands popped
    bytes32 stack;
    uint256 memorySize;
    bytes32 memoryRoot;
}

/// The proof of a key's path in an MPT and, for a delete that collapses a branch, its sibling.
struct MptWitness {
    bytes[] proof;
    bytes sibling;
}

/// Call frames: the call step (CALL, CALLCODE, DELEGATECALL, STATICCALL) and the
/// exit step of a halted child (docs/fraud-proofs.md, "Call frames"). A call grows memory for its
/// input and output areas, inserts its target into the warm addresses (an MPT update; 2,600 gas
/// cold, 100 warm), reads the target's code hash from its account proof under the substate's
/// state root, takes all but one 64th of the gas left; at the depth limit it pushes 0, to an
/// account without code it succeeds at once, else it touches the running address (an MPT
/// update), suspends the caller on the `callers` chain and starts the child at pc 0. The exit
/// resumes the caller: the child's gas back, 1 or 0 pushed, the child's substate kept on
/// success or its entry substate restored, the output as the return data and copied to the
/// caller's memory (8,192 bytes in this step; the rest in parts, as RETURNDATACOPY's).
/// A call moving value also pays 9,000 (CALL to an empty account 25,000 more), fails in a static
/// frame (CALL), gives a 2,300 stipend, does not start without the balance, and moves the value by
/// two MPT updates of the state root. Precompile targets and Prague's delegated code are refused
/// (a later slice).
contract StepsCall is IStepExecutor {
    using MachineLib for Machine;
    using RLPReader for RLPItem;

    uint256 internal constant CALLCODE = 0xf2;
    uint256 internal constant DELEGATECALL = 0xf4;
    uint256 internal constant STATICCALL = 0xfa;
    uint256 internal constant RETURNDATACOPY = 0x3e;
    uint256 internal constant CALL = 0xf1;
    uint256 internal constant COLD_SURCHARGE = 2500;
    uint256 internal constant CALL_VALUE = 9000;
    uint256 internal constant NEW_ACCOUNT = 25000;
    uint256 internal constant CALL_STIPEND = 2300;
    bytes32 internal constant EMPTY_TRIE = 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;
    uint256 internal constant DEPTH_LIMIT = 1024;
    uint256 internal constant PRAGUE = 3;
    uint256 internal constant LAST_PRECOMPILE = 0x0a; // Cancun's and OvmCancun's 0x01 .. 0x0a
    uint256 internal constant COPY_BYTES_PER_STEP = 8192;
    bytes32 internal constant EMPTY_MEMORY = 0x743cc5c365a9a6a15c1f240ac25880c7a9d1de290696cb766074a1d83d927816;
    bytes32 internal constant EMPTY_KECCAK = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    /// What a call's witness opens (docs/fraud-proofs.md, "Call frames").
    struct CallWitness {
        Message message;
        Substate s;
        MptWitness warm;
        bytes[] account; // the target's account proof
        MptWitness touched;
        bytes[] own; // the running account's proof (a call moving value)
        MptWitness credit; // the recipient's path after the debit (a call moving value)
    }

    struct Account {
        bool exists;
        uint256 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
    }

    struct Call {
        uint256 op;
        uint256 gas;
        address target;
        uint256 value;
        uint256 inOffset;
        uint256 inSize;
        uint256 outOffset;
        uint256 outSize;
    }

    function execute(
        Machine calldata pre,
        uint256 op,
        uint256[] calldata a,
        uint256,
        bytes calldata extra,
        uint256,
        bytes32
    ) external pure returns (Machine memory m) {
        m = pre;
        Call memory c = operands(op, a);
        if ((c.inSize != 0 && !m.expand(c.inOffset, c.inSize)) || (c.outSize != 0 && !m.expand(c.outOffset, c.outSize)))
        {
            require(extra.length == 0, "StepsCall: a call out of gas for memory opens nothing");
            m.haltExceptionally();
            return m;
        }
        CallWitness memory w;
        (w.message, w.s, w.warm, w.account, w.touched, w.own, w.credit) =
            abi.decode(extra, (Message, Substate, MptWitness, bytes[], MptWitness, bytes[], MptWitness));
        Message memory message = w.message;
        Substate memory s = w.s;
        require(MachineLib.messageHash(message) == m.message, "StepsCall: the message does not open the commitment");
        require(keccak256(abi.encode(s)) == m.substate, "StepsCall: the substate does not open the commitment");
        require(m.fork != PRAGUE, "StepsCall: calls under Prague (EIP-7702) are not proven yet");
        bytes memory was;
        (was, s.warmAddresses) = MptUpdate.update(s.warmAddresses, key(c.target), w.warm.proof, w.warm.sibling, hex"01");
        Account memory target = readAccount(s.stateRoot, c.target, w.account);
        if (!m.charge(callCost(c, was.length == 0, target)) || (op == CALL && c.value != 0 && message.flags & 1 == 1)) {
            require(
                isEmpty(w.touched) && w.own.length == 0 && isEmpty(w.credit), "StepsCall: a call that halts moves nothing"
            );
            m.haltExceptionally(); // out of gas, or a value moved in a static frame
            return m;
        }
        bytes32 codeHash = target.exists ? target.codeHash : EMPTY_KECCAK;
        uint256 available = m.gas - m.gas / 64;
        uint256 childGas = c.gas < available ? c.gas : available;
        m.gas -= childGas;
        Account memory own;
        if (c.value != 0) {
            childGas += CALL_STIPEND;
            own = readAccount(s.stateRoot, message.self, w.own);
            require(own.exists, "StepsCall: no proof of the running account");
        } else {
            require(w.own.length == 0, "StepsCall: a call moving no value reads no balance");
        }
        m.returnData = 0;
        if (message.depth >= DEPTH_LIMIT || (c.value != 0 && own.balance < c.value)) {
            require(isEmpty(w.touched) && isEmpty(w.credit), "StepsCall: a call that does not start touches nothing");
            notEntered(m, s, childGas, 0);
            return m;
        }
        require(
            uint160(c.target) == 0 || uint160(c.target) > LAST_PRECOMPILE,
            "StepsCall: calls to precompiles are not proven yet"
        );
        bytes32 entry = keccak256(abi.encode(s));
        address touches = op == CALLCODE || op == DELEGATECALL ? message.self : c.target;
        (, s.touched) = MptUpdate.update(s.touched, key(touches), w.touched.proof, w.touched.sibling, hex"01");
        if (c.value != 0) {
            s.stateRoot = transfer(s.stateRoot, message.self, own, touches, c.value, w.own, w.credit);
        } else {
            require(isEmpty(w.credit), "StepsCall: a call moving no value credits nothing");
        }
        if (codeHash == EMPTY_KECCAK) {
            notEntered(m, s, childGas, 1);
            return m;
        }
        enter(m, c, message, s, entry, codeHash, childGas);
    }

    function continuePending(Machine calldata, bytes calldata, uint256, bytes32) external pure returns (Machine memory) {
        revert("StepsCall: no instruction in parts here");
    }

    /// The exit step: `pre` is a halted child; its caller resumes.
    function exitFrame(Machine calldata pre, bytes calldata extra) external pure returns (Machine memory m) {
        m = pre;
        (
            Message memory child,
            SuspendedFrame memory f,
            bytes32 below,
            uint256 status,
            bytes32 outRoot,
            uint256 outOffset,
            uint256 outSize,
            WordRange memory source,
            WordRange memory dest
        ) = abi.decode(
            extra, (Message, SuspendedFrame, bytes32, uint256, bytes32, uint256, uint256, WordRange, WordRange)
        );
        require(m.fork >= 1 && m.fork <= 3, "StepsCall: unknown fork");
        require(MachineLib.messageHash(child) == m.message, "StepsCall: the message does not open the commitment");
        require(child.depth > 0, "StepsCall: the top frame's halt ends the transaction (not proven yet)");
        require(
            keccak256(abi.encode(below, keccak256(abi.encode(f)))) == m.callers,
            "StepsCall: the suspended frame does not open the callers"
        );
        require(
            status >= 1 && status <= 3 && (outSize > 0 || (outRoot == 0 && outOffset == 0))
                && (status != MachineLib.HALT_EXCEPTIONAL || outSize == 0),
            "StepsCall: not an exit record"
        );
        require(
            keccak256(abi.encode(status, outRoot, outOffset, outSize)) == m.pending,
            "StepsCall: the exit record does not open the commitment"
        );
        uint256 size = child.retSize < outSize ? child.retSize : outSize;
        m.memoryRoot = f.memoryRoot;
        m.memorySize = f.memorySize;
        m.pc = f.pc + 1;
        m.pending = 0;
        if (size > 0) {
            uint256 part = size < COPY_BYTES_PER_STEP ? size : COPY_BYTES_PER_STEP;
            bytes memory data = WordTrees.readSource(outRoot, source, outOffset, outOffset + outSize, part);
            m.memoryRoot = WordTrees.writeBytes(m.memoryRoot, dest, child.retOffset, data);
            if (part < size) {
                m.pc = f.pc;
                m.pending = keccak256(
                    abi.encode(
                        Pending(RETURNDATACOPY, child.retOffset, outOffset, size, part, outRoot, outOffset + outSize, 0)
                    )
                );
            }
        } else {
            WordTrees.requireEmpty(source);
            WordTrees.requireEmpty(dest);
        }
        m.phase = MachineLib.PHASE_RUNNING;
        if (status != MachineLib.HALT_SUCCESS) m.substate = child.entrySubstate;
        m.callers = below;
        m.message = f.message;
        m.codeHash = f.codeHash;
        m.gas = f.gas + m.gas;
        m.stackSize = f.stackSize + 1;
        m.stack = MachineLib.hashPair(f.stack, bytes32(status == MachineLib.HALT_SUCCESS ? uint256(1) : 0));
        m.returnData = outSize == 0 ? bytes32(0) : keccak256(abi.encode(outRoot, outOffset, outSize));
    }

    // -- the call ------------------------------------------------------------------------

    function operands(uint256 op, uint256[] calldata a) internal pure returns (Call memory c) {
        c.op = op;
        c.gas = a[0];
        c.target = address(uint160(a[1]));
        uint256 i = 2;
        if (op == CALL || op == CALLCODE) {
            c.value = a[2];
            i = 3;
        }
        c.inOffset = a[i];
        c.inSize = a[i + 1];
        c.outOffset = a[i + 2];
        c.outSize = a[i + 3];
    }

    function key(address account) internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encodePacked(account)));
    }

    function isEmpty(MptWitness memory w) internal pure returns (bool) {
        return w.proof.length == 0 && w.sibling.length == 0;
    }

    /// The access and value costs beyond the static 100: cold 2,500; a value 9,000, and CALL's
    /// to an empty account (EIP-161: no nonce, balance or code) 25,000.
    function callCost(Call memory c, bool cold, Account memory target) internal pure returns (uint256 cost) {
        cost = cold ? COLD_SURCHARGE : 0;
        if (c.value != 0) {
            cost += CALL_VALUE;
            if (c.op == CALL && target.nonce == 0 && target.balance == 0 && (!target.exists || target.codeHash == EMPTY_KECCAK))
            {
                cost += NEW_ACCOUNT;
            }
        }
    }

    /// The account of `account` from its proof under `stateRoot` (`exists` false when absent).
    function readAccount(bytes32 stateRoot, address account, bytes[] memory proof)
        internal
        pure
        returns (Account memory a)
    {
        bytes memory encoded = MptUpdate.read(stateRoot, key(account), proof);
        if (encoded.length == 0) return a;
        RLPItem[] memory fields = RLPReader.toItem(encoded).readList();
        require(fields.length == 4, "StepsCall: not an account");
        a.exists = true;
        a.nonce = toUint(fields[0].readBytes());
        a.balance = toUint(fields[1].readBytes());
        a.storageRoot = toWord(fields[2].readBytes());
        a.codeHash = toWord(fields[3].readBytes());
    }

    function toUint(bytes memory data) internal pure returns (uint256 v) {
        require(data.length <= 32, "StepsCall: not an account");
        for (uint256 i = 0; i < data.length; i++) {
            v = (v << 8) | uint8(data[i]);
        }
    }

    function toWord(bytes memory data) internal pure returns (bytes32) {
        require(data.length == 32, "StepsCall: not an account");
        return bytes32(data);
    }

    /// An account's RLP: [nonce, balance, storageRoot, codeHash] (at most 132 bytes of payload).
    function encodeAccount(Account memory a) internal pure returns (bytes memory) {
        bytes memory payload =
            abi.encodePacked(encodeUint(a.nonce), encodeUint(a.balance), hex"a0", a.storageRoot, hex"a0", a.codeHash);
        if (payload.length < 56) return abi.encodePacked(uint8(0xc0 + payload.length), payload);
        return abi.encodePacked(uint8(0xf8), uint8(payload.length), payload);
    }

    function encodeUint(uint256 v) internal pure returns (bytes memory out) {
        if (v == 0) return hex"80";
        if (v < 0x80) return abi.encodePacked(uint8(v));
        uint256 n = 0;
        for (uint256 x = v; x != 0; x >>= 8) n++;
        out = new bytes(n + 1);
        out[0] = bytes1(uint8(0x80 + n));
        for (uint256 i = 0; i < n; i++) {
            out[n - i] = bytes1(uint8(v >> (8 * i)));
        }
    }

    /// The state root after moving `value` from `sender` (its account `own`, proven by
    /// `ownProof`) to `recipient` (proven by `credit` under the root after the debit).
    function transfer(
        bytes32 root,
        address sender,
        Account memory own,
        address recipient,
        uint256 value,
        bytes[] memory ownProof,
        MptWitness memory credit
    ) internal pure returns (bytes32) {
        own.balance -= value;
        (, root) = MptUpdate.update(root, key(sender), ownProof, "", encodeAccount(own));
        Account memory r = readAccount(root, recipient, credit.proof);
        if (!r.exists) {
            r.storageRoot = EMPTY_TRIE;
            r.codeHash = EMPTY_KECCAK;
        }
        r.balance += value;
        (, root) = MptUpdate.update(root, key(recipient), credit.proof, credit.sibling, encodeAccount(r));
        return root;
    }

    /// A call that runs no code: its gas back, `result` pushed.
    function notEntered(Machine memory m, Substate memory s, uint256 childGas, uint256 result) internal pure {
        m.gas += childGas;
        m.substate = keccak256(abi.encode(s));
        m.push(result);
        m.pc += 1;
    }

    /// Suspends the caller and starts the child at pc 0.
    function enter(
        Machine memory m,
        Call memory c,
        Message memory message,
        Substate memory s,
        bytes32 entry,
        bytes32 codeHash,
        uint256 childGas
    ) internal pure {
        Message memory child;
        if (c.op == DELEGATECALL) {
            child.caller = message.caller;
            child.self = message.self;
            child.value = message.value;
        } else if (c.op == CALLCODE) {
            child.caller = message.self;
            child.self = message.self;
            child.value = c.value;
        } else {
            child.caller = message.self;
            child.self = c.target;
            child.value = c.value;
        }
        if (c.inSize != 0) {
            child.calldataRoot = m.memoryRoot;
            child.calldataOffset = c.inOffset;
            child.calldataSize = c.inSize;
        }
        child.depth = message.depth + 1;
        child.flags = (message.flags & 1 == 1 || c.op == STATICCALL) ? 1 : 0;
        child.entrySubstate = entry;
        if (c.outSize != 0) {
            child.retOffset = c.outOffset;
            child.retSize = c.outSize;
        }
        SuspendedFrame memory f =
            SuspendedFrame(m.message, m.codeHash, m.pc, m.gas, m.stackSize, m.stack, m.memorySize, m.memoryRoot);
        m.callers = keccak256(abi.encode(m.callers, keccak256(abi.encode(f))));
        m.substate = keccak256(abi.encode(s));
        m.message = MachineLib.messageHash(child);
        m.codeHash = codeHash;
        m.pc = 0;
        m.gas = childGas;
        m.stackSize = 0;
        m.stack = 0;
        m.memorySize = 0;
        m.memoryRoot = EMPTY_MEMORY;
        m.returnData = 0;
        m.pending = 0;
    }
}
