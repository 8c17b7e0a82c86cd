"""
The keccak256 sponge, one block at a time
=========================================

KECCAK256 over more memory than one step may hash is split into sub-steps
that each absorb a bounded number of 136-byte blocks (``docs/fraud-proofs.md``,
"Operations split into sub-steps"). The state between two sub-steps is the
sponge's: 25 lanes of 64 bits, committed as ``keccak256(abi.encode(uint64[25]))``
(each lane a 32-byte big-endian word). The native ``keccak256`` cannot stop
half-way, so the permutation is written out here (FIPS 202, Keccak-f[1600])
as it is in Solidity (``contracts/src/fraud/KeccakSponge.sol``); the hash it
ends with is checked against ``ovm.primitives.crypto.keccak256`` by the tests.

Bytes enter the lanes little-endian: lane ``i`` takes bytes ``8i .. 8i+7`` of
a block, the first byte lowest. The padding is keccak's (not SHA-3's): a
0x01 byte after the message, zeros, and 0x80 in the last byte of the block
(one byte 0x81 when only one is left). The hash is the first 32 bytes of the
state after the last permutation.
"""

from __future__ import annotations

from ..primitives.crypto import keccak256

RATE = 136
LANES = 25
_MASK = (1 << 64) - 1

ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)

# rho offsets by lane index x + 5y.
ROTATIONS = (
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
)


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK if shift else value


def permute(lanes: list[int]) -> None:
    """Keccak-f[1600] on ``lanes`` (index x + 5y), in place."""
    a = lanes
    for rc in ROUND_CONSTANTS:
        # theta
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for i in range(25):
            a[i] ^= d[i % 5]
        # rho and pi: lane (x, y) moves to (y, 2x + 3y)
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[x + 5 * y], ROTATIONS[x + 5 * y])
        # chi
        for y in range(0, 25, 5):
            row = b[y:y + 5]
            for x in range(5):
                a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5] & _MASK)
        # iota
        a[0] ^= rc


def absorb_block(lanes: list[int], block: bytes) -> None:
    """XOR one 136-byte block into the rate and permute."""
    for i in range(RATE // 8):
        lanes[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
    permute(lanes)


def padded(data: bytes) -> bytes:
    """``data`` with keccak's padding: a whole number of blocks, at least one more byte."""
    pad = RATE - len(data) % RATE
    if pad == 1:
        return data + b"\x81"
    return data + b"\x01" + bytes(pad - 2) + b"\x80"


def block_count(size: int) -> int:
    """Blocks a message of ``size`` bytes takes once padded."""
    return size // RATE + 1


def digest(lanes: list[int]) -> bytes:
    """The hash: the first 32 bytes of the state."""
    return b"".join(lane.to_bytes(8, "little") for lane in lanes[:4])


def state_commitment(lanes: list[int]) -> bytes:
    """``keccak256(abi.encode(uint64[25] lanes))``."""
    return keccak256(b"".join(lane.to_bytes(32, "big") for lane in lanes))


def fresh() -> list[int]:
    return [0] * LANES
