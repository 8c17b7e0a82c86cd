"""
RLP nested deeply
=================

Decoding keeps the lists it is filling on its own stack, so hostile input
nested far deeper than Python's recursion limit decodes (or is refused with
``DecodingError``) like any other.
"""

from __future__ import annotations

import pytest

from ovm.primitives import rlp


def nested(depth: int, core: bytes = b"\xc0") -> bytes:
    """``depth`` lists, each holding the next, around ``core``."""
    data = core
    for _ in range(depth):
        size = len(data)
        if size < 56:
            data = bytes([0xC0 + size]) + data
        else:
            length = size.to_bytes((size.bit_length() + 7) // 8, "big")
            data = bytes([0xF7 + len(length)]) + length + data
    return data


def test_ten_thousand_lists_deep_decode():
    item = rlp.decode(nested(10_000))
    depth = 0
    while item:
        (item,) = item
        depth += 1
    assert depth == 10_000


@pytest.mark.parametrize("core", [b"\x83ab", b"\xc2\x80", b"\xb8\x01a"], ids=["short-string", "short-list", "long-form"])
def test_a_bad_item_deep_inside_is_refused(core):
    with pytest.raises(rlp.DecodingError):
        rlp.decode(nested(10_000, core))


def test_lists_closing_together_and_siblings_after_them():
    item = [[[b"a", [b""]], b"bc"], [], b"\x05"]
    assert rlp.decode(rlp.encode(item)) == item
