"""
Trie nodes
==========

The three node kinds of Ethereum's hexary Merkle-Patricia trie, their RLP
structures and the hex-prefix ("compact") encoding of their paths.

Paths are hex strings. A key's nibbles are ``key.hex()``: slicing, comparing,
``startswith`` and sorting then run in C, sort in key order, and turn back into
bytes with ``bytes.fromhex``. A nibble's child slot is ``NIBBLE_INDEX[char]``.

A node is referenced from its parent by its *ref*, the exact bytes spliced into
the parent's RLP list: the node's own encoding when that is shorter than 32
bytes (an embedded node), else ``0xa0 ‖ keccak256(encoding)`` (the RLP of the
hash). Because refs are ready-made RLP, a parent's encoding is a concatenation
and nothing is ever RLP-encoded twice. The root is always hashed
(:func:`root_of_ref`).

Node objects cache their ref (``None`` means dirty: the node changed since it
was last hashed) and, for hashed nodes not yet written to a store, their
encoding (``unsaved``). A child slot holds a node object, ``None`` (branch slot
empty), or ``bytes``: the ref of a node not loaded from the store yet.
"""

from __future__ import annotations

from typing import Union

from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256

HEX_DIGITS = "0123456789abcdef"
NIBBLE_INDEX = {char: index for index, char in enumerate(HEX_DIGITS)}

EMPTY_REF = b"\x80"  # an empty branch slot or branch value: RLP of b""
HASH_REF_LENGTH = 33  # 0xa0 followed by a 32-byte hash



def _length_prefix(length: int, offset: int) -> bytes:
    if length < 56:
        return bytes((offset + length,))
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((offset + 55 + len(size),)) + size


# Prefixes precomputed for the lengths nodes have (a full branch is 532 bytes).
_PREFIXED_LENGTHS = 1024
_STRING_PREFIX = [_length_prefix(length, 0x80) for length in range(_PREFIXED_LENGTHS)]
_LIST_PREFIX = [_length_prefix(length, 0xC0) for length in range(_PREFIXED_LENGTHS)]


class InvalidNode(ValueError):
    """Bytes that do not encode a trie node."""


class Leaf:
    """The rest of a key's path and the value stored under it."""

    __slots__ = ("path", "value", "ref", "unsaved")

    def __init__(self, path: str, value: bytes) -> None:
        self.path = path
        self.value = value
        self.ref: bytes | None = None
        self.unsaved: bytes | None = None


class Extension:
    """A path shared by every key below it, leading to one branch."""

    __slots__ = ("path", "child", "ref", "unsaved")

    def __init__(self, path: str, child: Child) -> None:
        self.path = path
        self.child = child
        self.ref: bytes | None = None
        self.unsaved: bytes | None = None


class Branch:
    """Sixteen children, one per next nibble, and the value of the key ending here
    (``b""`` when none does)."""

    __slots__ = ("children", "value", "ref", "unsaved")

    def __init__(self, children: list[Child], value: bytes) -> None:
        self.children = children
        self.value = value
        self.ref: bytes | None = None
        self.unsaved: bytes | None = None


Node = Union[Leaf, Extension, Branch]
Child = Union[Node, bytes, None]


# -- nibbles and hex-prefix encoding ------------------------------------------


def key_to_path(key: bytes) -> str:
    """A key's nibbles, as a hex string."""
    return key.hex()


def path_to_key(path: str) -> bytes:
    """The key whose nibbles are ``path`` (an even number of them)."""
    return bytes.fromhex(path)


def common_prefix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def compact_encode(path: str, is_leaf: bool) -> bytes:
    """Hex-prefix encoding: a flag nibble (2 = leaf, +1 = odd length), a zero
    nibble when the length is even, then the path."""
    if len(path) & 1:
        return bytes.fromhex(("3" if is_leaf else "1") + path)
    return bytes.fromhex(("20" if is_leaf else "00") + path)


def compact_decode(data: bytes) -> tuple[str, bool]:
    """The path and leaf flag of a hex-prefix encoded path."""
    digits = data.hex()
    flag = digits[:1]
    if flag in ("1", "3"):
        return digits[1:], flag == "3"
    if flag in ("0", "2") and digits[1] == "0":
        return digits[2:], flag == "2"
    raise InvalidNode(f"bad hex-prefix path 0x{digits}")


# -- encoding -----------------------------------------------------------------
# Specialised RLP: ``rlp.encode`` dispatches on types for each item, while a
# node is always a list of byte strings and ready-made refs.


def _rlp_string(data: bytes) -> bytes:
    length = len(data)
    if length == 1 and data[0] < 0x80:
        return data
    if length < _PREFIXED_LENGTHS:
        return _STRING_PREFIX[length] + data
    return _length_prefix(length, 0x80) + data


def _rlp_list(payload: bytes) -> bytes:
    length = len(payload)
    if length < _PREFIXED_LENGTHS:
        return _LIST_PREFIX[length] + payload
    return _length_prefix(length, 0xC0) + payload


def encode_leaf(path: str, value: bytes) -> bytes:
    return _rlp_list(_rlp_string(compact_encode(path, True)) + _rlp_string(value))


def encode_extension(path: str, child_ref: bytes) -> bytes:
    return _rlp_list(_rlp_string(compact_encode(path, False)) + child_ref)


def encode_branch(child_refs: list[bytes], value: bytes) -> bytes:
    return _rlp_list(b"".join(child_refs) + _rlp_string(value))


def ref_of_encoding(encoding: bytes) -> bytes:
    """How a parent refers to a node: inline when short, else by hash."""
    if len(encoding) < 32:
        return encoding
    return b"\xa0" + keccak256(encoding)


def root_of_ref(ref: bytes) -> bytes:
    """The root hash of a trie whose root node has ``ref``."""
    if len(ref) == HASH_REF_LENGTH:
        return ref[1:]
    return keccak256(ref)


def child_ref(child: Child) -> bytes:
    if child is None:
        return EMPTY_REF
    if type(child) is bytes:
        return child
    return child.ref or node_ref(child)


def encode_node(node: Node) -> bytes:
    """The node's RLP encoding, hashing dirty descendants on the way."""
    kind = type(node)
    if kind is Leaf:
        return encode_leaf(node.path, node.value)
    if kind is Extension:
        return encode_extension(node.path, child_ref(node.child))
    refs = [  # child_ref, inlined: this runs for every slot of every branch
        EMPTY_REF if child is None else child if type(child) is bytes else child.ref or node_ref(child)
        for child in node.children
    ]
    return encode_branch(refs, node.value)


def node_ref(node: Node) -> bytes:
    """The node's ref, re-encoding it (and its dirty descendants) when dirty.

    A newly hashed node keeps its encoding in ``unsaved`` until a commit writes
    it to the store; embedded nodes are never stored on their own.
    """
    ref = node.ref
    if ref is None:
        encoding = encode_node(node)
        if len(encoding) < 32:
            ref = encoding
            node.unsaved = None
        else:
            ref = b"\xa0" + keccak256(encoding)
            node.unsaved = encoding
        node.ref = ref
    return ref


# -- decoding -----------------------------------------------------------------


def decode_node(encoding: bytes) -> Node:
    """A node from its RLP encoding; children stay unloaded, as refs.

    The node comes back dirty (``ref`` is ``None``): the caller, who knows how
    the node was referenced, sets it.
    """
    try:
        items = rlp.decode(encoding)
    except rlp.DecodingError as exc:
        raise InvalidNode(f"node is not valid RLP: {exc}") from None
    if type(items) is not list:
        raise InvalidNode("node is a byte string, not a list")
    if len(items) == 17:
        return _decode_branch(items)
    if len(items) != 2 or type(items[0]) is not bytes:
        raise InvalidNode(f"node is a list of {len(items)} items, not 2 or 17")
    path, is_leaf = compact_decode(items[0])
    if is_leaf:
        if type(items[1]) is not bytes:
            raise InvalidNode("leaf value is a list")
        return Leaf(path, items[1])
    child = _decode_child(items[1])
    if child is None:
        raise InvalidNode("extension has no child")
    return Extension(path, child)


def _decode_branch(items: list) -> Branch:
    value = items[16]
    if type(value) is not bytes:
        raise InvalidNode("branch value is a list")
    return Branch([_decode_child(item) for item in items[:16]], value)


def _decode_child(item: rlp.Item) -> bytes | None:
    if type(item) is list:
        return rlp.encode(item)
    if len(item) == 32:
        return b"\xa0" + item
    if not item:
        return None
    raise InvalidNode(f"child reference of {len(item)} bytes")
