"""The transaction gas limit cap from Osaka (EIP-7825): 2**24 = 16,777,216.

As execution-spec-tests' ``eip7825_transaction_gas_limit_cap`` takes it: a
transaction at the cap runs and one above it is invalid, whatever its type; a
block holding one is refused, and a builder leaves it out; Prague has no cap.
Then admission, in geth's words (``transaction gas limit too high (cap: …,
tx: …)``, checked where geth's pool checks it). What a node running Osaka
answers over HTTP is ``tests/node/rpc/test_eip7825_rpc.py``'s.
"""

from __future__ import annotations

import pytest
from support import CONTRACT, SENDER, SENDER_KEY, asm, call_contract, make_env, make_state

from ovm.chain.block import Block, InvalidBlock, Rule, encode_block, transactions_root
from ovm.chain.builder import BlockBuilder
from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import ChainConfig, dev_genesis, genesis_block, genesis_state
from ovm.chain.importer import MemoryChain, copy_state
from ovm.evm.forks import CANCUN, OSAKA, PRAGUE
from ovm.evm.processor import process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    AccessListTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    LegacyTransaction,
    encode_transaction,
)
from ovm.safety.admission import AdmissionError, admit
from ovm.transpiler import TranspilingRunner

CAP = 1 << 24
ENGINES = {"interpreter": None, "transpiler": TranspilingRunner(threshold=0)}
TOO_HIGH = f"transaction gas limit too high (cap: {CAP}, tx: {CAP + 1})"
BIG_BLOCK = make_env(gas_limit=60_000_000)


def test_osaka_caps_at_2_to_the_24_and_earlier_forks_do_not():
    assert OSAKA.max_transaction_gas == 16_777_216 == CAP
    assert PRAGUE.max_transaction_gas is None and CANCUN.max_transaction_gas is None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_transaction_at_the_cap_runs(engine: str):
    state = make_state()
    result = call_contract(state, asm("PUSH1 1", "PUSH0", "SSTORE", "STOP"), gas=CAP, env=BIG_BLOCK,
                           fork=OSAKA, code_runner=ENGINES[engine])
    assert result.success and state.get_storage(CONTRACT, 0) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_a_transaction_above_the_cap_is_invalid_and_changes_nothing(engine: str):
    state = make_state()
    root = state.state_root()
    with pytest.raises(InvalidTransaction, match=r"^transaction gas limit too high \(cap: 16777216, tx: 16777217\)$"):
        call_contract(state, None, gas=CAP + 1, env=BIG_BLOCK, fork=OSAKA, code_runner=ENGINES[engine])
    assert state.state_root() == root and state.get_nonce(SENDER) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_prague_takes_a_transaction_above_the_cap(engine: str):
    result = call_contract(make_state(), asm("STOP"), gas=CAP + 1, env=BIG_BLOCK, fork=PRAGUE,
                           code_runner=ENGINES[engine])
    assert result.success and result.gas_used == 21000


def transaction(kind: str, gas: int, nonce: int = 0):
    common = dict(nonce=nonce, gas=gas, to=CONTRACT, value=0, data=b"", r=0, s=0)
    if kind == "legacy":
        return sign_transaction(LegacyTransaction(gas_price=10, v=0, **common), SENDER_KEY, 1)
    if kind == "access list":
        return sign_transaction(AccessListTransaction(chain_id=1, gas_price=10, access_list=(), y_parity=0,
                                                      **common), SENDER_KEY, 1)
    return sign_transaction(FeeMarketTransaction(chain_id=1, max_priority_fee_per_gas=1, max_fee_per_gas=10,
                                                 access_list=(), y_parity=0, **common), SENDER_KEY, 1)


@pytest.mark.parametrize("kind", ["legacy", "access list", "fee market"])
def test_every_transaction_type_is_capped(kind: str):
    assert process_transaction(make_state(), BIG_BLOCK, transaction(kind, CAP), OSAKA).success
    with pytest.raises(InvalidTransaction, match=r"^transaction gas limit too high"):
        process_transaction(make_state(), BIG_BLOCK, transaction(kind, CAP + 1), OSAKA)


def test_the_cap_is_checked_before_the_block_gas_limit():
    """Above both the cap and the block's gas limit: the cap, never includable,
    not the block's limit."""
    with pytest.raises(InvalidTransaction, match=r"^transaction gas limit too high"):
        call_contract(make_state(), None, gas=40_000_000, fork=OSAKA)


# --- blocks -----------------------------------------------------------------------

CONFIG = ChainConfig(chain_id=1, gas_limit=60_000_000)
ALICE = dev_accounts()[0]


def signed_transfer(nonce: int, gas: int) -> FeeMarketTransaction:
    tx = FeeMarketTransaction(chain_id=1, nonce=nonce, max_priority_fee_per_gas=10**9, max_fee_per_gas=10**10,
                              gas=gas, to=bytes.fromhex("da" * 20), value=1, data=b"", access_list=(),
                              y_parity=0, r=0, s=0)
    return sign_transaction(tx, ALICE.private_key, 1)


class Chain:
    def __init__(self) -> None:
        genesis = dev_genesis(CONFIG)
        self.state = genesis_state(genesis)
        self.genesis = genesis_block(genesis, self.state)

    def builder(self, fork) -> BlockBuilder:
        return BlockBuilder(self.genesis.header, copy_state(self.state), CONFIG, fork,
                            timestamp=self.genesis.header.timestamp + 12, coinbase=bytes.fromhex("c0" * 20),
                            prev_randao=b"\x5a" * 32, ancestor_hash=lambda number: self.genesis.hash)

    def build(self, fork, txs) -> Block:
        builder = self.builder(fork)
        for tx in txs:
            builder.add_transaction(tx)
        return builder.finish()

    def importer(self, fork) -> MemoryChain:
        return MemoryChain(self.genesis, copy_state(self.state), CONFIG, fork)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_block_with_a_transaction_above_the_cap_is_refused(engine: str):
    chain = Chain()
    over = chain.build(PRAGUE, [signed_transfer(0, CAP + 1)])  # Prague builds it
    osaka = MemoryChain(chain.genesis, copy_state(chain.state), CONFIG, OSAKA, code_runner=ENGINES[engine])
    with pytest.raises(InvalidBlock) as refused:
        osaka.import_rlp(encode_block(over))
    assert refused.value.rule is Rule.TRANSACTION and TOO_HIGH in str(refused.value)
    assert osaka.head == chain.genesis
    assert chain.importer(PRAGUE).import_rlp(encode_block(over)) == over
    at_cap = chain.build(OSAKA, [signed_transfer(0, CAP)])
    assert osaka.import_rlp(encode_block(at_cap)) == at_cap


def test_a_builder_leaves_a_transaction_above_the_cap_out():
    chain = Chain()
    builder = chain.builder(OSAKA)
    with pytest.raises(InvalidTransaction, match=r"^transaction gas limit too high"):
        builder.add_transaction(signed_transfer(0, CAP + 1))
    builder.add_transaction(signed_transfer(0, CAP))
    block = builder.finish()
    assert len(block.transactions) == 1 and block.header.transactions_root == transactions_root(block.transactions)


# --- admission --------------------------------------------------------------------


def admit_raw(tx, **options):
    values = dict(chain_id=1, base_fee=1, block_gas_limit=60_000_000, max_transaction_gas=CAP)
    values.update(options)
    return admit(encode_transaction(tx), make_state(), **values)


def test_admission_refuses_a_transaction_above_the_cap_in_geths_words():
    with pytest.raises(AdmissionError) as refused:
        admit_raw(transaction("fee market", CAP + 1))
    assert str(refused.value) == TOO_HIGH
    assert admit_raw(transaction("fee market", CAP)).sender == SENDER
    assert admit_raw(transaction("fee market", CAP + 1), max_transaction_gas=None).sender == SENDER


def test_admission_checks_the_cap_where_geths_pool_does():
    """After the initcode size, before the block gas limit and the signature."""
    creation = sign_transaction(FeeMarketTransaction(
        chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10, gas=CAP + 1, to=None, value=0,
        data=bytes(49_153), access_list=(), y_parity=0, r=0, s=0), SENDER_KEY, 1)
    with pytest.raises(AdmissionError, match="^max initcode size exceeded"):
        admit_raw(creation)
    with pytest.raises(AdmissionError, match=r"^transaction gas limit too high \(cap: 16777216, tx: 40000000\)$"):
        admit_raw(transaction("fee market", 40_000_000), block_gas_limit=30_000_000)
    unsigned = FeeMarketTransaction(chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10,
                                    gas=CAP + 1, to=CONTRACT, value=0, data=b"", access_list=(), y_parity=0,
                                    r=1, s=1 << 255)  # s out of range: geth's pool says so after the cap
    with pytest.raises(AdmissionError, match="^transaction gas limit too high"):
        admit_raw(unsigned)
