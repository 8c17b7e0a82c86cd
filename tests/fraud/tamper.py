"""
Tampered witnesses
==================

``tamperings(witness)`` yields the witness with one element altered at a
time: each word of the pre-state machine, each revealed stack item, the hash
of the stack below them, the code reveal's first chunk index, each chunk,
mask and sibling (and one sibling too few or too many), and each 32-byte word
of ``extra``: each value of its layout (``ovm.fraud.witness.EXTRA_LAYOUTS``,
found by decoding it), each array one element shorter and longer, the whole
cut short, a word where none belongs. Values, not bytes: ABI offsets can be
re-encoded without changing what they encode, which is the same witness. A
verifier must reject each, or answer a commitment other than the honest one.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace
from typing import Iterator

from eth_abi import decode, encode

from ovm.fraud.code import CodeChunk
from ovm.fraud.witness import EXTRA_LAYOUTS, CodeReveal, Witness


def flip(value: bytes) -> bytes:
    if not value:  # an empty ``bytes`` (an unused sibling node) made non-empty
        return b"\x00"
    return value[:-1] + bytes((value[-1] ^ 1,))


def _altered(value):
    if isinstance(value, int):
        return value ^ 1
    if isinstance(value, str):  # an address as eth_abi decodes it
        return value[:-1] + ("0" if value[-1] != "0" else "1")
    return flip(value) if value else b"\x00"  # an empty byte string (an MPT witness's unused sibling)


def tamperings(witness: Witness, sample: random.Random | None = None) -> Iterator[tuple[str, Witness]]:
    """Each tampered witness; with ``sample``, arrays of more than ``SAMPLED``
    elements have only their first, last and a few random ones altered."""
    machine = witness.machine
    for f in fields(machine):
        yield f"machine.{f.name}", replace(witness, machine=machine.replace(**{f.name: _altered(getattr(machine, f.name))}))
    for i, item in enumerate(witness.stack):
        stack = list(witness.stack)
        stack[i] = (item ^ 1) if item else 1
        yield f"stack[{i}]", replace(witness, stack=stack)
    if witness.stack:
        yield "stack: one item too few", replace(witness, stack=witness.stack[1:])
    yield "stack: one item too many", replace(witness, stack=witness.stack + [0])
    yield "stack_rest", replace(witness, stack_rest=flip(witness.stack_rest))
    yield from (("code." + name, replace(witness, code=code)) for name, code in _code_tamperings(witness.code))
    extra = witness.extra
    if not extra:
        yield "extra: a word where none belongs", replace(witness, extra=bytes(32))
        return
    yield "extra: cut short", replace(witness, extra=extra[:-32])
    layout = layout_of(extra)
    for path, values in _value_tamperings(list(decode(layout, extra)), "", sample):
        yield f"extra{path}", replace(witness, extra=encode(layout, values))


def layout_of(extra: bytes) -> list[str]:
    """The layout whose canonical encoding ``extra`` is."""
    for layout in EXTRA_LAYOUTS.values():
        try:
            if encode(layout, decode(layout, extra)) == extra:
                return layout
        except Exception:
            continue
    raise AssertionError("an extra of no known layout")


SAMPLED = 6


def _indexes(count: int, sample: random.Random | None) -> list[int]:
    if sample is None or count <= SAMPLED:
        return list(range(count))
    return sorted({0, count - 1, *sample.sample(range(1, count - 1), SAMPLED - 2)})


def _value_tamperings(value, path: str, sample: random.Random | None) -> Iterator[tuple[str, object]]:
    """``value`` (nested tuples and lists of leaves) with one leaf altered, or one list resized."""
    if isinstance(value, (tuple, list)):
        rebuild = type(value)
        for i in _indexes(len(value), sample):
            item = value[i]
            for where, changed in _value_tamperings(item, f"{path}[{i}]", sample):
                yield where, rebuild(list(value[:i]) + [changed] + list(value[i + 1:]))
        if isinstance(value, list) and path:  # a dynamic array (the top level is the layout's list)
            if value:
                yield f"{path}: one element too few", value[:-1]
                yield f"{path}: one element too many", value + [value[-1]]
            else:
                yield f"{path}: one element too many", [bytes(32)]
        return
    yield path, _altered(value)


def _code_tamperings(code: CodeReveal) -> Iterator[tuple[str, CodeReveal]]:
    chunks = list(code.chunks)
    if chunks:
        yield "first", replace(code, first=code.first + 1)
        yield "one chunk too few", replace(code, chunks=tuple(chunks[:-1]))
    yield "one chunk too many", replace(code, chunks=tuple(chunks + [CodeChunk(bytes(32), bytes(32))]))
    for i, chunk in enumerate(chunks):
        changed = list(chunks)
        changed[i] = CodeChunk(flip(chunk.chunk), chunk.mask)
        yield f"chunk[{i}]", replace(code, chunks=tuple(changed))
        changed[i] = CodeChunk(chunk.chunk, flip(chunk.mask))
        yield f"mask[{i}]", replace(code, chunks=tuple(changed))
    siblings = list(code.siblings)
    for i, sibling in enumerate(siblings):
        yield f"sibling[{i}]", replace(code, siblings=tuple(siblings[:i] + [flip(sibling)] + siblings[i + 1:]))
    if siblings:
        yield "one sibling too few", replace(code, siblings=tuple(siblings[:-1]))
    yield "one sibling too many", replace(code, siblings=tuple(siblings + [bytes(32)]))
