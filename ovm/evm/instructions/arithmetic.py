"""
Arithmetic instructions
=======================

Words are unsigned ``int`` in ``[0, 2**256)``; signed operations reinterpret
them in two's complement. Each function pops its operands and replaces the new
top of the stack, so a missing operand raises ``IndexError`` before anything
changes (the interpreter turns it into a stack underflow).
"""

from ..exceptions import OutOfGas
from ..gas import EXP_BYTE

M = (1 << 256) - 1
CEIL = 1 << 256
SIGN = 1 << 255


def add(f):
    s = f.stack
    a = s.pop()
    s[-1] = (a + s[-1]) & M


def mul(f):
    s = f.stack
    a = s.pop()
    s[-1] = (a * s[-1]) & M


def sub(f):
    s = f.stack
    a = s.pop()
    s[-1] = (a - s[-1]) & M


def div(f):
    s = f.stack
    a = s.pop()
    b = s[-1]
    s[-1] = a // b if b else 0


def sdiv(f):
    s = f.stack
    a = s.pop()
    b = s[-1]
    if not b:
        s[-1] = 0
        return
    a = a - CEIL if a & SIGN else a
    b = b - CEIL if b & SIGN else b
    quotient = abs(a) // abs(b)
    s[-1] = (-quotient if (a < 0) != (b < 0) else quotient) & M


def mod(f):
    s = f.stack
    a = s.pop()
    b = s[-1]
    s[-1] = a % b if b else 0


def smod(f):
    s = f.stack
    a = s.pop()
    b = s[-1]
    if not b:
        s[-1] = 0
        return
    a = a - CEIL if a & SIGN else a
    b = b - CEIL if b & SIGN else b
    remainder = abs(a) % abs(b)
    s[-1] = (-remainder if a < 0 else remainder) & M


def addmod(f):
    s = f.stack
    a = s.pop()
    b = s.pop()
    n = s[-1]
    s[-1] = (a + b) % n if n else 0


def mulmod(f):
    s = f.stack
    a = s.pop()
    b = s.pop()
    n = s[-1]
    s[-1] = (a * b) % n if n else 0


def exp(f):
    s = f.stack
    base = s.pop()
    exponent = s[-1]
    if exponent:
        gas = f.gas - EXP_BYTE * ((exponent.bit_length() + 7) >> 3)
        if gas < 0:
            raise OutOfGas
        f.gas = gas
    s[-1] = pow(base, exponent, CEIL)


def signextend(f):
    s = f.stack
    b = s.pop()
    x = s[-1]
    if b < 31:
        sign_bit = 1 << (b * 8 + 7)
        low = x & ((sign_bit << 1) - 1)
        s[-1] = low | (M ^ ((sign_bit << 1) - 1)) if low & sign_bit else low
