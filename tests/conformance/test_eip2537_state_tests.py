"""
ethereum/tests' stEIP2537: 1,185 Prague state tests of the BLS12-381 precompiles.

These fixtures (``EIPTests/StateTests/stEIP2537``, legacy transactions to
Solidity contracts that call a precompile and store the hash of what it
returned) were filled on 2024-04-16 by go-ethereum 1.14.0-unstable
``a208e725`` ("tests: enable Prague") under a draft of EIP-2537 that Prague did
not ship: nine precompiles at 0x0b–0x13 (single multiplications G1MUL and
G2MUL beside the MSMs, so every later address is shifted), dearer prices
(G1ADD 500, G2ADD 800, G2 multiplication 45000, pairing 65000 + 43000 per pair,
MAP_FP2_TO_G2 75000) and one MSM discount table for both groups. go-ethereum
skipped them as out of date, and ethereum/tests v17.0 removed them. On Prague
as it shipped (``bin/ovm statetest --fork Prague``) 854 of them fail: the
addresses and prices differ, nothing else.

Everything else in them is Prague's: the encodings, the curve arithmetic, the
subgroup and curve checks, the failures that consume all gas, and the
transaction rules (the calldata floor never binds in them). So the test runs
them on ``PRAGUE`` with its BLS12-381 precompiles laid out and priced as the
draft (``DRAFT_2024_PRECOMPILES``, built from ovm's own operations and price
rules), on both engines. The draft's single multiplications are stood in for
by the MSMs on exactly one pair, which also check the subgroup (the draft's did
not; no fixture depends on it). A failing case must be listed in
``eip2537_known_failures.txt`` with its reason; a listed case that passes
fails the test too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ovm.cli import statetest
from ovm.cli.statetest import collect_files, run_file
from ovm.evm.forks import PRAGUE
from ovm.evm.precompiles import CANCUN_PRECOMPILES, FlatPrice, Precompile, PrecompileError
from ovm.evm.precompiles import bls12_381 as bls
from support import ETHEREUM_TESTS, load_known_failures

SUITE = ETHEREUM_TESTS / "EIPTests" / "StateTests" / "stEIP2537"
KNOWN_FAILURES_FILE = Path(__file__).with_name("eip2537_known_failures.txt")

# The draft's discount table (per mille), for G1 and G2 alike.
DRAFT_MSM_DISCOUNTS = (
    1200, 888, 764, 641, 594, 547, 500, 453, 438, 423, 408, 394, 379, 364, 349, 334,
    330, 326, 322, 318, 314, 310, 306, 302, 298, 294, 289, 285, 281, 277, 273, 269,
    268, 266, 265, 263, 262, 260, 259, 257, 256, 254, 253, 251, 250, 248, 247, 245,
    244, 242, 241, 239, 238, 236, 235, 233, 232, 231, 229, 228, 226, 225, 223, 222,
    221, 220, 219, 219, 218, 217, 216, 216, 215, 214, 213, 213, 212, 211, 211, 210,
    209, 208, 208, 207, 206, 205, 205, 204, 203, 202, 202, 201, 200, 199, 199, 198,
    197, 196, 196, 195, 194, 193, 193, 192, 191, 191, 190, 189, 188, 188, 187, 186,
    185, 185, 184, 183, 182, 182, 181, 180, 179, 179, 178, 177, 176, 176, 175, 174,
)  # fmt: skip


def one_pair(msm, pair_size: int):
    """The draft's single multiplication: an MSM of exactly one pair."""

    def multiply(data: bytes) -> bytes:
        if len(data) != pair_size:
            raise PrecompileError(f"input is {len(data)} bytes, expected {pair_size}")
        return msm(data)

    return multiply


def _address(number: int) -> bytes:
    return number.to_bytes(20, "big")


DRAFT_2024_PRECOMPILES = {
    _address(0x0B): Precompile("g1add", FlatPrice(500), bls.g1_add),
    _address(0x0C): Precompile("g1mul", FlatPrice(12000), one_pair(bls.g1_msm, 160)),
    _address(0x0D): Precompile("g1msm", bls.MsmPrice(160, 12000, DRAFT_MSM_DISCOUNTS), bls.g1_msm),
    _address(0x0E): Precompile("g2add", FlatPrice(800), bls.g2_add),
    _address(0x0F): Precompile("g2mul", FlatPrice(45000), one_pair(bls.g2_msm, 288)),
    _address(0x10): Precompile("g2msm", bls.MsmPrice(288, 45000, DRAFT_MSM_DISCOUNTS), bls.g2_msm),
    _address(0x11): Precompile("pairing", bls.PairingPrice(65000, 43000), bls.pairing_check),
    _address(0x12): Precompile("map_fp_to_g1", FlatPrice(5500), bls.map_fp_to_g1),
    _address(0x13): Precompile("map_fp2_to_g2", FlatPrice(75000), bls.map_fp2_to_g2),
}
PRAGUE_AS_FILLED = dataclasses.replace(
    PRAGUE, precompiles={**CANCUN_PRECOMPILES, **DRAFT_2024_PRECOMPILES}
)


def case_id(path: Path, name: str, indexes: dict) -> str:
    relative = path.relative_to(SUITE).as_posix()
    return f"{relative}::{name}::d{indexes.get('data')}g{indexes.get('gas')}v{indexes.get('value')}"


KNOWN_FAILURES = load_known_failures(KNOWN_FAILURES_FILE)
FILES = collect_files([str(SUITE)]) if SUITE.is_dir() else []


def test_suite_is_present() -> None:
    assert len(FILES) == 1185, f"expected the 1,185 stEIP2537 files at {SUITE}"


def test_known_failures_name_real_cases() -> None:
    existing = {p.relative_to(SUITE).as_posix() for p in FILES}
    for key, reason in KNOWN_FAILURES.items():
        assert key.split("::")[0] in existing, f"{key} is not a case of stEIP2537"
        assert reason, f"{key} has no reason"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["interpreter", "transpiler"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SUITE).as_posix())
def test_prague_cases(path: Path, engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(statetest.FORKS, "Prague", PRAGUE_AS_FILLED)
    unexpected_failures, unexpected_passes, ran = [], [], 0
    for case in run_file(path, {"Prague"}, engine, tier_up=0):
        ran += 1
        key = case_id(path, case.name, case.indexes)
        if case.passed is False and key not in KNOWN_FAILURES:
            unexpected_failures.append(f"{key}: {case.error}")
        if case.passed and key in KNOWN_FAILURES:
            unexpected_passes.append(f"{key} passes now: remove it from {KNOWN_FAILURES_FILE.name}")
    assert ran, f"{path} has no Prague case"
    assert not unexpected_failures and not unexpected_passes, "\n".join(
        unexpected_failures + unexpected_passes
    )
