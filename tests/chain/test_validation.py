"""
Block validation
================

A header against its parent: each Cancun rule broken alone is refused with
its own ``Rule`` (and the bounds of the gas limit exactly at their edges);
the fork of the header's timestamp decides its fields (``requests_hash``
from Prague) and its blob rules (EIP-7691's target and maximum, measured
against the parent across the boundary); after execution, each result field
that differs from what execution built is refused with its rule, in the
spec's order.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.base_fee import BaseFeeParams, next_base_fee, next_excess_blob_gas
from ovm.chain.block import InvalidBlock, Rule
from ovm.chain.forks import ETHEREUM
from ovm.chain.genesis import ChainConfig
from ovm.chain.header import Header, block_hash
from ovm.chain.requests import EMPTY_REQUESTS_HASH
from ovm.chain.validation import check_execution, check_gas_limit, validate_header
from ovm.evm import gas as G
from ovm.primitives.types import ZERO_HASH
from ovm.trie import EMPTY_TRIE_ROOT

PARAMS = BaseFeeParams()
CANCUN = ChainConfig(chain_id=1)
PRAGUE = ChainConfig(chain_id=1, forks=ETHEREUM.only("prague"))
CHILD_TIME = 1_700_000_012
# Prague from the child on: its parent was Cancun's.
BOUNDARY = ChainConfig(chain_id=1, forks=ETHEREUM.schedule({"cancun": 0, "prague": CHILD_TIME}))
PARENT = Header(
    parent_hash=b"\x11" * 32, coinbase=b"\x22" * 20, state_root=b"\x33" * 32, number=41,
    gas_limit=30_000_000, gas_used=20_000_000, timestamp=1_700_000_000, base_fee_per_gas=10**9,
    blob_gas_used=4 * G.GAS_PER_BLOB, excess_blob_gas=2 * G.GAS_PER_BLOB,
)  # fmt: skip


def child(**changes) -> Header:
    header = Header(
        parent_hash=block_hash(PARENT), coinbase=b"\x22" * 20, state_root=b"\x44" * 32,
        number=42, gas_limit=30_000_000, gas_used=21_000, timestamp=CHILD_TIME,
        base_fee_per_gas=next_base_fee(PARENT, PARAMS), excess_blob_gas=next_excess_blob_gas(PARENT, G.CANCUN_BLOBS),
        blob_gas_used=G.GAS_PER_BLOB, extra_data=b"x" * 32,
    )  # fmt: skip
    return dataclasses.replace(header, **changes)


def prague_child(**changes) -> Header:
    prague = {"requests_hash": EMPTY_REQUESTS_HASH, "excess_blob_gas": next_excess_blob_gas(PARENT, G.PRAGUE_BLOBS)}
    return child(**{**prague, **changes})


def rule_of(header: Header, parent: Header = PARENT, config: ChainConfig = CANCUN) -> Rule:
    with pytest.raises(InvalidBlock) as caught:
        validate_header(header, parent, config)
    return caught.value.rule


def test_a_valid_child_passes():
    validate_header(child(), PARENT, CANCUN)
    validate_header(prague_child(), PARENT, PRAGUE)


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"parent_hash": ZERO_HASH}, Rule.PARENT),
        ({"number": 43}, Rule.NUMBER),
        ({"number": 41}, Rule.NUMBER),
        ({"timestamp": PARENT.timestamp}, Rule.TIMESTAMP),
        ({"timestamp": PARENT.timestamp - 1}, Rule.TIMESTAMP),
        ({"gas_limit": 30_000_000 + 30_000_000 // 1024}, Rule.GAS_LIMIT),
        ({"gas_limit": 30_000_000 - 30_000_000 // 1024}, Rule.GAS_LIMIT),
        ({"gas_limit": 0}, Rule.GAS_LIMIT),
        ({"gas_used": 30_000_001}, Rule.GAS_USED),
        ({"base_fee_per_gas": next_base_fee(PARENT, PARAMS) + 1}, Rule.BASE_FEE),
        ({"excess_blob_gas": 0}, Rule.BLOB_GAS),
        ({"blob_gas_used": G.GAS_PER_BLOB + 1}, Rule.BLOB_GAS),
        ({"blob_gas_used": 7 * G.GAS_PER_BLOB}, Rule.BLOB_GAS),
        ({"extra_data": b"x" * 33}, Rule.EXTRA_DATA),
        ({"difficulty": 1}, Rule.PROOF_OF_WORK),
        ({"nonce": b"\x00" * 7 + b"\x01"}, Rule.PROOF_OF_WORK),
        ({"ommers_hash": EMPTY_TRIE_ROOT}, Rule.OMMERS),
    ],
)
def test_each_broken_rule_is_named(changes, rule):
    assert rule_of(child(**changes)) is rule


def test_a_header_has_exactly_its_fork_fields():
    assert rule_of(child(requests_hash=EMPTY_REQUESTS_HASH)) is Rule.FORK_FIELDS
    assert rule_of(prague_child(requests_hash=None), config=PRAGUE) is Rule.FORK_FIELDS


def test_prague_holds_nine_blobs_where_cancun_holds_six():
    validate_header(prague_child(blob_gas_used=9 * G.GAS_PER_BLOB), PARENT, PRAGUE)
    assert rule_of(prague_child(blob_gas_used=10 * G.GAS_PER_BLOB), config=PRAGUE) is Rule.BLOB_GAS
    assert rule_of(child(blob_gas_used=9 * G.GAS_PER_BLOB)) is Rule.BLOB_GAS


def test_the_first_prague_block_measures_its_cancun_parent_against_the_new_target():
    """The parent used 4 blobs over an excess of 2: 3 blobs above Cancun's
    target of 3, none above Prague's 6."""
    assert next_excess_blob_gas(PARENT, G.CANCUN_BLOBS) == 3 * G.GAS_PER_BLOB
    validate_header(prague_child(), PARENT, BOUNDARY)
    assert prague_child().excess_blob_gas == 0
    assert rule_of(prague_child(excess_blob_gas=3 * G.GAS_PER_BLOB), config=BOUNDARY) is Rule.BLOB_GAS
    early = dataclasses.replace(PARENT, timestamp=CHILD_TIME - 24)
    later = ChainConfig(chain_id=1, forks=ETHEREUM.schedule({"cancun": 0, "prague": CHILD_TIME + 1}))
    validate_header(child(), PARENT, later)  # one second before Prague: still Cancun's
    assert rule_of(child(parent_hash=block_hash(early)), early, BOUNDARY) is Rule.FORK_FIELDS


def test_gas_limit_bounds_are_exclusive_at_one_1024th():
    delta = PARENT.gas_limit // 1024
    check_gas_limit(PARENT.gas_limit + delta - 1, PARENT.gas_limit)
    check_gas_limit(PARENT.gas_limit - delta + 1, PARENT.gas_limit)
    with pytest.raises(InvalidBlock, match="above the maximum"):
        check_gas_limit(2**63, 2**63)
    with pytest.raises(InvalidBlock, match="below the minimum 5000"):
        check_gas_limit(4999, 5000)


def test_a_wrong_gas_limit_is_named_before_the_gas_used_it_cannot_hold():
    assert rule_of(child(gas_limit=0, gas_used=21_000)) is Rule.GAS_LIMIT


@pytest.mark.parametrize(
    "field, value, rule",
    [
        ("gas_used", 1, Rule.GAS_USED),
        ("transactions_root", b"\x01" * 32, Rule.TRANSACTIONS_ROOT),
        ("state_root", b"\x02" * 32, Rule.STATE_ROOT),
        ("receipts_root", b"\x03" * 32, Rule.RECEIPTS_ROOT),
        ("logs_bloom", b"\x04" * 256, Rule.LOGS_BLOOM),
        ("withdrawals_root", b"\x05" * 32, Rule.WITHDRAWALS_ROOT),
        ("blob_gas_used", 0, Rule.BLOB_GAS),
        ("requests_hash", b"\x07" * 32, Rule.REQUESTS),
        ("prev_randao", b"\x06" * 32, Rule.HEADER),
    ],
)
def test_execution_results_must_match_the_header(field, value, rule):
    built = prague_child()
    check_execution(built, built)
    with pytest.raises(InvalidBlock) as caught:
        check_execution(dataclasses.replace(built, **{field: value}), built)
    assert caught.value.rule is rule


def test_the_first_wrong_result_in_spec_order_is_named():
    built = child()
    claimed = dataclasses.replace(built, state_root=b"\x02" * 32, transactions_root=b"\x01" * 32)
    with pytest.raises(InvalidBlock) as caught:
        check_execution(claimed, built)
    assert caught.value.rule is Rule.TRANSACTIONS_ROOT
