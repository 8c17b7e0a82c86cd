"""
System calls
============

The start-of-block calls through the block builder, by fork:

- EIP-4788 (Cancun on): with the beacon-roots contract deployed, every
  block's parent beacon block root is stored under the block's timestamp
  before the first transaction, and a transaction reads it back; without
  the contract the call changes nothing, and an empty account at the
  address is cleared as any touched empty account;
- EIP-2935 (Prague on): the history contract stores the parent's hash under
  the parent's number before the first transaction, and a transaction reads
  it back with ``get(number)``; a Cancun block does not make the call, and
  the first Prague block stores its Cancun parent's hash (no backfill).

And the checked calls of the end of a block: no code, or a failing call, is
an invalid block.
"""

from __future__ import annotations

import dataclasses

import pytest

from ovm.chain.block import InvalidBlock, Rule
from ovm.chain.builder import BlockBuilder
from ovm.chain.forks import ETHEREUM
from ovm.chain.genesis import ChainConfig
from ovm.chain.header import Header, block_hash
from ovm.chain.system_call import (
    BEACON_ROOTS_ADDRESS,
    HISTORY_STORAGE_ADDRESS,
    SYSTEM_ADDRESS,
    checked_system_call,
    system_call,
)
from ovm.chain.system_contracts import BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS, SystemContract
from ovm.evm.forks import CANCUN, PRAGUE
from ovm.primitives.types import ZERO_HASH
from ovm.trie import EMPTY_TRIE_ROOT

from support import CONTRACT, SENDER, asm, call_contract, make_env, make_state

HISTORY_BUFFER_LENGTH = 8191
HISTORY_SERVE_WINDOW = 8191
ROOT = b"\xbe" * 32
TIMESTAMP = 1_710_338_135
CANCUN_CONFIG = ChainConfig(chain_id=1)
PRAGUE_CONFIG = ChainConfig(chain_id=1, forks=ETHEREUM.only("prague"))
PARENT = Header(
    parent_hash=ZERO_HASH, coinbase=bytes(20), state_root=EMPTY_TRIE_ROOT, number=41,
    gas_limit=30_000_000, timestamp=TIMESTAMP - 12, base_fee_per_gas=7,
)  # fmt: skip


def with_contracts(*contracts: SystemContract):
    state = make_state()
    for contract in contracts:
        state.load_account(contract.address, 1, 0, contract.code, {})
    return state


def start_block(state, config=CANCUN_CONFIG, root=ROOT, parent=PARENT, timestamp=TIMESTAMP) -> BlockBuilder:
    return BlockBuilder(
        parent, state, config, timestamp=timestamp, coinbase=bytes(20), parent_beacon_block_root=root,
    )  # fmt: skip


# --- EIP-4788 ----------------------------------------------------------------------------


def test_block_start_stores_the_parent_beacon_root_under_its_timestamp():
    state = with_contracts(BEACON_ROOTS)
    start_block(state)
    slot = TIMESTAMP % HISTORY_BUFFER_LENGTH
    assert state.get_storage(BEACON_ROOTS_ADDRESS, slot) == TIMESTAMP
    assert state.get_storage(BEACON_ROOTS_ADDRESS, slot + HISTORY_BUFFER_LENGTH) == int.from_bytes(ROOT, "big")
    assert state.get_account(SYSTEM_ADDRESS) is None  # no fee, no nonce, no account
    block = start_block(with_contracts(BEACON_ROOTS)).finish()
    assert block.header.gas_used == 0 and block.header.parent_beacon_block_root == ROOT


def test_a_transaction_reads_the_root_back():
    state = with_contracts(BEACON_ROOTS)
    start_block(state)
    reader = asm(
        f"PUSH32 {TIMESTAMP}", "PUSH1 0", "MSTORE",
        "PUSH1 32", "PUSH1 0", "PUSH1 32", "PUSH1 0", "PUSH1 0",
        f"PUSH20 0x{BEACON_ROOTS_ADDRESS.hex()}", "GAS", "CALL",
        "PUSH1 0", "SSTORE", "PUSH1 0", "MLOAD", "PUSH1 1", "SSTORE",
    )  # fmt: skip
    result = call_contract(state, reader, env=make_env(timestamp=TIMESTAMP))
    assert result.success
    assert state.get_storage(CONTRACT, 0) == 1  # the call succeeded
    assert state.get_storage(CONTRACT, 1) == int.from_bytes(ROOT, "big")


def test_without_the_contract_the_call_changes_nothing():
    state = make_state()
    before = state.state_root()
    start_block(state)
    assert state.state_root() == before
    assert state.get_account(BEACON_ROOTS_ADDRESS) is None


def test_an_empty_account_at_the_address_is_cleared():
    state = make_state()
    state.load_account(BEACON_ROOTS_ADDRESS, 0, 0, b"", {})
    start_block(state)
    assert state.get_account(BEACON_ROOTS_ADDRESS) is None
    assert state.get_account(SENDER) is not None


def test_only_the_system_may_set_a_root():
    """Anyone else calling with a timestamp that was never stored is refused."""
    state = with_contracts(BEACON_ROOTS)
    result = system_call(state, make_env(timestamp=TIMESTAMP), CANCUN, BEACON_ROOTS_ADDRESS, ROOT)
    assert result.success and result.output == b""
    result = call_contract(state, to=BEACON_ROOTS_ADDRESS, data=(TIMESTAMP + 1).to_bytes(32, "big"))
    assert not result.success
    stored = state.get_storage(BEACON_ROOTS_ADDRESS, TIMESTAMP % HISTORY_BUFFER_LENGTH + HISTORY_BUFFER_LENGTH)
    assert stored == int.from_bytes(ROOT, "big")


# --- EIP-2935 ----------------------------------------------------------------------------


def history_reader(number: int) -> bytes:
    """Stores (success, get(number)) in slots 0 and 1."""
    return asm(
        f"PUSH32 {number}", "PUSH1 0", "MSTORE",
        "PUSH1 32", "PUSH1 0", "PUSH1 32", "PUSH1 0", "PUSH1 0",
        f"PUSH20 0x{HISTORY_STORAGE_ADDRESS.hex()}", "GAS", "CALL",
        "PUSH1 0", "SSTORE", "PUSH1 0", "MLOAD", "PUSH1 1", "SSTORE",
    )  # fmt: skip


def test_a_prague_block_stores_its_parent_hash_under_the_parent_number():
    state = with_contracts(BEACON_ROOTS, HISTORY_STORAGE)
    start_block(state, PRAGUE_CONFIG)
    parent_hash = int.from_bytes(block_hash(PARENT), "big")
    assert state.get_storage(HISTORY_STORAGE_ADDRESS, PARENT.number % HISTORY_SERVE_WINDOW) == parent_hash
    assert state.get_account(SYSTEM_ADDRESS) is None
    assert state.get_storage(BEACON_ROOTS_ADDRESS, TIMESTAMP % HISTORY_BUFFER_LENGTH) == TIMESTAMP  # both calls


def test_a_transaction_reads_the_parent_hash_back_and_nothing_newer():
    state = with_contracts(BEACON_ROOTS, HISTORY_STORAGE)
    start_block(state, PRAGUE_CONFIG)
    env = make_env(number=PARENT.number + 1, timestamp=TIMESTAMP)
    assert call_contract(state, history_reader(PARENT.number), env=env, fork=PRAGUE).success
    assert state.get_storage(CONTRACT, 0) == 1
    assert state.get_storage(CONTRACT, 1) == int.from_bytes(block_hash(PARENT), "big")
    # The block's own number (and anything later) is refused: get() reverts.
    assert call_contract(state, history_reader(PARENT.number + 1), env=env, fork=PRAGUE).success
    assert state.get_storage(CONTRACT, 0) == 0


def test_a_cancun_block_makes_no_history_call():
    state = with_contracts(HISTORY_STORAGE)
    before = state.state_root()
    start_block(state, CANCUN_CONFIG)
    assert state.state_root() == before


def test_the_first_prague_block_stores_its_cancun_parent_and_nothing_older():
    boundary = ChainConfig(chain_id=1, forks=ETHEREUM.schedule({"cancun": 0, "prague": TIMESTAMP}))
    state = with_contracts(BEACON_ROOTS, HISTORY_STORAGE)
    start_block(state, boundary, timestamp=TIMESTAMP - 1)  # still Cancun: nothing stored
    assert not state.storage.get(HISTORY_STORAGE_ADDRESS)
    start_block(state, boundary)
    stored = state.storage[HISTORY_STORAGE_ADDRESS]
    assert stored == {PARENT.number % HISTORY_SERVE_WINDOW: int.from_bytes(block_hash(PARENT), "big")}


# --- checked calls -----------------------------------------------------------------------


def test_a_checked_call_needs_code():
    with pytest.raises(InvalidBlock, match="withdrawal requests .* has no code") as caught:
        checked_system_call(make_state(), make_env(), PRAGUE, WITHDRAWAL_REQUESTS)
    assert caught.value.rule is Rule.SYSTEM_CALL


def test_a_failing_checked_call_makes_the_block_invalid():
    reverting = dataclasses.replace(WITHDRAWAL_REQUESTS, name="reverting", code=asm("PUSH1 0", "PUSH1 0", "REVERT"))
    with pytest.raises(InvalidBlock, match="the system call to the reverting contract failed") as caught:
        checked_system_call(with_contracts(reverting), make_env(), PRAGUE, reverting)
    assert caught.value.rule is Rule.SYSTEM_CALL


def test_a_prague_block_without_the_request_contracts_cannot_be_sealed():
    builder = start_block(with_contracts(BEACON_ROOTS, HISTORY_STORAGE), PRAGUE_CONFIG)
    with pytest.raises(InvalidBlock, match="withdrawal requests"):
        builder.finish()
