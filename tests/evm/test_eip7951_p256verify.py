"""P256VERIFY at 0x100 from Osaka (EIP-7951): 6900 gas for any input, the word
1 for a valid signature and empty output for anything else, never a failed
call for its input.

The precompile's own checks are ``precompiles/test_precompile_p256verify.py``'s;
this file takes it through transactions on both engines, as execution-spec-tests'
``eip7951_p256verify_precompiles`` does: go-ethereum's vectors (every seventh of
them) with exact gas, bad lengths, one gas short, the address warm from the start,
a transaction sent to it, every call opcode, and Prague with no precompile there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.evm.forks import OSAKA, PRAGUE
from ovm.evm.precompiles import P256VERIFY_ADDRESS
from ovm.transpiler import TranspilingRunner
from support import CONTRACT, asm, call_contract, call_precompile, make_state

VECTORS = json.loads((Path(__file__).parent / "precompiles" / "vectors" / "p256Verify.json").read_text())
VALID_INPUT = bytes.fromhex(next(v["Input"] for v in VECTORS if v["Expected"]))
ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
P256VERIFY = 0x100
GAS = 6900
ONE = (1).to_bytes(32, "big")


def test_osaka_has_it_at_0x100_and_prague_does_not() -> None:
    assert P256VERIFY_ADDRESS == (0x100).to_bytes(20, "big")
    precompile = OSAKA.precompiles[P256VERIFY_ADDRESS]
    assert precompile.name == "p256verify" and precompile.gas(VALID_INPUT) == GAS
    assert P256VERIFY_ADDRESS not in PRAGUE.precompiles
    assert OSAKA.precompiles.keys() - PRAGUE.precompiles.keys() == {P256VERIFY_ADDRESS}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("vector", [pytest.param(v, id=v["Name"]) for v in VECTORS[::7]])
def test_vectors_through_a_call(vector: dict, engine: str) -> None:
    data = bytes.fromhex(vector["Input"])
    assert call_precompile(P256VERIFY, data, OSAKA, ENGINES[engine]) == (1, GAS, bytes.fromhex(vector["Expected"]))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("size", [0, 1, 32, 159, 161, 192])
def test_a_wrong_length_is_charged_and_answered_empty(size: int, engine: str) -> None:
    data = (VALID_INPUT * 2)[:size]
    assert call_precompile(P256VERIFY, data, OSAKA, ENGINES[engine]) == (1, GAS, b"")


@pytest.mark.parametrize("engine", ENGINES)
def test_one_gas_short_fails_the_call_and_takes_all_it_was_given(engine: str) -> None:
    assert call_precompile(P256VERIFY, VALID_INPUT, OSAKA, ENGINES[engine], call_gas=GAS - 1) == (0, GAS - 1, b"")
    assert call_precompile(P256VERIFY, VALID_INPUT, OSAKA, ENGINES[engine], call_gas=GAS) == (1, GAS, ONE)


@pytest.mark.parametrize("engine", ENGINES)
def test_prague_has_an_empty_cold_account_there(engine: str) -> None:
    # A cold account: 2600 for the access (the probe counts 100 of it), no code, no output.
    assert call_precompile(P256VERIFY, VALID_INPUT, PRAGUE, ENGINES[engine]) == (1, 2600 - 100, b"")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fork, cost", [(OSAKA, 100), (PRAGUE, 2600)], ids=["Osaka", "Prague"])
def test_the_address_is_warm_from_the_start_in_osaka(fork, cost: int, engine: str) -> None:
    code = asm("PUSH2 0x100", "BALANCE", "STOP")
    result = call_contract(make_state(), code, fork=fork, code_runner=ENGINES[engine])
    assert result.success and result.gas_used == 21000 + 3 + cost


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("call", ["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"])
def test_every_call_opcode_reaches_it(call: str, engine: str) -> None:
    """The valid input from memory, the answer stored at slot 0, the success at slot 1."""
    value = ["PUSH0"] if call in ("CALL", "CALLCODE") else []
    code = asm(
        "CALLDATASIZE", "PUSH0", "PUSH0", "CALLDATACOPY",
        "PUSH1 32", "PUSH0", "CALLDATASIZE", "PUSH0", *value, "PUSH2 0x100", "PUSH2 10000", call,
        "PUSH1 1", "SSTORE", "PUSH0", "MLOAD", "PUSH0", "SSTORE", "STOP",
    )  # fmt: skip
    state = make_state()
    assert call_contract(state, code, data=VALID_INPUT, fork=OSAKA, code_runner=ENGINES[engine]).success
    assert (state.get_storage(CONTRACT, 0), state.get_storage(CONTRACT, 1)) == (1, 1)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("data, output", [(VALID_INPUT, ONE), (VALID_INPUT[:-1] + b"\x00", b"")],
                         ids=["valid", "invalid"])
def test_a_transaction_to_it_pays_6900_after_its_intrinsic_gas(data: bytes, output: bytes, engine: str) -> None:
    zeros = data.count(0)
    intrinsic = 21000 + 4 * zeros + 16 * (len(data) - zeros)
    result = call_contract(make_state(), None, to=P256VERIFY_ADDRESS, data=data, fork=OSAKA,
                           code_runner=ENGINES[engine])
    assert result.success and result.output == output
    assert result.gas_used == intrinsic + GAS
