// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOutputDisputes} from "../interfaces/IOutputDisputes.sol";
import {StateCommitmentChain} from "../L1/StateCommitmentChain.sol";
import {IBlockTrace} from "./IBlockTrace.sol";

/// @title DisputeGame
/// @notice The interactive fraud proof (docs/fraud-proofs.md, "The dispute game"): every game
///         against the outputs of one StateCommitmentChain, whose challenger this contract is.
///
///         A game is between the challenger who opened it and the proposer (the defender). It
///         bisects over a range of positions whose first claim both accept and whose last claim
///         they dispute: first the L2 blocks from the previous output (or the anchor) to the
///         disputed one, claims being output roots; then the steps 0 .. maxSteps of the one
///         block they disagree on, claims being step commitments (IBlockTrace binds the ends to
///         output roots). The sides move in turn. A move picks one segment of the opponent's
///         last bisection (it accepts the segment's first claim and disputes its last) and posts
///         its own bisection of it into at most `degree` segments: the same first claim, a
///         different last one. A picked segment of one block becomes the step range of that
///         block; a picked segment of one step is proven with `IBlockTrace.step`, and the prover
///         wins if the step does not give the claim it disputes. Each side has a chess clock of
///         `clock` seconds; the side to move loses once its clock has run out.
///
///         Bonds: opening a game costs `challengeBond` plus the bond of its first move; each
///         move costs `moveBond`, or `stepBond` when it leaves the opponent single steps (its
///         reply is a one-step proof). The winner is credited every bond of the game and, when a
///         challenger wins against an output still proposed, the proposer's bond, which the
///         StateCommitmentChain pays here as it deletes that output and every output after it.
///         Credits are withdrawn with `withdraw` (so no payee can block a resolution).
contract DisputeGame is IOutputDisputes {
    uint8 public constant OPEN = 1;
    uint8 public constant CHALLENGER_WON = 2;
    uint8 public constant DEFENDER_WON = 3;
    uint8 public constant BLOCKS = 0;
    uint8 public constant STEPS = 1;

    /// @notice The deployment's parameters.
    /// @param degree        Segments per bisection (2: binary), at least 2.
    /// @param maxSteps      Length of a block's step range: at least the steps of any block.
    /// @param clock         Seconds each side may spend on its moves over a whole game.
    /// @param challengeBond Wei to open a game, on top of its first move's bond.
    /// @param moveBond      Wei per move whose reply is another move.
    /// @param stepBond      Wei per move whose reply is a one-step proof.
    /// @param anchorRoot    The output root both sides accept before the first output.
    /// @param anchorBlock   Its L2 block.
    struct Config {
        uint64 degree;
        uint64 maxSteps;
        uint64 clock;
        uint128 challengeBond;
        uint128 moveBond;
        uint128 stepBond;
        bytes32 anchorRoot;
        uint64 anchorBlock;
    }

    /// @notice One game. The range is positions `start` .. `start + length` of the phase (L2
    ///         blocks, or steps of block `stepBlock`); `claims` hashes the last bisection of it.
    struct Game {
        address challenger;
        uint64 outputIndex;
        uint8 status;
        uint8 phase;
        bool challengerToMove;
        bytes32 outputRoot;
        bytes32 claims;
        uint64 outputTimestamp;
        uint64 start;
        uint64 length;
        uint64 stepBlock;
        uint64 challengerClock;
        uint64 defenderClock;
        uint64 lastMove;
        uint64 moves;
        uint256 bonds;
    }

    struct Node {
        uint64 prev;
        uint64 next;
        uint64 games;
    }

    StateCommitmentChain public immutable scc;
    IBlockTrace public immutable trace;
    /// @notice The defender of every game: the StateCommitmentChain's proposer.
    address public immutable proposer;
    uint256 public immutable degree;
    uint256 public immutable maxSteps;
    uint256 public immutable clock;
    uint256 public immutable challengeBond;
    uint256 public immutable moveBond;
    uint256 public immutable stepBond;
    bytes32 public immutable anchorRoot;
    uint256 public immutable anchorBlock;

    Game[] private _games;
    /// @notice Wei each account may withdraw (bonds won).
    mapping(address account => uint256) public credit;
    /// @dev The output indexes with open games, as a list sorted by index + 1 (key 0 is the head:
    ///      its `next` is the lowest), with the number of open games at each.
    mapping(uint64 key => Node) private _open;

    event GameStarted(uint256 indexed id, uint256 indexed outputIndex, address indexed challenger, bytes32 outputRoot);
    /// @notice A bisection of positions `start` .. `start + length` of `phase` (of block `stepBlock`).
    event Moved(
        uint256 indexed id, bool byChallenger, uint8 phase, uint256 stepBlock, uint256 start, uint256 length, bytes32[] claims
    );
    event GameResolved(uint256 indexed id, uint8 status, address winner, uint256 payout, bool outputDeleted);
    event Withdrawn(address indexed account, uint256 amount);

    constructor(StateCommitmentChain scc_, IBlockTrace trace_, Config memory config) {
        require(config.degree >= 2 && config.degree <= 256, "DisputeGame: degree must be 2 .. 256");
        require(config.maxSteps >= 1, "DisputeGame: maxSteps is zero");
        scc = scc_;
        trace = trace_;
        proposer = scc_.proposer();
        degree = config.degree;
        maxSteps = config.maxSteps;
        clock = config.clock;
        challengeBond = config.challengeBond;
        moveBond = config.moveBond;
        stepBond = config.stepBond;
        anchorRoot = config.anchorRoot;
        anchorBlock = config.anchorBlock;
    }

    /// @dev The StateCommitmentChain pays the proposer's bond here when it deletes outputs.
    receive() external payable {
        require(msg.sender == address(scc), "DisputeGame: only the StateCommitmentChain pays in");
    }

    // -- opening ----------------------------------------------------------------------------

    /// @notice Opens a game against output `outputIndex`, which must be in its challenge
    ///         period, with the challenger's first bisection `claims` of the blocks from the
    ///         previous output (or the anchor) to it. `hint` is 0 or an output index + 1 with
    ///         open games below `outputIndex` (`openHint` gives the best one); it only saves gas.
    /// @return id The game's id.
    function challenge(uint256 outputIndex, bytes32[] calldata claims, uint256 hint)
        external
        payable
        returns (uint256 id)
    {
        require(msg.sender != proposer, "DisputeGame: the proposer cannot challenge itself");
        StateCommitmentChain.Output memory output = scc.getOutput(outputIndex);
        require(
            block.timestamp < uint256(output.timestamp) + scc.challengePeriod(),
            "DisputeGame: the challenge period is over"
        );
        (bytes32 agreedRoot, uint256 agreedBlock) = _parentOf(outputIndex);
        require(output.l2BlockNumber > agreedBlock, "DisputeGame: output not after the anchor");
        id = _games.length;
        Game storage g = _games.push();
        g.challenger = msg.sender;
        g.outputIndex = uint64(outputIndex);
        g.status = OPEN;
        g.challengerToMove = true;
        g.outputRoot = output.root;
        g.outputTimestamp = output.timestamp;
        g.start = uint64(agreedBlock);
        g.length = uint64(output.l2BlockNumber - agreedBlock);
        g.challengerClock = uint64(clock);
        g.defenderClock = uint64(clock);
        g.lastMove = uint64(block.timestamp);
        bytes32[] memory opening = new bytes32[](2);
        (opening[0], opening[1]) = (agreedRoot, output.root);
        g.claims = keccak256(abi.encodePacked(opening));
        _addOpen(uint64(outputIndex) + 1, uint64(hint));
        emit GameStarted(id, outputIndex, msg.sender, output.root);
        uint256 bond = _bisect(id, g, opening, 0, claims);
        require(msg.value == challengeBond + bond, "DisputeGame: wrong bond");
        g.bonds = msg.value;
    }

    // -- moves ------------------------------------------------------------------------------

    /// @notice The side to move picks segment `index` of the opponent's last bisection `prev`
    ///         and bisects it with `claims`, paying `bondOf(id)`.
    function move(uint256 id, bytes32[] calldata prev, uint256 index, bytes32[] calldata claims) external payable {
        Game storage g = _turn(id, prev);
        uint256 bond = _bisect(id, g, prev, index, claims);
        require(msg.value == bond, "DisputeGame: wrong bond");
        g.bonds += msg.value;
    }

    /// @notice The side to move proves that the single step of segment `index` of `prev` does
    ///         not give the claim at its end: it wins, and the game is resolved.
    function prove(uint256 id, bytes32[] calldata prev, uint256 index, bytes calldata witness) external {
        Game storage g = _turn(id, prev);
        require(g.phase == STEPS, "DisputeGame: a block range is bisected, not proven");
        (uint256 from, uint256 to) = _segment(g, prev.length - 1, index);
        require(to - from == 1, "DisputeGame: the segment is more than one step");
        bytes32 post = trace.step(prev[index], witness);
        require(post != prev[index + 1], "DisputeGame: the step gives the disputed claim");
        _resolve(id, g, g.challengerToMove);
    }

    /// @notice Resolves a game whose side to move has let its clock run out: the other side wins.
    function resolveTimeout(uint256 id) external {
        Game storage g = _game(id);
        require(g.status == OPEN, "DisputeGame: game is not open");
        require(block.timestamp > g.lastMove + _clockOf(g), "DisputeGame: the clock has not run out");
        _resolve(id, g, !g.challengerToMove);
    }

    /// @notice Pays the caller what it has won.
    function withdraw() external {
        uint256 amount = credit[msg.sender];
        require(amount > 0, "DisputeGame: nothing to withdraw");
        credit[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "DisputeGame: transfer failed");
    }

    // -- views ------------------------------------------------------------------------------

    /// @inheritdoc IOutputDisputes
    function disputes(uint256 outputIndex) external view returns (bool) {
        uint64 lowest = _open[0].next;
        return lowest != 0 && lowest <= outputIndex + 1;
    }

    function gameCount() external view returns (uint256) {
        return _games.length;
    }

    function game(uint256 id) external view returns (Game memory) {
        return _game(id);
    }

    /// @notice The bond of a move of game `id` that picks segment `index` of the last
    ///         bisection (a proof costs none).
    function bondFor(uint256 id, uint256 index) external view returns (uint256) {
        Game storage g = _game(id);
        uint256 segments = g.length < degree ? g.length : degree;
        (uint256 from, uint256 to) = _segment(g, segments, index);
        if (to - from == 1) return g.phase == BLOCKS ? _bondFor(STEPS, maxSteps) : 0;
        return _bondFor(g.phase, to - from);
    }

    /// @notice Seconds left on the clock of the side to move of game `id` (0 once run out).
    function timeLeft(uint256 id) external view returns (uint256) {
        Game storage g = _game(id);
        uint256 deadline = g.lastMove + _clockOf(g);
        return block.timestamp >= deadline ? 0 : deadline - block.timestamp;
    }

    /// @notice The best `hint` for a challenge of `outputIndex`: the highest disputed output
    ///         index + 1 below it, or 0.
    function openHint(uint256 outputIndex) external view returns (uint256 hint) {
        for (uint64 key = _open[0].next; key != 0 && key < outputIndex + 1; key = _open[key].next) {
            hint = key;
        }
    }

    // -- the rules --------------------------------------------------------------------------

    /// @dev The game `id` is open, the caller is its side to move within its clock, and
    ///      `prev` is the last bisection; the clock is charged.
    function _turn(uint256 id, bytes32[] calldata prev) private returns (Game storage g) {
        g = _game(id);
        require(g.status == OPEN, "DisputeGame: game is not open");
        require(msg.sender == (g.challengerToMove ? g.challenger : proposer), "DisputeGame: not your move");
        uint256 elapsed = block.timestamp - g.lastMove;
        uint256 left = _clockOf(g);
        require(elapsed <= left, "DisputeGame: your clock has run out");
        if (g.challengerToMove) g.challengerClock = uint64(left - elapsed);
        else g.defenderClock = uint64(left - elapsed);
        g.lastMove = uint64(block.timestamp);
        require(prev.length >= 2 && keccak256(abi.encodePacked(prev)) == g.claims, "DisputeGame: not the last bisection");
    }

    /// @dev Picks segment `index` of `prev` and bisects it with `claims`; returns the bond due.
    function _bisect(uint256 id, Game storage g, bytes32[] memory prev, uint256 index, bytes32[] calldata claims)
        private
        returns (uint256 bond)
    {
        require(index + 1 < prev.length, "DisputeGame: no such segment");
        (uint256 from, uint256 to) = _segment(g, prev.length - 1, index);
        bytes32 first = prev[index];
        bytes32 last = prev[index + 1];
        if (to - from == 1) {
            require(g.phase == BLOCKS, "DisputeGame: a single step is proven, not bisected");
            // One block: its steps from the accepted parent root to the disputed root.
            g.phase = STEPS;
            g.stepBlock = uint64(to);
            (first, last) = (trace.startCommitment(first, to), trace.endCommitment(last));
            (from, to) = (0, maxSteps);
        }
        uint256 segments = to - from < degree ? to - from : degree;
        require(claims.length == segments + 1, "DisputeGame: wrong number of claims");
        require(claims[0] == first, "DisputeGame: the bisection must start at the segment's first claim");
        require(claims[segments] != last, "DisputeGame: the bisection must dispute the segment's last claim");
        g.start = uint64(from);
        g.length = uint64(to - from);
        g.claims = keccak256(abi.encodePacked(claims));
        g.challengerToMove = !g.challengerToMove;
        g.moves += 1;
        emit Moved(id, !g.challengerToMove, g.phase, g.stepBlock, from, to - from, claims);
        return _bondFor(g.phase, to - from);
    }

    /// @dev Positions of segment `index` of `segments` equal parts of the game's range (the
    ///      caller has checked the bisection against the game's hash, so `segments` is its own).
    function _segment(Game storage g, uint256 segments, uint256 index) private view returns (uint256, uint256) {
        require(index < segments, "DisputeGame: no such segment");
        return (g.start + g.length * index / segments, g.start + g.length * (index + 1) / segments);
    }

    /// @dev The bond of a bisection of `length` positions of `phase`: a move that leaves the
    ///      opponent a single step (its shortest segment) forces a one-step proof.
    function _bondFor(uint8 phase, uint256 length) private view returns (uint256) {
        uint256 segments = length < degree ? length : degree;
        return phase == STEPS && length / segments == 1 ? stepBond : moveBond;
    }

    function _clockOf(Game storage g) private view returns (uint256) {
        return g.challengerToMove ? g.challengerClock : g.defenderClock;
    }

    function _parentOf(uint256 outputIndex) private view returns (bytes32, uint256) {
        if (outputIndex == 0) return (anchorRoot, anchorBlock);
        StateCommitmentChain.Output memory parent = scc.getOutput(outputIndex - 1);
        return (parent.root, parent.l2BlockNumber);
    }

    function _game(uint256 id) private view returns (Game storage) {
        require(id < _games.length, "DisputeGame: no such game");
        return _games[id];
    }

    // -- resolution -------------------------------------------------------------------------

    /// @dev Ends game `id`. A challenger that wins deletes the output it disputed (and every
    ///      output after it) if it is still the one proposed, taking the proposer's bond.
    function _resolve(uint256 id, Game storage g, bool challengerWins) private {
        g.status = challengerWins ? CHALLENGER_WON : DEFENDER_WON;
        uint256 payout = g.bonds;
        bool deleted;
        if (challengerWins && _stillProposed(g)) {
            uint256 before = address(this).balance;
            scc.deleteOutputs(g.outputIndex);
            payout += address(this).balance - before;
            deleted = true;
        }
        _removeOpen(g.outputIndex + 1);
        address winner = challengerWins ? g.challenger : proposer;
        credit[winner] += payout;
        emit GameResolved(id, g.status, winner, payout, deleted);
    }

    /// @dev The disputed output is still in the chain (not deleted, nor replaced by another
    ///      proposal at its index).
    function _stillProposed(Game storage g) private view returns (bool) {
        if (g.outputIndex >= scc.outputCount()) return false;
        StateCommitmentChain.Output memory output = scc.getOutput(g.outputIndex);
        return output.root == g.outputRoot && output.timestamp == g.outputTimestamp;
    }

    // -- the sorted list of disputed outputs ------------------------------------------------

    function _addOpen(uint64 key, uint64 hint) private {
        Node storage node = _open[key];
        if (node.games++ > 0) return;
        require(hint < key && (hint == 0 || _open[hint].games > 0), "DisputeGame: bad hint");
        uint64 prev = hint;
        uint64 next = _open[prev].next;
        while (next != 0 && next < key) {
            (prev, next) = (next, _open[next].next);
        }
        (node.prev, node.next) = (prev, next);
        _open[prev].next = key;
        _open[next].prev = key;
    }

    function _removeOpen(uint64 key) private {
        Node storage node = _open[key];
        if (--node.games > 0) return;
        _open[node.prev].next = node.next;
        _open[node.next].prev = node.prev;
        (node.prev, node.next) = (0, 0);
    }
}
