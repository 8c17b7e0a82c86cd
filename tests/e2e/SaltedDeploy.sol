// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// A forge script that deploys with `new C{salt: …}`: forge sends that creation
// through the deterministic deployment proxy at 0x4e59…956C.

interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

contract Counter {
    uint256 public count;

    constructor(uint256 start) {
        count = start;
    }
}

contract SaltedDeploy {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 constant SALT = bytes32(uint256(0x0e11));

    function run() external returns (Counter counter) {
        vm.startBroadcast();
        counter = new Counter{salt: SALT}(7);
        vm.stopBroadcast();
    }
}
