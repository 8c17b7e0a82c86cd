"""
KECCAK256
=========
"""

from ...primitives.crypto import keccak256 as _keccak256
from ..exceptions import OutOfGas
from ..gas import KECCAK256_WORD
from ..memory import expand


def keccak256(f):
    s = f.stack
    offset = s.pop()
    size = s[-1]
    gas = f.gas - KECCAK256_WORD * ((size + 31) >> 5)
    if gas < 0:
        raise OutOfGas
    f.gas = gas
    expand(f, offset, size)
    s[-1] = int.from_bytes(_keccak256(f.memory[offset : offset + size] if size else b""), "big")
