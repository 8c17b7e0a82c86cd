// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DepositGasMarket
/// @notice The L1 price of the L2 gas that deposits ask for: an EIP-1559-style market per L1
///         block, after the OP Stack's resource metering, paid by burning L1 gas.
///
///         Every deposit (and forced withdrawal) buys its L2 gas limit in the L1 block it is
///         made in. All deposits of one L1 block open one L2 block, so an L1 block sells at most
///         `MAX_GAS_PER_BLOCK` (20M) of L2 gas: with the L1-info deposit (1M) that leaves room
///         in a 30M L2 block for the sequencer's own transactions, and no flood of deposits can
///         push another deposit out of its L2 block. A purchase beyond the cap reverts.
///
///         The price (`baseFee`) is in millionths of L1 gas per L2 gas and moves once per L1
///         block, by the EIP-1559 rule with target `TARGET_GAS_PER_BLOCK` (the cap / 10): it
///         rises when the last L1 block with deposits bought more than the target (by up to
///         9/8, so ×2.125 after a full block), falls when it bought less (by at most 1/8), and
///         falls by 1/8 for every L1 block without deposits, within [MIN_BASE_FEE, MAX_BASE_FEE].
///         A purchase of `gas` burns ceil(gas × baseFee / 1e6) L1 gas on top of the call's own.
///
///         Priced in L1 gas rather than in wei (the OP Stack divides a wei price by
///         max(basefee, 1 gwei)), the charge needs no assumption about the L1 fee level, and a
///         flood pays in the L1 block space it competes for: filling the cap at a price above
///         about L1 block gas limit / cap cannot fit in one L1 block at all.
/// @dev    The state is one storage word; `purchases` numbers the purchases (the bridge's
///         deposit nonce), kept here so that a deposit writes one slot.
library DepositGasMarket {
    /// @notice The most L2 gas one L1 block's deposits may ask for.
    uint64 internal constant MAX_GAS_PER_BLOCK = 20_000_000;
    /// @notice EIP-1559 elasticity: the target is the cap divided by this.
    uint64 internal constant ELASTICITY = 10;
    /// @notice The L2 gas per L1 block at which the price holds still.
    uint64 internal constant TARGET_GAS_PER_BLOCK = MAX_GAS_PER_BLOCK / ELASTICITY;
    /// @notice The price moves by at most 1/8 of itself per L1 block below target.
    uint64 internal constant MAX_CHANGE_DENOMINATOR = 8;
    /// @notice Prices are in millionths of L1 gas per L2 gas.
    uint64 internal constant PRICE_UNIT = 1_000_000;
    /// @notice The floor: 1/32 L1 gas per L2 gas (3,125 L1 gas for a 100,000-gas deposit).
    uint64 internal constant MIN_BASE_FEE = PRICE_UNIT / 32;
    /// @notice The ceiling, 1,000 L1 gas per L2 gas: an arithmetic bound, out of reach in
    ///         practice (buying above the target at more than L1 gas limit / target L1 gas per
    ///         L2 gas does not fit in an L1 block, so the price cannot climb past that).
    uint64 internal constant MAX_BASE_FEE = 1_000 * PRICE_UNIT;
    /// @notice Bound on the empty L1 blocks applied one by one (the floor is reached long before).
    uint256 private constant MAX_DECAY_STEPS = 256;

    /// @notice The market's state in one word.
    /// @param baseFee     The price in `blockNumber`'s L1 block.
    /// @param gasBought   L2 gas bought so far in `blockNumber`'s L1 block.
    /// @param blockNumber The L1 block of the last purchase (or of the deployment).
    /// @param purchases   Purchases made so far (the next deposit nonce).
    struct State {
        uint64 baseFee;
        uint64 gasBought;
        uint64 blockNumber;
        uint64 purchases;
    }

    /// @notice The state a new market starts in: the floor price, nothing bought.
    function initial() internal view returns (State memory) {
        return State(MIN_BASE_FEE, 0, uint64(block.number), 0);
    }

    /// @notice Buys `gas` of L2 gas in this L1 block and burns its price in L1 gas.
    /// @return purchase The purchase's number (0, 1, 2, ...).
    function buy(State storage market, uint64 gas) internal returns (uint256 purchase) {
        State memory state = current(market);
        require(
            uint256(state.gasBought) + gas <= MAX_GAS_PER_BLOCK, "L1Bridge: deposit gas cap of this L1 block reached"
        );
        purchase = state.purchases;
        state.gasBought += gas;
        state.purchases += 1;
        market.baseFee = state.baseFee;
        market.gasBought = state.gasBought;
        market.blockNumber = state.blockNumber;
        market.purchases = state.purchases;
        _burn(charge(state.baseFee, gas));
    }

    /// @notice The market as it stands for a purchase in this L1 block: the price moved on
    ///         from the last block with purchases, and nothing bought yet if that was earlier.
    function current(State storage market) internal view returns (State memory state) {
        state = market;
        if (state.blockNumber == block.number) return state;
        uint256 fee = _afterBlock(state.baseFee, state.gasBought);
        uint256 emptyBlocks = block.number - state.blockNumber - 1;
        for (uint256 i; i < emptyBlocks && i < MAX_DECAY_STEPS && fee > MIN_BASE_FEE; ++i) {
            fee -= fee / MAX_CHANGE_DENOMINATOR;
        }
        state.baseFee = uint64(_clamp(fee));
        state.gasBought = 0;
        state.blockNumber = uint64(block.number);
    }

    /// @notice The L1 gas burned for `gas` of L2 gas at `baseFee` (rounded up).
    function charge(uint256 baseFee, uint256 gas) internal pure returns (uint256) {
        return (gas * baseFee + PRICE_UNIT - 1) / PRICE_UNIT;
    }

    /// @dev The price after an L1 block that bought `bought` at `fee` (EIP-1559).
    function _afterBlock(uint256 fee, uint256 bought) private pure returns (uint256) {
        uint256 scale = uint256(TARGET_GAS_PER_BLOCK) * MAX_CHANGE_DENOMINATOR;
        if (bought > TARGET_GAS_PER_BLOCK) {
            uint256 rise = fee * (bought - TARGET_GAS_PER_BLOCK) / scale;
            return _clamp(fee + (rise == 0 ? 1 : rise));
        }
        return _clamp(fee - fee * (TARGET_GAS_PER_BLOCK - bought) / scale);
    }

    function _clamp(uint256 fee) private pure returns (uint256) {
        return fee < MIN_BASE_FEE ? MIN_BASE_FEE : fee > MAX_BASE_FEE ? MAX_BASE_FEE : fee;
    }

    /// @dev Spends `amount` gas doing nothing. The caller's gas limit must cover it: short of
    ///      that, a revert with a reason rather than an out-of-gas with none.
    function _burn(uint256 amount) private view {
        uint256 left = gasleft();
        require(left > amount, "L1Bridge: gas limit too low for the deposit gas charge");
        uint256 stop = left - amount;
        while (gasleft() > stop) {}
    }
}
