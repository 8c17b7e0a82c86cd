"""
The L1 data fee
===============

Ecotone's L1 cost (specs ``exec-engine.md``, "Ecotone L1-Cost fee changes")
against op-geth's reference numbers and the spec's formula; the L1Block
storage it reads, against the compiled contract's layout; the GasPriceOracle
predeploy run on our EVM after a real L1-info deposit, which must charge for
an unsigned transaction exactly what ``ecotone_l1_fee`` charges for it with 68
non-zero signature bytes; and the fee's place in a transaction on the
``OvmCancun`` fork: in the up-front balance check (of the block and of
admission), taken with the gas, paid to the L1FeeVault, the base fee to the
BaseFeeVault and the tip to the coinbase.
"""

from __future__ import annotations

import pytest
from eth_abi import decode, encode

from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import genesis_state
from ovm.evm.environment import BlockEnv
from ovm.evm.forks import CANCUN, OVM_CANCUN
from ovm.evm.l2 import (
    BASE_FEE_SCALAR_OFFSET,
    BASE_FEE_VAULT,
    BLOB_BASE_FEE_SCALAR_OFFSET,
    ECOTONE_RULES,
    L1_BLOCK,
    L1_BLOCK_BASE_FEE_SLOT,
    L1_BLOCK_BLOB_BASE_FEE_SLOT,
    L1_BLOCK_SCALARS_SLOT,
    L1_FEE_VAULT,
    L1FeeValues,
    L1Origin,
    ecotone_l1_fee,
    l1_fee_values,
    l1_info_deposit,
)
from ovm.evm.processor import Execution, begin_transaction, process_transaction
from ovm.evm.snapshot import run_with_snapshots
from ovm.evm.transactions import (
    AccessListTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    encode_transaction,
)
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import PREDEPLOYS, load
from ovm.rollup.genesis import l2_genesis
from ovm.safety import AdmissionError, admit
from ovm.state import State

from support import COINBASE, fee_market_tx, make_env

CHAIN_ID = 901
GWEI = 10**9
BASE_FEE = GWEI
ALICE, BOB = dev_accounts()[:2]
ORIGIN = L1Origin(number=20_000_000, timestamp=1_720_000_000, base_fee=23 * GWEI,
                  blob_base_fee=3_000_000_007, hash=b"\x5e" * 32)  # fmt: skip
BATCHER_HASH = bytes(12) + b"\xba" * 20
BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR = 1368, 810949
ORIGIN_VALUES = L1FeeValues(ORIGIN.base_fee, ORIGIN.blob_base_fee, BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR)
GAS_PRICE_ORACLE = PREDEPLOYS["GasPriceOracle"]
SIGNATURE_ALLOWANCE = b"\xff" * 68  # what GasPriceOracle adds for a missing signature


def env() -> BlockEnv:
    return make_env(chain_id=CHAIN_ID, base_fee=BASE_FEE, coinbase=COINBASE)


def l2_state() -> State:
    """The L2 genesis state after an L1-info deposit of ``ORIGIN``."""
    state = genesis_state(l2_genesis())
    info = l1_info_deposit(ORIGIN, 2, BATCHER_HASH, BASE_FEE_SCALAR, BLOB_BASE_FEE_SCALAR)
    assert process_transaction(state, env(), info, OVM_CANCUN).success
    return state


@pytest.fixture
def l2() -> State:
    return l2_state()


def transfer(nonce: int = 0, *, value: int = 10**18, data: bytes = b"", gas: int = 60_000,
             key: bytes = ALICE.private_key) -> FeeMarketTransaction:  # fmt: skip
    return fee_market_tx(key, chain_id=CHAIN_ID, to=BOB.address, nonce=nonce, value=value, data=data, gas=gas,
                         max_priority_fee_per_gas=GWEI // 10, max_fee_per_gas=2 * GWEI)


def view(state: State, to: bytes, calldata: bytes) -> bytes:
    """Run a read-only call as ``eth_call`` does: no fee, nothing settled."""
    tx = AccessListTransaction(chain_id=CHAIN_ID, nonce=state.get_nonce(BOB.address), gas_price=0,
                               gas=1_000_000, to=to, value=0, data=calldata, access_list=(),
                               y_parity=0, r=0, s=0)  # fmt: skip
    execution = Execution(state, env(), tx, BOB.address, OVM_CANCUN)
    execution.prepare()
    execution.machine.run()
    assert execution.machine.error is None
    return execution.machine.result.output


def oracle(state: State, signature: str, *args) -> int:
    """A GasPriceOracle view returning one uint."""
    arg_types = [t for t in signature[signature.index("(") + 1 : -1].split(",") if t]
    calldata = keccak256(signature.encode())[:4] + encode(arg_types, list(args))
    return decode(["uint256"], view(state, GAS_PRICE_ORACLE, calldata))[0]


# --- the formula -------------------------------------------------------------------


def test_op_geths_reference_numbers():
    """op-geth rollup_cost_test.go: 30 non-zero bytes, L1 base fee 1000e6, blob
    base fee 10e6, scalars 2 and 3 → 480 L1 gas and a fee of 960900."""
    assert ecotone_l1_fee(b"\x01" * 30, L1FeeValues(1000 * 10**6, 10 * 10**6, 2, 3)) == (960_900, 480)


@pytest.mark.parametrize("data", [b"", bytes(100), b"\x01" * 7 + bytes(9) + b"\xff", bytes(range(256))])
def test_the_spec_formula(data):
    zeroes, ones = data.count(0), len(data) - data.count(0)
    weighted = 16 * ORIGIN.base_fee * BASE_FEE_SCALAR + ORIGIN.blob_base_fee * BLOB_BASE_FEE_SCALAR
    gas = zeroes * 4 + ones * 16
    assert ecotone_l1_fee(data, ORIGIN_VALUES) == (gas * weighted // 16_000_000, gas)


def test_the_fee_rounds_down():
    assert ecotone_l1_fee(b"\x01", L1FeeValues(1, 0, 999_999, 0)) == (15, 16)  # 16*16*999999/16e6 = 15.99…


def test_l1_block_slots_are_the_compiled_layout():
    layout = {entry.name: entry for entry in load("L1Block").storage_layout}
    assert layout["basefee"].slot == L1_BLOCK_BASE_FEE_SLOT
    assert layout["blobBaseFee"].slot == L1_BLOCK_BLOB_BASE_FEE_SLOT
    assert (layout["baseFeeScalar"].slot, layout["baseFeeScalar"].offset) == (
        L1_BLOCK_SCALARS_SLOT, BASE_FEE_SCALAR_OFFSET)
    assert (layout["blobBaseFeeScalar"].slot, layout["blobBaseFeeScalar"].offset) == (
        L1_BLOCK_SCALARS_SLOT, BLOB_BASE_FEE_SCALAR_OFFSET)
    assert PREDEPLOYS["L1Block"] == L1_BLOCK


def test_values_come_from_l1_block_after_the_l1_info_deposit(l2):
    assert l1_fee_values(l2) == ORIGIN_VALUES
    assert l1_fee_values(genesis_state(l2_genesis())) == L1FeeValues(0, 0, 0, 0)


# --- GasPriceOracle on our EVM ---------------------------------------------------------


def test_the_oracle_reads_the_same_values(l2):
    assert oracle(l2, "l1BaseFee()") == ORIGIN.base_fee
    assert oracle(l2, "blobBaseFee()") == ORIGIN.blob_base_fee
    assert oracle(l2, "baseFeeScalar()") == BASE_FEE_SCALAR
    assert oracle(l2, "blobBaseFeeScalar()") == BLOB_BASE_FEE_SCALAR


def _unsigned_legacy() -> bytes:
    """An unsigned legacy transfer: nonce, gas price, gas, to, value, data."""
    return rlp.encode([rlp.int_to_be(n) for n in (3, GWEI, 21_000)] + [BOB.address, b"\x01", b""])


@pytest.mark.parametrize(
    "unsigned",
    [b"", bytes(40), b"\x02" + bytes(range(1, 200)), _unsigned_legacy()],
    ids=["empty", "zeros", "bytes", "legacy"],
)
def test_the_oracle_charges_what_the_node_charges(l2, unsigned):
    """getL1Fee(unsigned) == ecotone_l1_fee(unsigned + 68 non-zero bytes), gas too."""
    fee, gas = ecotone_l1_fee(unsigned + SIGNATURE_ALLOWANCE, l1_fee_values(l2))
    assert oracle(l2, "getL1Fee(bytes)", unsigned) == fee
    assert oracle(l2, "getL1GasUsed(bytes)", unsigned) == gas


# --- the fee in a transaction -------------------------------------------------------------


def test_an_l2_transaction_pays_the_l1_fee_and_the_vaults(l2):
    tx = transfer(data=b"\x00\x01" * 20)
    before = l2.get_balance(ALICE.address)
    result = process_transaction(l2, env(), tx, OVM_CANCUN)
    fee, l1_gas = ecotone_l1_fee(encode_transaction(tx), ORIGIN_VALUES)
    assert fee > 0 and result.success
    assert (result.l1_charge.fee, result.l1_charge.l1_gas_used, result.l1_charge.values) == (
        fee, l1_gas, ORIGIN_VALUES)
    price = BASE_FEE + GWEI // 10
    assert before - l2.get_balance(ALICE.address) == tx.value + result.gas_used * price + fee
    assert l2.get_balance(L1_FEE_VAULT) == fee
    assert l2.get_balance(BASE_FEE_VAULT) == result.gas_used * BASE_FEE
    assert l2.get_balance(COINBASE) == result.gas_used * (GWEI // 10)


def test_ethereum_burns_the_base_fee_and_charges_no_l1_fee(l2):
    result = process_transaction(l2, env(), transfer(), CANCUN)
    assert result.l1_charge is None
    assert not l2.account_exists(L1_FEE_VAULT) and not l2.account_exists(BASE_FEE_VAULT)


def _funded_exactly(l2: State, tx: FeeMarketTransaction, extra: int) -> None:
    l2.set_balance(ALICE.address, tx.gas * tx.max_fee_per_gas + tx.value + extra)


def test_the_up_front_check_counts_the_l1_fee(l2):
    tx = transfer()
    fee = ECOTONE_RULES.l1_charge(l2, tx).fee
    _funded_exactly(l2, tx, fee - 1)
    with pytest.raises(InvalidTransaction, match=f"want {tx.gas * tx.max_fee_per_gas + tx.value + fee}"):
        begin_transaction(l2, env(), tx, OVM_CANCUN)
    _funded_exactly(l2, tx, fee)
    assert process_transaction(l2, env(), tx, OVM_CANCUN).success


def test_admission_counts_the_l1_fee_with_the_l2_rules(l2):
    tx = transfer()
    fee = ECOTONE_RULES.l1_charge(l2, tx).fee
    _funded_exactly(l2, tx, fee - 1)
    limits = dict(chain_id=CHAIN_ID, base_fee=BASE_FEE, block_gas_limit=30_000_000)
    assert admit(tx, l2, **limits).sender == ALICE.address  # Ethereum's rule: enough
    with pytest.raises(AdmissionError, match="insufficient funds for gas \\* price \\+ value"):
        admit(tx, l2, l2_rules=ECOTONE_RULES, **limits)


def test_a_transaction_with_the_l1_fee_resumes_from_snapshots():
    """The resumed execution keeps its L1 charge: same gas, fee and state."""
    code = bytes.fromhex("600160005560026001556003600255")  # three SSTOREs

    def pre_state() -> State:
        state = l2_state()
        state.set_code(BOB.address, code)
        state.begin_transaction()  # the setup is not part of the transaction's journal
        return state

    tx = transfer(value=0)
    expected_state = pre_state()
    expected = process_transaction(expected_state, env(), tx, OVM_CANCUN)
    execution = begin_transaction(pre_state(), env(), tx, OVM_CANCUN)
    result, state = run_with_snapshots(execution, pre_state, every=2)
    assert result.l1_charge == expected.l1_charge and result.gas_used == expected.gas_used
    assert state.state_root() == expected_state.state_root()
