"""
Node stores
===========

Where a trie keeps its hashed nodes: a content-addressed map from
``keccak256(encoding)`` to ``encoding``. Tries load nodes from a store lazily,
by hash, and write new ones on ``commit``; several tries (the state trie and
every account's storage trie) can share one store. A persistent store only has
to provide the two methods of :class:`NodeStore`.
"""

from __future__ import annotations

from typing import Protocol


class NodeStore(Protocol):
    def get(self, node_hash: bytes) -> bytes | None:
        """The encoding of the node with this hash, or None if absent."""

    def put(self, node_hash: bytes, encoding: bytes) -> None:
        """Keep ``encoding`` under its hash (writing it twice is harmless)."""


class MissingNodeError(LookupError):
    """A trie needed a node that its store does not have."""

    def __init__(self, node_hash: bytes) -> None:
        super().__init__(f"trie node 0x{node_hash.hex()} is not in the store")
        self.node_hash = node_hash


class MemoryNodeStore:
    """A node store in a dict, for tests and for tries that live one block."""

    def __init__(self) -> None:
        self.nodes: dict[bytes, bytes] = {}

    def get(self, node_hash: bytes) -> bytes | None:
        return self.nodes.get(node_hash)

    def put(self, node_hash: bytes, encoding: bytes) -> None:
        self.nodes[node_hash] = encoding

    def __len__(self) -> int:
        return len(self.nodes)
