"""
Block building
==============

A block of signed transfers, a contract deployment (with a log and a
BLOCKHASH read) and a failing deployment on the dev genesis: roots, receipts,
cumulative gas, bloom, fees, the block's round trip, and the same block when
the code runs transpiled. Rejected transactions leave the state and the
block exactly as they were. Then the base fee and BLOCKHASH of the next
block, blob gas accounting, and the builder's own argument checks.
"""

from __future__ import annotations

import dataclasses

import pytest
from support import asm, fee_market_tx, legacy_tx

from ovm.chain.base_fee import next_base_fee
from ovm.chain.block import (
    InvalidBlock,
    Rule,
    decode_block,
    encode_block,
    transactions_root,
    withdrawals_root,
)
from ovm.chain.bloom import bloom_contains
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import ChainConfig, dev_genesis, genesis_block, genesis_state
from ovm.chain.header import block_hash
from ovm.chain.receipt import decode_receipt, encode_receipt, receipts_root
from ovm.chain.withdrawal import Withdrawal
from ovm.evm import gas as G
from ovm.evm.forks import CANCUN
from ovm.evm.instructions.system import create_address
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    BlobTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    LegacyTransaction,
    transaction_hash,
)
from ovm.state import Log
from ovm.transpiler import TranspilingRunner

CHAIN_ID = 901
COINBASE = bytes.fromhex("4200000000000000000000000000000000000011")
RANDAO = b"\x5a" * 32
ALICE, BOB, CAROL = dev_accounts()[:3]
DAVE = bytes.fromhex("da" * 20)
TOPIC = b"\x7e" * 32
GWEI = 10**9
TIP = GWEI
MAX_FEE = 2 * GWEI
DEFAULT_CONFIG = ChainConfig()


def fee_market(
    key: bytes,
    nonce: int,
    *,
    to: bytes | None = DAVE,
    value: int = 0,
    data: bytes = b"",
    gas: int = 21000,
    max_fee: int = MAX_FEE,
    tip: int = TIP,
    chain_id: int = CHAIN_ID,
) -> FeeMarketTransaction:
    return fee_market_tx(key, chain_id=chain_id, to=to, nonce=nonce, value=value, data=data, gas=gas,
                         max_priority_fee_per_gas=tip, max_fee_per_gas=max_fee)


def legacy(key: bytes, nonce: int, to: bytes, value: int) -> LegacyTransaction:
    return legacy_tx(key, chain_id=CHAIN_ID, to=to, nonce=nonce, value=value, gas_price=MAX_FEE)


def blockhash_logger(depth: int) -> bytes:
    """Initcode: store BLOCKHASH(NUMBER - depth) at slot 0, emit LOG1(TOPIC), deploy no code."""
    return asm(
        f"PUSH1 {depth}", "NUMBER", "SUB", "BLOCKHASH", "PUSH1 0", "SSTORE",
        f"PUSH32 0x{TOPIC.hex()}", "PUSH1 0", "PUSH1 0", "LOG1", "STOP",
    )  # fmt: skip


REVERTING_INITCODE = asm("PUSH1 0", "PUSH1 0", "REVERT")


def start(config: ChainConfig = DEFAULT_CONFIG, **options):
    genesis = dev_genesis(config)
    state = genesis_state(genesis)
    parent = genesis_block(genesis, state).header
    builder = BlockBuilder(
        parent,
        state,
        genesis.config,
        CANCUN,
        timestamp=2,
        coinbase=COINBASE,
        prev_randao=RANDAO,
        **options,
    )
    return builder, state, parent


def build_first_block(**options):
    builder, state, parent = start(**options)
    transactions = [
        legacy(ALICE.private_key, 0, BOB.address, 10**18),
        fee_market(ALICE.private_key, 1, to=DAVE, value=5),
        fee_market(BOB.private_key, 0, to=None, data=blockhash_logger(1), gas=200_000),
        fee_market(CAROL.private_key, 0, to=None, data=REVERTING_INITCODE, gas=100_000),
    ]
    results = [builder.add_transaction(tx) for tx in transactions]
    block = builder.finish()
    return builder, state, parent, transactions, results, block


@pytest.fixture
def built():
    return build_first_block()


def test_transpiled_code_builds_the_same_block(built):
    *_, block = built
    *_, transpiled = build_first_block(code_runner=TranspilingRunner(threshold=0))
    assert transpiled == block


def test_header_commits_to_state_transactions_and_receipts(built):
    builder, state, parent, transactions, results, block = built
    header = block.header
    assert header.number == 1 and header.parent_hash == block_hash(parent)
    assert header.state_root == state.state_root()
    assert header.transactions_root == transactions_root(transactions)
    assert header.receipts_root == receipts_root([receipt for receipt, _ in results])
    assert header.gas_used == results[-1][0].cumulative_gas_used == builder.gas_used
    assert (header.timestamp, header.coinbase, header.prev_randao) == (2, COINBASE, RANDAO)
    assert header.gas_limit == 30_000_000 and header.blob_gas_used == 0 == header.excess_blob_gas
    assert block.transactions == tuple(transactions)
    assert decode_block(encode_block(block)) == block


def test_base_fee_follows_the_empty_genesis(built):
    _, _, parent, _, _, block = built
    assert (
        block.header.base_fee_per_gas
        == next_base_fee(parent, DEFAULT_CONFIG.base_fee_params)
        == 875_000_000
    )


def test_receipts_and_cumulative_gas(built):
    _, _, _, transactions, results, _ = built
    receipts = [receipt for receipt, _ in results]
    details = [detail for _, detail in results]
    assert [receipt.status for receipt in receipts] == [1, 1, 1, 0]
    assert [receipt.tx_type for receipt in receipts] == [0, 2, 2, 2]
    assert details[0].gas_used == details[1].gas_used == 21000
    total = 0
    for receipt, detail in zip(receipts, details, strict=True):
        total += detail.gas_used
        assert receipt.cumulative_gas_used == total
        assert decode_receipt(encode_receipt(receipt)) == receipt
    assert [detail.transaction_index for detail in details] == [0, 1, 2, 3]
    assert [detail.transaction_hash for detail in details] == [
        transaction_hash(tx) for tx in transactions
    ]
    assert [detail.sender for detail in details] == [
        ALICE.address,
        ALICE.address,
        BOB.address,
        CAROL.address,
    ]
    assert details[0].effective_gas_price == MAX_FEE  # legacy: its gas price
    assert details[1].effective_gas_price == 875_000_000 + TIP  # base fee + tip, under the cap
    assert all(detail.blob_gas_used == 0 and detail.blob_gas_price is None for detail in details)


def test_deployment_receipt_log_and_blockhash(built):
    _, state, parent, _, results, block = built
    receipt, detail = results[2]
    contract = create_address(BOB.address, 0)
    assert detail.contract_address == contract and detail.to is None
    assert receipt.logs == (Log(contract, (TOPIC,), b""),)
    assert detail.first_log_index == 0 and results[3][1].first_log_index == 1
    assert state.get_storage(contract, 0) == int.from_bytes(block_hash(parent), "big")
    assert bloom_contains(block.header.logs_bloom, contract)
    assert bloom_contains(block.header.logs_bloom, TOPIC)
    assert not bloom_contains(block.header.logs_bloom, DAVE)


def test_failed_deployment_is_included_without_contract(built):
    _, state, _, _, results, _ = built
    receipt, detail = results[3]
    assert receipt.status == 0 and receipt.logs == ()
    assert detail.contract_address is None
    assert state.get_nonce(CAROL.address) == 1
    assert detail.gas_used > 53_000  # paid for the attempt


def test_balances_and_priority_fees(built):
    _, state, _, _, results, _ = built
    details = [detail for _, detail in results]
    assert state.get_balance(DAVE) == 5
    assert (
        state.get_balance(BOB.address)
        == 10_001 * 10**18 - details[2].gas_used * details[2].effective_gas_price
    )
    tips = sum(detail.gas_used * (detail.effective_gas_price - 875_000_000) for detail in details)
    assert state.get_balance(COINBASE) == tips


def snapshot(builder: BlockBuilder, state) -> tuple:
    accounts = {
        address: (account.nonce, account.balance) for address, account in state.accounts.items()
    }
    chain = (builder.gas_used, builder.blob_gas_used, list(builder.transactions))
    results = (list(builder.receipts), list(builder.details))
    return state.state_root(), accounts, list(state.journal), chain, results


STRANGER_KEY = bytes.fromhex("77" * 32)


@pytest.mark.parametrize(
    "make_tx, message",
    [
        (lambda: fee_market(ALICE.private_key, 0), "nonce too low"),
        (lambda: fee_market(ALICE.private_key, 5), "nonce too high"),
        (lambda: fee_market(STRANGER_KEY, 0), "insufficient funds"),
        (lambda: fee_market(BOB.private_key, 0, value=10**23), "insufficient funds"),
        (lambda: fee_market(BOB.private_key, 0, chain_id=1), "wrong chain id"),
        (
            lambda: fee_market(BOB.private_key, 0, max_fee=GWEI // 2, tip=1),
            "less than block base fee",
        ),
        (lambda: fee_market(BOB.private_key, 0, gas=20_000), "intrinsic gas too low"),
        (lambda: fee_market(BOB.private_key, 0, gas=30_000_000), "gas limit reached"),
        (
            lambda: dataclasses.replace(fee_market(BOB.private_key, 0), value=1),
            "insufficient funds",
        ),  # a forged sender
    ],
)
def test_rejected_transaction_changes_nothing(make_tx, message):
    builder, state, _ = start()
    builder.add_transaction(fee_market(ALICE.private_key, 0))
    before = snapshot(builder, state)
    with pytest.raises(InvalidTransaction, match=message):
        builder.add_transaction(make_tx())
    assert snapshot(builder, state) == before
    builder.add_transaction(fee_market(BOB.private_key, 0))
    block = builder.finish()
    assert len(block.transactions) == 2
    assert block.header.state_root == state.state_root()


def test_block_gas_limit_counts_gas_already_used():
    builder, state, _ = start(ChainConfig(gas_limit=50_000))
    builder.add_transaction(fee_market(ALICE.private_key, 0))
    assert builder.gas_available == 29_000
    with pytest.raises(InvalidTransaction, match="tx gas 30000 > block gas left 29000"):
        builder.add_transaction(fee_market(BOB.private_key, 0, gas=30_000))
    builder.add_transaction(fee_market(BOB.private_key, 0, gas=29_000))
    assert builder.gas_available == 8_000


def test_next_block_base_fee_and_older_block_hashes():
    builder, state, genesis_header = start()
    builder.add_transaction(fee_market(ALICE.private_key, 0))
    first = builder.finish()
    hashes = {0: block_hash(genesis_header), 1: first.hash}
    second = BlockBuilder(
        first.header,
        state,
        DEFAULT_CONFIG,
        CANCUN,
        timestamp=4,
        coinbase=COINBASE,
        ancestor_hash=hashes.__getitem__,
    )
    _, detail = second.add_transaction(
        fee_market(BOB.private_key, 0, to=None, data=blockhash_logger(2), gas=200_000)
    )
    block = second.finish()
    assert block.header.parent_hash == first.hash and block.header.number == 2
    assert (
        block.header.base_fee_per_gas
        == next_base_fee(first.header, DEFAULT_CONFIG.base_fee_params)
        < 875_000_000
    )
    assert state.get_storage(detail.contract_address, 0) == int.from_bytes(hashes[0], "big")


def blob_tx(key: bytes, blobs: int) -> BlobTransaction:
    tx = BlobTransaction(
        chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=TIP, max_fee_per_gas=MAX_FEE,
        gas=21000, to=DAVE, value=0, data=b"", access_list=(), max_fee_per_blob_gas=10,
        blob_versioned_hashes=tuple(b"\x01" + bytes([i]) * 31 for i in range(blobs)),
        y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, key, CHAIN_ID)


def test_blob_gas_is_limited_per_block_and_carried_over():
    builder, state, _ = start()
    _, detail = builder.add_transaction(blob_tx(ALICE.private_key, 4))
    assert detail.blob_gas_used == 4 * G.GAS_PER_BLOB and detail.blob_gas_price == 1
    before = snapshot(builder, state)
    with pytest.raises(InvalidTransaction, match="blob gas limit reached"):
        builder.add_transaction(blob_tx(BOB.private_key, 3))
    assert snapshot(builder, state) == before
    block = builder.finish()
    assert block.header.blob_gas_used == 4 * G.GAS_PER_BLOB
    nxt = BlockBuilder(block.header, state, DEFAULT_CONFIG, CANCUN, timestamp=4, coinbase=COINBASE)
    assert nxt.env.excess_blob_gas == G.GAS_PER_BLOB


def test_builder_arguments_are_checked():
    genesis = dev_genesis()
    state = genesis_state(genesis)
    parent = dataclasses.replace(genesis_block(genesis, state).header, timestamp=10)
    with pytest.raises(InvalidBlock, match="timestamp 10 is not after") as caught:
        BlockBuilder(parent, state, genesis.config, CANCUN, timestamp=10, coinbase=COINBASE)
    assert caught.value.rule is Rule.TIMESTAMP
    with pytest.raises(InvalidBlock, match="timestamp 18446744073709551616 does not fit in 64 bits"):
        BlockBuilder(parent, state, genesis.config, CANCUN, timestamp=2**64, coinbase=COINBASE)
    with pytest.raises(InvalidBlock, match="extra data is 33 bytes") as caught:
        BlockBuilder(
            parent,
            state,
            genesis.config,
            CANCUN,
            timestamp=11,
            coinbase=COINBASE,
            extra_data=bytes(33),
        )
    assert caught.value.rule is Rule.EXTRA_DATA


def test_withdrawals_are_credited_in_gwei_after_the_transactions():
    withdrawals = (Withdrawal(0, 1, DAVE, 5), Withdrawal(1, 1, DAVE, 7), Withdrawal(2, 2, CAROL.address, 0))
    builder, state, _ = start(withdrawals=withdrawals)
    builder.add_transaction(fee_market(ALICE.private_key, 0, to=DAVE, value=1))
    assert state.get_balance(DAVE) == 1
    block = builder.finish()
    assert state.get_balance(DAVE) == 1 + 12 * GWEI
    assert block.withdrawals == withdrawals
    assert block.header.withdrawals_root == withdrawals_root(withdrawals)
    assert block.header.gas_used == 21000  # withdrawals cost no gas
    assert decode_block(encode_block(block)) == block


def test_a_given_gas_limit_replaces_the_chains():
    builder, _, _ = start(gas_limit=DEFAULT_CONFIG.gas_limit - 1000)
    assert builder.gas_available == DEFAULT_CONFIG.gas_limit - 1000
    assert builder.finish().header.gas_limit == DEFAULT_CONFIG.gas_limit - 1000


def test_finished_builder_takes_nothing_more():
    builder, _, _ = start()
    builder.finish()
    with pytest.raises(RuntimeError, match="already finished"):
        builder.add_transaction(fee_market(ALICE.private_key, 0))
    with pytest.raises(RuntimeError, match="already finished"):
        builder.finish()
