"""
Instructions as expressions
===========================

The instructions that only compute a word from their operands (arithmetic,
comparison, bitwise) or read a value of the frame (CALLER, CALLVALUE, ...)
are defined once, as a Python expression, and the interpreter's handler is
built from that expression. The transpiler inlines the same expression into
the code it generates, so both paths run the same semantics.

Operands are the placeholders ``{a}``, ``{b}``, ``{c}`` from the top of the
stack down (filled with names or literals by whoever inlines them); frame
values are expressions over ``f``. Expressions may use the names in
``NAMESPACE``.
"""

from __future__ import annotations

from typing import Callable

from ...primitives.types import UINT256_CEIL as CEIL, UINT256_MAX as M
from ..exceptions import StackOverflow
from ..gas import STACK_LIMIT

SIGN = 1 << 255
OPERANDS = ("a", "b", "c")


def sdiv(a: int, b: int) -> int:
    if not b:
        return 0
    a = a - CEIL if a & SIGN else a
    b = b - CEIL if b & SIGN else b
    quotient = abs(a) // abs(b)
    return (-quotient if (a < 0) != (b < 0) else quotient) & M


def smod(a: int, b: int) -> int:
    if not b:
        return 0
    a = a - CEIL if a & SIGN else a
    b = b - CEIL if b & SIGN else b
    remainder = abs(a) % abs(b)
    return (-remainder if a < 0 else remainder) & M


def signextend(b: int, x: int) -> int:
    """Extend the sign of byte ``b`` (counting from the least significant) of ``x``."""
    if b >= 31:
        return x
    low_mask = (1 << (b * 8 + 8)) - 1
    low = x & low_mask
    return low | (M ^ low_mask) if low >> (b * 8 + 7) & 1 else low


def sar(shift: int, value: int) -> int:
    if value & SIGN:
        return ((value - CEIL) >> shift) & M if shift < 256 else M
    return value >> shift if shift < 256 else 0


NAMESPACE: dict[str, object] = {
    "M": M,
    "SIGN": SIGN,
    "sdiv": sdiv,
    "smod": smod,
    "signextend": signextend,
    "sar": sar,
}

# Pure word functions: name -> (number of operands, expression).
PURE: dict[str, tuple[int, str]] = {
    "ADD": (2, "({a} + {b}) & M"),
    "MUL": (2, "({a} * {b}) & M"),
    "SUB": (2, "({a} - {b}) & M"),
    "DIV": (2, "{a} // {b} if {b} else 0"),
    "SDIV": (2, "sdiv({a}, {b})"),
    "MOD": (2, "{a} % {b} if {b} else 0"),
    "SMOD": (2, "smod({a}, {b})"),
    "ADDMOD": (3, "({a} + {b}) % {c} if {c} else 0"),
    "MULMOD": (3, "({a} * {b}) % {c} if {c} else 0"),
    "SIGNEXTEND": (2, "signextend({a}, {b})"),
    "LT": (2, "1 if {a} < {b} else 0"),
    "GT": (2, "1 if {a} > {b} else 0"),
    # Flipping the sign bit maps two's complement order onto unsigned order.
    "SLT": (2, "1 if ({a} ^ SIGN) < ({b} ^ SIGN) else 0"),
    "SGT": (2, "1 if ({a} ^ SIGN) > ({b} ^ SIGN) else 0"),
    "EQ": (2, "1 if {a} == {b} else 0"),
    "ISZERO": (1, "0 if {a} else 1"),
    "AND": (2, "{a} & {b}"),
    "OR": (2, "{a} | {b}"),
    "XOR": (2, "{a} ^ {b}"),
    "NOT": (1, "M ^ {a}"),
    "BYTE": (2, "({b} >> (248 - {a} * 8)) & 0xFF if {a} < 32 else 0"),
    "SHL": (2, "({b} << {a}) & M if {a} < 256 else 0"),
    "SHR": (2, "{b} >> {a} if {a} < 256 else 0"),
    "SAR": (2, "sar({a}, {b})"),
    # Leading zero bits of the word; 256 for zero. The parentheses let a
    # literal operand be inlined (``(5).bit_length()``).
    "CLZ": (1, "256 - ({a}).bit_length()"),
}

# Values a frame can read without side effects: name -> expression over ``f``.
FRAME_VALUES: dict[str, str] = {
    "ADDRESS": "int.from_bytes(f.address, 'big')",
    "ORIGIN": "int.from_bytes(f.tx.origin, 'big')",
    "CALLER": "int.from_bytes(f.caller, 'big')",
    "CALLVALUE": "f.value",
    "CALLDATASIZE": "len(f.data)",
    "CODESIZE": "f.code_size",
    "GASPRICE": "f.tx.gas_price",
    "RETURNDATASIZE": "len(f.return_data)",
    "COINBASE": "int.from_bytes(f.env.coinbase, 'big')",
    "TIMESTAMP": "f.env.timestamp",
    "NUMBER": "f.env.number",
    "PREVRANDAO": "int.from_bytes(f.env.prev_randao, 'big')",
    "GASLIMIT": "f.env.gas_limit",
    "CHAINID": "f.env.chain_id",
    "SELFBALANCE": "f.state.get_balance(f.address)",
    "BASEFEE": "f.env.base_fee",
    "BLOBBASEFEE": "f.env.blob_base_fee",
    "MSIZE": "len(f.memory)",
}


def _compile_handler(name: str, source: str) -> Callable:
    namespace = dict(NAMESPACE, StackOverflow=StackOverflow, STACK_LIMIT=STACK_LIMIT)
    exec(compile(source, f"<instruction {name}>", "exec"), namespace)
    return namespace[f"op_{name.lower()}"]


def pure_handler(name: str) -> Callable:
    """The interpreter handler of a pure instruction: pop, compute, replace the top."""
    inputs, expression = PURE[name]
    pops = "".join(f"    {operand} = s.pop()\n" for operand in OPERANDS[: inputs - 1])
    last = OPERANDS[inputs - 1]
    source = (
        f"def op_{name.lower()}(f):\n"
        f"    s = f.stack\n"
        f"{pops}"
        f"    {last} = s[-1]\n"
        f"    s[-1] = {expression.format(a='a', b='b', c='c')}\n"
    )
    return _compile_handler(name, source)


def frame_value_handler(name: str) -> Callable:
    """The interpreter handler of an instruction that pushes a frame value."""
    source = (
        f"def op_{name.lower()}(f):\n"
        f"    s = f.stack\n"
        f"    if len(s) >= STACK_LIMIT:\n"
        f"        raise StackOverflow\n"
        f"    s.append({FRAME_VALUES[name]})\n"
    )
    return _compile_handler(name, source)
