"""
Opening the commitment
======================

What the reference verifier (``ovm.fraud.verifier``) works on: ``Run``, the
machine of the pre-commitment while a step changes it; ``Halt``, the frame
halting in this step; ``WitnessError`` for a witness that does not open the
pre-commitment; and ``open_code``, the code bytes a step reads, checked
against the code's chunk tree.
"""

from __future__ import annotations

from typing import Protocol

from .code import CODE_TREE_DEPTH, CodeChunk
from .commitment import EMPTY_VIEW, HALT_EXCEPTIONAL, ByteView, Machine, stack_push
from .merkle import range_root
from .rules import fork_of
from .witness import CodeReveal, Witness


class CodeOracle(Protocol):
    def lookup(self, code_hash: bytes) -> tuple[int, bytes] | None: ...


class WitnessError(ValueError):
    """The witness does not open the pre-commitment, or is not this step's."""


def require(condition: bool, reason: str) -> None:
    if not condition:
        raise WitnessError(reason)


class Halt(Exception):
    """The frame halts in this step."""

    def __init__(self, status: int, output: ByteView = EMPTY_VIEW) -> None:
        self.status = status
        self.output = output


class Run:
    """The machine while a step changes it."""

    def __init__(self, machine: Machine, witness: Witness, code_size: int, code_root: bytes) -> None:
        self.machine = machine
        self.witness = witness
        self.fork = fork_of(machine.fork)
        self.code_size = code_size
        self.code_root = code_root
        self.pc = machine.pc
        self.gas = machine.gas
        self.stack_size = machine.stack_size
        self.stack = machine.stack
        self.memory_size = machine.memory_size
        self.memory = machine.memory
        self.pending = machine.pending
        self.substate = machine.substate
        self.changes: dict = {}
        """Other words the step sets (a call's or an exit's: callers, message, …)."""

    def charge(self, amount: int) -> None:
        if amount > self.gas:
            raise Halt(HALT_EXCEPTIONAL)
        self.gas -= amount

    def push(self, *values: int) -> None:
        """Push ``values``, the first ending on top."""
        for value in reversed(values):
            self.stack = stack_push(self.stack, value)
            self.stack_size += 1

    def post(self) -> Machine:
        return self.machine.replace(
            pc=self.pc, gas=self.gas, stack_size=self.stack_size, stack=self.stack,
            memory_size=self.memory_size, memory=self.memory, pending=self.pending, substate=self.substate,
            **self.changes,
        )


# -- code -------------------------------------------------------------------------


def open_code(run: Run, reveal: CodeReveal, start: int, end: int) -> bytes:
    """Code bytes ``[start, end)`` (zeros past the code) from ``reveal``, which
    must hold exactly the chunks with code in that range."""
    stop = min(end, run.code_size)
    if start >= stop:
        require(reveal == CodeReveal(), "no code to reveal here")
        return bytes(end - start)
    first, count = start // 32, (stop - 1) // 32 - start // 32 + 1
    require(reveal.first == first and len(reveal.chunks) == count, "not the chunks this step reads")
    leaves = [chunk.leaf for chunk in reveal.chunks]
    require(range_root(CODE_TREE_DEPTH, first, leaves, reveal.siblings) == run.code_root,
            "the code chunks do not open the code")
    data = b"".join(chunk.chunk for chunk in reveal.chunks)
    base = 32 * first
    return (data[start - base:stop - base]).ljust(end - start, b"\x00")


def open_chunk(run: Run, reveal: CodeReveal, position: int) -> CodeChunk:
    """The chunk holding code byte ``position`` (< code size)."""
    open_code(run, reveal, position, position + 1)
    return reveal.chunks[0]
