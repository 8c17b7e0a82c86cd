"""
BLS12-381 curve operations (0x0b–0x11)
======================================

EIP-2537 as activated in Prague: G1 and G2 addition, multi-scalar
multiplication (MSM) in G1 and G2, the pairing check, and the maps of a field
element to G1 and of an Fp2 element to G2. The curve arithmetic is
py-arkworks-bls12381's (arkworks, in Rust; ``bench/RESULTS.md`` says why that
library); this module checks encodings, converts them and prices the calls.

Encoding: a field element of Fp is 64 bytes, big-endian, whose top 16 bytes
must be zero and whose value must be below p. An Fp2 element ``c0 + c1·v`` is
``c0 ‖ c1``. A G1 point is ``x ‖ y`` (128 bytes), a G2 point ``x ‖ y`` with
Fp2 coordinates (256 bytes); all zeros encodes the point at infinity. A scalar
is 32 bytes, big-endian, of any value.

Checks: every point must be on its curve or be the point at infinity. The MSM
and pairing inputs must also lie in the subgroup of order q; the addition
inputs need not (the EIP leaves them unchecked, and they are added as curve
points). Every failure, a wrong input length included, raises
``PrecompileError``, so the call consumes all the gas it was given.

Gas: 375 (G1ADD), 600 (G2ADD), 5500 and 23800 for the maps, 32600·k + 37700
for a pairing check of k pairs, and for an MSM of k pairs
``k · multiplication cost · discount(k) / 1000``, the discount read from a
table of 128 entries and capped at its last one (``MsmPrice``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from . import FlatPrice, PrecompileError

P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB
Q = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001

FP_SIZE = 64  # an encoded field element
FP_PADDING = 16  # its top bytes, always zero
G1_SIZE = 2 * FP_SIZE
G2_SIZE = 4 * FP_SIZE
SCALAR_SIZE = 32
G1_MSM_PAIR_SIZE = G1_SIZE + SCALAR_SIZE
G2_MSM_PAIR_SIZE = G2_SIZE + SCALAR_SIZE
PAIRING_PAIR_SIZE = G1_SIZE + G2_SIZE

G1_ADD_GAS = 375
G2_ADD_GAS = 600
G1_MUL_GAS = 12000
G2_MUL_GAS = 22500
MAP_FP_TO_G1_GAS = 5500
MAP_FP2_TO_G2_GAS = 23800
PAIRING_BASE_GAS = 37700
PAIRING_PER_PAIR_GAS = 32600

# Per mille of k multiplications, for an MSM of k = 1, 2, … 128 pairs; the last
# entry also prices every larger k.
G1_MSM_DISCOUNTS = (
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677,
    673, 669, 665, 661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627,
    625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601, 599, 598,
    596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576,
    575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
    558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544,
    543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531,
    530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
)  # fmt: skip
G2_MSM_DISCOUNTS = (
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717,
    711, 704, 699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646,
    643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607,
    606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582,
    580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
    561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547,
    546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535,
    534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
)  # fmt: skip
DISCOUNT_MULTIPLIER = 1000


# --- Prices --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MsmPrice:
    """k · multiplication_gas · discount(k) / 1000 for k = len(data) // pair_size
    pairs; an input too short for one pair costs nothing (it fails anyway)."""

    pair_size: int
    multiplication_gas: int
    discounts: tuple[int, ...]

    def __call__(self, data: bytes) -> int:
        k = len(data) // self.pair_size
        if k == 0:
            return 0
        discount = self.discounts[min(k, len(self.discounts)) - 1]
        return k * self.multiplication_gas * discount // DISCOUNT_MULTIPLIER


@dataclass(frozen=True, slots=True)
class PairingPrice:
    """base_gas + per_pair_gas for every whole pair of the input."""

    base_gas: int
    per_pair_gas: int

    def __call__(self, data: bytes) -> int:
        return self.base_gas + self.per_pair_gas * (len(data) // PAIRING_PAIR_SIZE)


g1_add_gas = FlatPrice(G1_ADD_GAS)
g2_add_gas = FlatPrice(G2_ADD_GAS)
g1_msm_gas = MsmPrice(G1_MSM_PAIR_SIZE, G1_MUL_GAS, G1_MSM_DISCOUNTS)
g2_msm_gas = MsmPrice(G2_MSM_PAIR_SIZE, G2_MUL_GAS, G2_MSM_DISCOUNTS)
pairing_check_gas = PairingPrice(PAIRING_BASE_GAS, PAIRING_PER_PAIR_GAS)
map_fp_to_g1_gas = FlatPrice(MAP_FP_TO_G1_GAS)
map_fp2_to_g2_gas = FlatPrice(MAP_FP2_TO_G2_GAS)


# --- Encoding ------------------------------------------------------------------


def decode_fp(data: bytes, offset: int) -> bytes:
    """The field element at ``offset`` as the library takes it: 48 bytes."""
    if any(data[offset : offset + FP_PADDING]):
        raise PrecompileError("BLS12-381 field element: top 16 bytes are not zero")
    element = data[offset + FP_PADDING : offset + FP_SIZE]
    if int.from_bytes(element, "big") >= P:
        raise PrecompileError("BLS12-381 field element not below the modulus")
    return element


def _coordinates(data: bytes, offset: int, count: int) -> bytes:
    return b"".join(decode_fp(data, offset + FP_SIZE * i) for i in range(count))


def decode_g1(data: bytes, offset: int, subgroup_check: bool) -> G1Point:
    """The G1 point at ``offset``; all zeros is the point at infinity."""
    try:
        point = G1Point.from_xy_bytes_unchecked_be(_coordinates(data, offset, 2))
    except ValueError:
        raise PrecompileError("BLS12-381 G1 point not on the curve") from None
    if subgroup_check and not point.is_in_subgroup():
        raise PrecompileError("BLS12-381 G1 point not in the subgroup of order q")
    return point


def decode_g2(data: bytes, offset: int, subgroup_check: bool) -> G2Point:
    """The G2 point at ``offset``; all zeros is the point at infinity."""
    try:
        point = G2Point.from_xy_bytes_unchecked_be(_coordinates(data, offset, 4))
    except ValueError:
        raise PrecompileError("BLS12-381 G2 point not on the curve") from None
    if subgroup_check and not point.is_in_subgroup():
        raise PrecompileError("BLS12-381 G2 point not in the subgroup of order q")
    return point


def _pad_coordinates(xy: bytes) -> bytes:
    """48-byte coordinates to the EIP's 64 bytes each."""
    padding = bytes(FP_PADDING)
    return b"".join(padding + xy[i : i + 48] for i in range(0, len(xy), 48))


def encode_g1(point: G1Point) -> bytes:
    return _pad_coordinates(point.to_xy_bytes_be())


def encode_g2(point: G2Point) -> bytes:
    return _pad_coordinates(point.to_xy_bytes_be())


def decode_scalar(data: bytes, offset: int) -> Scalar:
    """A 256-bit scalar, reduced mod q: the points it multiplies are in the
    subgroup of order q, so the product is the same."""
    return Scalar.from_be_bytes_mod_order(data[offset : offset + SCALAR_SIZE])


def _check_length(data: bytes, name: str, size: int) -> None:
    if len(data) != size:
        raise PrecompileError(f"{name}: input is {len(data)} bytes, expected {size}")


def _count_pairs(data: bytes, name: str, pair_size: int) -> int:
    if not data or len(data) % pair_size:
        raise PrecompileError(
            f"{name}: input is {len(data)} bytes, expected a positive multiple of {pair_size}"
        )
    return len(data) // pair_size


# --- Precompiles -----------------------------------------------------------------


def g1_add(data: bytes) -> bytes:
    _check_length(data, "G1ADD", 2 * G1_SIZE)
    return encode_g1(decode_g1(data, 0, False) + decode_g1(data, G1_SIZE, False))


def g2_add(data: bytes) -> bytes:
    _check_length(data, "G2ADD", 2 * G2_SIZE)
    return encode_g2(decode_g2(data, 0, False) + decode_g2(data, G2_SIZE, False))


def _msm(
    data: bytes, name: str, pair_size: int, decode: Callable, multiexp: Callable
) -> object:
    """Decode every (point, scalar) pair, then one multi-scalar multiplication."""
    k = _count_pairs(data, name, pair_size)
    points, scalars = [], []
    for offset in range(0, k * pair_size, pair_size):
        points.append(decode(data, offset, True))
        scalars.append(decode_scalar(data, offset + pair_size - SCALAR_SIZE))
    return multiexp(points, scalars)


def g1_msm(data: bytes) -> bytes:
    point = _msm(data, "G1MSM", G1_MSM_PAIR_SIZE, decode_g1, G1Point.multiexp_unchecked)
    return encode_g1(point)


def g2_msm(data: bytes) -> bytes:
    point = _msm(data, "G2MSM", G2_MSM_PAIR_SIZE, decode_g2, G2Point.multiexp_unchecked)
    return encode_g2(point)


def pairing_check(data: bytes) -> bytes:
    """32 bytes: 1 if ∏ e(Pᵢ, Qᵢ) = 1, else 0. A pair with a point at infinity
    contributes 1."""
    k = _count_pairs(data, "PAIRING_CHECK", PAIRING_PAIR_SIZE)
    g1s, g2s = [], []
    for offset in range(0, k * PAIRING_PAIR_SIZE, PAIRING_PAIR_SIZE):
        g1s.append(decode_g1(data, offset, True))
        g2s.append(decode_g2(data, offset + G1_SIZE, True))
    return (1 if GT.pairing_check(g1s, g2s) else 0).to_bytes(32, "big")


def map_fp_to_g1(data: bytes) -> bytes:
    """The simplified SWU map of RFC 9380 to G1, then cofactor clearing; not
    the hashing of a message to the field (callers do that)."""
    _check_length(data, "MAP_FP_TO_G1", FP_SIZE)
    element = decode_fp(data, 0)
    try:
        return encode_g1(G1Point.map_from_fp_be(element))
    except ValueError as exc:  # not for an element below p; never a crash
        raise PrecompileError(f"MAP_FP_TO_G1: {exc}") from None


def map_fp2_to_g2(data: bytes) -> bytes:
    """The simplified SWU map of RFC 9380 to G2, then cofactor clearing."""
    _check_length(data, "MAP_FP2_TO_G2", 2 * FP_SIZE)
    element = _coordinates(data, 0, 2)
    try:
        return encode_g2(G2Point.map_from_fp2_be(element))
    except ValueError as exc:  # not for elements below p; never a crash
        raise PrecompileError(f"MAP_FP2_TO_G2: {exc}") from None
