// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Bridge} from "../interfaces/IL1Bridge.sol";
import {AddressAlias} from "../lib/AddressAlias.sol";
import {DepositGasMarket} from "../lib/DepositGasMarket.sol";
import {MerkleTrie} from "../lib/MerkleTrie.sol";
import {OutputRoots} from "../lib/OutputRoots.sol";
import {Predeploys} from "../lib/Predeploys.sol";
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
///
///         Beside its own interface (IL1Bridge) it speaks the OP Stack's OptimismPortal, as
///         the portal of an L2OutputOracle chain (`version()` 2.x), so that viem's OP Stack
///         actions and bridge UIs work with it: every deposit and forced withdrawal is also a
///         `TransactionDeposited` event, the one derivation reads (so viem's
///         `getL2TransactionHashes` gives the L2 transaction hash); a withdrawal can be paid
///         in OP's two steps, `proveWithdrawalTransaction` then, once the challenge period has
///         passed both since the proof and since the output, `finalizeWithdrawalTransaction`.
///         Either path pays a withdrawal at most once: both mark `finalizedWithdrawals`.
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

    /// @notice The version of `TransactionDeposited`'s opaque data (OP's only one).
    uint256 public constant DEPOSIT_VERSION = 0;

    /// @notice A withdrawal proven by `proveWithdrawalTransaction` (OP's record).
    /// @param outputRoot    The root of the output it was proven against.
    /// @param timestamp     L1 time of the proof; zero for none.
    /// @param l2OutputIndex The index of that output.
    struct ProvenWithdrawal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2OutputIndex;
    }

    /// @notice The OP Stack's deposit event: the L2 deposit transaction this L1 log makes.
    ///         `opaqueData` is abi.encodePacked(mint, value, gasLimit (uint64), isCreation, data).
    event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData);
    /// @notice `proveWithdrawalTransaction` proved a withdrawal (the OP Stack's event).
    event WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to);

    /// @notice The output roots withdrawals are proven against.
    StateCommitmentChain public immutable stateCommitmentChain;

    /// @dev The deposit gas market; its purchase count is the deposit nonce.
    DepositGasMarket.State private _deposits;
    /// @notice Withdrawal hashes already paid, by either path.
    mapping(bytes32 withdrawalHash => bool) public finalizedWithdrawals;
    /// @notice Withdrawals proven by `proveWithdrawalTransaction`.
    mapping(bytes32 withdrawalHash => ProvenWithdrawal) public provenWithdrawals;
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
        address account = _l2Account();
        emit ForcedWithdrawalInitiated(msg.sender, account, amount, nonce, FORCED_WITHDRAWAL_GAS_LIMIT);
        bytes memory call = abi.encodeWithSignature("withdrawETHTo(address)", msg.sender);
        _emitDeposit(account, Predeploys.L2_BRIDGE, 0, amount, FORCED_WITHDRAWAL_GAS_LIMIT, call);
    }

    /// @notice The OptimismPortal version this bridge answers as: 2.x, a portal of an
    ///         L2OutputOracle (viem then reads the outputs from the StateCommitmentChain).
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice The OP Stack's name for `stateCommitmentChain`.
    function l2Oracle() external view returns (StateCommitmentChain) {
        return stateCommitmentChain;
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
        emit WithdrawalFinalized(withdrawalHash, withdrawal.target, withdrawal.value, outputIndex);
        _pay(withdrawal.target, withdrawal.value);
    }

    /// @notice OptimismPortal's first step: proves that the L2 message passer recorded
    ///         `withdrawal` under output `l2OutputIndex`, which need not be final yet. A proven
    ///         withdrawal can be proven again only once the output it was proven against is
    ///         gone (deleted, or replaced).
    /// @param withdrawalProof The storage proof of `sentMessages[hash]` (eth_getProof's nodes).
    function proveWithdrawalTransaction(
        Withdrawals.Withdrawal calldata withdrawal,
        uint256 l2OutputIndex,
        OutputRoots.Proof calldata outputRootProof,
        bytes[] calldata withdrawalProof
    ) external {
        bytes32 withdrawalHash = Withdrawals.hash(withdrawal);
        require(!finalizedWithdrawals[withdrawalHash], "L1Bridge: withdrawal already finalized");
        ProvenWithdrawal memory proven = provenWithdrawals[withdrawalHash];
        require(proven.timestamp == 0 || !_provenOutputLive(proven), "L1Bridge: withdrawal already proven");
        require(l2OutputIndex < stateCommitmentChain.outputCount(), "L1Bridge: unknown or deleted output");
        bytes32 outputRoot = _checkOutputRoot(l2OutputIndex, outputRootProof);
        _checkSentMessage(withdrawalHash, outputRootProof.messagePasserStorageRoot, withdrawalProof);

        provenWithdrawals[withdrawalHash] = ProvenWithdrawal(outputRoot, uint128(block.timestamp), uint128(l2OutputIndex));
        emit WithdrawalProven(withdrawalHash, withdrawal.sender, withdrawal.target);
    }

    /// @notice OptimismPortal's second step: pays a withdrawal proven by
    ///         `proveWithdrawalTransaction` once the challenge period has passed since the
    ///         proof and the output it was proven against is live and final.
    function finalizeWithdrawalTransaction(Withdrawals.Withdrawal calldata withdrawal) external nonReentrant {
        bytes32 withdrawalHash = Withdrawals.hash(withdrawal);
        require(!finalizedWithdrawals[withdrawalHash], "L1Bridge: withdrawal already finalized");
        ProvenWithdrawal memory proven = provenWithdrawals[withdrawalHash];
        require(proven.timestamp != 0, "L1Bridge: withdrawal not proven");
        require(_provenOutputLive(proven), "L1Bridge: the proven output was deleted; prove again");
        require(!stateCommitmentChain.isDisputed(proven.l2OutputIndex), "L1Bridge: output disputed");
        require(stateCommitmentChain.isFinalized(proven.l2OutputIndex), "L1Bridge: output not finalized");
        require(
            block.timestamp >= proven.timestamp + stateCommitmentChain.challengePeriod(),
            "L1Bridge: proven withdrawal still in its challenge period"
        );

        finalizedWithdrawals[withdrawalHash] = true;
        emit WithdrawalFinalized(withdrawalHash, withdrawal.target, withdrawal.value, proven.l2OutputIndex);
        _pay(withdrawal.target, withdrawal.value);
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
        _checkOutputRoot(index, outputRootProof);
    }

    /// @dev `outputRootProof` is the preimage of live output `index`; returns its root.
    function _checkOutputRoot(uint256 index, OutputRoots.Proof memory outputRootProof) private view returns (bytes32 root) {
        require(outputRootProof.version == OutputRoots.VERSION_0, "L1Bridge: unsupported output version");
        root = stateCommitmentChain.getOutput(index).root;
        require(OutputRoots.hash(outputRootProof) == root, "L1Bridge: invalid output root proof");
    }

    /// @dev Whether the output a withdrawal was proven against is still live as it was: not
    ///      deleted, not replaced by a later proposal at its index (another root, or the same
    ///      root proposed again after the proof).
    function _provenOutputLive(ProvenWithdrawal memory proven) private view returns (bool) {
        if (proven.l2OutputIndex >= stateCommitmentChain.outputCount()) return false;
        StateCommitmentChain.Output memory output = stateCommitmentChain.getOutput(proven.l2OutputIndex);
        return output.root == proven.outputRoot && output.timestamp <= proven.timestamp;
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
        address account = _l2Account();
        emit DepositInitiated(msg.sender, account, msg.value, nonce, DEPOSIT_GAS_LIMIT);
        _emitDeposit(account, account, msg.value, msg.value, DEPOSIT_GAS_LIMIT, "");
    }

    /// @dev The `TransactionDeposited` of an L2 deposit transaction from `from` to `to`.
    function _emitDeposit(address from, address to, uint256 mint, uint256 value, uint64 gasLimit, bytes memory data)
        private
    {
        emit TransactionDeposited(
            from, to, DEPOSIT_VERSION, abi.encodePacked(mint, value, gasLimit, false, data)
        );
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
