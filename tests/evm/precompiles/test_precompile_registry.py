"""The precompile table: addresses, names, and prices that never raise."""

from __future__ import annotations

import dataclasses

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES, Precompile, PrecompileError


def address(number: int) -> bytes:
    return number.to_bytes(20, "big")


def test_cancun_has_exactly_0x01_to_0x0a() -> None:
    assert sorted(CANCUN_PRECOMPILES) == [address(n) for n in range(1, 11)]


def test_names() -> None:
    names = [CANCUN_PRECOMPILES[address(n)].name for n in range(1, 11)]
    assert names == [
        "ecrecover",
        "sha256",
        "ripemd160",
        "identity",
        "modexp",
        "bn254_add",
        "bn254_mul",
        "bn254_pairing",
        "blake2f",
        "point_evaluation",
    ]


def test_precompile_is_frozen() -> None:
    precompile = CANCUN_PRECOMPILES[address(4)]
    assert isinstance(precompile, Precompile)
    with pytest.raises(dataclasses.FrozenInstanceError):
        precompile.name = "other"  # type: ignore[misc]


ODD_INPUTS = [b"", b"\x00", b"\xff" * 31, b"\xff" * 97, b"\x01" * 213, b"\xff" * 1000]


@pytest.mark.parametrize("number", range(1, 11))
@pytest.mark.parametrize("data", ODD_INPUTS, ids=lambda d: f"{len(d)}B")
def test_gas_never_raises_and_is_a_nonnegative_int(number: int, data: bytes) -> None:
    gas = CANCUN_PRECOMPILES[address(number)].gas(data)
    assert isinstance(gas, int) and gas >= 0


@pytest.mark.parametrize("number", range(1, 11))
@pytest.mark.parametrize("data", ODD_INPUTS, ids=lambda d: f"{len(d)}B")
def test_run_returns_bytes_or_raises_precompile_error(number: int, data: bytes) -> None:
    precompile = CANCUN_PRECOMPILES[address(number)]
    if precompile.gas(data) > 1_000_000:
        return  # too slow to run here (blake2f with 16 million rounds)
    try:
        output = precompile.run(data)
    except PrecompileError:
        return
    assert isinstance(output, bytes)
