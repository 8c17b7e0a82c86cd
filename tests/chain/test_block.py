"""
Blocks
======

Block and body encodings round-trip with legacy and typed transactions and
withdrawals, the transactions and withdrawals roots, and the checks that a
decoded block's header commits to its body, each naming the rule broken.
"""

from __future__ import annotations

import pytest

from ovm.chain.block import (
    Block,
    InvalidBlock,
    Rule,
    check_commitments,
    decode_block,
    decode_body,
    encode_block,
    encode_body,
    parse_block,
    transactions_root,
    withdrawals_root,
)
from ovm.chain.header import Header, block_hash, header_item
from ovm.chain.withdrawal import Withdrawal, withdrawal_item
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, LegacyTransaction, encode_transaction
from ovm.primitives import rlp
from ovm.trie import EMPTY_TRIE_ROOT, trie_root

KEY = bytes.fromhex("46" * 32)
TO = bytes.fromhex("35" * 20)
CHAIN_ID = 901

LEGACY = sign_transaction(
    LegacyTransaction(nonce=0, gas_price=10**9, gas=21000, to=TO, value=1, data=b"", v=0, r=0, s=0),
    KEY, CHAIN_ID,
)  # fmt: skip
TYPED = sign_transaction(
    FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=1, max_priority_fee_per_gas=1, max_fee_per_gas=10**9,
        gas=60_000, to=None, value=0, data=b"\x60\x00", access_list=(), y_parity=0, r=0, s=0,
    ),
    KEY, CHAIN_ID,
)  # fmt: skip
TRANSACTIONS = (LEGACY, TYPED)


WITHDRAWALS = (
    Withdrawal(index=0, validator_index=5, address=TO, amount=32 * 10**9),
    Withdrawal(index=1, validator_index=2**64 - 1, address=b"\x07" * 20, amount=0),
)


def make_block(transactions=TRANSACTIONS, withdrawals=(), **overrides) -> Block:
    fields = dict(
        parent_hash=b"\x01" * 32, coinbase=b"\x02" * 20, state_root=b"\x03" * 32,
        transactions_root=transactions_root(transactions), number=7, gas_limit=30_000_000,
        gas_used=81_000, timestamp=1_700_000_000, base_fee_per_gas=10**9,
        withdrawals_root=withdrawals_root(withdrawals),
    )  # fmt: skip
    fields.update(overrides)
    return Block(Header(**fields), tuple(transactions), tuple(withdrawals))


def test_transactions_root_is_an_index_keyed_trie_of_network_forms():
    expected = trie_root(
        {rlp.encode(rlp.int_to_be(i)): encode_transaction(tx) for i, tx in enumerate(TRANSACTIONS)}
    )
    assert transactions_root(TRANSACTIONS) == expected
    assert transactions_root([]) == EMPTY_TRIE_ROOT


def test_block_round_trip():
    block = make_block()
    decoded = decode_block(encode_block(block))
    assert decoded == block
    assert decoded.hash == block_hash(block.header)
    assert decoded.number == 7


def test_empty_block_round_trip():
    block = make_block(())
    assert decode_block(encode_block(block)) == block


def test_block_layout_is_header_transactions_ommers_withdrawals():
    block = make_block()
    header, transactions, ommers, withdrawals = rlp.decode(encode_block(block))
    assert header == header_item(block.header)
    assert isinstance(transactions[0], list)  # legacy: an RLP list
    assert transactions[1] == encode_transaction(TYPED)  # typed: its network form as a string
    assert ommers == [] and withdrawals == []


def test_block_with_withdrawals_round_trip():
    block = make_block(withdrawals=WITHDRAWALS)
    assert decode_block(encode_block(block)) == block
    assert rlp.decode(encode_block(block))[3] == [withdrawal_item(w) for w in WITHDRAWALS]


def test_withdrawals_root_is_an_index_keyed_trie_of_encodings():
    expected = trie_root(
        {rlp.encode(rlp.int_to_be(i)): rlp.encode(withdrawal_item(w)) for i, w in enumerate(WITHDRAWALS)}
    )
    assert withdrawals_root(WITHDRAWALS) == expected
    assert withdrawals_root(()) == EMPTY_TRIE_ROOT


def test_body_round_trip():
    assert decode_body(encode_body(TRANSACTIONS)) == TRANSACTIONS


def block_with(index: int, value) -> bytes:
    item = rlp.decode(encode_block(make_block()))
    item[index] = value
    return rlp.encode(item)


WITHDRAWAL = [b"\x01", b"\x02", b"\x03" * 20, b"\x04"]


@pytest.mark.parametrize(
    "data, message, rule",
    [
        (b"\xc3\x80", "malformed RLP", Rule.ENCODING),
        (rlp.encode([b"", [], []]), "expected a list of 4 items", Rule.ENCODING),
        (block_with(0, b"header"), "header: .*expected a list", Rule.ENCODING),
        (block_with(0, header_item(make_block().header)[:-1]), "header: expected 20 fields", Rule.ENCODING),
        (block_with(1, b"txs"), "transactions: expected a list", Rule.ENCODING),
        (block_with(2, [header_item(make_block().header)]), "has no ommers, this one has 1", Rule.OMMERS),
        (block_with(2, b"ommers"), "ommers: expected a list", Rule.ENCODING),
        (block_with(3, b"withdrawals"), "withdrawals: expected a list", Rule.ENCODING),
        (block_with(3, [WITHDRAWAL[:3]]), r"withdrawals\[0\]: expected a list of 4", Rule.ENCODING),
        (block_with(3, [[*WITHDRAWAL[:2], b"\x03" * 19, b"\x04"]]), "address: expected 20 bytes", Rule.ENCODING),
        (block_with(3, [[b"\x01" * 9, *WITHDRAWAL[1:]]]), "index: .* does not fit in 64 bits", Rule.ENCODING),
        (block_with(3, [[*WITHDRAWAL[:3], b"\x00\x04"]]), "amount: ", Rule.ENCODING),
        (block_with(1, [b"\x05\xc0"]), r"transactions\[0\]: unsupported transaction type", Rule.TRANSACTION),
        (
            encode_block(make_block(transactions_root=EMPTY_TRIE_ROOT)),
            "transactions root does not match",
            Rule.TRANSACTIONS_ROOT,
        ),
        (encode_block(make_block(ommers_hash=bytes(32))), "ommers hash", Rule.OMMERS),
        (encode_block(make_block(withdrawals_root=bytes(32))), "withdrawals root", Rule.WITHDRAWALS_ROOT),
        (block_with(3, [WITHDRAWAL]), "withdrawals root", Rule.WITHDRAWALS_ROOT),
    ],
)
def test_decoding_errors_name_the_rule(data, message, rule):
    with pytest.raises(InvalidBlock, match=message) as caught:
        decode_block(data)
    assert caught.value.rule is rule


def test_parse_block_leaves_the_commitments_to_the_caller():
    block = make_block(transactions_root=EMPTY_TRIE_ROOT)
    assert parse_block(encode_block(block)) == block
    with pytest.raises(InvalidBlock) as caught:
        check_commitments(block)
    assert caught.value.rule is Rule.TRANSACTIONS_ROOT
    check_commitments(make_block(withdrawals=WITHDRAWALS))


def test_decode_body_rejects_ommers_and_withdrawals():
    with pytest.raises(InvalidBlock, match="no ommers"):
        decode_body(rlp.encode([[], [b"x"], []]))
    with pytest.raises(InvalidBlock, match="no withdrawals"):
        decode_body(rlp.encode([[], [], [WITHDRAWAL]]))
