// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// The machine after a step, as the commitment commits to it: `keccak256(abi.encode(Machine))`
/// (docs/fraud-proofs.md, "The commitment"). Words the steps read often are here; the
/// other parts are hashes or roots that a step opens from its witness when it needs them.
struct Machine {
    uint256 phase; // MachineLib.PHASE_*: running, halted, between transactions, parts of a start or end
    uint256 fork; // 1 Cancun, 2 OvmCancun, 3 Prague, 4 OvmFjord, 5 OvmIsthmus, 6 Osaka
    bytes32 blockContext; // hash of BlockContext
    bytes32 progress; // hash of BlockProgress
    bytes32 txContext; // hash of TxContext
    bytes32 substate; // hash of Substate (what a reverted frame restores)
    bytes32 callers; // hash chain of the suspended frames (0: none)
    bytes32 message; // hash of Message
    bytes32 codeHash; // keccak256 of the frame's code (its chunk tree from the CodeOracle)
    uint256 pc;
    uint256 gas;
    uint256 stackSize;
    bytes32 stack; // keccak256(stack below the top ‖ top), 0 when empty
    uint256 memorySize; // bytes, a multiple of 32
    bytes32 memoryRoot; // word tree of the memory
    bytes32 returnData; // hash of a byte view (0: empty)
    bytes32 pending; // hash of Pending while an instruction is split into parts; a halted frame's exit record
}

/// The message a frame runs.
struct Message {
    address caller;
    address self;
    uint256 value;
    bytes32 calldataRoot;
    uint256 calldataOffset;
    uint256 calldataSize;
    uint256 depth;
    uint256 flags; // 1 static, 2 create
    bytes32 entrySubstate;
    uint256 retOffset;
    uint256 retSize;
}

/// What the block gives the EVM.
struct BlockContext {
    uint256 chainId;
    address coinbase;
    uint256 number;
    uint256 timestamp;
    uint256 gasLimit;
    uint256 baseFee;
    bytes32 prevRandao;
    uint256 blobBaseFee;
    bytes32 parentHash;
    bytes32 header;
    bytes32 blockHashes; // root of the depth-8 word tree of the last 256 block hashes, leaf number % 256
    bytes32 transactions; // word tree of the block's transactions: leaf i the byte-view hash of tx i's encoding
    uint256 txCount;
}

/// What the transaction gives the EVM and its end needs; `blobHashes` is keccak256 of the versioned
/// hashes concatenated.
struct TxContext {
    address origin;
    uint256 gasPrice;
    bytes32 blobHashes;
    bytes32 originalStateRoot;
    bytes32 txHash;
    uint256 gasLimit;
    uint256 kind; // EIP-2718 type: 0 legacy, 0x7e a deposit
    uint256 nonce; // the sender's nonce before the transaction
    bytes32 txBytes; // word tree of the EIP-2718 encoding
    uint256 txSize;
    uint256 floorGas; // EIP-7623 calldata floor (0 before Prague and for deposits)
}

/// What a reverted frame restores: the world state's MPT root with the transaction's changes
/// so far, the transaction's sets as secure-key MPT roots, the logs and the refund counter.
struct Substate {
    bytes32 stateRoot;
    bytes32 transientStorage;
    bytes32 warmAddresses;
    bytes32 warmSlots;
    bytes32 created;
    bytes32 destructed;
    bytes32 touched;
    bytes32 logs;
    uint256 logCount;
    int256 refund;
}

/// An instruction split into parts, half-way.
struct Pending {
    uint256 opcode;
    uint256 dest;
    uint256 src;
    uint256 size;
    uint256 done;
    bytes32 srcRoot;
    uint256 srcEnd;
    bytes32 sponge;
}

/// Consecutive chunks of a code tree and their range proof; chunk i's leaf is keccak256(chunk ‖ mask).
struct CodeReveal {
    uint256 first;
    bytes32[] chunks;
    bytes32[] masks;
    bytes32[] siblings;
}

/// Consecutive words of a word tree and their range proof.
struct WordRange {
    uint256 first;
    bytes32[] words;
    bytes32[] siblings;
}

/// The machine's commitment, its stack and its halts.
library MachineLib {
    uint256 internal constant PHASE_RUNNING = 1;
    uint256 internal constant PHASE_HALTED = 2;
    uint256 internal constant PHASE_BETWEEN = 3; // between two transactions of a block
    uint256 internal constant PHASE_TX_START = 4; // a transaction's start, in parts
    uint256 internal constant PHASE_TX_END = 5; // a transaction's end, in parts
    uint256 internal constant PHASE_BLOCK_START = 6; // a block's start, in parts
    uint256 internal constant PHASE_BLOCK_END = 7; // a block's end, in parts
    uint256 internal constant PHASE_BLOCK_DONE = 8; // the block has ended
    uint256 internal constant HALT_SUCCESS = 1;
    uint256 internal constant HALT_REVERT = 2;
    uint256 internal constant HALT_EXCEPTIONAL = 3;
    uint256 internal constant STACK_LIMIT = 1024;
    /// Bytes of the memory tree (2^37 words): growing memory past it costs more than 2^64 gas.
    uint256 internal constant MEMORY_LIMIT = 32 << 37;

    function commitment(Machine memory m) internal pure returns (bytes32) {
        return keccak256(abi.encode(m));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0, a)
            mstore(32, b)
            h := keccak256(0, 64)
        }
    }

    function push(Machine memory m, uint256 value) internal pure {
        m.stack = hashPair(m.stack, bytes32(value));
        m.stackSize += 1;
    }

    /// The frame halts: only what its exit needs is kept (docs/fraud-proofs.md, "Halting").
    function halt(Machine memory m, uint256 status, bytes32 outRoot, uint256 outOffset, uint256 outSize)
        internal
        pure
    {
        if (status == HALT_EXCEPTIONAL) {
            m.gas = 0;
            outSize = 0;
        }
        if (outSize == 0) {
            outRoot = 0;
            outOffset = 0;
        }
        m.phase = PHASE_HALTED;
        m.codeHash = 0;
        m.pc = 0;
        m.stackSize = 0;
        m.stack = 0;
        m.memorySize = 0;
        m.memoryRoot = 0;
        m.returnData = 0;
        m.pending = keccak256(abi.encode(status, outRoot, outOffset, outSize));
    }

    function haltExceptionally(Machine memory m) internal pure {
        halt(m, HALT_EXCEPTIONAL, 0, 0, 0);
    }

    /// Charges for and grows memory to cover [offset, offset + size); false: out of gas.
    function expand(Machine memory m, uint256 offset, uint256 size) internal pure returns (bool) {
        if (size == 0) return true;
        if (offset > MEMORY_LIMIT || size > MEMORY_LIMIT || offset + size > MEMORY_LIMIT) return false;
        uint256 newSize = (offset + size + 31) / 32 * 32;
        if (newSize > m.memorySize) {
            uint256 cost = memoryCost(newSize / 32) - memoryCost(m.memorySize / 32);
            if (cost > m.gas) return false;
            m.gas -= cost;
            m.memorySize = newSize;
        }
        return true;
    }

    function memoryCost(uint256 words) internal pure returns (uint256) {
        return 3 * words + words * words / 512;
    }

    /// Charges `amount`; false: out of gas.
    function charge(Machine memory m, uint256 amount) internal pure returns (bool) {
        if (amount > m.gas) return false;
        m.gas -= amount;
        return true;
    }

    function messageHash(Message memory message) internal pure returns (bytes32) {
        return keccak256(abi.encode(message));
    }
}
