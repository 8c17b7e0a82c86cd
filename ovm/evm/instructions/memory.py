"""
Memory instructions
===================

MLOAD, MSTORE and MSTORE8 are value functions (``load_word``, ...) with thin
stack handlers around them; the transpiler calls the value functions directly.
"""

from ..exceptions import OutOfGas
from ..gas import COPY_WORD
from ..memory import expand


def load_word(f, offset: int) -> int:
    if offset + 32 > len(f.memory):
        expand(f, offset, 32)
    return int.from_bytes(f.memory[offset : offset + 32], "big")


def store_word(f, offset: int, value: int) -> None:
    if offset + 32 > len(f.memory):
        expand(f, offset, 32)
    f.memory[offset : offset + 32] = value.to_bytes(32, "big")


def store_byte(f, offset: int, value: int) -> None:
    if offset >= len(f.memory):
        expand(f, offset, 1)
    f.memory[offset] = value & 0xFF


def mload(f):
    s = f.stack
    s[-1] = load_word(f, s[-1])


def mstore(f):
    s = f.stack
    offset = s.pop()
    store_word(f, offset, s.pop())


def mstore8(f):
    s = f.stack
    offset = s.pop()
    store_byte(f, offset, s.pop())


def mcopy(f):
    s = f.stack
    dest = s.pop()
    src = s.pop()
    size = s.pop()
    if size:
        gas = f.gas - COPY_WORD * ((size + 31) >> 5)
        if gas < 0:
            raise OutOfGas
        f.gas = gas
        expand(f, max(dest, src), size)
        memory = f.memory
        memory[dest : dest + size] = memory[src : src + size]
