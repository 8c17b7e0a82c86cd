"""
Binary Merkle trees of words
============================

Every byte string of the machine — memory, calldata, return data, a
transaction's bytes — is committed as a binary Merkle tree of fixed depth
over its 32-byte words (``WORD_TREE_DEPTH``: 2^37 words, more memory than any
frame with less than 2^64 gas can pay for), zero-padded: a leaf is the word
itself, an inner node ``keccak256(left ‖ right)``, and a subtree with nothing
but zeros under it is the ladder ``ZERO[0] = 0``, ``ZERO[d+1] =
keccak256(ZERO[d] ‖ ZERO[d])``. Memory growing does not change its root.
Code has its own tree of the same shape (``ovm.fraud.code``) whose leaves are
hashes of a chunk and its instruction-start mask.

A *range proof* opens the consecutive leaves ``first .. first+n-1`` at once:
walking up level by level, the range widens by its left neighbour when it
starts at an odd index and by its right neighbour when it ends at an even
one; the proof is those neighbours in the order the walk needs them (at most
two per level). The same siblings give the root after the leaves change, so
one proof serves a read and a write (``range_root``).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..primitives.crypto import keccak256

WORD_TREE_DEPTH = 37
ZERO_WORD = bytes(32)


def _zero_hashes(depth: int) -> tuple[bytes, ...]:
    ladder = [ZERO_WORD]
    for _ in range(depth):
        ladder.append(keccak256(ladder[-1] * 2))
    return tuple(ladder)


ZERO = _zero_hashes(WORD_TREE_DEPTH)


class ProofError(ValueError):
    """A range proof that does not fit its range."""


class WordTree:
    """A sparse binary Merkle tree of ``2**depth`` leaves (node values, 32 bytes)."""

    def __init__(self, depth: int = WORD_TREE_DEPTH) -> None:
        self.depth = depth
        self.levels: list[dict[int, bytes]] = [{} for _ in range(depth + 1)]

    @classmethod
    def of_leaves(cls, leaves: Iterable[tuple[int, bytes]], depth: int = WORD_TREE_DEPTH) -> "WordTree":
        tree = cls(depth)
        level = {index: node for index, node in leaves if node != ZERO_WORD}
        tree.levels[0] = level
        for d in range(depth):
            zero = ZERO[d]
            parents: dict[int, bytes] = {}
            for index in level:
                parent = index >> 1
                if parent in parents:
                    continue
                left = level.get(parent << 1, zero)
                right = level.get((parent << 1) | 1, zero)
                parents[parent] = keccak256(left + right)
            tree.levels[d + 1] = level = parents
        return tree

    @classmethod
    def of_bytes(cls, data: bytes, depth: int = WORD_TREE_DEPTH) -> "WordTree":
        """The tree of ``data``'s words, the last one zero-padded."""
        return cls.of_leaves(
            ((i, bytes(data[32 * i:32 * i + 32]).ljust(32, b"\x00")) for i in range((len(data) + 31) // 32)),
            depth,
        )

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level].get(index, ZERO[level])

    def leaf(self, index: int) -> bytes:
        return self.node(0, index)

    @property
    def root(self) -> bytes:
        return self.node(self.depth, 0)

    def set_leaf(self, index: int, node: bytes) -> None:
        """Change one leaf and the path above it."""
        if self.leaf(index) == node:
            return
        for d in range(self.depth):
            level = self.levels[d]
            if node == ZERO[d]:
                level.pop(index, None)
            else:
                level[index] = node
            sibling = level.get(index ^ 1, ZERO[d])
            node = keccak256(sibling + node if index & 1 else node + sibling)
            index >>= 1
        if node == ZERO[self.depth]:
            self.levels[self.depth].pop(0, None)
        else:
            self.levels[self.depth][0] = node

    def range_proof(self, first: int, count: int) -> list[bytes]:
        """The siblings that open leaves ``first .. first+count-1``."""
        if count < 1 or first < 0 or first + count > 1 << self.depth:
            raise ProofError(f"no range of {count} leaves at {first} in a tree of depth {self.depth}")
        siblings = []
        lo, hi = first, first + count - 1
        for d in range(self.depth):
            if lo & 1:
                siblings.append(self.node(d, lo - 1))
                lo -= 1
            if not hi & 1:
                siblings.append(self.node(d, hi + 1))
                hi += 1
            lo >>= 1
            hi >>= 1
        return siblings


def range_root(depth: int, first: int, leaves: Sequence[bytes], siblings: Sequence[bytes]) -> bytes:
    """The root that ``leaves`` at ``first ..`` and ``siblings`` (a range
    proof) make; raises ``ProofError`` if the proof has too few or too many
    siblings, or the range does not fit the tree."""
    if not leaves or first < 0 or first + len(leaves) > 1 << depth:
        raise ProofError("range outside the tree")
    nodes = list(leaves)
    lo, hi = first, first + len(nodes) - 1
    used = 0
    for _ in range(depth):
        if lo & 1:
            if used == len(siblings):
                raise ProofError("range proof too short")
            nodes.insert(0, siblings[used])
            used += 1
            lo -= 1
        if not hi & 1:
            if used == len(siblings):
                raise ProofError("range proof too short")
            nodes.append(siblings[used])
            used += 1
            hi += 1
        nodes = [keccak256(nodes[i] + nodes[i + 1]) for i in range(0, len(nodes), 2)]
        lo >>= 1
        hi >>= 1
    if used != len(siblings):
        raise ProofError("range proof too long")
    return nodes[0]


def word_span(offset: int, size: int) -> tuple[int, int]:
    """``(first, count)`` of the words covering bytes ``[offset, offset+size)``, size > 0."""
    first = offset // 32
    return first, (offset + size - 1) // 32 - first + 1
