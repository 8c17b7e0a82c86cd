"""
Memory and gas charging
=======================

Memory is a ``bytearray`` that grows in 32-byte words; growing it costs
``3·words + words²/512`` in total, charged as the difference. Offsets come
straight off the stack and may be huge: the cost is computed (Python integers
do not overflow) and out-of-gas raised before anything is allocated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .exceptions import OutOfGas
from .gas import MEMORY_QUADRATIC_DIVISOR, MEMORY_WORD

if TYPE_CHECKING:  # pragma: no cover
    from .frame import Frame


def charge(f: "Frame", amount: int) -> None:
    gas = f.gas - amount
    if gas < 0:
        raise OutOfGas
    f.gas = gas


def expansion_cost(current_size: int, end: int) -> int:
    """Gas to grow a memory of ``current_size`` bytes to cover ``end`` bytes."""
    if end <= current_size:
        return 0
    new_words = (end + 31) >> 5
    old_words = current_size >> 5
    return (
        MEMORY_WORD * (new_words - old_words)
        + (new_words * new_words) // MEMORY_QUADRATIC_DIVISOR
        - (old_words * old_words) // MEMORY_QUADRATIC_DIVISOR
    )


def expand(f: "Frame", offset: int, size: int) -> None:
    """Charge for and grow memory to cover ``[offset, offset + size)``; size 0 is free."""
    if size:
        memory = f.memory
        end = offset + size
        current = len(memory)
        if end > current:
            gas = f.gas - expansion_cost(current, end)
            if gas < 0:
                raise OutOfGas
            f.gas = gas
            memory.extend(bytes(((end + 31) & ~31) - current))


def expand_for_two(f: "Frame", offset1: int, size1: int, offset2: int, size2: int) -> None:
    """Grow memory to cover two regions (a call's input and output)."""
    end = 0
    if size1:
        end = offset1 + size1
    if size2 and offset2 + size2 > end:
        end = offset2 + size2
    if end:
        expand(f, 0, end)


def read(f: "Frame", offset: int, size: int) -> bytes:
    """Bytes of memory, after ``expand`` has covered the region."""
    if not size:
        return b""
    return bytes(f.memory[offset : offset + size])
