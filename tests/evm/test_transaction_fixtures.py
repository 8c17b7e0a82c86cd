"""
TransactionTests conformance
============================

Every case of ethereum-tests' ``TransactionTests`` against its Cancun result on
chain id 1: a valid transaction must decode, pass the stateless checks, re-encode
to the same bytes, and match the fixture's hash, sender and intrinsic gas; an
invalid one must be rejected with ``InvalidTransaction`` by decoding or validation.

Some cases were filled before Cancun existed and carry no Cancun result (all of
``ttWrongRLP``, and two field-count cases of ``ttSignature`` that stop at London).
Each of those is checked against its newest fork's result, but only when that
result is a rejection: malformed RLP, wrong field counts and bad field sizes are
rejected by every later fork too, and Cancun made no such transaction valid (the
only type it added is 0x03; these use 0x04, 0x09 or none). A newest result that is
valid would be no evidence about Cancun, so such a case fails instead of passing.
"""

from __future__ import annotations

import json

import pytest
from support import ETHEREUM_TESTS

from ovm.evm.intrinsic import intrinsic_gas
from ovm.evm.transactions import (
    InvalidTransaction,
    decode_transaction,
    encode_transaction,
    transaction_hash,
)
from ovm.evm.validation import validate_transaction
from ovm.primitives.types import hex_to_bytes, hex_to_int

FIXTURES = ETHEREUM_TESTS
TRANSACTION_TESTS = FIXTURES / "TransactionTests"
FORK = "Cancun"
CHAIN_ID = 1
FORKS_NEWEST_FIRST = (
    "Cancun", "Shanghai", "Paris", "London", "Berlin", "Istanbul", "ConstantinopleFix",
    "Constantinople", "Byzantium", "EIP158", "EIP150", "Homestead", "Frontier",
)  # fmt: skip


def _expected_result(results: dict) -> tuple[str, dict]:
    """The fork whose result applies (Cancun, or the newest one filled) and that result."""
    fork = next(name for name in FORKS_NEWEST_FIRST if name in results)
    return fork, results[fork]


def _load_cases() -> list:
    cases = []
    for path in sorted(TRANSACTION_TESTS.rglob("*.json")):
        case_path = path.relative_to(TRANSACTION_TESTS).with_suffix("").as_posix()
        for name, test in json.loads(path.read_text()).items():
            fork, expected = _expected_result(test["result"])
            case_id = case_path if name == path.stem else f"{case_path}:{name}"
            if fork != FORK:
                case_id += f"[{fork}]"
            cases.append(pytest.param(test["txbytes"], fork, expected, id=case_id))
    return cases


CASES = _load_cases()


def test_fixtures_present():
    assert CASES, f"no TransactionTests under {TRANSACTION_TESTS}"


def _decode_and_validate(txbytes: str):
    tx = decode_transaction(hex_to_bytes(txbytes))
    return tx, validate_transaction(tx, chain_id=CHAIN_ID)


@pytest.mark.parametrize("txbytes, fork, expected", CASES)
def test_transaction(txbytes: str, fork: str, expected: dict):
    if "exception" in expected:
        with pytest.raises(InvalidTransaction):
            _decode_and_validate(txbytes)
        return
    assert fork == FORK, f"valid only up to {fork}: no evidence for {FORK}"
    tx, sender = _decode_and_validate(txbytes)
    assert encode_transaction(tx) == hex_to_bytes(txbytes)
    assert transaction_hash(tx) == hex_to_bytes(expected["hash"])
    assert sender == hex_to_bytes(expected["sender"])
    assert intrinsic_gas(tx) == hex_to_int(expected["intrinsicGas"])
