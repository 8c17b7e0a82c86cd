"""
An L2 block
===========

A block built with ``BlockBuilder`` on the ``OvmCancun`` fork over the L2
genesis, as the sequencer builds one: the L1-info deposit, a user deposit and
a signed transfer. The L1Block predeploy then holds the L1 origin (read back
through the compiled storage layout), the deposits paid nothing, the transfer
paid its base fee, tip and L1 data fee into the three vaults and shows its
L1 fee in its receipt details, the deposits' receipts carry their nonces, and
the block, its receipts and its roots round-trip.
"""

from __future__ import annotations

import pytest

from ovm.chain.block import decode_block, encode_block
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import genesis_block, genesis_state
from ovm.chain.receipt import decode_receipt, encode_receipt, receipts_root
from ovm.evm.forks import OVM_CANCUN
from ovm.evm.l2 import (
    BASE_FEE_VAULT,
    DEPOSITOR_ACCOUNT,
    L1_BLOCK,
    L1_FEE_VAULT,
    SEQUENCER_FEE_VAULT,
    L1FeeValues,
    L1Origin,
    ecotone_l1_fee,
    l1_info_deposit,
    user_deposit_source_hash,
)
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import DepositTransaction, FeeMarketTransaction, encode_transaction
from ovm.rollup.artifacts import load
from ovm.rollup.genesis import l2_genesis

GWEI = 10**9
ALICE, BOB = dev_accounts()[:2]
NEWCOMER = bytes.fromhex("4e" * 20)
ORIGIN = L1Origin(number=7_654_321, timestamp=1_730_000_012, base_fee=9 * GWEI + 5,
                  blob_base_fee=12_345, hash=bytes.fromhex("a1" * 32))  # fmt: skip
BATCHER_HASH = bytes(12) + bytes.fromhex("b2" * 20)
SEQUENCE_NUMBER = 3
BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR = 1368, 810949
TIP = GWEI // 100


def _user_deposit() -> DepositTransaction:
    return DepositTransaction(
        source_hash=user_deposit_source_hash(ORIGIN.hash, 5), sender=NEWCOMER, to=NEWCOMER,
        mint=3 * 10**18, value=3 * 10**18, gas=100_000, is_system_tx=False, data=b"",
    )  # fmt: skip


def _transfer() -> FeeMarketTransaction:
    tx = FeeMarketTransaction(
        chain_id=901, nonce=0, max_priority_fee_per_gas=TIP, max_fee_per_gas=3 * GWEI, gas=21_000,
        to=BOB.address, value=10**17, data=b"", access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, ALICE.private_key, 901)


@pytest.fixture(scope="module")
def built():
    genesis = l2_genesis()
    state = genesis_state(genesis)
    parent = genesis_block(genesis, state).header
    builder = BlockBuilder(parent, state, genesis.config, OVM_CANCUN, timestamp=2,
                           coinbase=genesis.config.fee_recipient)  # fmt: skip
    info = l1_info_deposit(ORIGIN, SEQUENCE_NUMBER, BATCHER_HASH, BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR)
    alice_before = state.get_balance(ALICE.address)
    for tx in (info, _user_deposit(), _transfer()):
        builder.add_transaction(tx)
    block = builder.finish()
    return block, builder, state, alice_before


def _l1_block_variable(state, name: str) -> int:
    """A state variable of L1Block, read from storage by the compiler's layout."""
    entry = next(e for e in load("L1Block").storage_layout if e.name == name)
    word = state.get_storage(L1_BLOCK, entry.slot)
    bits = {"uint64": 64, "uint32": 32}.get(entry.type, 256)
    return (word >> (8 * entry.offset)) & ((1 << bits) - 1)


def test_l1_block_holds_the_origin(built):
    _, _, state, _ = built
    expected = {
        "number": ORIGIN.number, "timestamp": ORIGIN.timestamp, "basefee": ORIGIN.base_fee,
        "hash": int.from_bytes(ORIGIN.hash, "big"), "sequenceNumber": SEQUENCE_NUMBER,
        "blobBaseFeeScalar": BLOB_BASE_FEE_SCALAR, "baseFeeScalar": BASE_FEE_SCALAR,
        "batcherHash": int.from_bytes(BATCHER_HASH, "big"), "blobBaseFee": ORIGIN.blob_base_fee,
    }  # fmt: skip
    assert {name: _l1_block_variable(state, name) for name in expected} == expected


def test_every_transaction_succeeded_and_the_gas_adds_up(built):
    block, builder, _, _ = built
    assert [r.status for r in builder.receipts] == [1, 1, 1]
    used = [d.gas_used for d in builder.details]
    assert used[1:] == [21_000, 21_000]
    assert block.header.gas_used == sum(used) == builder.receipts[-1].cumulative_gas_used


def test_deposits_mint_and_pay_nothing(built):
    _, builder, state, _ = built
    assert state.get_balance(NEWCOMER) == 3 * 10**18 and state.get_nonce(NEWCOMER) == 1
    assert state.get_nonce(DEPOSITOR_ACCOUNT) == 1 and state.get_balance(DEPOSITOR_ACCOUNT) == 0
    info_details, deposit_details, _ = builder.details
    assert info_details.effective_gas_price == deposit_details.effective_gas_price == 0
    assert info_details.l1_charge is None and deposit_details.l1_charge is None


def test_the_transfer_pays_the_three_vaults(built):
    block, builder, state, alice_before = built
    transfer_tx, details = block.transactions[2], builder.details[2]
    base_fee = block.header.base_fee_per_gas
    values = L1FeeValues(ORIGIN.base_fee, ORIGIN.blob_base_fee, BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR)
    fee, l1_gas = ecotone_l1_fee(encode_transaction(transfer_tx), values)
    assert (details.l1_charge.fee, details.l1_charge.l1_gas_used, details.l1_charge.values) == (
        fee, l1_gas, values)
    assert details.effective_gas_price == base_fee + TIP
    assert state.get_balance(BASE_FEE_VAULT) == 21_000 * base_fee
    assert state.get_balance(SEQUENCER_FEE_VAULT) == 21_000 * TIP
    assert state.get_balance(L1_FEE_VAULT) == fee > 0
    paid = alice_before - state.get_balance(ALICE.address)
    assert paid == transfer_tx.value + 21_000 * (base_fee + TIP) + fee


def test_deposit_receipts_carry_their_nonces(built):
    _, builder, _, _ = built
    versions = [(r.tx_type, r.deposit_nonce, r.deposit_receipt_version) for r in builder.receipts]
    assert versions == [(0x7E, 0, 1), (0x7E, 0, 1), (2, None, None)]
    for receipt in builder.receipts:
        assert decode_receipt(encode_receipt(receipt)) == receipt


def test_the_block_and_its_roots_round_trip(built):
    block, builder, state, _ = built
    assert decode_block(encode_block(block)) == block
    assert block.header.receipts_root == receipts_root(builder.receipts)
    assert block.header.state_root == state.state_root()
    assert block.header.coinbase == SEQUENCER_FEE_VAULT
