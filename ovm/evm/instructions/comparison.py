"""
Comparison instructions
=======================

Signed comparisons flip the sign bit of both operands, which maps two's
complement order onto unsigned order.
"""

SIGN = 1 << 255


def lt(f):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a < s[-1] else 0


def gt(f):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a > s[-1] else 0


def slt(f):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if (a ^ SIGN) < (s[-1] ^ SIGN) else 0


def sgt(f):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if (a ^ SIGN) > (s[-1] ^ SIGN) else 0


def eq(f):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a == s[-1] else 0


def iszero(f):
    s = f.stack
    s[-1] = 0 if s[-1] else 1
