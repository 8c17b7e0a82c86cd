// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStepExecutor} from "./IStepExecutor.sol";
import {RLPItem, RLPReader} from "../lib/RLPReader.sol";
import {Machine, MachineLib, Message, Substate, TxContext} from "./Machine.sol";
import {MptUpdate} from "./MptUpdate.sol";

/// The instructions that read or write the world state and the transaction's sets, through MPT
/// proofs and updates (MptUpdate) under the substate's roots: BALANCE, EXTCODEHASH and SLOAD (warming the
/// address or slot: EIP-2929's cold surcharge on first access), SSTORE (EIP-2200/3529's gas and
/// refunds, its original value proven under TxContext.originalStateRoot; it writes the storage
/// trie and the account's storage root in the state trie), TLOAD and TSTORE (EIP-1153). Every trie is
/// secure: the state trie by keccak256(address), a storage trie by keccak256(slot), the transient
/// storage and the warm slots by keccak256(address ‖ slot), the warm addresses by
/// keccak256(address); a word is stored as its RLP (0: no entry), a set member as 0x01
/// (docs/fraud-proofs.md, "The witness"; ovm/fraud/state_access.py). Every proof is checked
/// before gas is charged.
contract StepsState is IStepExecutor {
    using MachineLib for Machine;
    using RLPReader for RLPItem;

    uint256 internal constant BALANCE = 0x31;
    uint256 internal constant EXTCODEHASH = 0x3f;
    bytes32 internal constant EMPTY_CODE_HASH = keccak256("");
    uint256 internal constant SLOAD = 0x54;
    uint256 internal constant TLOAD = 0x5c;
    uint256 internal constant TSTORE = 0x5d;
    uint256 internal constant SSTORE = 0x55;
    uint256 internal constant COLD_ACCOUNT_SURCHARGE = 2500; // COLD_ACCOUNT_ACCESS - WARM_ACCESS
    uint256 internal constant COLD_SLOAD_SURCHARGE = 2000; // COLD_SLOAD - WARM_ACCESS
    uint256 internal constant FLAG_STATIC = 1;
    uint256 internal constant WARM_ACCESS = 100;
    uint256 internal constant COLD_SLOAD = 2100;
    uint256 internal constant SSTORE_SET = 20000;
    uint256 internal constant SSTORE_RESET = 2900; // 5000 - COLD_SLOAD
    uint256 internal constant SSTORE_STIPEND_GUARD = 2300;
    int256 internal constant SSTORE_CLEARS_REFUND = 4800;

    /// SSTORE's witness (docs/fraud-proofs.md, "The witness").
    struct Sstore {
        Message message;
        Substate s;
        TxContext tx;
        bytes[] warmProof;
        bytes[] accountProof;
        bytes[] storageProof;
        bytes sibling;
        bytes[] originalAccountProof;
        bytes[] originalStorageProof;
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
        bool ok = true;
        if (op == TLOAD) {
            tload(m, a[0], extra);
        } else if (op == TSTORE) {
            ok = tstore(m, a[0], a[1], extra);
        } else if (op == SLOAD) {
            ok = sload(m, a[0], extra);
        } else if (op == BALANCE || op == EXTCODEHASH) {
            ok = accountValue(m, op, a[0], extra);
        } else if (op == SSTORE) {
            ok = sstore(m, a[0], a[1], extra);
        } else {
            revert("StepsState: instruction not proven here");
        }
        if (!ok) {
            m.haltExceptionally();
            return m;
        }
        m.pc += 1;
    }

    function continuePending(Machine calldata, bytes calldata, uint256, bytes32)
        external
        pure
        returns (Machine memory)
    {
        revert("StepsState: no instruction in parts here");
    }

    // -- the instructions ------------------------------------------------------------

    function tload(Machine memory m, uint256 slot, bytes calldata extra) internal pure {
        (Message memory message, Substate memory s, bytes[] memory proof) =
            abi.decode(extra, (Message, Substate, bytes[]));
        openMessage(m, message);
        openSubstate(m, s);
        m.push(decodeWord(MptUpdate.read(s.transientStorage, slotKey(message.self, slot), proof)));
    }

    /// False: the frame halts exceptionally (a write in a static frame).
    function tstore(Machine memory m, uint256 slot, uint256 value, bytes calldata extra)
        internal
        pure
        returns (bool)
    {
        (Message memory message, Substate memory s, bytes[] memory proof, bytes memory sibling) =
            abi.decode(extra, (Message, Substate, bytes[], bytes));
        openMessage(m, message);
        openSubstate(m, s);
        if (message.flags & FLAG_STATIC != 0) {
            require(proof.length == 0 && sibling.length == 0, "StepsState: a static write opens no trie");
            return false;
        }
        (, s.transientStorage) =
            MptUpdate.update(s.transientStorage, slotKey(message.self, slot), proof, sibling, encodeWord(value));
        m.substate = keccak256(abi.encode(s));
        return true;
    }

    /// False: out of gas for a cold slot.
    function sload(Machine memory m, uint256 slot, bytes calldata extra) internal pure returns (bool) {
        (
            Message memory message,
            Substate memory s,
            bytes[] memory warmProof,
            bytes[] memory accountProof,
            bytes[] memory storageProof
        ) = abi.decode(extra, (Message, Substate, bytes[], bytes[], bytes[]));
        openMessage(m, message);
        openSubstate(m, s);
        bytes memory wasWarm;
        (wasWarm, s.warmSlots) = MptUpdate.update(s.warmSlots, slotKey(message.self, slot), warmProof, "", hex"01");
        (bool exists,, bytes32 storageRoot) = readAccount(s.stateRoot, message.self, accountProof);
        require(exists, "StepsState: no proof of the running account");
        bytes memory stored =
            MptUpdate.read(storageRoot, storageKey(slot), storageProof);
        if (wasWarm.length == 0 && !m.charge(COLD_SLOAD_SURCHARGE)) return false;
        m.push(decodeWord(stored));
        m.substate = keccak256(abi.encode(s));
        return true;
    }

    /// BALANCE or EXTCODEHASH (0 for an absent or EIP-161 empty account). False: out of gas
    /// for a cold address.
    function accountValue(Machine memory m, uint256 op, uint256 word, bytes calldata extra)
        internal
        pure
        returns (bool)
    {
        (Substate memory s, bytes[] memory warmProof, bytes[] memory accountProof) =
            abi.decode(extra, (Substate, bytes[], bytes[]));
        openSubstate(m, s);
        address target = address(uint160(word));
        bytes memory wasWarm;
        (wasWarm, s.warmAddresses) = MptUpdate.update(s.warmAddresses, accountKey(target), warmProof, "", hex"01");
        uint256 pushed;
        bytes memory encoded = MptUpdate.read(s.stateRoot, accountKey(target), accountProof);
        if (encoded.length > 0) {
            RLPItem[] memory fields = accountFields(encoded);
            uint256 amount = toUint(fields[1].readBytes());
            if (op == BALANCE) {
                pushed = amount;
            } else {
                bytes32 codeHash = bytes32(fields[3].readBytes());
                bool empty = fields[0].readBytes().length == 0 && amount == 0 && codeHash == EMPTY_CODE_HASH;
                pushed = empty ? 0 : uint256(codeHash);
            }
        }
        if (wasWarm.length == 0 && !m.charge(COLD_ACCOUNT_SURCHARGE)) return false;
        m.push(pushed);
        m.substate = keccak256(abi.encode(s));
        return true;
    }

    /// Every proof is checked first; then the stipend guard, the static frame and the gas
    /// (false: the frame halts exceptionally); then the slot is warmed, the refund counter
    /// moved, the storage trie written and the account's storage root in the state trie.
    function sstore(Machine memory m, uint256 slot, uint256 value, bytes calldata extra) internal pure returns (bool) {
        Sstore memory w = decodeSstore(extra);
        openMessage(m, w.message);
        openSubstate(m, w.s);
        require(
            keccak256(abi.encode(w.tx)) == m.txContext, "StepsState: the transaction context does not open the commitment"
        );
        address self = w.message.self;
        bytes memory wasWarm;
        (wasWarm, w.s.warmSlots) = MptUpdate.update(w.s.warmSlots, slotKey(self, slot), w.warmProof, "", hex"01");
        bytes memory account = MptUpdate.read(w.s.stateRoot, accountKey(self), w.accountProof);
        require(account.length > 0, "StepsState: no proof of the running account");
        RLPItem[] memory fields = accountFields(account);
        (bytes memory stored, bytes32 storageRoot) = MptUpdate.update(
            bytes32(fields[2].readBytes()), storageKey(slot), w.storageProof, w.sibling, encodeWord(value)
        );
        uint256 current = decodeWord(stored);
        (,, bytes32 originalRoot) = readAccount(w.tx.originalStateRoot, self, w.originalAccountProof);
        uint256 original = decodeWord(MptUpdate.read(originalRoot, storageKey(slot), w.originalStorageProof));
        if (m.gas <= SSTORE_STIPEND_GUARD || w.message.flags & FLAG_STATIC != 0) return false;
        if (!m.charge(sstoreCost(wasWarm.length > 0, original, current, value))) return false;
        if (current != value) w.s.refund += sstoreRefund(original, current, value);
        bytes memory payload = bytes.concat(
            RLPReader.readRaw(fields[0]), RLPReader.readRaw(fields[1]), abi.encodePacked(bytes1(0xa0), storageRoot), RLPReader.readRaw(fields[3])
        );
        bytes memory updated = payload.length < 56
            ? bytes.concat(bytes1(uint8(0xc0 + payload.length)), payload)
            : bytes.concat(bytes1(0xf8), bytes1(uint8(payload.length)), payload);
        (, w.s.stateRoot) = MptUpdate.update(w.s.stateRoot, accountKey(self), w.accountProof, "", updated);
        m.substate = keccak256(abi.encode(w.s));
        return true;
    }

    function decodeSstore(bytes calldata extra) internal pure returns (Sstore memory w) {
        (
            w.message,
            w.s,
            w.tx,
            w.warmProof,
            w.accountProof,
            w.storageProof,
            w.sibling,
            w.originalAccountProof,
            w.originalStorageProof
        ) = abi.decode(extra, (Message, Substate, TxContext, bytes[], bytes[], bytes[], bytes, bytes[], bytes[]));
    }

    /// SSTORE's gas: EIP-2929's cold slot, EIP-2200's set/reset/no-op as amended by EIP-3529.
    function sstoreCost(bool warm, uint256 original, uint256 current, uint256 value) internal pure returns (uint256) {
        uint256 cost = warm ? 0 : COLD_SLOAD;
        if (current == value || original != current) return cost + WARM_ACCESS;
        return cost + (original == 0 ? SSTORE_SET : SSTORE_RESET);
    }

    /// The refund counter's change by an SSTORE changing `current` to `value` (EIP-3529).
    function sstoreRefund(uint256 original, uint256 current, uint256 value) internal pure returns (int256 refund) {
        if (original != 0) {
            if (current != 0 && value == 0) refund += SSTORE_CLEARS_REFUND;
            else if (current == 0) refund -= SSTORE_CLEARS_REFUND;
        }
        if (original == value) {
            refund += original == 0
                ? int256(SSTORE_SET - WARM_ACCESS)
                : int256(SSTORE_RESET - WARM_ACCESS);
        }
    }

    // -- opening -------------------------------------------------------------------------

    function openMessage(Machine memory m, Message memory message) internal pure {
        require(MachineLib.messageHash(message) == m.message, "StepsState: the message does not open the commitment");
    }

    function openSubstate(Machine memory m, Substate memory s) internal pure {
        require(keccak256(abi.encode(s)) == m.substate, "StepsState: the substate does not open the commitment");
    }

    /// The account at `who` under `stateRoot` from its proof: whether it exists, its balance
    /// and storage root (0 and the empty trie's root when it does not).
    function readAccount(bytes32 stateRoot, address who, bytes[] memory proof)
        internal
        pure
        returns (bool exists, uint256 amount, bytes32 storageRoot)
    {
        bytes memory encoded = MptUpdate.read(stateRoot, accountKey(who), proof);
        if (encoded.length == 0) return (false, 0, MptUpdate.EMPTY_ROOT);
        RLPItem[] memory fields = accountFields(encoded);
        return (true, toUint(fields[1].readBytes()), bytes32(fields[2].readBytes()));
    }

    /// The RLP fields [nonce, balance, storageRoot, codeHash] of an account, checked.
    function accountFields(bytes memory encoded) internal pure returns (RLPItem[] memory fields) {
        fields = RLPReader.toItem(encoded).readList();
        require(fields.length == 4, "StepsState: not an account");
        require(fields[0].readBytes().length <= 32 && fields[1].readBytes().length <= 32, "StepsState: not an account");
        require(fields[2].readBytes().length == 32 && fields[3].readBytes().length == 32, "StepsState: not an account");
    }

    // -- keys and words ----------------------------------------------------------------

    function accountKey(address who) internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encodePacked(who)));
    }

    function storageKey(uint256 slot) internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encodePacked(slot)));
    }

    function slotKey(address who, uint256 slot) internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256(abi.encodePacked(who, slot)));
    }

    /// A stored word: the RLP string of its big-endian bytes, empty (no entry) for 0.
    function encodeWord(uint256 value) internal pure returns (bytes memory) {
        if (value == 0) return "";
        if (value < 0x80) return abi.encodePacked(uint8(value));
        uint256 size;
        for (uint256 v = value; v > 0; v >>= 8) {
            ++size;
        }
        bytes memory out = new bytes(1 + size);
        out[0] = bytes1(uint8(0x80 + size));
        for (uint256 i; i < size; ++i) {
            out[size - i] = bytes1(uint8(value >> (8 * i)));
        }
        return out;
    }

    function decodeWord(bytes memory stored) internal pure returns (uint256) {
        if (stored.length == 0) return 0;
        return toUint(RLPReader.toItem(stored).readBytes());
    }

    function toUint(bytes memory data) internal pure returns (uint256 value) {
        require(data.length <= 32, "StepsState: a word of more than 32 bytes");
        for (uint256 i; i < data.length; ++i) {
            value = (value << 8) | uint8(data[i]);
        }
    }
}
