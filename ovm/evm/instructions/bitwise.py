"""
Bitwise instructions
====================
"""

M = (1 << 256) - 1
SIGN = 1 << 255


def and_(f):
    s = f.stack
    a = s.pop()
    s[-1] &= a


def or_(f):
    s = f.stack
    a = s.pop()
    s[-1] |= a


def xor(f):
    s = f.stack
    a = s.pop()
    s[-1] ^= a


def not_(f):
    s = f.stack
    s[-1] = M ^ s[-1]


def byte(f):
    s = f.stack
    i = s.pop()
    s[-1] = (s[-1] >> (248 - i * 8)) & 0xFF if i < 32 else 0


def shl(f):
    s = f.stack
    shift = s.pop()
    s[-1] = (s[-1] << shift) & M if shift < 256 else 0


def shr(f):
    s = f.stack
    shift = s.pop()
    s[-1] = s[-1] >> shift if shift < 256 else 0


def sar(f):
    s = f.stack
    shift = s.pop()
    value = s[-1]
    if value & SIGN:
        s[-1] = ((value - (1 << 256)) >> shift) & M if shift < 256 else M
    else:
        s[-1] = value >> shift if shift < 256 else 0
