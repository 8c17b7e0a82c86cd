"""modexp's operand bound from Osaka (EIP-7823): each of the base, exponent
and modulus lengths at most 1024 bytes; beyond it the call fails and consumes
all the gas it was given, however much that is and whatever the operands hold.

As execution-spec-tests' ``eip7823_modexp_upper_bounds`` takes it: each length
at 1024 and at 1025, lengths of 2**64 and 2**256 - 1, a declared length whose
bytes are all zero or missing, and the same inputs under Prague, which takes
them; through transactions on both engines.
"""

from __future__ import annotations

import pytest

from ovm.evm.forks import OSAKA, PRAGUE
from ovm.evm.precompiles import MODEXP_ADDRESS, PrecompileError
from ovm.evm.precompiles.modexp import BERLIN
from ovm.evm.precompiles.modexp import OSAKA as OSAKA_RULES
from ovm.transpiler import TranspilingRunner
from support import call_contract, call_precompile, make_state

ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
MODEXP = 0x05
LIMIT = 1024
CALL_GAS = 2_000_000


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def operands(base_size: int, exponent_size: int, modulus_size: int) -> bytes:
    """An input with operands of these sizes: base 0x07…, exponent 0x01 0x00…, modulus 0x…09."""
    exponent = (b"\x01" + bytes(exponent_size - 1)) if exponent_size else b""
    modulus = (bytes(modulus_size - 1) + b"\x09") if modulus_size else b""
    return word(base_size) + word(exponent_size) + word(modulus_size) + b"\x07" * base_size + exponent + modulus


SIZES = {
    "base": lambda n: (n, 2, 32),
    "exponent": lambda n: (32, n, 32),
    "modulus": lambda n: (32, 2, n),
}


def test_osaka_bounds_each_length_and_earlier_forks_do_not() -> None:
    assert OSAKA_RULES.max_length == LIMIT and BERLIN.max_length is None
    assert OSAKA.precompiles[MODEXP_ADDRESS].run is not PRAGUE.precompiles[MODEXP_ADDRESS].run
    for sizes in SIZES.values():
        OSAKA_RULES.run(operands(*sizes(LIMIT)))
        with pytest.raises(PrecompileError):
            OSAKA_RULES.run(operands(*sizes(LIMIT + 1)))
        BERLIN.run(operands(*sizes(LIMIT + 1)))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("operand", SIZES)
def test_1024_bytes_are_accepted_at_their_price(operand: str, engine: str) -> None:
    data = operands(*SIZES[operand](LIMIT))
    price = OSAKA_RULES.gas(data)
    assert price < CALL_GAS
    success, taken, output = call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=CALL_GAS,
                                             gas=3_000_000)
    assert (success, taken) == (1, price)
    assert output == OSAKA_RULES.run(data) and len(output) == SIZES[operand](LIMIT)[2]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("operand", SIZES)
def test_1025_bytes_fail_the_call_with_all_its_gas(operand: str, engine: str) -> None:
    data = operands(*SIZES[operand](LIMIT + 1))
    assert OSAKA_RULES.gas(data) < CALL_GAS  # it fails for its size, not its price
    assert call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=CALL_GAS, gas=3_000_000) == (
        0, CALL_GAS, b"")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("operand", SIZES)
def test_prague_takes_1025_bytes(operand: str, engine: str) -> None:
    data = operands(*SIZES[operand](LIMIT + 1))
    success, taken, output = call_precompile(MODEXP, data, PRAGUE, ENGINES[engine], call_gas=CALL_GAS,
                                             gas=3_000_000)
    assert (success, taken) == (1, BERLIN.gas(data))
    assert output == BERLIN.run(data)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "data",
    [
        # declared lengths only, nothing of them given (read as zeros)
        pytest.param(word(0) + word(LIMIT + 1) + word(0), id="zero base and modulus, exponent 1025"),
        pytest.param(word(LIMIT + 1) + word(0) + word(0), id="base 1025, nothing else"),
        pytest.param(word(0) + word(0) + word(LIMIT + 1), id="modulus 1025, all zeros"),
        pytest.param(word(1) + word(1) + word(1 << 64) + b"\x02\x03", id="modulus 2**64"),
        pytest.param(word((1 << 256) - 1) + word(1) + word(1) + b"\x02\x03\x05", id="base 2**256-1"),
        pytest.param(word(1) + word((1 << 256) - 1) + word(1) + b"\x02\x03\x05", id="exponent 2**256-1"),
    ],
)
def test_any_declared_length_beyond_1024_fails_whatever_the_bytes(data: bytes, engine: str) -> None:
    with pytest.raises(PrecompileError):
        OSAKA_RULES.run(data)
    assert call_precompile(MODEXP, data, OSAKA, ENGINES[engine], call_gas=50_000) == (0, 50_000, b"")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_exponent_of_1025_bytes_is_cheap_and_empty_before_osaka(engine: str) -> None:
    data = word(0) + word(LIMIT + 1) + word(0)
    assert call_precompile(MODEXP, data, PRAGUE, ENGINES[engine], call_gas=50_000) == (1, 200, b"")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_transaction_to_modexp_beyond_the_bound_fails_with_all_its_gas(engine: str) -> None:
    data = operands(1, 1, LIMIT + 1)
    result = call_contract(make_state(), None, to=MODEXP_ADDRESS, data=data, gas=500_000, fork=OSAKA,
                           code_runner=ENGINES[engine])
    assert not result.success and result.gas_used == 500_000
    assert call_contract(make_state(), None, to=MODEXP_ADDRESS, data=data, gas=500_000, fork=PRAGUE,
                         code_runner=ENGINES[engine]).success
