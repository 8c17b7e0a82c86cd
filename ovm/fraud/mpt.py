"""
Merkle-Patricia trie updates from proofs
========================================

What ``contracts/src/fraud/MptUpdate.sol`` computes, in Python: given a trie
root, a key's path, the EIP-1186 proof of that path (the key present or
absent) and a new value (``b""`` deletes), the new root. The proof is all the
update needs, except when a delete leaves a branch with a single child that
is a hashed node: the branch collapses into that child, whose path must be
known, so the witness carries that node too (``MptWitness.sibling``).

``mpt_witness`` produces the witness from an ``ovm.trie`` trie; ``mpt_update``
is the reference of the on-chain computation, checked against ``ovm.trie``'s
own roots by the tests. The algorithm, the same in both:

1. Walk the proof along the key, keeping the branches and extensions passed
   (embedded nodes are followed inside their parent, hashed ones must hash to
   the reference); it ends at the key's leaf, the key's branch value, or where
   the key leaves the trie (an empty slot, a leaf or extension whose path
   diverges, the empty trie). Every proof node must be used.
2. Make the subtree that replaces the end: a leaf with the new value, a
   branch splitting a diverging leaf or extension, or nothing (deleted).
3. Walk back up: an extension prefixes its path to the subtree (merging into
   a leaf or extension below); a branch takes the subtree's reference at the
   key's nibble, and when left with one entry collapses into it.

Subtrees are kept unencoded (``_Sub``: a leaf's or extension's path is still
open to prefixes) until a branch or the root needs their encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..trie import EMPTY_TRIE_ROOT, MissingNodeError, SecureTrie, Trie
from ..trie.nodes import (
    HEX_DIGITS,
    Branch,
    child_ref,
    encode_node,
    common_prefix_length,
    compact_decode,
    encode_branch,
    encode_extension,
    encode_leaf,
    ref_of_encoding,
)
from ..trie.proof import prove
from .opening import WitnessError

HASH_REF = 32
EMPTY_ITEM = b"\x80"


@dataclass(frozen=True)
class MptWitness:
    """The proof of a key's path and, for a delete that collapses a branch
    into a hashed child, that child's encoding (else ``b""``)."""

    proof: tuple[bytes, ...]
    sibling: bytes = b""


@dataclass(frozen=True)
class _Sub:
    """A subtree: ``kind`` leaf (``payload`` the value), extension
    (``payload`` the child's reference) or branch (``payload`` its encoding)."""

    kind: str
    path: str = ""
    payload: bytes = b""

    def prefixed(self, prefix: str) -> _Sub:
        if self.kind == "branch":
            return self if not prefix else _Sub("extension", prefix, ref_of_encoding(self.payload))
        return _Sub(self.kind, prefix + self.path, self.payload)

    def encoding(self) -> bytes:
        if self.kind == "leaf":
            return encode_leaf(self.path, self.payload)
        if self.kind == "extension":
            return encode_extension(self.path, self.payload)
        return self.payload

    def ref(self) -> bytes:
        return ref_of_encoding(self.encoding())


def _items(encoding: bytes) -> list:
    try:
        items = rlp.decode(encoding)
    except rlp.DecodingError as exc:
        raise WitnessError(f"a trie node is not RLP: {exc}") from None
    if type(items) is not list or len(items) not in (2, 17):
        raise WitnessError("a trie node is not a list of 2 or 17 items")
    return items


def _pair(items: list) -> tuple[str, bool]:
    if type(items[0]) is not bytes or not items[0]:
        raise WitnessError("a leaf or extension without a path")
    try:
        return compact_decode(items[0])
    except ValueError as exc:
        raise WitnessError(str(exc)) from None


def _raw(item) -> bytes:
    """An item as its parent's encoding holds it (a child reference)."""
    return rlp.encode(item)


def _sub_of_node(encoding: bytes) -> _Sub:
    items = _items(encoding)
    if len(items) == 17:
        return _Sub("branch", "", encoding)
    path, is_leaf = _pair(items)
    if is_leaf:
        if type(items[1]) is not bytes:
            raise WitnessError("a leaf's value is a list")
        return _Sub("leaf", path, items[1])
    return _Sub("extension", path, _raw(items[1]))


class _Nodes:
    """The proof's nodes, handed out in order against the references to them."""

    def __init__(self, proof: tuple[bytes, ...]) -> None:
        self.proof = proof
        self.used = 0

    def follow(self, item) -> list:
        """The items of the node a child reference ``item`` points to."""
        if type(item) is list:
            return item
        if len(item) != HASH_REF:
            raise WitnessError(f"a child reference of {len(item)} bytes")
        return self.hashed(item)

    def hashed(self, node_hash: bytes) -> list:
        if self.used == len(self.proof):
            raise WitnessError("the proof ends before the key's path does")
        encoding = self.proof[self.used]
        if keccak256(encoding) != node_hash:
            raise WitnessError(f"proof node {self.used} does not hash to its reference")
        self.used += 1
        return _items(encoding)


def _walk(root: bytes, path: str, proof: tuple[bytes, ...]):
    """The frames passed along ``path`` (``(items, nibble)`` of a branch,
    ``(items, extension path)`` of an extension), and the end: a tuple naming
    where the key left the trie or was found."""
    frames: list[tuple[list, int | str]] = []
    if root == EMPTY_TRIE_ROOT:
        if proof:
            raise WitnessError("the empty trie's proof has nodes")
        return frames, ("empty",), path
    nodes = _Nodes(proof)
    items = nodes.hashed(root)
    depth = 0
    while True:
        if len(items) == 17:
            if depth == len(path):
                if type(items[16]) is not bytes:
                    raise WitnessError("a branch's value is a list")
                frames.append((items, 16))
                end: tuple = ("value",)
                break
            nibble = int(path[depth], 16)
            frames.append((items, nibble))
            depth += 1
            child = items[nibble]
            if child == b"":
                end = ("empty",)
                break
            items = nodes.follow(child)
            continue
        node_path, is_leaf = _pair(items)
        if is_leaf:
            if type(items[1]) is not bytes:
                raise WitnessError("a leaf's value is a list")
            end = ("leaf", node_path, items[1])
            break
        if not node_path or items[1] == b"":
            raise WitnessError("an extension without a path or a child")
        if not path.startswith(node_path, depth):
            end = ("extension", node_path, _raw(items[1]))
            break
        frames.append((items, node_path))
        depth += len(node_path)
        items = nodes.follow(items[1])
    if nodes.used != len(proof):
        raise WitnessError(f"the proof has {len(proof) - nodes.used} node(s) past the key's path")
    return frames, end, path[depth:]


def _split(node: _Sub, rest: str, value: bytes) -> _Sub:
    """A branch (under an extension of the shared path) holding ``node``
    and a new leaf ``value`` at ``rest``, whose paths diverge."""
    shared = common_prefix_length(node.path, rest)
    refs = [EMPTY_ITEM] * 16
    branch_value = b""
    if shared == len(node.path):  # only a leaf's path can end here
        branch_value = node.payload
    else:
        refs[int(node.path[shared], 16)] = _Sub(node.kind, node.path[shared + 1:], node.payload).ref() \
            if node.kind == "leaf" or shared + 1 < len(node.path) else node.payload
    if shared == len(rest):
        branch_value = value
    else:
        refs[int(rest[shared], 16)] = _Sub("leaf", rest[shared + 1:], value).ref()
    return _Sub("branch", "", encode_branch(refs, branch_value)).prefixed(rest[:shared])


def _end_subtree(end: tuple, rest: str, value: bytes) -> tuple[bytes, _Sub | None, bool]:
    """The old value at the key, the subtree replacing the end, and whether
    the trie is unchanged (a delete of an absent key)."""
    kind = end[0]
    if kind == "empty":
        return b"", (_Sub("leaf", rest, value) if value else None), not value
    if kind == "value":
        return b"", None, False  # the branch frame handles its own value
    node = _Sub(kind, end[1], end[2])
    if kind == "leaf" and end[1] == rest:
        return end[2], (_Sub("leaf", rest, value) if value else None), False
    if not value:
        return b"", node, True
    return b"", _split(node, rest, value), False


def _rebuild_branch(items: list, nibble: int, sub: _Sub | None, value: bytes,
                    sibling: Callable[[bytes], bytes]) -> _Sub | None:
    refs = [_raw(item) for item in items[:16]]
    branch_value = items[16]
    if type(branch_value) is not bytes:
        raise WitnessError("a branch's value is a list")
    if nibble == 16:
        branch_value = value
    else:
        refs[nibble] = sub.ref() if sub is not None else EMPTY_ITEM
    occupied = [i for i in range(16) if refs[i] != EMPTY_ITEM]
    if len(occupied) + (1 if branch_value else 0) >= 2:
        return _Sub("branch", "", encode_branch(refs, branch_value))
    if branch_value:
        return _Sub("leaf", "", branch_value)
    if not occupied:
        return None
    only = occupied[0]
    if only == nibble:
        return sub.prefixed(HEX_DIGITS[only])
    item = items[only]
    encoding = _raw(item) if type(item) is list else sibling(item)
    return _sub_of_node(encoding).prefixed(HEX_DIGITS[only])


def mpt_update(root: bytes, key: bytes, witness: MptWitness, value: bytes,
               sibling: Callable[[bytes], bytes] | None = None) -> tuple[bytes, bytes]:
    """``(old value, new root)`` after setting ``key`` (the path: already
    hashed for a secure trie) to ``value`` (``b""`` deletes) in the trie of
    hash ``root``, through ``witness``. Raises ``WitnessError`` for a
    witness that does not prove the key's path or has parts left unused.

    ``sibling`` (for ``mpt_witness``) loads a collapsing branch's last child
    by hash instead of taking it from the witness."""
    path = key.hex()
    frames, end, rest = _walk(root, path, witness.proof)
    used: list[bytes] = []

    def from_witness(node_hash: bytes) -> bytes:
        if keccak256(witness.sibling) != node_hash:
            raise WitnessError("the collapsing branch's child is not the witness's sibling node")
        used.append(node_hash)
        return witness.sibling

    old, sub, unchanged = _end_subtree(end, rest, value)
    if end[0] == "value":
        old = frames[-1][0][16]
    if unchanged:
        new_root = root
    else:
        for items, step in reversed(frames):
            if isinstance(step, str):
                sub = sub.prefixed(step) if sub is not None else None
            else:
                sub = _rebuild_branch(items, step, sub, value, sibling or from_witness)
        new_root = keccak256(sub.encoding()) if sub is not None else EMPTY_TRIE_ROOT
    if sibling is None and not used and witness.sibling:
        raise WitnessError("the witness has a sibling node no collapse uses")
    return old, new_root


def mpt_read(root: bytes, key: bytes, proof: tuple[bytes, ...]) -> bytes:
    """The value under ``key`` (``b""`` when absent), proven as ``mpt_update`` proves it."""
    frames, end, rest = _walk(root, key.hex(), tuple(proof))
    if end[0] == "value":
        return frames[-1][0][16]
    if end[0] == "leaf" and end[1] == rest:
        return end[2]
    return b""


def mpt_witness(trie: Trie, key: bytes, value: bytes) -> MptWitness:
    """The witness for setting ``key`` (as ``trie.get`` takes it) to ``value``
    (``b""`` deletes) in ``trie``."""
    proof = tuple(prove(trie, key))
    path = keccak256(key) if isinstance(trie, SecureTrie) else key
    children = {}
    for node in trie.path_nodes(key):
        if type(node) is Branch:
            children.update((child_ref(child), child) for child in node.children if child is not None)
    loaded: list[bytes] = []

    def load(node_hash: bytes) -> bytes:
        child = children[b"\xa0" + node_hash]
        encoding = trie.store.get(node_hash) if type(child) is bytes else encode_node(child)
        if encoding is None:
            raise MissingNodeError(node_hash)
        loaded.append(encoding)
        return encoding

    mpt_update(trie.root_hash(), path, MptWitness(proof), value, sibling=load)
    return MptWitness(proof, loaded[0] if loaded else b"")
