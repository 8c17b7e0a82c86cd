#!/usr/bin/env python3
"""
BLS12-381 libraries for the EIP-2537 precompiles
================================================

Times the candidate libraries on the operations the precompiles need, and says
for each what of the EIP it offers:

- G1 and G2 addition of two points, one scalar multiplication (a 255-bit
  scalar), and a multi-scalar multiplication of 128 pairs (Pippenger where the
  library has one, else 128 multiplications and additions);
- a pairing check of 2 pairs (one Miller loop each, one final exponentiation);
- the map of one field element to G1 and of one Fp2 element to G2 (the SWU
  map and cofactor clearing, without the hashing of hash-to-curve).

Each cell is the median of several timed calls on objects already decoded
(decoding and encoding are timed apart, as ``decode+encode``). A library that
lacks an operation shows what it lacks.

A second table times ovm's own precompiles (``ovm.evm.precompiles``) from
input bytes to output bytes, beside the gas each call costs, when ``ovm`` can
be imported. Two candidates are not project dependencies, so run this in a
scratch environment that has the project's requirements and them, from the
repository's root:

    python3 -m venv /tmp/blsbench
    /tmp/blsbench/bin/pip install -r requirements.txt blspy==2.0.3 pyblst==0.3.15
    PYTHONPATH=. /tmp/blsbench/bin/python bench/bls12_381_libraries.py
"""

from __future__ import annotations

import functools
import importlib
import random
import statistics
import sys
import time
from typing import Callable

MSM_SIZE = 128
RNG = random.Random(2537)
Q = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
P = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16
)


def median_seconds(call: Callable[[], object], budget: float = 1.5, most: int = 200) -> float:
    """The median of timed calls, as many as fit in ``budget`` seconds (at least 3)."""
    times: list[float] = []
    spent = 0.0
    while len(times) < 3 or (spent < budget and len(times) < most):
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        spent += elapsed
    return statistics.median(times)


def scalars(count: int) -> list[int]:
    return [RNG.randrange(1, Q) for _ in range(count)]


def arkworks() -> dict[str, Callable[[], object] | str]:
    from py_arkworks_bls12381 import G1Point, G2Point, GT, Scalar

    ks = [Scalar(k) for k in scalars(MSM_SIZE)]
    g1s = [G1Point() * k for k in ks]
    g2s = [G2Point() * k for k in ks]
    encoded = g1s[0].to_xy_bytes_be()
    fp = RNG.randrange(P).to_bytes(48, "big")
    fp2 = RNG.randrange(P).to_bytes(48, "big") + RNG.randrange(P).to_bytes(48, "big")
    return {
        "G1 add": lambda: g1s[0] + g1s[1],
        "G1 mul": lambda: g1s[0] * ks[1],
        f"G1 MSM {MSM_SIZE}": lambda: G1Point.multiexp_unchecked(g1s, ks),
        "G2 add": lambda: g2s[0] + g2s[1],
        "G2 mul": lambda: g2s[0] * ks[1],
        f"G2 MSM {MSM_SIZE}": lambda: G2Point.multiexp_unchecked(g2s, ks),
        "pairing check, 2 pairs": lambda: GT.pairing_check([g1s[0], -g1s[1]], [g2s[1], g2s[0]]),
        "map Fp to G1": lambda: G1Point.map_from_fp_be(fp),
        "map Fp2 to G2": lambda: G2Point.map_from_fp2_be(fp2),
        "G1 decode+encode (subgroup checked)": lambda: G1Point.from_xy_bytes_be(encoded).to_xy_bytes_be(),
    }


def py_ecc() -> dict[str, Callable[[], object] | str]:
    from py_ecc.bls.hash_to_curve import (
        clear_cofactor_G1,
        clear_cofactor_G2,
        map_to_curve_G1,
        map_to_curve_G2,
    )
    from py_ecc.fields import optimized_bls12_381_FQ as FQ
    from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
    from py_ecc.optimized_bls12_381 import (
        FQ12,
        G1,
        G2,
        add,
        final_exponentiate,
        multiply,
        neg,
        normalize,
    )
    from py_ecc.optimized_bls12_381.optimized_pairing import miller_loop

    ks = scalars(MSM_SIZE)
    g1s = [multiply(G1, k) for k in ks[:4]]
    g2s = [multiply(G2, k) for k in ks[:4]]

    def msm(points: list, count: int) -> object:
        total = None
        for index in range(count):
            product = multiply(points[index % len(points)], ks[index])
            total = product if total is None else add(total, product)
        return total

    def pairing_check() -> bool:
        product = miller_loop(g2s[1], g1s[0], False) * miller_loop(g2s[0], neg(g1s[1]), False)
        return final_exponentiate(product) == FQ12.one()

    fp = FQ(RNG.randrange(P))
    fp2 = FQ2((RNG.randrange(P), RNG.randrange(P)))
    return {
        "G1 add": lambda: normalize(add(g1s[0], g1s[1])),
        "G1 mul": lambda: normalize(multiply(g1s[0], ks[1])),
        f"G1 MSM {MSM_SIZE}": lambda: msm(g1s, MSM_SIZE),
        "G2 add": lambda: normalize(add(g2s[0], g2s[1])),
        "G2 mul": lambda: normalize(multiply(g2s[0], ks[1])),
        f"G2 MSM {MSM_SIZE}": lambda: msm(g2s, MSM_SIZE),
        "pairing check, 2 pairs": pairing_check,
        "map Fp to G1": lambda: normalize(clear_cofactor_G1(map_to_curve_G1(fp))),
        "map Fp2 to G2": lambda: normalize(clear_cofactor_G2(map_to_curve_G2(fp2))),
        "G1 decode+encode (subgroup checked)": lambda: normalize(multiply(g1s[0], Q)),
    }


def blspy() -> dict[str, Callable[[], object] | str]:
    from blspy import G1Element, G2Element, GTElement, PrivateKey

    keys = [PrivateKey.from_bytes((k % Q).to_bytes(32, "big")) for k in scalars(4)]
    g1s = [key.get_g1() for key in keys]
    g2s = [G2Element.generator() for _ in keys]
    compressed = bytes(g1s[0])
    none = "not offered: scalar multiplication only of the generator (a private key)"
    return {
        "G1 add": lambda: g1s[0] + g1s[1],
        "G1 mul": none,
        f"G1 MSM {MSM_SIZE}": none,
        "G2 add": lambda: g2s[0] + g2s[1],
        "G2 mul": none,
        f"G2 MSM {MSM_SIZE}": none,
        "pairing check, 2 pairs": lambda: (g1s[0].pair(g2s[0]) * g1s[1].pair(g2s[1]))
        == GTElement.unity(),
        "map Fp to G1": "not offered: only the full hash-to-curve of a message",
        "map Fp2 to G2": "not offered: only the full hash-to-curve of a message",
        "G1 decode+encode (subgroup checked)": lambda: bytes(G1Element.from_bytes(compressed)),
    }


def pyblst() -> dict[str, Callable[[], object] | str]:
    from pyblst import BlstP1Element, BlstP2Element, final_verify, miller_loop

    ks = scalars(MSM_SIZE)
    base1 = BlstP1Element().hash_to_group(b"g1", b"bench")
    base2 = BlstP2Element().hash_to_group(b"g2", b"bench")
    g1s = [base1.scalar_mul(k) for k in ks[:4]]
    g2s = [base2.scalar_mul(k) for k in ks[:4]]
    compressed = g1s[0].compress()

    def msm(points: list) -> object:
        total = points[0].scalar_mul(ks[0])
        for index in range(1, MSM_SIZE):
            total = total + points[index % len(points)].scalar_mul(ks[index])
        return total

    return {
        "G1 add": lambda: g1s[0] + g1s[1],
        "G1 mul": lambda: g1s[0].scalar_mul(ks[1]),
        f"G1 MSM {MSM_SIZE}": lambda: msm(g1s),
        "G2 add": lambda: g2s[0] + g2s[1],
        "G2 mul": lambda: g2s[0].scalar_mul(ks[1]),
        f"G2 MSM {MSM_SIZE}": lambda: msm(g2s),
        "pairing check, 2 pairs": lambda: final_verify(
            miller_loop(g1s[0], g2s[1]), miller_loop(g1s[1], g2s[0])
        ),
        "map Fp to G1": "not offered: only the full hash-to-curve of a message",
        "map Fp2 to G2": "not offered: only the full hash-to-curve of a message",
        "G1 decode+encode (subgroup checked)": lambda: BlstP1Element().uncompress(compressed).compress(),
    }


CANDIDATES = {
    "py-arkworks-bls12381": ("py_arkworks_bls12381", arkworks),
    "py-ecc": ("py_ecc", py_ecc),
    "blspy": ("blspy", blspy),
    "pyblst": ("pyblst", pyblst),
}


def version_of(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def ovm_precompile_calls() -> dict[str, tuple[object, bytes]]:
    """(precompile, input) for calls of each BLS12-381 precompile of ovm."""
    from py_arkworks_bls12381 import G1Point, G2Point, Scalar

    from ovm.evm.precompiles import BLS12_381_PRECOMPILES

    def pad(xy: bytes) -> bytes:
        return b"".join(bytes(16) + xy[i : i + 48] for i in range(0, len(xy), 48))

    g1s = [pad((G1Point() * Scalar(k)).to_xy_bytes_be()) for k in scalars(MSM_SIZE)]
    g2s = [pad((G2Point() * Scalar(k)).to_xy_bytes_be()) for k in scalars(MSM_SIZE)]
    words = [k.to_bytes(32, "big") for k in scalars(MSM_SIZE)]
    fp = bytes(16) + RNG.randrange(P).to_bytes(48, "big")
    table = list(BLS12_381_PRECOMPILES.values())
    return {
        "G1ADD": (table[0], g1s[0] + g1s[1]),
        "G1MSM, 1 pair": (table[1], g1s[0] + words[0]),
        f"G1MSM, {MSM_SIZE} pairs": (table[1], b"".join(p + w for p, w in zip(g1s, words))),
        "G2ADD": (table[2], g2s[0] + g2s[1]),
        "G2MSM, 1 pair": (table[3], g2s[0] + words[0]),
        f"G2MSM, {MSM_SIZE} pairs": (table[3], b"".join(p + w for p, w in zip(g2s, words))),
        "PAIRING_CHECK, 2 pairs": (table[4], g1s[0] + g2s[1] + g1s[1] + g2s[0]),
        "MAP_FP_TO_G1": (table[5], fp),
        "MAP_FP2_TO_G2": (table[6], fp + fp),
    }


def print_ovm_table() -> None:
    try:
        calls = ovm_precompile_calls()
    except ImportError as exc:
        print(f"ovm's precompiles: not timed ({exc})", file=sys.stderr)
        return
    print()
    print("| ovm precompile call | gas | time | Mgas/s |")
    print("|---|---|---|---|")
    for name, (precompile, data) in calls.items():
        seconds = median_seconds(functools.partial(precompile.run, data))
        gas = precompile.gas(data)
        print(f"| {name} | {gas:,} | {format_seconds(seconds)} | {gas / seconds / 1e6:.1f} |")


def main() -> int:
    columns: dict[str, dict[str, str]] = {}
    for name, (module, build) in CANDIDATES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            print(f"{name}: not installed, skipped", file=sys.stderr)
            continue
        cells = {}
        for operation, call in build().items():
            cells[operation] = call if isinstance(call, str) else format_seconds(median_seconds(call))
            print(f"{name} {version_of(name)}: {operation}: {cells[operation]}", file=sys.stderr)
        columns[f"{name} {version_of(name)}"] = cells
    operations = list(next(iter(columns.values())))
    print("| operation | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for operation in operations:
        print(f"| {operation} | " + " | ".join(cells[operation] for cells in columns.values()) + " |")
    print_ovm_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
