"""
Stack instructions
==================

PUSHn, DUPn and SWAPn are built by small factories, one function per n. The
interpreter has already moved the program counter past the opcode, so a PUSH
reads its immediate at ``f.pc``; the frame's code is zero-padded, so an
immediate cut off by the end of the code reads as zeros.
"""

from ..exceptions import StackOverflow
from ..gas import STACK_LIMIT


def push_value(f, value: int) -> None:
    """Push one word, checking the stack limit (for the less hot instructions)."""
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(value)


def pop(f):
    f.stack.pop()


def push0(f):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(0)


def push1(f):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    pc = f.pc
    s.append(f.code[pc])
    f.pc = pc + 1


def make_push(n: int):
    if n == 1:
        return push1

    def push(f):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        pc = f.pc
        s.append(int.from_bytes(f.code[pc : pc + n], "big"))
        f.pc = pc + n

    push.__name__ = f"push{n}"
    return push


def make_dup(n: int):
    depth = -n

    def dup(f):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        s.append(s[depth])

    dup.__name__ = f"dup{n}"
    return dup


def make_swap(n: int):
    depth = -n - 1

    def swap(f):
        s = f.stack
        s[-1], s[depth] = s[depth], s[-1]

    swap.__name__ = f"swap{n}"
    return swap
