// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// What an explorer must show: a contract creating another with CREATE2 and
// funding it, internal value transfers (kept and undone), a self-destruct
// and reverts (test_ots_indexer.py).

contract Child {
    constructor() payable {}

    function destroy(address payable beneficiary) external {
        selfdestruct(beneficiary);
    }
}

contract Factory {
    event Made(address child);

    function make(bytes32 salt) external payable returns (Child child) {
        child = new Child{salt: salt, value: msg.value}();
        emit Made(address(child));
    }

    function pay(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "pay failed");
    }

    function payAndRevert(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(!ok, "undone");
    }

    function fail() external pure {
        revert("nope");
    }
}
