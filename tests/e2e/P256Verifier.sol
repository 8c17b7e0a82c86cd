// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// A passkey-style check of P-256 (secp256r1) signatures through the
/// P256VERIFY precompile at 0x100 (RIP-7212 on OP chains since Fjord,
/// EIP-7951 on Ethereum from Osaka). Where the precompile is missing, the call
/// goes to an empty account: it succeeds with no output, and that is false.
contract P256Verifier {
    address private constant P256VERIFY = address(0x100);

    bytes32 public immutable x;
    bytes32 public immutable y;
    uint256 public approvals;

    event Approved(bytes32 indexed hash, uint256 approvals);

    constructor(bytes32 publicX, bytes32 publicY) {
        x = publicX;
        y = publicY;
    }

    function verify(bytes32 hash, bytes32 r, bytes32 s, bytes32 qx, bytes32 qy) public view returns (bool) {
        (bool ok, bytes memory out) = P256VERIFY.staticcall(abi.encodePacked(hash, r, s, qx, qy));
        return ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }

    /// The stored key's signature of sha256(message), or a revert.
    function approve(bytes calldata message, bytes32 r, bytes32 s) external returns (uint256) {
        bytes32 hash = sha256(message);
        require(verify(hash, r, s, x, y), "P256Verifier: bad signature");
        approvals += 1;
        emit Approved(hash, approvals);
        return approvals;
    }
}
