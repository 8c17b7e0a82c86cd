"""
Arithmetic with dynamic gas
===========================

EXP is the one arithmetic instruction whose cost depends on its operands
(50 gas per byte of the exponent). The pure arithmetic, comparison and
bitwise instructions are expressions in ``expressions``.
"""

from ...primitives.types import UINT256_CEIL as CEIL
from ..exceptions import OutOfGas
from ..gas import EXP_BYTE


def exp_cost(exponent: int) -> int:
    return EXP_BYTE * ((exponent.bit_length() + 7) >> 3)


def power(f, base: int, exponent: int) -> int:
    if exponent:
        gas = f.gas - exp_cost(exponent)
        if gas < 0:
            raise OutOfGas
        f.gas = gas
    return pow(base, exponent, CEIL)


def exp(f):
    s = f.stack
    base = s.pop()
    s[-1] = power(f, base, s[-1])
