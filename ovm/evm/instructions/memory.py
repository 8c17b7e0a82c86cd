"""
Memory instructions
===================
"""

from ..exceptions import OutOfGas
from ..gas import COPY_WORD
from ..memory import expand


def mload(f):
    s = f.stack
    offset = s[-1]
    if offset + 32 > len(f.memory):
        expand(f, offset, 32)
    s[-1] = int.from_bytes(f.memory[offset : offset + 32], "big")


def mstore(f):
    s = f.stack
    offset = s.pop()
    value = s.pop()
    if offset + 32 > len(f.memory):
        expand(f, offset, 32)
    f.memory[offset : offset + 32] = value.to_bytes(32, "big")


def mstore8(f):
    s = f.stack
    offset = s.pop()
    value = s.pop()
    if offset >= len(f.memory):
        expand(f, offset, 1)
    f.memory[offset] = value & 0xFF



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
