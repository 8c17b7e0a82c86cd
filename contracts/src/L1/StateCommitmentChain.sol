// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOutputDisputes} from "../interfaces/IOutputDisputes.sol";

/// @title StateCommitmentChain
/// @notice The L2 output roots on L1. A bonded proposer appends one root per proposed L2
///         block (block numbers strictly increasing), each stamped with the L1 time it
///         arrived; an output is final once `challengePeriod` seconds have passed since and no
///         game of the challenger that could delete it is open (`isDisputed`). The challenger
///         (the dispute game contract) deletes a disproven output and every output after it,
///         and takes the proposer's bond.
///
///         Every role is fixed by the constructor: no setter exists, so no one can race the
///         deployer to one. A dispute game that needs this contract's address in its own
///         constructor is deployed after it at an address computed beforehand (the CREATE
///         address of the deployer's later nonce).
///
///         No output may claim an L2 block whose L1 data cannot exist yet. Derivation gives
///         every L2 block a timestamp above its parent's, in whole seconds, so block n has
///         timestamp >= l2GenesisTimestamp + n; and it allows a block's timestamp to exceed its
///         L1 origin's by at most `maxSequencerDrift` seconds, where the origin is an L1 block
///         no later than the proposal's. Hence n <= block.timestamp + maxSequencerDrift -
///         l2GenesisTimestamp for any block that exists by now (`maxL2BlockNumber`). Without
///         this bound one proposal of block 2**64-1 would block every later one.
///
///         Beside its own interface it reads as the OP Stack's L2OutputOracle (`getL2Output`,
///         `getL2OutputIndexAfter`, `latestOutputIndex`, `latestBlockNumber`,
///         `FINALIZATION_PERIOD_SECONDS`, `SUBMISSION_INTERVAL`, `L2_BLOCK_TIME`), which is
///         what viem's OP Stack actions read to prove a withdrawal. `SUBMISSION_INTERVAL` and
///         `L2_BLOCK_TIME` only tell tools how often outputs come: the proposer is not held
///         to the interval here.
/// @dev    Outputs are kept in a mapping with a count, so deleting is O(1): the count moves
///         back, entries past it are dead and get overwritten by later proposals.
contract StateCommitmentChain {
    /// @notice One proposed output.
    /// @param root          The output root (see OutputRoots).
    /// @param timestamp     L1 block timestamp of the proposal.
    /// @param l2BlockNumber The L2 block it commits to.
    struct Output {
        bytes32 root;
        uint64 timestamp;
        uint64 l2BlockNumber;
    }

    /// @notice One output as the OP Stack's L2OutputOracle returns it.
    struct OutputProposal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2BlockNumber;
    }

    /// @notice The only account that may propose outputs.
    address public immutable proposer;
    /// @notice The only account that may delete outputs (the dispute game); zero for none.
    address public immutable challenger;
    /// @notice Seconds an output must wait, unchallenged, before it is final.
    uint256 public immutable challengePeriod;
    /// @notice Bond (wei) the proposer must hold here to propose.
    uint256 public immutable requiredBond;
    /// @notice Timestamp of the L2 genesis block (block 0), seconds.
    uint256 public immutable l2GenesisTimestamp;
    /// @notice How far (seconds) an L2 block's timestamp may run ahead of its L1 origin's.
    uint256 public immutable maxSequencerDrift;

    /// @notice Seconds between L2 blocks (the rollup config's `l2_block_time`).
    uint256 public immutable L2_BLOCK_TIME;
    /// @notice L2 blocks between the proposer's outputs (the rollup config's `proposal_interval`).
    uint256 public immutable SUBMISSION_INTERVAL;

    /// @notice Wei the proposer holds here as its bond.
    uint256 public bond;
    /// @notice Number of live outputs; their indexes are 0 .. outputCount - 1.
    uint256 public outputCount;
    mapping(uint256 index => Output) private _outputs;

    /// @notice Output `outputIndex` appended (the OP Stack's L2OutputOracle event shape).
    event OutputProposed(
        bytes32 indexed root, uint256 indexed outputIndex, uint256 indexed l2BlockNumber, uint256 l1Timestamp
    );
    /// @notice Outputs `fromIndex` .. `previousCount - 1` deleted.
    event OutputsDeleted(uint256 indexed fromIndex, uint256 previousCount);
    /// @notice The proposer added `amount` to its bond, now `total`.
    event BondDeposited(uint256 amount, uint256 total);
    /// @notice The proposer took its bond back.
    event BondWithdrawn(uint256 amount);
    /// @notice The proposer's bond went to the challenger with a deletion.
    event BondSlashed(address indexed challenger, uint256 amount);

    modifier onlyProposer() {
        require(msg.sender == proposer, "SCC: only the proposer");
        _;
    }

    /// @param proposer_           The proposer's address.
    /// @param challenger_         The dispute game's address, or zero for none (no output can
    ///                            then be deleted).
    /// @param challengePeriod_    The challenge period in seconds (7 days on a real network).
    /// @param requiredBond_       The bond the proposer must deposit before proposing.
    /// @param l2GenesisTimestamp_ The L2 genesis block's timestamp (the rollup config's).
    /// @param maxSequencerDrift_  The rollup config's `max_sequencer_drift`, seconds.
    /// @param l2BlockTime_        The rollup config's `l2_block_time`, seconds (non-zero).
    /// @param submissionInterval_ The rollup config's `proposal_interval`, L2 blocks (non-zero).
    constructor(
        address proposer_,
        address challenger_,
        uint256 challengePeriod_,
        uint256 requiredBond_,
        uint256 l2GenesisTimestamp_,
        uint256 maxSequencerDrift_,
        uint256 l2BlockTime_,
        uint256 submissionInterval_
    ) {
        require(proposer_ != address(0), "SCC: proposer is zero");
        require(challengePeriod_ <= type(uint64).max, "SCC: challenge period too long");
        require(l2GenesisTimestamp_ <= type(uint64).max, "SCC: L2 genesis timestamp too large");
        require(maxSequencerDrift_ <= type(uint64).max, "SCC: sequencer drift too large");
        require(l2BlockTime_ > 0, "SCC: L2 block time is zero");
        require(submissionInterval_ > 0, "SCC: submission interval is zero");
        proposer = proposer_;
        challenger = challenger_;
        challengePeriod = challengePeriod_;
        requiredBond = requiredBond_;
        l2GenesisTimestamp = l2GenesisTimestamp_;
        maxSequencerDrift = maxSequencerDrift_;
        L2_BLOCK_TIME = l2BlockTime_;
        SUBMISSION_INTERVAL = submissionInterval_;
    }

    /// @notice Adds `msg.value` to the proposer's bond.
    function depositBond() external payable onlyProposer {
        bond += msg.value;
        emit BondDeposited(msg.value, bond);
    }

    /// @notice Returns the whole bond to the proposer, once no output is left in its
    ///         challenge period (so a bond cannot leave ahead of a challenge).
    function withdrawBond() external onlyProposer {
        require(outputCount == 0 || isFinalized(outputCount - 1), "SCC: outputs still in challenge period");
        uint256 amount = bond;
        bond = 0;
        emit BondWithdrawn(amount);
        _send(proposer, amount);
    }

    /// @notice Appends the output root `root` of L2 block `l2BlockNumber`.
    /// @dev    Proposer only, with at least `requiredBond` bonded; the block number must be
    ///         above the latest output's and at most `maxL2BlockNumber()`.
    function proposeOutput(bytes32 root, uint256 l2BlockNumber) external onlyProposer {
        require(bond >= requiredBond, "SCC: proposer bond too low");
        require(root != bytes32(0), "SCC: output root is zero");
        require(l2BlockNumber <= maxL2BlockNumber(), "SCC: L2 block cannot exist yet");
        require(l2BlockNumber <= type(uint64).max, "SCC: block number too large");
        uint256 index = outputCount;
        require(index == 0 || l2BlockNumber > _outputs[index - 1].l2BlockNumber, "SCC: block number must increase");
        _outputs[index] = Output(root, uint64(block.timestamp), uint64(l2BlockNumber));
        outputCount = index + 1;
        emit OutputProposed(root, index, l2BlockNumber, block.timestamp);
    }

    /// @notice Deletes output `fromIndex` and all outputs after it, and pays the proposer's
    ///         bond to the challenger. Challenger only; the output must not be final.
    function deleteOutputs(uint256 fromIndex) external {
        require(msg.sender == challenger, "SCC: only the challenger");
        require(fromIndex < outputCount, "SCC: unknown output");
        require(!isFinalized(fromIndex), "SCC: output already finalized");
        emit OutputsDeleted(fromIndex, outputCount);
        outputCount = fromIndex;
        _slashBond();
    }

    /// @notice Output `index`. Reverts if there is no such live output.
    function getOutput(uint256 index) external view returns (Output memory) {
        require(index < outputCount, "SCC: unknown output");
        return _outputs[index];
    }

    /// @notice L2OutputOracle's view of output `index`. Reverts if there is no such live output.
    function getL2Output(uint256 index) external view returns (OutputProposal memory) {
        require(index < outputCount, "SCC: unknown output");
        Output storage output = _outputs[index];
        return OutputProposal(output.root, output.timestamp, output.l2BlockNumber);
    }

    /// @notice The index of the first live output whose L2 block is at or after
    ///         `l2BlockNumber`, found by binary search (block numbers increase). Reverts with
    ///         L2OutputOracle's reason, which viem reads as "waiting to prove", while no
    ///         output covers that block.
    function getL2OutputIndexAfter(uint256 l2BlockNumber) external view returns (uint256) {
        require(
            outputCount > 0 && l2BlockNumber <= _outputs[outputCount - 1].l2BlockNumber,
            "L2OutputOracle: cannot get output for a block that has not been proposed"
        );
        uint256 low = 0;
        uint256 high = outputCount - 1;
        while (low < high) {
            uint256 middle = (low + high) / 2;
            if (_outputs[middle].l2BlockNumber < l2BlockNumber) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// @notice The index of the latest live output; reverts while there is none.
    function latestOutputIndex() external view returns (uint256) {
        require(outputCount > 0, "SCC: no outputs yet");
        return outputCount - 1;
    }

    /// @notice The L2 block of the latest live output, 0 while there is none.
    function latestBlockNumber() external view returns (uint256) {
        return outputCount == 0 ? 0 : _outputs[outputCount - 1].l2BlockNumber;
    }

    /// @notice L2OutputOracle's name for `challengePeriod`.
    function FINALIZATION_PERIOD_SECONDS() external view returns (uint256) {
        return challengePeriod;
    }

    /// @notice The highest L2 block that can exist at this L1 block's time (see the contract's
    ///         notice): block.timestamp + maxSequencerDrift - l2GenesisTimestamp, or 0 before.
    function maxL2BlockNumber() public view returns (uint256) {
        uint256 latest = block.timestamp + maxSequencerDrift;
        return latest > l2GenesisTimestamp ? latest - l2GenesisTimestamp : 0;
    }

    /// @notice Whether output `index` exists, its challenge period has passed and no game that
    ///         could delete it is open (`isDisputed`).
    function isFinalized(uint256 index) public view returns (bool) {
        return index < outputCount && block.timestamp >= _outputs[index].timestamp + challengePeriod
            && !isDisputed(index);
    }

    /// @notice Whether the challenger (the dispute game) has a game open against output `index`
    ///         or an output before it. A challenger without code (a key) keeps no games.
    function isDisputed(uint256 index) public view returns (bool) {
        return challenger.code.length > 0 && IOutputDisputes(challenger).disputes(index);
    }

    /// @dev Moves the whole bond to the challenger.
    function _slashBond() private {
        uint256 amount = bond;
        bond = 0;
        emit BondSlashed(msg.sender, amount);
        _send(msg.sender, amount);
    }

    /// @dev Sends `amount` wei to `to`, reverting if it is refused.
    function _send(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        require(ok, "SCC: transfer failed");
    }
}
