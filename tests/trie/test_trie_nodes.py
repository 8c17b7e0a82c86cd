"""
Node encodings
==============

Hex-prefix paths (the Yellow Paper's examples), node RLP structures and the
rejection of bytes that are not nodes.
"""

from __future__ import annotations

import pytest

from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.trie.nodes import (
    Branch,
    Extension,
    InvalidNode,
    Leaf,
    compact_decode,
    compact_encode,
    decode_node,
    encode_node,
    node_ref,
)


@pytest.mark.parametrize(
    ("path", "is_leaf", "encoded"),
    [
        ("12345", False, "112345"),
        ("012345", False, "00012345"),
        ("0f1cb8", True, "200f1cb8"),
        ("f1cb8", True, "3f1cb8"),
        ("", True, "20"),
        ("", False, "00"),
    ],
)
def test_compact_round_trip(path: str, is_leaf: bool, encoded: str) -> None:
    assert compact_encode(path, is_leaf).hex() == encoded
    assert compact_decode(bytes.fromhex(encoded)) == (path, is_leaf)


@pytest.mark.parametrize("encoded", ["", "40", "0112", "2f"])
def test_compact_rejects_bad_flags(encoded: str) -> None:
    with pytest.raises(InvalidNode, match="hex-prefix"):
        compact_decode(bytes.fromhex(encoded))


def test_node_encodings_match_generic_rlp() -> None:
    leaf = Leaf("abc", b"value")
    assert encode_node(leaf) == rlp.encode([bytes.fromhex("3abc"), b"value"])
    assert node_ref(leaf) == encode_node(leaf)  # short: embedded as is
    big = Leaf("0" * 40, b"x" * 100)
    assert node_ref(big) == b"\xa0" + keccak256(rlp.encode([bytes.fromhex("20" + "0" * 40), b"x" * 100]))
    branch = Branch([None] * 16, b"")
    branch.children[3] = leaf
    branch.children[10] = big
    extension = Extension("12", branch)
    slots: list = [b""] * 17
    slots[3] = [bytes.fromhex("3abc"), b"value"]
    slots[10] = node_ref(big)[1:]
    assert encode_node(branch) == rlp.encode(slots)
    assert encode_node(extension) == rlp.encode([bytes.fromhex("0012"), keccak256(rlp.encode(slots))])


def test_decode_keeps_children_as_refs() -> None:
    branch = Branch([None] * 16, b"v")
    branch.children[0] = Leaf("1", b"a")
    branch.children[1] = Leaf("2" * 40, b"b" * 40)
    decoded = decode_node(encode_node(branch))
    assert type(decoded) is Branch and decoded.value == b"v"
    assert decoded.children[0] == node_ref(branch.children[0])
    assert decoded.children[1] == node_ref(branch.children[1])
    assert decoded.children[2:] == [None] * 14


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        (b"\xc2\x80", "not valid RLP"),
        (b"\x83abc", "byte string"),
        (rlp.encode([b"\x20", b"v", b"w"]), "3 items"),
        (rlp.encode([b"\x00", b""]), "no child"),
        (rlp.encode([b"\x00", b"\x01\x02"]), "child reference of 2 bytes"),
        (rlp.encode([b"\x20", [b"x"]]), "leaf value is a list"),
        (rlp.encode([b""] * 16 + [[b"x"]]), "branch value is a list"),
    ],
)
def test_decode_rejects_non_nodes(encoding: bytes, reason: str) -> None:
    with pytest.raises(InvalidNode, match=reason):
        decode_node(encoding)
