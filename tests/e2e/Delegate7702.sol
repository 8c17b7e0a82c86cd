// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// What an EOA delegates to in the EIP-7702 end-to-end tests. Its code runs in
/// the EOA's own account: the EOA's storage, balance and address.
contract Delegate7702 {
    uint256 public counter;

    event Bumped(address indexed self, address indexed caller, uint256 counter);

    function bump(uint256 by) external returns (uint256) {
        counter += by;
        emit Bumped(address(this), msg.sender, counter);
        return counter;
    }

    /// Only the account itself (a transaction it signs) may move its ether.
    function pay(address payable to, uint256 amount) external {
        require(msg.sender == address(this), "Delegate7702: only the account itself");
        to.transfer(amount);
    }

    function self() external view returns (address) {
        return address(this);
    }
}
