// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// keccak256 one 136-byte block at a time, so that hashing more memory than one step may hash
/// can stop between steps (docs/fraud-proofs.md, "KECCAK256 in parts"). The state is 25 lanes
/// of 64 bits (index x + 5y), committed as keccak256(abi.encode(uint64[25])); bytes enter the
/// lanes little-endian; the padding is keccak's (0x01 … 0x80). Keccak-f[1600] is written out
/// from FIPS 202 (theta, rho and pi, chi, iota); ovm/fraud/sponge.py is the same in Python.
library KeccakSponge {
    uint256 internal constant RATE = 136;

    function commitment(uint256[25] memory lanes) internal pure returns (bytes32) {
        return keccak256(abi.encode(lanes));
    }

    /// XORs whole blocks of `data` into the rate, permuting after each.
    function absorb(uint256[25] memory lanes, bytes memory data) internal pure {
        require(data.length % RATE == 0, "KeccakSponge: not whole blocks");
        for (uint256 offset = 0; offset < data.length; offset += RATE) {
            for (uint256 i = 0; i < 17; i++) {
                uint256 word;
                assembly ("memory-safe") {
                    word := shr(192, mload(add(add(add(data, 32), offset), shl(3, i))))
                }
                lanes[i] ^= reverse64(word);
            }
            permute(lanes);
        }
    }

    /// `data` with keccak's padding.
    function padded(bytes memory data) internal pure returns (bytes memory out) {
        uint256 pad = RATE - data.length % RATE;
        out = new bytes(data.length + pad);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(data, 32), mload(data))
        }
        out[data.length] = bytes1(uint8(0x01));
        out[out.length - 1] = bytes1(uint8(out[out.length - 1]) | 0x80);
    }

    /// The hash: the first 32 bytes of the state.
    function digest(uint256[25] memory lanes) internal pure returns (bytes32) {
        return bytes32(
            (reverse64(lanes[0]) << 192) | (reverse64(lanes[1]) << 128) | (reverse64(lanes[2]) << 64)
                | reverse64(lanes[3])
        );
    }

    function reverse64(uint256 v) internal pure returns (uint256) {
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        return ((v & 0xFFFFFFFF00000000) >> 32) | ((v & 0x00000000FFFFFFFF) << 32);
    }

    /// Keccak-f[1600] on `lanes`, in place.
    function permute(uint256[25] memory lanes) internal pure {
        uint256[25] memory moved; // the lanes after rho and pi
        uint256[5] memory parities; // theta's column parities
        assembly ("memory-safe") {
            function roundConstant(i) -> c {
                let group
                switch shr(2, i)
                case 0 { group := 0x00000000000000010000000000008082800000000000808a8000000080008000 }
                case 1 { group := 0x000000000000808b000000008000000180000000800080818000000000008009 }
                case 2 { group := 0x000000000000008a00000000000000880000000080008009000000008000000a }
                case 3 { group := 0x000000008000808b800000000000008b80000000000080898000000000008003 }
                case 4 { group := 0x80000000000080028000000000000080000000000000800a800000008000000a }
                default { group := 0x8000000080008081800000000000808000000000800000018000000080008008 }
                c := and(shr(shl(6, sub(3, and(i, 3))), group), 0xffffffffffffffff)
            }
            let a := lanes
            let b := moved
            let t := parities
            for { let round := 0 } lt(round, 24) { round := add(round, 1) } {
                mstore(t, xor(xor(xor(xor(mload(a), mload(add(a, 160))), mload(add(a, 320))), mload(add(a, 480))), mload(add(a, 640))))
                mstore(add(t, 32), xor(xor(xor(xor(mload(add(a, 32)), mload(add(a, 192))), mload(add(a, 352))), mload(add(a, 512))), mload(add(a, 672))))
                mstore(add(t, 64), xor(xor(xor(xor(mload(add(a, 64)), mload(add(a, 224))), mload(add(a, 384))), mload(add(a, 544))), mload(add(a, 704))))
                mstore(add(t, 96), xor(xor(xor(xor(mload(add(a, 96)), mload(add(a, 256))), mload(add(a, 416))), mload(add(a, 576))), mload(add(a, 736))))
                mstore(add(t, 128), xor(xor(xor(xor(mload(add(a, 128)), mload(add(a, 288))), mload(add(a, 448))), mload(add(a, 608))), mload(add(a, 768))))
                {
                    let d := xor(mload(add(t, 128)), and(or(shl(1, mload(add(t, 32))), shr(63, mload(add(t, 32)))), 0xffffffffffffffff))
                    mstore(a, xor(mload(a), d))
                    mstore(add(a, 160), xor(mload(add(a, 160)), d))
                    mstore(add(a, 320), xor(mload(add(a, 320)), d))
                    mstore(add(a, 480), xor(mload(add(a, 480)), d))
                    mstore(add(a, 640), xor(mload(add(a, 640)), d))
                }
                {
                    let d := xor(mload(t), and(or(shl(1, mload(add(t, 64))), shr(63, mload(add(t, 64)))), 0xffffffffffffffff))
                    mstore(add(a, 32), xor(mload(add(a, 32)), d))
                    mstore(add(a, 192), xor(mload(add(a, 192)), d))
                    mstore(add(a, 352), xor(mload(add(a, 352)), d))
                    mstore(add(a, 512), xor(mload(add(a, 512)), d))
                    mstore(add(a, 672), xor(mload(add(a, 672)), d))
                }
                {
                    let d := xor(mload(add(t, 32)), and(or(shl(1, mload(add(t, 96))), shr(63, mload(add(t, 96)))), 0xffffffffffffffff))
                    mstore(add(a, 64), xor(mload(add(a, 64)), d))
                    mstore(add(a, 224), xor(mload(add(a, 224)), d))
                    mstore(add(a, 384), xor(mload(add(a, 384)), d))
                    mstore(add(a, 544), xor(mload(add(a, 544)), d))
                    mstore(add(a, 704), xor(mload(add(a, 704)), d))
                }
                {
                    let d := xor(mload(add(t, 64)), and(or(shl(1, mload(add(t, 128))), shr(63, mload(add(t, 128)))), 0xffffffffffffffff))
                    mstore(add(a, 96), xor(mload(add(a, 96)), d))
                    mstore(add(a, 256), xor(mload(add(a, 256)), d))
                    mstore(add(a, 416), xor(mload(add(a, 416)), d))
                    mstore(add(a, 576), xor(mload(add(a, 576)), d))
                    mstore(add(a, 736), xor(mload(add(a, 736)), d))
                }
                {
                    let d := xor(mload(add(t, 96)), and(or(shl(1, mload(t)), shr(63, mload(t))), 0xffffffffffffffff))
                    mstore(add(a, 128), xor(mload(add(a, 128)), d))
                    mstore(add(a, 288), xor(mload(add(a, 288)), d))
                    mstore(add(a, 448), xor(mload(add(a, 448)), d))
                    mstore(add(a, 608), xor(mload(add(a, 608)), d))
                    mstore(add(a, 768), xor(mload(add(a, 768)), d))
                }
                mstore(b, mload(a))
                mstore(add(b, 512), and(or(shl(36, mload(add(a, 160))), shr(28, mload(add(a, 160)))), 0xffffffffffffffff))
                mstore(add(b, 224), and(or(shl(3, mload(add(a, 320))), shr(61, mload(add(a, 320)))), 0xffffffffffffffff))
                mstore(add(b, 736), and(or(shl(41, mload(add(a, 480))), shr(23, mload(add(a, 480)))), 0xffffffffffffffff))
                mstore(add(b, 448), and(or(shl(18, mload(add(a, 640))), shr(46, mload(add(a, 640)))), 0xffffffffffffffff))
                mstore(add(b, 320), and(or(shl(1, mload(add(a, 32))), shr(63, mload(add(a, 32)))), 0xffffffffffffffff))
                mstore(add(b, 32), and(or(shl(44, mload(add(a, 192))), shr(20, mload(add(a, 192)))), 0xffffffffffffffff))
                mstore(add(b, 544), and(or(shl(10, mload(add(a, 352))), shr(54, mload(add(a, 352)))), 0xffffffffffffffff))
                mstore(add(b, 256), and(or(shl(45, mload(add(a, 512))), shr(19, mload(add(a, 512)))), 0xffffffffffffffff))
                mstore(add(b, 768), and(or(shl(2, mload(add(a, 672))), shr(62, mload(add(a, 672)))), 0xffffffffffffffff))
                mstore(add(b, 640), and(or(shl(62, mload(add(a, 64))), shr(2, mload(add(a, 64)))), 0xffffffffffffffff))
                mstore(add(b, 352), and(or(shl(6, mload(add(a, 224))), shr(58, mload(add(a, 224)))), 0xffffffffffffffff))
                mstore(add(b, 64), and(or(shl(43, mload(add(a, 384))), shr(21, mload(add(a, 384)))), 0xffffffffffffffff))
                mstore(add(b, 576), and(or(shl(15, mload(add(a, 544))), shr(49, mload(add(a, 544)))), 0xffffffffffffffff))
                mstore(add(b, 288), and(or(shl(61, mload(add(a, 704))), shr(3, mload(add(a, 704)))), 0xffffffffffffffff))
                mstore(add(b, 160), and(or(shl(28, mload(add(a, 96))), shr(36, mload(add(a, 96)))), 0xffffffffffffffff))
                mstore(add(b, 672), and(or(shl(55, mload(add(a, 256))), shr(9, mload(add(a, 256)))), 0xffffffffffffffff))
                mstore(add(b, 384), and(or(shl(25, mload(add(a, 416))), shr(39, mload(add(a, 416)))), 0xffffffffffffffff))
                mstore(add(b, 96), and(or(shl(21, mload(add(a, 576))), shr(43, mload(add(a, 576)))), 0xffffffffffffffff))
                mstore(add(b, 608), and(or(shl(56, mload(add(a, 736))), shr(8, mload(add(a, 736)))), 0xffffffffffffffff))
                mstore(add(b, 480), and(or(shl(27, mload(add(a, 128))), shr(37, mload(add(a, 128)))), 0xffffffffffffffff))
                mstore(add(b, 192), and(or(shl(20, mload(add(a, 288))), shr(44, mload(add(a, 288)))), 0xffffffffffffffff))
                mstore(add(b, 704), and(or(shl(39, mload(add(a, 448))), shr(25, mload(add(a, 448)))), 0xffffffffffffffff))
                mstore(add(b, 416), and(or(shl(8, mload(add(a, 608))), shr(56, mload(add(a, 608)))), 0xffffffffffffffff))
                mstore(add(b, 128), and(or(shl(14, mload(add(a, 768))), shr(50, mload(add(a, 768)))), 0xffffffffffffffff))
                mstore(a, xor(mload(b), and(not(mload(add(b, 32))), mload(add(b, 64)))))
                mstore(add(a, 32), xor(mload(add(b, 32)), and(not(mload(add(b, 64))), mload(add(b, 96)))))
                mstore(add(a, 64), xor(mload(add(b, 64)), and(not(mload(add(b, 96))), mload(add(b, 128)))))
                mstore(add(a, 96), xor(mload(add(b, 96)), and(not(mload(add(b, 128))), mload(b))))
                mstore(add(a, 128), xor(mload(add(b, 128)), and(not(mload(b)), mload(add(b, 32)))))
                mstore(add(a, 160), xor(mload(add(b, 160)), and(not(mload(add(b, 192))), mload(add(b, 224)))))
                mstore(add(a, 192), xor(mload(add(b, 192)), and(not(mload(add(b, 224))), mload(add(b, 256)))))
                mstore(add(a, 224), xor(mload(add(b, 224)), and(not(mload(add(b, 256))), mload(add(b, 288)))))
                mstore(add(a, 256), xor(mload(add(b, 256)), and(not(mload(add(b, 288))), mload(add(b, 160)))))
                mstore(add(a, 288), xor(mload(add(b, 288)), and(not(mload(add(b, 160))), mload(add(b, 192)))))
                mstore(add(a, 320), xor(mload(add(b, 320)), and(not(mload(add(b, 352))), mload(add(b, 384)))))
                mstore(add(a, 352), xor(mload(add(b, 352)), and(not(mload(add(b, 384))), mload(add(b, 416)))))
                mstore(add(a, 384), xor(mload(add(b, 384)), and(not(mload(add(b, 416))), mload(add(b, 448)))))
                mstore(add(a, 416), xor(mload(add(b, 416)), and(not(mload(add(b, 448))), mload(add(b, 320)))))
                mstore(add(a, 448), xor(mload(add(b, 448)), and(not(mload(add(b, 320))), mload(add(b, 352)))))
                mstore(add(a, 480), xor(mload(add(b, 480)), and(not(mload(add(b, 512))), mload(add(b, 544)))))
                mstore(add(a, 512), xor(mload(add(b, 512)), and(not(mload(add(b, 544))), mload(add(b, 576)))))
                mstore(add(a, 544), xor(mload(add(b, 544)), and(not(mload(add(b, 576))), mload(add(b, 608)))))
                mstore(add(a, 576), xor(mload(add(b, 576)), and(not(mload(add(b, 608))), mload(add(b, 480)))))
                mstore(add(a, 608), xor(mload(add(b, 608)), and(not(mload(add(b, 480))), mload(add(b, 512)))))
                mstore(add(a, 640), xor(mload(add(b, 640)), and(not(mload(add(b, 672))), mload(add(b, 704)))))
                mstore(add(a, 672), xor(mload(add(b, 672)), and(not(mload(add(b, 704))), mload(add(b, 736)))))
                mstore(add(a, 704), xor(mload(add(b, 704)), and(not(mload(add(b, 736))), mload(add(b, 768)))))
                mstore(add(a, 736), xor(mload(add(b, 736)), and(not(mload(add(b, 768))), mload(add(b, 640)))))
                mstore(add(a, 768), xor(mload(add(b, 768)), and(not(mload(add(b, 640))), mload(add(b, 672)))))
                mstore(a, xor(mload(a), roundConstant(round)))
            }
        }
    }
}
