"""
RLP nested deeply
=================

Decoding keeps the lists it is filling on its own stack, so hostile input
nested far deeper than Python's recursion limit decodes (or is refused with
``DecodingError``) like any other.
"""

from __future__ import annotations

import pytest
from support import nested_rlp_lists as nested

from ovm.primitives import rlp


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
