"""
RLPTests conformance
====================

ethereum-tests' ``RLPTests`` against ``ovm.primitives.rlp``: ``rlptest.json``
must encode to the given bytes and decode back, ``invalidRLPTest.json`` must be
rejected, and ``RandomRLPTests`` must decode and re-encode to the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.primitives import rlp
from ovm.primitives.types import hex_to_bytes
from support import ETHEREUM_TESTS

FIXTURES = ETHEREUM_TESTS
RLP_TESTS = FIXTURES / "RLPTests"


def _cases(path: Path, prefix: str = "") -> list:
    tests = json.loads(path.read_text())
    return [pytest.param(test["in"], test["out"], id=prefix + name) for name, test in tests.items()]


VALID_CASES = _cases(RLP_TESTS / "rlptest.json")
INVALID_CASES = _cases(RLP_TESTS / "invalidRLPTest.json")
RANDOM_CASES = [
    case
    for path in sorted((RLP_TESTS / "RandomRLPTests").glob("*.json"))
    for case in _cases(path, prefix=f"{path.stem}/")
]


def to_item(value) -> rlp.Item:
    """The RLP item a fixture's ``in`` stands for.

    Strings are their UTF-8 bytes, integers their minimal big-endian bytes, and a
    string starting with ``#`` is a decimal integer too large for JSON.
    """
    if isinstance(value, list):
        return [to_item(v) for v in value]
    if isinstance(value, int):
        return rlp.int_to_be(value)
    if value.startswith("#"):
        return rlp.int_to_be(int(value[1:]))
    return value.encode()


def test_random_fixtures_present():
    assert RANDOM_CASES, f"no RandomRLPTests under {RLP_TESTS}"


@pytest.mark.parametrize("value, out", VALID_CASES)
def test_encode(value, out: str):
    assert rlp.encode(to_item(value)) == hex_to_bytes(out)


@pytest.mark.parametrize("value, out", VALID_CASES)
def test_decode(value, out: str):
    assert rlp.decode(hex_to_bytes(out)) == to_item(value)


@pytest.mark.parametrize("value, out", INVALID_CASES)
def test_invalid_rejected(value, out: str):
    with pytest.raises(rlp.DecodingError):
        rlp.decode(hex_to_bytes(out))


@pytest.mark.parametrize("value, out", RANDOM_CASES)
def test_random_round_trip(value, out: str):
    data = hex_to_bytes(out)
    assert rlp.encode(rlp.decode(data)) == data
