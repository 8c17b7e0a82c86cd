"""modexp's price from Osaka (EIP-7883): minimum 500, no divisor, 16
iterations per exponent byte past the first 32, complexity 16 up to 32-byte
operands and ``2 * words**2`` above.

go-ethereum's vector files (``precompiles/vectors/modexp_eip7883.json`` and
``modexp_eip2565.json``: the same inputs priced from Osaka and before it, with
exact outputs), then each rule of the EIP at its threshold as
execution-spec-tests' ``eip7883_modexp_gas_increase`` takes them, then calls
through transactions on both engines with exact gas.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.evm.forks import CANCUN, OSAKA, PRAGUE
from ovm.evm.precompiles import MODEXP_ADDRESS
from ovm.evm.precompiles.modexp import BERLIN
from ovm.evm.precompiles.modexp import OSAKA as OSAKA_RULES
from ovm.transpiler import TranspilingRunner
from support import call_contract, call_precompile, make_state

VECTORS = Path(__file__).parent / "precompiles" / "vectors"
OSAKA_VECTORS = json.loads((VECTORS / "modexp_eip7883.json").read_text())
BERLIN_VECTORS = json.loads((VECTORS / "modexp_eip2565.json").read_text())
ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
MODEXP = 0x05


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def modexp_input(base: bytes, exponent: bytes, modulus: bytes) -> bytes:
    return word(len(base)) + word(len(exponent)) + word(len(modulus)) + base + exponent + modulus


def by_name(vectors: list) -> list:
    return [pytest.param(v, id=v["Name"]) for v in vectors]


# --- go-ethereum's vectors -------------------------------------------------------


@pytest.mark.parametrize("vector", by_name(OSAKA_VECTORS))
def test_osaka_vector_output_and_gas(vector: dict) -> None:
    data = bytes.fromhex(vector["Input"])
    modexp = OSAKA.precompiles[MODEXP_ADDRESS]
    assert modexp.run(data).hex() == vector["Expected"]
    assert modexp.gas(data) == vector["Gas"]


@pytest.mark.parametrize("fork", [CANCUN, PRAGUE], ids=["Cancun", "Prague"])
@pytest.mark.parametrize("vector", by_name(BERLIN_VECTORS))
def test_before_osaka_the_vectors_keep_their_old_price(vector: dict, fork) -> None:
    data = bytes.fromhex(vector["Input"])
    modexp = fork.precompiles[MODEXP_ADDRESS]
    assert modexp.run(data).hex() == vector["Expected"]
    assert modexp.gas(data) == vector["Gas"]


def test_the_two_files_hold_the_same_inputs_and_osaka_never_charges_less() -> None:
    old = {v["Name"]: v for v in BERLIN_VECTORS}
    assert len(OSAKA_VECTORS) == 45
    for vector in OSAKA_VECTORS:
        before = old[vector["Name"]]
        assert (before["Input"], before["Expected"]) == (vector["Input"], vector["Expected"])
        assert vector["Gas"] >= max(500, before["Gas"])


# --- the rules one by one --------------------------------------------------------


def test_the_minimum_is_500() -> None:
    data = modexp_input(b"\x02", b"\x03", b"\x05")
    assert OSAKA_RULES.gas(data) == 500
    assert BERLIN.gas(data) == 200
    assert OSAKA_RULES.gas(b"") == 500


@pytest.mark.parametrize(
    "size, complexity",
    [(1, 16), (8, 16), (31, 16), (32, 16), (33, 2 * 5**2), (40, 2 * 5**2), (41, 2 * 6**2), (64, 2 * 8**2),
     (1024, 2 * 128**2)],
)
def test_complexity_is_flat_up_to_32_bytes_then_twice_the_square_of_the_words(size: int, complexity: int) -> None:
    # An exponent of 32 bytes of 0xff: 255 iterations, so every price is above the minimum.
    exponent = b"\xff" * 32
    for base_size, modulus_size in ((size, 1), (1, size), (size, size)):
        data = modexp_input(b"\x07" * base_size, exponent, b"\x09" * modulus_size)
        assert OSAKA_RULES.gas(data) == complexity * 255


@pytest.mark.parametrize(
    "exponent, iterations",
    [
        (b"", 1),                          # no exponent: at least one iteration
        (bytes(32), 1),                    # a zero exponent of 32 bytes: likewise
        (b"\x01", 1),
        (b"\x02", 1),                      # bit length 2, less one
        (b"\x80" + bytes(31), 255),        # the top bit of a 32-byte exponent
        (bytes(33), 16),                   # one byte past 32, zero: 16 × 1
        (b"\x01" + bytes(32), 16 + 248),   # 33 bytes: 16 × 1 + the head's 249 bits less one
        (bytes(64), 16 * 32),              # 64 zero bytes: 16 × 32
        (b"\xff" * 64, 16 * 32 + 255),
    ],
)
def test_iterations_count_16_per_exponent_byte_past_32(exponent: bytes, iterations: int) -> None:
    # 40-byte operands: complexity 2 × 5² = 50; with the minimum where 50 × iterations is below it.
    data = modexp_input(b"\x07" * 40, exponent, b"\x09" * 40)
    assert OSAKA_RULES.gas(data) == max(500, 50 * iterations)


def test_the_exponent_head_is_read_past_a_short_input_as_zeros() -> None:
    # Esize 33 declared, only its first byte (0xff) given: the head is 0xff and 31 zeros.
    data = word(1) + word(33) + word(1) + b"\x02" + b"\xff"
    assert OSAKA_RULES.gas(data) == max(500, 16 * (16 * 1 + 255))


def test_a_price_that_no_block_could_pay_is_computed_without_overflow() -> None:
    data = word(1024) + word(1024) + word(1024)
    assert OSAKA_RULES.gas(data) == 2 * 128**2 * (16 * (1024 - 32))


# --- through transactions, on both engines ---------------------------------------

THROUGH_THE_EVM = ["nagydani-1-square", "nagydani-1-pow0x10001", "nagydani-3-square", "marius-1-even",
                   "guido-4-even", "mod-32-exp-65", "mod-264-exp-2", "pawel-2-exp-heavy"]


def vector(name: str) -> dict:
    (found,) = [v for v in OSAKA_VECTORS if v["Name"] == name]
    return found


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", THROUGH_THE_EVM)
def test_a_call_takes_exactly_the_osaka_price(name: str, engine: str) -> None:
    v = vector(name)
    data = bytes.fromhex(v["Input"])
    success, taken, output = call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=v["Gas"] + 1000)
    assert (success, taken, output.hex()) == (1, v["Gas"], v["Expected"])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", THROUGH_THE_EVM)
def test_one_gas_short_fails_the_call_and_takes_all_it_was_given(name: str, engine: str) -> None:
    v = vector(name)
    data = bytes.fromhex(v["Input"])
    assert call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=v["Gas"] - 1) == (0, v["Gas"] - 1, b"")
    assert call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=v["Gas"])[:2] == (1, v["Gas"])


@pytest.mark.parametrize("engine", ENGINES)
def test_prague_still_charges_the_old_price(engine: str) -> None:
    old = {v["Name"]: v for v in BERLIN_VECTORS}["nagydani-1-pow0x10001"]
    data = bytes.fromhex(old["Input"])
    assert call_precompile(MODEXP, data, PRAGUE, ENGINES[engine])[:2] == (1, 341)
    assert call_precompile(MODEXP, data, OSAKA, ENGINES[engine])[:2] == (1, 2048)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_transaction_to_modexp_pays_the_price_after_its_intrinsic_gas(engine: str) -> None:
    v = vector("nagydani-3-pow0x10001")
    data = bytes.fromhex(v["Input"])
    zeros = data.count(0)
    intrinsic = 21000 + 4 * zeros + 16 * (len(data) - zeros)
    floor = 21000 + 10 * (zeros + 4 * (len(data) - zeros))  # EIP-7623, below the execution here
    result = call_contract(make_state(), None, to=MODEXP_ADDRESS, data=data, fork=OSAKA,
                           code_runner=ENGINES[engine])
    assert result.success and result.output.hex() == v["Expected"]
    assert result.gas_used == intrinsic + v["Gas"] == intrinsic + 32768
    assert intrinsic + v["Gas"] > floor
