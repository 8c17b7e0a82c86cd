"""
The Fjord L1 data fee
=====================

Fjord's L1 cost (specs ``fjord/exec-engine.md``) against the spec's formula,
op-geth's FastLZ lengths (``rollup_cost_test.go``) and the OP Stack's
GasPriceOracle test vectors (``GasPriceOracle.t.sol``, Fjord active); our
GasPriceOracle on our EVM, after a real L1-info deposit, before and after its
``setFjord()`` upgrade deposit, which must give for an unsigned transaction
what the chain's own formula gives for it (its FastLZ length plus 68); and the
fee a transaction pays on ``OvmFjord``.
"""

from __future__ import annotations

import pytest
from eth_abi import decode, encode
from support import COINBASE, make_env

from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import genesis_state
from ovm.evm.environment import BlockEnv
from ovm.evm.forks import OVM_CANCUN, OVM_FJORD
from ovm.evm.l2 import (
    DEPOSITOR_ACCOUNT,
    ECOTONE_RULES,
    FJORD_RULES,
    GAS_PRICE_ORACLE,
    IS_FJORD,
    ISTHMUS_RULES,
    L1_FEE_VAULT,
    L2_TO_L1_MESSAGE_PASSER,
    ORACLE_FLAGS_SLOT,
    L1FeeValues,
    L1Origin,
    ecotone_l1_fee,
    fjord_estimated_size,
    fjord_l1_cost,
    fjord_l1_fee,
    l1_fee_values,
    l1_info_deposit,
    upgrade_deposits,
)
from ovm.evm.processor import Execution, process_transaction
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    AccessListTransaction,
    DepositTransaction,
    FeeMarketTransaction,
    LegacyTransaction,
    encode_transaction,
)
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.primitives.fastlz import compress
from ovm.rollup.artifacts import PREDEPLOYS, load
from ovm.rollup.genesis import l2_genesis
from ovm.state import State

CHAIN_ID = 901
GWEI = 10**9
ALICE, BOB = dev_accounts()[:2]
BATCHER_HASH = bytes(12) + b"\xba" * 20
ORIGIN = L1Origin(number=20_000_000, timestamp=1_720_000_000, base_fee=23 * GWEI,
                  blob_base_fee=3_000_000_007, hash=b"\x5e" * 32)  # fmt: skip
SCALARS = (1368, 810949)


def env() -> BlockEnv:
    return make_env(chain_id=CHAIN_ID, base_fee=GWEI, coinbase=COINBASE)


def l2_state(fork=OVM_FJORD, origin: L1Origin = ORIGIN, scalars: tuple[int, int] = SCALARS) -> State:
    """The L2 genesis on ``fork`` after an L1-info deposit of ``origin``."""
    state = genesis_state(l2_genesis(fork=fork))
    info = l1_info_deposit(origin, 0, BATCHER_HASH, *scalars)
    assert process_transaction(state, env(), info, fork).success
    return state


def view(state: State, fork, calldata: bytes) -> tuple[bool, bytes]:
    """A read-only call to GasPriceOracle, as ``eth_call`` runs it."""
    tx = AccessListTransaction(chain_id=CHAIN_ID, nonce=state.get_nonce(BOB.address), gas_price=0,
                               gas=10_000_000, to=GAS_PRICE_ORACLE, value=0, data=calldata,
                               access_list=(), y_parity=0, r=0, s=0)  # fmt: skip
    execution = Execution(state, env(), tx, BOB.address, fork)
    execution.prepare()
    execution.machine.run()
    return execution.machine.error is None, execution.machine.result.output


def oracle(state: State, signature: str, *args, fork=OVM_FJORD) -> int:
    arg_types = [t for t in signature[signature.index("(") + 1 : -1].split(",") if t]
    ok, output = view(state, fork, keccak256(signature.encode())[:4] + encode(arg_types, list(args)))
    assert ok, output
    return decode(["uint256"], output)[0]


# --- the formula -------------------------------------------------------------------------

# op-geth's emptyTx: an unsigned legacy transaction to 0x095e…2d87, all else zero.
EMPTY_TX = rlp.encode([b"", b"", b"", bytes.fromhex("095e7baea6a6c7c4c2dfeb977efac326af552d87"), b"", b"",
                       b"", b"", b""])  # fmt: skip
# op-geth's contract call (an OP Mainnet transaction).
CONTRACT_CALL_TX = bytes.fromhex(
    "02f901550a758302df1483be21b88304743f94f80e51afb613d764fa61751affd3313c190a86bb870151bd62fd12adb8"
    "e41ef24f3f000000000000000000000000000000000000000000000000000000000000006e000000000000000000000000"
    "af88d065e77c8cc2239327c5edb3a432268e5831000000000000000000000000000000000000000000000000000000000003"
    "c1e500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000001"
    "48c89ed219d02f1a5be012c689b4f5b731827bebe000000000000000000000000c001a033fd89cb37c31b2cba46b6466e040c61"
    "fc9b2a3675a7f5f493ebd5ad77c497f8a07cdf65680e238392693019b4092f610222e71b7cec06449cb922b93b6a12744e"
)


@pytest.mark.parametrize(
    "data, length",
    [(b"", 0), (b"\x01" * 1000, 21), (bytes(1000), 21), (EMPTY_TX, 31), (CONTRACT_CALL_TX, 202)],
    ids=["empty", "ones", "zeros", "empty-tx", "contract-call"],
)
def test_fastlz_lengths_are_op_geths(data, length):
    """op-geth's TestFlzCompressLen: the size the Fjord fee measures."""
    assert len(compress(data)) == length


OP_GETH_VALUES = L1FeeValues(l1_base_fee=1000 * 10**6, l1_blob_base_fee=10 * 10**6, base_fee_scalar=2,
                             blob_base_fee_scalar=3)  # fmt: skip


def test_a_small_transaction_pays_for_the_minimum_size():
    # fastlzSize 31: -42_585_600 + 836_500 * 31 < 100e6, so 100e6 * (2*1000e6*16 + 3*10e6) / 1e12
    assert fjord_l1_fee(EMPTY_TX, OP_GETH_VALUES) == (3_203_000, 1600)


def test_a_larger_transaction_pays_by_the_regression():
    # fastlzSize 202: -42_585_600 + 836_500 * 202 = 126_387_400; * 32_030_000_000 / 1e12 = 4_048_188.6…
    assert fjord_l1_fee(CONTRACT_CALL_TX, OP_GETH_VALUES) == (4_048_188, 2022)


@pytest.mark.parametrize("fastlz_size", [0, 1, 170, 171, 172, 235, 10**6])
def test_the_spec_formula(fastlz_size):
    values = L1FeeValues(ORIGIN.base_fee, ORIGIN.blob_base_fee, *SCALARS)
    scaled_fee = SCALARS[0] * ORIGIN.base_fee * 16 + SCALARS[1] * ORIGIN.blob_base_fee
    size = max(100 * 10**6, -42_585_600 + 836_500 * fastlz_size)
    assert fjord_estimated_size(fastlz_size) == size
    assert fjord_l1_cost(fastlz_size, values) == (size * scaled_fee // 10**12, size * 16 // 10**6)


def test_the_rules_carry_the_formulas():
    assert ECOTONE_RULES.l1_cost.cost is ecotone_l1_fee and FJORD_RULES.l1_cost.cost is fjord_l1_fee
    assert ISTHMUS_RULES.l1_cost is FJORD_RULES.l1_cost
    assert (ECOTONE_RULES.l1_cost.oracle_flags, FJORD_RULES.l1_cost.oracle_flags) == (0, IS_FJORD)


def test_addresses_match_the_predeploys():
    assert GAS_PRICE_ORACLE == PREDEPLOYS["GasPriceOracle"]
    assert L2_TO_L1_MESSAGE_PASSER == PREDEPLOYS["L2ToL1MessagePasser"]


def test_the_flag_slot_is_the_compiled_layout():
    layout = {entry.name: entry for entry in load("GasPriceOracle").storage_layout}
    assert (layout["isFjord"].slot, layout["isFjord"].offset) == (ORACLE_FLAGS_SLOT, 0)


# --- GasPriceOracle ------------------------------------------------------------------------

# The OP Stack's GasPriceOracle.t.sol (Fjord active): L1 base fee 2e6, blob base fee 3e6,
# scalars 20 and 15.
OP_TEST_ORIGIN = L1Origin(number=1, timestamp=2, base_fee=2 * 10**6, blob_base_fee=3 * 10**6, hash=b"\x01" * 32)
OP_MINIMUM = bytes.fromhex("0000010203")
OP_REGRESSION = bytes.fromhex(
    "1d2c3ec4f5a9b3f3cd2c024e455c1143a74bbd637c324adcbd4f74e346786ac44e23e78f47d932abedd8d1"
    "06daadcea350be16478461046273101034601364012364701331dfad43729dc486abd134bcad61b34d6ca1"
    "f2eb31655b7d61ca33ba6d172cdf7d8b5b0ef389a314ca7a9a831c09fc2ca9090d059b4dd25194f3de297b"
    "dba6d6d796e4f80be94f8a9151d685607826e7ba25177b40cb127ea9f1438470"
)


@pytest.mark.parametrize(
    "data, gas, fee, upper_bound",
    [(OP_MINIMUM, 1600, 68_500, 68_500), (OP_REGRESSION, 2463, 105_484, 111_214)],
    ids=["minimum", "regression"],
)
def test_the_op_stacks_oracle_vectors(data, gas, fee, upper_bound):
    state = l2_state(origin=OP_TEST_ORIGIN, scalars=(20, 15))
    assert oracle(state, "getL1GasUsed(bytes)", data) == gas
    assert oracle(state, "getL1Fee(bytes)", data) == fee
    assert oracle(state, "getL1FeeUpperBound(uint256)", len(data)) == upper_bound


def _unsigned_fee_market(data: bytes) -> bytes:
    """An unsigned EIP-1559 transaction: type, then the fields without the signature."""
    fields = [rlp.int_to_be(v) for v in (CHAIN_ID, 7, GWEI, 5 * GWEI, 300_000)]
    return b"\x02" + rlp.encode([*fields, BOB.address, b"\x01", data, []])


@pytest.mark.parametrize(
    "unsigned",
    [b"", bytes(40), bytes(range(256)) * 3, _unsigned_fee_market(b""), _unsigned_fee_market(bytes(range(200)))],
    ids=["empty", "zeros", "bytes", "transfer", "call"],
)
def test_the_oracle_computes_the_chains_formula(unsigned):
    """getL1Fee(unsigned) == fjord_l1_cost(FastLZ length + 68), and the gas and upper bound too."""
    state = l2_state()
    values = l1_fee_values(state)
    fee, gas = fjord_l1_cost(len(compress(unsigned)) + 68, values)
    assert oracle(state, "getL1Fee(bytes)", unsigned) == fee
    assert oracle(state, "getL1GasUsed(bytes)", unsigned) == gas
    size = len(unsigned) + 68
    assert oracle(state, "getL1FeeUpperBound(uint256)", len(unsigned)) == fjord_l1_cost(size + size // 255 + 16, values)[0]
    assert oracle(state, "getL1FeeUpperBound(uint256)", len(unsigned)) >= fee


def test_the_genesis_of_a_fjord_chain_sets_the_flag():
    assert oracle(l2_state(), "isFjord()") == 1
    assert oracle(l2_state(OVM_CANCUN), "isFjord()", fork=OVM_CANCUN) == 0


def test_an_ecotone_oracle_has_no_upper_bound():
    ok, output = view(l2_state(OVM_CANCUN), OVM_CANCUN, keccak256(b"getL1FeeUpperBound(uint256)")[:4] + bytes(32))
    assert not ok and b"only supports Fjord" in output


# --- the upgrade deposit ------------------------------------------------------------------------


def test_the_set_fjord_deposit_is_the_op_stacks():
    """fjord/derivation.md, "GasPriceOracle Enable Fjord"."""
    (deposit,) = upgrade_deposits(ECOTONE_RULES, FJORD_RULES)
    assert deposit.source_hash.hex() == "bac7bb0d5961cad209a345408b0280a0d4686b1b20665e1b0f9cdafd73b19b6b"
    assert (deposit.sender, deposit.to, deposit.mint, deposit.value) == (DEPOSITOR_ACCOUNT, GAS_PRICE_ORACLE, 0, 0)
    assert (deposit.gas, deposit.data, deposit.is_system_tx) == (90_000, bytes.fromhex("8e98b106"), False)


def test_only_a_move_to_fjords_fee_needs_it():
    assert len(upgrade_deposits(ECOTONE_RULES, ISTHMUS_RULES)) == 1
    assert upgrade_deposits(FJORD_RULES, ISTHMUS_RULES) == ()
    assert upgrade_deposits(ECOTONE_RULES, ECOTONE_RULES) == ()
    assert upgrade_deposits(None, ECOTONE_RULES) == () and len(upgrade_deposits(None, FJORD_RULES)) == 1


def test_a_chain_moving_to_fjord_switches_the_oracle_in_its_first_block():
    """An OvmCancun chain's state, then the upgrade deposit on OvmFjord: the
    oracle answers as the new fork charges."""
    state = l2_state(OVM_CANCUN)
    unsigned = bytes(range(150))
    ecotone_fee = oracle(state, "getL1Fee(bytes)", unsigned, fork=OVM_CANCUN)
    assert ecotone_fee == ecotone_l1_fee(unsigned + b"\xff" * 68, l1_fee_values(state))[0]
    (deposit,) = upgrade_deposits(OVM_CANCUN.l2, OVM_FJORD.l2)
    assert process_transaction(state, env(), deposit, OVM_FJORD).success
    fjord_fee = fjord_l1_cost(len(compress(unsigned)) + 68, l1_fee_values(state))[0]
    assert oracle(state, "getL1Fee(bytes)", unsigned) == fjord_fee != ecotone_fee
    again = process_transaction(state, env(), deposit, OVM_FJORD)  # once only
    assert not again.success and oracle(state, "isFjord()") == 1


def test_only_the_depositor_sets_the_flag():
    state = l2_state(OVM_CANCUN)
    tx = sign_transaction(
        LegacyTransaction(nonce=0, gas_price=2 * GWEI, gas=100_000, to=GAS_PRICE_ORACLE, value=0,
                          data=bytes.fromhex("8e98b106"), v=0, r=0, s=0),
        ALICE.private_key, CHAIN_ID,
    )  # fmt: skip
    result = process_transaction(state, env(), tx, OVM_CANCUN)
    assert not result.success and oracle(state, "isFjord()", fork=OVM_CANCUN) == 0
    forged = DepositTransaction(source_hash=b"\x07" * 32, sender=ALICE.address, to=GAS_PRICE_ORACLE, mint=0,
                                value=0, gas=100_000, is_system_tx=False, data=bytes.fromhex("8e98b106"))
    assert not process_transaction(state, env(), forged, OVM_CANCUN).success


# --- the fee in a transaction ---------------------------------------------------------------


def test_a_transaction_on_ovm_fjord_pays_the_fjord_fee():
    state = l2_state()
    tx = sign_transaction(
        FeeMarketTransaction(chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=GWEI // 10,
                             max_fee_per_gas=2 * GWEI, gas=200_000, to=BOB.address, value=5,
                             data=bytes(range(256)) * 2, access_list=(), y_parity=0, r=0, s=0),
        ALICE.private_key, CHAIN_ID,
    )  # fmt: skip
    before = state.get_balance(ALICE.address)
    result = process_transaction(state, env(), tx, OVM_FJORD)
    fee, l1_gas = fjord_l1_fee(encode_transaction(tx), l1_fee_values(state))
    assert result.success and fee > 0
    assert (result.l1_charge.fee, result.l1_charge.l1_gas_used) == (fee, l1_gas)
    assert fee != ecotone_l1_fee(encode_transaction(tx), l1_fee_values(state))[0]
    assert before - state.get_balance(ALICE.address) == 5 + result.gas_used * (GWEI + GWEI // 10) + fee
    assert state.get_balance(L1_FEE_VAULT) == fee
