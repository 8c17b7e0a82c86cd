// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Bridge} from "../interfaces/IL1Bridge.sol";
import {AddressAlias} from "../lib/AddressAlias.sol";
import {DepositGasMarket} from "../lib/DepositGasMarket.sol";
import {MerkleTrie} from "../lib/MerkleTrie.sol";
import {OutputRoots} from "../lib/OutputRoots.sol";
import {Withdrawals} from "../lib/Withdrawals.sol";
import {StateCommitmentChain} from "./StateCommitmentChain.sol";

/// @title L1Bridge
/// @notice The L1 half of the ETH bridge. Deposits lock ETH here and are derived into L2
///         deposit transactions that mint it; forced withdrawals are derived into L2
///         transactions that withdraw from the caller's L2 balance; withdrawals recorded in
///         the L2 message passer are paid out here, once each, against an output root of the
///         StateCommitmentChain whose challenge period has passed.
///
///         Deposits and forced withdrawals pay for the L2 gas they ask for (DepositGasMarket):
///         each burns L1 gas at the going price of its L1 block, and an L1 block takes at most
///         `MAX_DEPOSIT_GAS_PER_BLOCK` of L2 gas, so that its deposits always fit in the L2
///         block that carries them.
/// @dev    L2 accounts: an EOA's is its own address; a contract's (any caller that is not
///         tx.origin, the OP Stack's rule) is its alias (AddressAlias).
contract L1Bridge is IL1Bridge {
    using Withdrawals for Withdrawals.Withdrawal;
    using DepositGasMarket for DepositGasMarket.State;

    /// @notice Gas limit of the L2 deposit transaction minting a deposit.
    uint64 public constant DEPOSIT_GAS_LIMIT = 100_000;
    /// @notice Gas limit of the L2 deposit transaction carrying a forced withdrawal.
    uint64 public constant FORCED_WITHDRAWAL_GAS_LIMIT = 200_000;
    /// @notice The most L2 gas the deposits of one L1 block may ask for, together.
    uint64 public constant MAX_DEPOSIT_GAS_PER_BLOCK = DepositGasMarket.MAX_GAS_PER_BLOCK;
    /// @notice The L2 gas per L1 block at which the deposit price holds still.
    uint64 public constant TARGET_DEPOSIT_GAS_PER_BLOCK = DepositGasMarket.TARGET_GAS_PER_BLOCK;
    /// @notice Deposit prices are in millionths of L1 gas per L2 gas.
    uint64 public constant DEPOSIT_PRICE_UNIT = DepositGasMarket.PRICE_UNIT;
    /// @notice The lowest deposit price (millionths of L1 gas per L2 gas).
    uint64 public constant MIN_DEPOSIT_BASE_FEE = DepositGasMarket.MIN_BASE_FEE;
    /// @notice The highest deposit price (millionths of L1 gas per L2 gas).
    uint64 public constant MAX_DEPOSIT_BASE_FEE = DepositGasMarket.MAX_BASE_FEE;

    /// @notice The output roots withdrawals are proven against.
    StateCommitmentChain public immutable stateCommitmentChain;

    /// @dev The deposit gas market; its purchase count is the deposit nonce.
    DepositGasMarket.State private _deposits;
    /// @notice Withdrawal hashes already paid.
    mapping(bytes32 withdrawalHash => bool) public finalizedWithdrawals;
    /// @dev Set during finalizeWithdrawal (transient storage: cleared after each transaction).
    bool private transient _finalizing;

    modifier nonReentrant() {
        require(!_finalizing, "L1Bridge: reentrant call");
        _finalizing = true;
        _;
        _finalizing = false;
    }

    /// @param stateCommitmentChain_ The StateCommitmentChain holding the output roots.
    constructor(StateCommitmentChain stateCommitmentChain_) {
        stateCommitmentChain = stateCommitmentChain_;
        _deposits = DepositGasMarket.initial();
    }

    /// @inheritdoc IL1Bridge
    /// @dev Burns `depositGasCharge(DEPOSIT_GAS_LIMIT)` L1 gas; reverts once this L1 block's
    ///      deposits have asked for `MAX_DEPOSIT_GAS_PER_BLOCK`.
    function depositETH() external payable {
        _depositETH();
    }

    /// @notice The OP Stack's `OptimismPortal.depositTransaction`, for the one kind of deposit
    ///         this bridge carries: ETH to the caller's own L2 account (what viem's
    ///         `depositTransaction` sends with `to` the account and `mint` the amount). Otherwise
    ///         the same as `depositETH`; any other deposit reverts with a reason.
    /// @param to         The caller's L2 account (`_l2Account()`).
    /// @param value      Equal to `msg.value`: the L2 transaction transfers what it mints.
    /// @param gasLimit   At most `DEPOSIT_GAS_LIMIT`, which the L2 transaction gets.
    /// @param isCreation False.
    /// @param data       Empty.
    function depositTransaction(address to, uint256 value, uint64 gasLimit, bool isCreation, bytes calldata data)
        external
        payable
    {
        require(!isCreation && data.length == 0, "L1Bridge: only ETH deposits (no data, no contract creation)");
        require(to == _l2Account(), "L1Bridge: deposits go to the caller's own L2 account");
        require(value == msg.value, "L1Bridge: the L2 value must equal the ETH sent");
        require(gasLimit <= DEPOSIT_GAS_LIMIT, "L1Bridge: gas limit above DEPOSIT_GAS_LIMIT");
        _depositETH();
    }

    /// @inheritdoc IL1Bridge
    /// @dev Burns `depositGasCharge(FORCED_WITHDRAWAL_GAS_LIMIT)` L1 gas; reverts once this L1
    ///      block's deposits have asked for `MAX_DEPOSIT_GAS_PER_BLOCK`.
    function withdrawETH(uint256 amount) external {
        require(amount > 0, "L1Bridge: withdrawal amount is zero");
        uint256 nonce = _deposits.buy(FORCED_WITHDRAWAL_GAS_LIMIT);
        emit ForcedWithdrawalInitiated(msg.sender, _l2Account(), amount, nonce, FORCED_WITHDRAWAL_GAS_LIMIT);
    }

    /// @notice Nonce of the next deposit or forced withdrawal.
    function depositNonce() external view returns (uint256) {
        return _deposits.purchases;
    }

    /// @notice The deposit price in this L1 block, in millionths of L1 gas per L2 gas.
    function depositBaseFee() external view returns (uint256) {
        return _deposits.current().baseFee;
    }

    /// @notice The L2 gas deposits may still ask for in this L1 block.
    function depositGasAvailable() external view returns (uint256) {
        return MAX_DEPOSIT_GAS_PER_BLOCK - _deposits.current().gasBought;
    }

    /// @notice The L1 gas a deposit asking for `l2Gas` burns in this L1 block, on top of the
    ///         call's own (3,125 for `DEPOSIT_GAS_LIMIT` at the floor price).
    function depositGasCharge(uint64 l2Gas) external view returns (uint256) {
        return DepositGasMarket.charge(_deposits.current().baseFee, l2Gas);
    }

    /// @inheritdoc IL1Bridge
    /// @dev Checks, in order: the proof decodes; the withdrawal was not paid before; the output
    ///      exists and is final; the output root preimage matches it; the storage proof shows
    ///      `sentMessages[withdrawalHash] == true` under the message passer's storage root.
    ///      Then marks the withdrawal paid and pays (all gas forwarded; a refused payment
    ///      reverts the whole call, so it can be retried).
    function finalizeWithdrawal(bytes calldata proof) external nonReentrant {
        (
            Withdrawals.Withdrawal memory withdrawal,
            uint256 outputIndex,
            OutputRoots.Proof memory outputRootProof,
            bytes[] memory storageProof
        ) = _decodeProof(proof);
        bytes32 withdrawalHash = withdrawal.hash();
        require(!finalizedWithdrawals[withdrawalHash], "L1Bridge: withdrawal already finalized");
        _checkOutput(outputIndex, outputRootProof);
        _checkSentMessage(withdrawalHash, outputRootProof.messagePasserStorageRoot, storageProof);

        finalizedWithdrawals[withdrawalHash] = true;
        emit WithdrawalFinalized(withdrawalHash, withdrawal.l1Recipient, withdrawal.amount, outputIndex);
        _pay(withdrawal.l1Recipient, withdrawal.amount);
    }

    /// @notice Decodes a `finalizeWithdrawal` proof; reverts on malformed input.
    /// @dev    External so that `finalizeWithdrawal` can catch a decoding failure and give it a
    ///         reason; tools can also eth_call it to check an encoding.
    function decodeWithdrawalProof(bytes calldata proof)
        external
        pure
        returns (
            Withdrawals.Withdrawal memory withdrawal,
            uint256 outputIndex,
            OutputRoots.Proof memory outputRootProof,
            bytes[] memory storageProof
        )
    {
        return abi.decode(proof, (Withdrawals.Withdrawal, uint256, OutputRoots.Proof, bytes[]));
    }

    /// @dev `decodeWithdrawalProof`, with a reason when it fails.
    function _decodeProof(bytes calldata proof)
        private
        view
        returns (Withdrawals.Withdrawal memory, uint256, OutputRoots.Proof memory, bytes[] memory)
    {
        try this.decodeWithdrawalProof(proof) returns (
            Withdrawals.Withdrawal memory withdrawal,
            uint256 outputIndex,
            OutputRoots.Proof memory outputRootProof,
            bytes[] memory storageProof
        ) {
            return (withdrawal, outputIndex, outputRootProof, storageProof);
        } catch {
            revert("L1Bridge: malformed proof");
        }
    }

    /// @dev Output `index` exists, is final, and `outputRootProof` is its preimage.
    function _checkOutput(uint256 index, OutputRoots.Proof memory outputRootProof) private view {
        require(index < stateCommitmentChain.outputCount(), "L1Bridge: unknown or deleted output");
        require(!stateCommitmentChain.isDisputed(index), "L1Bridge: output disputed");
        require(stateCommitmentChain.isFinalized(index), "L1Bridge: output not finalized");
        require(outputRootProof.version == OutputRoots.VERSION_0, "L1Bridge: unsupported output version");
        require(
            OutputRoots.hash(outputRootProof) == stateCommitmentChain.getOutput(index).root,
            "L1Bridge: invalid output root proof"
        );
    }

    /// @dev The message passer's storage trie (root `storageRoot`) holds 1 in the slot of
    ///      `sentMessages[withdrawalHash]`. The storage trie is keyed by keccak256(slot) and
    ///      holds RLP(value): the word 1 is the single byte 0x01.
    function _checkSentMessage(bytes32 withdrawalHash, bytes32 storageRoot, bytes[] memory storageProof)
        private
        pure
    {
        bytes32 slot = Withdrawals.sentMessageSlot(withdrawalHash);
        bytes memory key = abi.encodePacked(keccak256(abi.encode(slot)));
        (bool found, bytes memory value) = MerkleTrie.get(key, storageProof, storageRoot);
        require(found && value.length == 1 && value[0] == 0x01, "L1Bridge: invalid storage proof");
    }

    /// @dev Locks `msg.value` for the caller's L2 account: buys the deposit's L2 gas, emits the deposit.
    function _depositETH() private {
        require(msg.value > 0, "L1Bridge: deposit amount is zero");
        uint256 nonce = _deposits.buy(DEPOSIT_GAS_LIMIT);
        emit DepositInitiated(msg.sender, _l2Account(), msg.value, nonce, DEPOSIT_GAS_LIMIT);
    }

    /// @dev The caller's L2 account: its own address for an EOA, the alias for a contract.
    function _l2Account() private view returns (address) {
        return msg.sender == tx.origin ? msg.sender : AddressAlias.applyAlias(msg.sender);
    }

    /// @dev Pays `amount` wei to `to` with all remaining gas, ignoring any return data (a
    ///      recipient cannot make the caller pay to copy it).
    function _pay(address to, uint256 amount) private {
        bool ok;
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        require(ok, "L1Bridge: payment failed");
    }
}
