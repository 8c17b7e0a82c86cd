"""
Control flow instructions
=========================

The interpreter has already advanced ``f.pc`` past the opcode; jumps overwrite it.
"""

from ..exceptions import InvalidJump, InvalidOpcode, Stop
from .stack import push_value


def stop(f):
    raise Stop


def jump(f):
    dest = f.stack.pop()
    if dest not in f.valid_jumpdests():
        raise InvalidJump
    f.pc = dest


def jumpi(f):
    s = f.stack
    dest = s.pop()
    if s.pop():
        if dest not in f.valid_jumpdests():
            raise InvalidJump
        f.pc = dest


def pc(f):
    push_value(f, f.pc - 1)


def gas(f):
    push_value(f, f.gas)


def jumpdest(f):
    pass


def invalid(f):
    raise InvalidOpcode(f.code[f.pc - 1])
