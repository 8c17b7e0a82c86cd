"""
Merkle-Patricia trie
====================

Ethereum's hexary Merkle-Patricia trie: roots of the state, storage,
transactions and receipts, Merkle proofs of single keys, and node stores.

- :class:`Trie` / :class:`SecureTrie`: mutable tries that open at a root hash in
  a :class:`NodeStore`, re-hash only changed paths, and ``commit`` new nodes.
- :func:`trie_root`: the one-shot root of a set of pairs (fast path).
- :func:`prove` / :func:`verify_proof`: EIP-1186 shaped proofs.

``nodes`` holds the node kinds, their encodings and the hex-prefix encoding;
``store`` the store protocol and an in-memory store; ``trie`` the mutable
tries and ``root`` the one-shot roots.
"""

from ovm.trie.nodes import InvalidNode
from ovm.trie.proof import ProofError, prove, verify_proof
from ovm.trie.store import MemoryNodeStore, MissingNodeError, NodeStore
from ovm.trie.root import EMPTY_TRIE_ROOT, trie_root
from ovm.trie.trie import SecureTrie, Trie

__all__ = [
    "EMPTY_TRIE_ROOT",
    "InvalidNode",
    "MemoryNodeStore",
    "MissingNodeError",
    "NodeStore",
    "ProofError",
    "SecureTrie",
    "Trie",
    "prove",
    "trie_root",
    "verify_proof",
]
