"""
KECCAK256
=========
"""

from ...primitives.crypto import keccak256 as _keccak256
from ..exceptions import OutOfGas
from ..gas import KECCAK256_WORD
from ..memory import expand


def hash_memory(f, offset: int, size: int) -> int:
    """keccak256 of a memory region, as a word."""
    gas = f.gas - KECCAK256_WORD * ((size + 31) >> 5)
    if gas < 0:
        raise OutOfGas
    f.gas = gas
    expand(f, offset, size)
    return int.from_bytes(_keccak256(f.memory[offset : offset + size] if size else b""), "big")


def keccak256(f):
    s = f.stack
    offset = s.pop()
    s[-1] = hash_memory(f, offset, s[-1])
