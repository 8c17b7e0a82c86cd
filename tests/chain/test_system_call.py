"""
System calls
============

EIP-4788 through the block builder: with the beacon-roots contract deployed
(its runtime code as the EIP publishes it), every block's parent beacon block
root is stored under the block's timestamp before the first transaction, and
a transaction reads it back; a chain that does not make the call (its
config) stores nothing; without the contract the call changes nothing, and
an empty account at the address is cleared as any touched empty account.
"""

from __future__ import annotations

import dataclasses

from ovm.chain.builder import BlockBuilder
from ovm.chain.genesis import ChainConfig
from ovm.chain.header import Header
from ovm.chain.system_call import BEACON_ROOTS_ADDRESS, SYSTEM_ADDRESS, system_call
from ovm.evm.forks import CANCUN
from ovm.primitives.types import ZERO_HASH
from ovm.trie import EMPTY_TRIE_ROOT

from support import CONTRACT, SENDER, asm, call_contract, make_env, make_state

# EIP-4788's runtime code (the EIP's deployment transaction, without its 9-byte constructor).
BEACON_ROOTS_CODE = bytes.fromhex(
    "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f3580156049"
    "5762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281"
    "555f359062001fff015500"
)
HISTORY_BUFFER_LENGTH = 8191
ROOT = b"\xbe" * 32
TIMESTAMP = 1_710_338_135
CONFIG = ChainConfig(chain_id=1)
PARENT = Header(
    parent_hash=ZERO_HASH, coinbase=bytes(20), state_root=EMPTY_TRIE_ROOT, number=0,
    gas_limit=30_000_000, timestamp=TIMESTAMP - 12, base_fee_per_gas=7,
)  # fmt: skip


def with_beacon_roots():
    state = make_state()
    state.load_account(BEACON_ROOTS_ADDRESS, 1, 0, BEACON_ROOTS_CODE, {})
    return state


def start_block(state, config=CONFIG, root=ROOT) -> BlockBuilder:
    return BlockBuilder(
        PARENT, state, config, CANCUN, timestamp=TIMESTAMP, coinbase=bytes(20),
        parent_beacon_block_root=root,
    )  # fmt: skip


def test_block_start_stores_the_parent_beacon_root_under_its_timestamp():
    state = with_beacon_roots()
    start_block(state)
    slot = TIMESTAMP % HISTORY_BUFFER_LENGTH
    assert state.get_storage(BEACON_ROOTS_ADDRESS, slot) == TIMESTAMP
    assert state.get_storage(BEACON_ROOTS_ADDRESS, slot + HISTORY_BUFFER_LENGTH) == int.from_bytes(ROOT, "big")
    assert state.get_account(SYSTEM_ADDRESS) is None  # no fee, no nonce, no account
    block = start_block(with_beacon_roots()).finish()
    assert block.header.gas_used == 0 and block.header.parent_beacon_block_root == ROOT


def test_a_transaction_reads_the_root_back():
    state = with_beacon_roots()
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


def test_a_chain_without_the_call_stores_nothing():
    state = with_beacon_roots()
    before = state.state_root()
    start_block(state, dataclasses.replace(CONFIG, beacon_roots=False))
    assert state.state_root() == before


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
    state = with_beacon_roots()
    output = system_call(state, make_env(timestamp=TIMESTAMP), CANCUN, BEACON_ROOTS_ADDRESS, ROOT)
    assert output == b""
    result = call_contract(state, to=BEACON_ROOTS_ADDRESS, data=(TIMESTAMP + 1).to_bytes(32, "big"))
    assert not result.success
    stored = state.get_storage(BEACON_ROOTS_ADDRESS, TIMESTAMP % HISTORY_BUFFER_LENGTH + HISTORY_BUFFER_LENGTH)
    assert stored == int.from_bytes(ROOT, "big")
