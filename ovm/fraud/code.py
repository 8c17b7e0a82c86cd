"""
Code as a tree of chunks
========================

A frame's code is committed by its keccak256 hash, as the account holds it.
To read one instruction the verifier needs more than the hash: the code
oracle on L1 (``contracts/src/fraud/CodeOracle.sol``), to which anyone can
upload code, stores for each code hash the code's size and the root of its
*chunk tree*, and this module is the same computation in Python.

The chunk tree is a binary Merkle tree of depth ``CODE_TREE_DEPTH`` (4,096
chunks: 128 KiB, more than the largest initcode) whose leaf ``i`` is
``keccak256(chunk_i ‖ mask_i)``: ``chunk_i`` the code bytes ``32i .. 32i+31``
(zero-padded), ``mask_i`` 32 bytes, byte ``j`` 0x01 where byte ``j`` of the
chunk begins an instruction and 0x00 where it is PUSH data. Leaves past the
code are zero (the ladder of ``ovm.fraud.merkle``). So a step reads its
opcode and PUSH immediate from at most two chunks, and JUMP checks its
destination with one: ``0x5B`` at a byte whose mask is 0x01.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evm.opcodes import walk
from ..primitives.crypto import keccak256
from .merkle import WordTree

CODE_TREE_DEPTH = 12
MAX_CODE_SIZE = 32 << CODE_TREE_DEPTH
CHUNK = 32


def instruction_starts(code: bytes) -> bytearray:
    """One byte per code byte: 1 where an instruction begins (not PUSH data)."""
    starts = bytearray(len(code))
    for pc, _ in walk(code):
        starts[pc] = 1
    return starts


def chunk_leaf(chunk: bytes, mask: bytes) -> bytes:
    return keccak256(chunk + mask)


@dataclass(frozen=True)
class CodeChunk:
    """One chunk of code as a proof shows it."""

    chunk: bytes
    mask: bytes

    @property
    def leaf(self) -> bytes:
        return chunk_leaf(self.chunk, self.mask)


class CodeTree:
    """The chunk tree of one piece of code."""

    def __init__(self, code: bytes) -> None:
        if len(code) > MAX_CODE_SIZE:
            raise ValueError(f"code of {len(code)} bytes is larger than the chunk tree ({MAX_CODE_SIZE})")
        self.code = code
        self.size = len(code)
        self.code_hash = keccak256(code)
        starts = instruction_starts(code)
        self.chunks = [
            CodeChunk(code[i:i + CHUNK].ljust(CHUNK, b"\x00"), bytes(starts[i:i + CHUNK]).ljust(CHUNK, b"\x00"))
            for i in range(0, len(code), CHUNK)
        ]
        self.tree = WordTree.of_leaves(((i, c.leaf) for i, c in enumerate(self.chunks)), CODE_TREE_DEPTH)

    @property
    def root(self) -> bytes:
        return self.tree.root

    def chunk_count_for(self, start: int, end: int) -> tuple[int, int]:
        """``(first, count)`` of the chunks holding code bytes ``[start, end)``
        that exist (bytes past the code read as zero and need none)."""
        end = min(end, self.size)
        if start >= end:
            return start // CHUNK, 0
        first = start // CHUNK
        return first, (end - 1) // CHUNK - first + 1

    def reveal(self, start: int, end: int) -> tuple[int, list[CodeChunk], list[bytes]]:
        """``(first, chunks, siblings)`` opening code bytes ``[start, end)``."""
        first, count = self.chunk_count_for(start, end)
        if not count:
            return first, [], []
        return first, self.chunks[first:first + count], self.tree.range_proof(first, count)


class CodeRegistry:
    """What the L1 code oracle knows, in Python: code hash → (size, root)."""

    def __init__(self) -> None:
        self._trees: dict[bytes, CodeTree] = {}

    def register(self, code: bytes) -> CodeTree:
        tree = CodeTree(code)
        self._trees.setdefault(tree.code_hash, tree)
        return self._trees[tree.code_hash]

    def lookup(self, code_hash: bytes) -> tuple[int, bytes] | None:
        tree = self._trees.get(code_hash)
        return None if tree is None else (tree.size, tree.root)

    def tree(self, code_hash: bytes) -> CodeTree:
        return self._trees[code_hash]

    def codes(self) -> list[bytes]:
        """Every code registered (the frames of a trace: what the L1 oracle must know)."""
        return [tree.code for tree in self._trees.values()]
