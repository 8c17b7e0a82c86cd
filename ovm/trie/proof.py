"""
Merkle proofs
=============

A proof for a key is the list of RLP-encoded nodes from the root along the
key's path, in the shape of EIP-1186 (``eth_getProof``'s ``accountProof`` and
``storageProof``): every hashed node on the path, in order, the root first.
Embedded nodes (encodings under 32 bytes) are inside their parent's encoding
and are not listed again. The same shape proves absence: the path runs as far
as the trie goes, and its last node shows that the key is not there.
"""

from __future__ import annotations

from collections.abc import Sequence

from ovm.primitives.crypto import keccak256
from ovm.trie.nodes import (
    EMPTY_REF,
    HASH_REF_LENGTH,
    NIBBLE_INDEX,
    Extension,
    InvalidNode,
    Leaf,
    Node,
    decode_node,
    encode_node,
    key_to_path,
)
from ovm.trie.root import EMPTY_TRIE_ROOT
from ovm.trie.trie import Trie


class ProofError(ValueError):
    """The proof does not hold: it is malformed, incomplete, or not of this root."""


def prove(trie: Trie, key: bytes) -> list[bytes]:
    """The proof of ``key``'s value, or of its absence, in ``trie``.

    ``key`` is what ``trie.get`` takes: for a :class:`SecureTrie` the original
    key, which it hashes. The empty trie's proof is ``[]``.
    """
    trie.root_hash()  # makes every node's ref current
    nodes = trie.path_nodes(key)
    hashed = [node for node in nodes[1:] if len(node.ref) == HASH_REF_LENGTH]
    return [encode_node(node) for node in nodes[:1] + hashed]


def verify_proof(root: bytes, key: bytes, proof: Sequence[bytes], *, secure: bool = False) -> bytes | None:
    """The value that ``proof`` shows under ``key`` in the trie with hash
    ``root``, or None when it shows the key is absent.

    ``key`` is the path in the trie: for a secure trie (state, storage) pass
    ``keccak256(key)``, or the original key with ``secure=True``. Raises
    :class:`ProofError` if a node does not match the hash that refers to it or
    does not decode, if the proof stops before the key's path is settled, or if
    nodes are left over after it.
    """
    if len(root) != 32:
        raise ProofError(f"a trie root is 32 bytes, not {len(root)}")
    if root == EMPTY_TRIE_ROOT:
        if list(proof) not in ([], [EMPTY_REF]):
            raise ProofError("the root is the empty trie's, yet the proof has nodes")
        return None
    path = key_to_path(keccak256(key) if secure else key)
    pos = 0
    ref = b"\xa0" + root
    used = 0
    while True:
        node, used = _follow(ref, proof, used)
        kind = type(node)
        if kind is Leaf:
            value = node.value if path[pos:] == node.path else None
            break
        if kind is Extension:
            if not path.startswith(node.path, pos):
                value = None
                break
            pos += len(node.path)
            ref = node.child
        else:
            if pos == len(path):
                value = node.value or None
                break
            ref = node.children[NIBBLE_INDEX[path[pos]]]
            pos += 1
            if ref is None:
                value = None
                break
    if used < len(proof):
        raise ProofError(f"proof has {len(proof) - used} node(s) past the end of the key's path")
    return value


def _follow(ref: bytes, proof: Sequence[bytes], used: int) -> tuple[Node, int]:
    """The node that ``ref`` points to: the next proof node, checked against
    the hash, or the embedded node itself. Returns it and the nodes used."""
    if len(ref) == HASH_REF_LENGTH:
        if used == len(proof):
            raise ProofError(f"proof ends after {used} node(s), before the key's path does")
        encoding = proof[used]
        if keccak256(encoding) != ref[1:]:
            expected = "the root" if used == 0 else f"the reference in proof node {used - 1}"
            raise ProofError(f"proof node {used} does not hash to {expected}")
        where = f"proof node {used}"
        used += 1
    else:
        encoding = ref
        where = f"a node embedded in proof node {used - 1}"
    try:
        return decode_node(encoding), used
    except InvalidNode as exc:
        raise ProofError(f"{where} is not a trie node: {exc}") from None
