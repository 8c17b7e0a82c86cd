"""
Requests (EIP-7685)
===================

The requests hash of a few requests computed by hand; deposit requests
(EIP-6110) from a deposit contract's logs, exact to the byte, and a log in
the wrong layout making the block invalid; withdrawal (EIP-7002) and
consolidation (EIP-7251) requests queued by transactions to the canonical
contracts and returned by their end-of-block system calls, in the EIP's
encoding and order, at most 16 and 2 a block (the rest wait for the next);
and a block committing to other requests than its execution gives refused on
import.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from support import asm

from ovm.chain.block import Block, InvalidBlock, Rule
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.forks import ETHEREUM
from ovm.chain.genesis import ChainConfig, GenesisAccount, dev_genesis, genesis_block, genesis_state
from ovm.chain.importer import MemoryChain, copy_state
from ovm.chain.requests import DEPOSIT_EVENT_TOPIC, EMPTY_REQUESTS_HASH, deposit_request, requests_hash
from ovm.chain.system_contracts import CONSOLIDATION_REQUESTS, WITHDRAWAL_REQUESTS
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction

CHAIN_ID = 1
ALICE, BOB = dev_accounts()[:2]
DEPOSIT_CONTRACT = bytes.fromhex("de" * 20)
OTHER_CONTRACT = bytes.fromhex("0e" * 20)
# A stand-in deposit contract: emits its calldata as a DepositEvent (topic 0).
EMITTER = asm("CALLDATASIZE", "PUSH1 0", "PUSH1 0", "CALLDATACOPY",
              f"PUSH32 0x{DEPOSIT_EVENT_TOPIC.hex()}", "CALLDATASIZE", "PUSH1 0", "LOG1", "STOP")  # fmt: skip
CONFIG = ChainConfig(chain_id=CHAIN_ID, forks=ETHEREUM.only("prague"), deposit_contract=DEPOSIT_CONTRACT)
PUBKEY = bytes(range(48))
TARGET_PUBKEY = bytes(range(100, 148))


def genesis():
    base = dev_genesis(CONFIG)
    emitters = {address: GenesisAccount(nonce=1, code=EMITTER) for address in (DEPOSIT_CONTRACT, OTHER_CONTRACT)}
    return dataclasses.replace(base, alloc={**base.alloc, **emitters})


def call(nonce: int, to: bytes, data: bytes = b"", value: int = 0, key: bytes = ALICE.private_key):
    tx = FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10**10, gas=500_000,
        to=to, value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, key, CHAIN_ID)


def build(state, parent, txs, timestamp: int) -> tuple[BlockBuilder, Block]:
    builder = BlockBuilder(parent, state, CONFIG, timestamp=timestamp, coinbase=bytes(20))
    for tx in txs:
        assert builder.add_transaction(tx)[0].status == 1
    return builder, builder.finish()


def deposit_event(pubkey=PUBKEY, credentials=b"\x01" + bytes(11) + ALICE.address,
                  amount=32 * 10**9, signature=b"\x5e" * 96, index=0) -> bytes:  # fmt: skip
    """The deposit contract's DepositEvent data: five ABI ``bytes``; amount and index little-endian."""
    fields = [pubkey, credentials, amount.to_bytes(8, "little"), signature, index.to_bytes(8, "little")]
    head, tail = b"", b""
    for field in fields:
        head += (5 * 32 + len(tail)).to_bytes(32, "big")
        tail += len(field).to_bytes(32, "big") + field.ljust((len(field) + 31) // 32 * 32, b"\0")
    return head + tail


# --- the hash and the deposit layout ------------------------------------------------------


def test_requests_hash_by_hand():
    sha = lambda data: hashlib.sha256(data).digest()  # noqa: E731
    assert requests_hash([]) == EMPTY_REQUESTS_HASH == sha(b"")
    one, two = b"\x01" + b"\xaa" * 76, b"\x02" + b"\xbb" * 116
    assert requests_hash([one, two]) == sha(sha(one) + sha(two))
    assert requests_hash([two, one]) != requests_hash([one, two])


def test_a_deposit_event_becomes_its_192_byte_request():
    request = deposit_request(deposit_event(amount=0x0102030405060708, index=9))
    credentials = b"\x01" + bytes(11) + ALICE.address
    amount = (0x0102030405060708).to_bytes(8, "little")
    assert request == PUBKEY + credentials + amount + b"\x5e" * 96 + (9).to_bytes(8, "little")
    assert len(request) == 192


@pytest.mark.parametrize(
    "data, message",
    [
        (deposit_event()[:-1], "deposit event data is 575 bytes, not 576"),
        (deposit_event(pubkey=bytes(65)), "deposit event data is 608 bytes"),
        (bytes(31) + b"\x00" + deposit_event()[32:], "the pubkey offset is not 160"),
        (deposit_event()[:160] + (47).to_bytes(32, "big") + deposit_event()[192:], "the pubkey is not 48 bytes"),
    ],
)
def test_a_deposit_event_in_another_layout_is_refused(data, message):
    with pytest.raises(InvalidBlock, match=message) as caught:
        deposit_request(data)
    assert caught.value.rule is Rule.REQUESTS


# --- requests through blocks --------------------------------------------------------------


@pytest.fixture
def chain():
    g = genesis()
    state = genesis_state(g)
    return state, genesis_block(g, state)


def test_a_block_without_requests_commits_to_none(chain):
    state, genesis_block_ = chain
    _, block = build(state, genesis_block_.header, [call(0, BOB.address, value=1)], timestamp=12)
    assert block.header.requests_hash == EMPTY_REQUESTS_HASH


def test_deposits_withdrawals_and_consolidations_in_type_order(chain):
    state, genesis_block_ = chain
    txs = [
        call(0, CONSOLIDATION_REQUESTS.address, PUBKEY + TARGET_PUBKEY, value=1),
        call(1, WITHDRAWAL_REQUESTS.address, PUBKEY + (5 * 10**9).to_bytes(8, "big"), value=1),
        call(2, DEPOSIT_CONTRACT, deposit_event(index=7)),
        call(3, OTHER_CONTRACT, deposit_event(index=8)),  # the same event from elsewhere: no request
    ]
    builder, block = build(state, genesis_block_.header, txs, timestamp=12)
    deposit = b"\x00" + deposit_request(deposit_event(index=7))
    withdrawal = b"\x01" + ALICE.address + PUBKEY + (5 * 10**9).to_bytes(8, "little")
    consolidation = b"\x02" + ALICE.address + PUBKEY + TARGET_PUBKEY
    assert builder.requests == [deposit, withdrawal, consolidation]
    assert block.header.requests_hash == requests_hash([deposit, withdrawal, consolidation])


def test_the_request_fee_getter_answers_one_wei(chain):
    state, genesis_block_ = chain
    reader = asm("PUSH1 32", "PUSH1 0", "PUSH1 0", "PUSH1 0", "PUSH1 0",
                 f"PUSH20 0x{WITHDRAWAL_REQUESTS.address.hex()}", "GAS", "CALL",
                 "PUSH1 0", "MLOAD", "PUSH1 0", "SSTORE", "STOP")  # fmt: skip
    state.load_account(OTHER_CONTRACT, 1, 0, reader, {})
    build(state, genesis_block_.header, [call(0, OTHER_CONTRACT)], timestamp=12)
    assert state.get_storage(OTHER_CONTRACT, 0) == 1


def test_a_request_without_its_fee_is_refused_by_the_contract(chain):
    state, genesis_block_ = chain
    builder = BlockBuilder(genesis_block_.header, state, CONFIG, timestamp=12, coinbase=bytes(20))
    receipt, _ = builder.add_transaction(call(0, WITHDRAWAL_REQUESTS.address, PUBKEY + bytes(8), value=0))
    assert receipt.status == 0
    assert builder.finish().header.requests_hash == EMPTY_REQUESTS_HASH


def test_at_most_16_withdrawals_and_2_consolidations_a_block(chain):
    state, parent = chain
    withdrawals = [call(i, WITHDRAWAL_REQUESTS.address, bytes([i]) * 48 + bytes(8), value=10) for i in range(17)]
    consolidations = [call(i, CONSOLIDATION_REQUESTS.address, bytes([i]) * 96, value=10, key=BOB.private_key)
                      for i in range(3)]  # fmt: skip
    first, block = build(state, parent.header, withdrawals + consolidations, timestamp=12)
    assert [len(r) for r in first.requests] == [1 + 16 * 76, 1 + 2 * 116]
    second, _ = build(state, block.header, [], timestamp=24)
    assert second.requests == [
        b"\x01" + ALICE.address + bytes([16]) * 48 + bytes(8),
        b"\x02" + BOB.address + bytes([2]) * 96,
    ]


def test_import_checks_the_requests(chain):
    state, genesis_block_ = chain
    pristine = copy_state(state)
    txs = [call(0, WITHDRAWAL_REQUESTS.address, PUBKEY + bytes(8), value=1)]
    _, block = build(state, genesis_block_.header, txs, timestamp=12)
    imported = MemoryChain(genesis_block_, copy_state(pristine), CONFIG)
    imported.import_block(block)
    assert imported.head.hash == block.hash

    lying = Block(dataclasses.replace(block.header, requests_hash=EMPTY_REQUESTS_HASH), block.transactions)
    with pytest.raises(InvalidBlock, match="requests hash") as caught:
        MemoryChain(genesis_block_, copy_state(pristine), CONFIG).import_block(lying)
    assert caught.value.rule is Rule.REQUESTS


def test_a_malformed_deposit_log_makes_the_block_invalid(chain):
    state, genesis_block_ = chain
    builder = BlockBuilder(genesis_block_.header, state, CONFIG, timestamp=12, coinbase=bytes(20))
    builder.add_transaction(call(0, DEPOSIT_CONTRACT, deposit_event()[:-32]))
    with pytest.raises(InvalidBlock, match="deposit event data is 544 bytes") as caught:
        builder.finish()
    assert caught.value.rule is Rule.REQUESTS
