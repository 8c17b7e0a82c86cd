"""
TrieTests conformance
=====================

The public ``TrieTests`` fixtures of ethereum/tests, read in place from
``../shared/fixtures`` beside the repository. Every case is checked through the
incremental :class:`Trie` (inputs applied in order) and through the one-shot
:func:`trie_root`; order-free cases are also applied in reverse.
"""

from __future__ import annotations

import json

import pytest

from ovm.trie import SecureTrie, Trie, trie_root
from support import ETHEREUM_TESTS

FIXTURES = ETHEREUM_TESTS / "TrieTests"

ROOT_FILES = {
    "trietest.json": False,
    "trieanyorder.json": False,
    "trietest_secureTrie.json": True,
    "trieanyorder_secureTrie.json": True,
    "hex_encoded_securetrie_test.json": True,
}


def _bytes(text: str | None) -> bytes:
    """Fixture strings: ``0x`` hex, else UTF-8; null (a deletion) is empty."""
    if text is None:
        return b""
    if text.startswith("0x"):
        return bytes.fromhex(text[2:])
    return text.encode()


def _cases(file_name: str, *extra: object) -> list:
    """One pytest param per test case of a fixture file: name, case, *extra."""
    path = FIXTURES / file_name
    if not path.exists():
        return [pytest.param(None, None, *extra, marks=pytest.mark.skip(reason=f"fixture {path} not found"))]
    tests = json.loads(path.read_text())
    return [pytest.param(name, case, *extra, id=f"{file_name}:{name}") for name, case in tests.items()]


def _pairs(case: dict) -> list[tuple[bytes, bytes]]:
    entries = case["in"].items() if isinstance(case["in"], dict) else case["in"]
    return [(_bytes(key), _bytes(value)) for key, value in entries]


@pytest.mark.parametrize(
    ("name", "case", "secure"),
    [param for file_name, secure in ROOT_FILES.items() for param in _cases(file_name, secure)],
)
def test_root(name: str, case: dict, secure: bool) -> None:
    pairs = _pairs(case)
    expected = _bytes(case["root"])
    orders = [pairs, pairs[::-1]] if isinstance(case["in"], dict) else [pairs]
    for ordered in orders:
        trie = SecureTrie() if secure else Trie()
        for key, value in ordered:
            trie.set(key, value)
        assert trie.root_hash() == expected
    assert trie_root(pairs, secure=secure) == expected


@pytest.mark.parametrize(("name", "case"), _cases("trietestnextprev.json"))
def test_next_prev(name: str, case: dict) -> None:
    trie = Trie()
    for key in case["in"]:
        trie.set(_bytes(key), _bytes(key))
    for query, prev, following in case["tests"]:
        assert trie.prev_key(_bytes(query)) == (_bytes(prev) or None)
        assert trie.next_key(_bytes(query)) == (_bytes(following) or None)
