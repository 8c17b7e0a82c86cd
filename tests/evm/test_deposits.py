"""
Deposit transactions
====================

The OP Stack's type 0x7E: its encoding and hash against transactions of OP
Mainnet (an L1-info deposit, rebuilt exactly by ``l1_info_deposit``, and a
user deposit with a mint), strict decoding, and that nothing treats it as
signed or lets a user send one. Then its execution on the ``OvmCancun`` fork
by the rules of the specs' ``deposits.md``: the mint first and kept on
failure, the nonce bumped without a check, no fee of any kind, real gas used
counted in the block, failed deposits included with all their gas, and the
Canyon receipt with ``depositNonce``.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from support import COINBASE, asm, make_env

from ovm.chain.receipt import (
    DEPOSIT_RECEIPT_VERSION,
    InvalidReceipt,
    decode_receipt,
    encode_receipt,
    make_receipt,
)
from ovm.evm import gas as G
from ovm.evm.exceptions import FailedDeposit, Revert
from ovm.evm.forks import CANCUN, OVM_CANCUN
from ovm.evm.instructions.system import create_address
from ovm.evm.l2 import (
    BASE_FEE_VAULT,
    DEPOSITOR_ACCOUNT,
    L1_BLOCK,
    L1_FEE_VAULT,
    L1Origin,
    l1_info_deposit,
    l1_info_source_hash,
    user_deposit_source_hash,
)
from ovm.evm.processor import begin_transaction, process_transaction
from ovm.evm.signing import recover_sender, sign_transaction, signing_hash
from ovm.evm.snapshot import run_with_snapshots
from ovm.evm.transactions import (
    DepositTransaction,
    InvalidTransaction,
    decode_transaction,
    encode_transaction,
    transaction_hash,
)
from ovm.evm.validation import NotIncludableNow, validate_transaction
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.safety import AdmissionError, admit
from ovm.state import State

# OP Mainnet block 124665056, transaction 0: the L1-info deposit (Ecotone form).
# https://optimistic.etherscan.io/tx/0x312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1
OP_L1_INFO_RAW = bytes.fromhex(
    "7ef8f8a0683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df94deaddeaddeaddeaddeaddeadd"
    "eaddeaddead00019442000000000000000000000000000000000000158080830f424080b8a4440a5e200000146b000f79c5"
    "00000000000000040000000066d052e700000000013ad8a3000000000000000000000000000000000000000000000000000"
    "000003ef1278700000000000000000000000000000000000000000000000000000000000000012fdf87b89884a61e74b322"
    "bbcf60386f543bfae7827725efaaf0ab1de2294a590000000000000000000000006887246668a3b87f54deb3b94ba47a6f6"
    "3f32985"
)
OP_L1_INFO_HASH = bytes.fromhex("312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1")
OP_L1_INFO_ORIGIN = L1Origin(
    number=0x13AD8A3,
    timestamp=0x66D052E7,
    base_fee=0x3EF12787,
    blob_base_fee=1,
    hash=bytes.fromhex("2fdf87b89884a61e74b322bbcf60386f543bfae7827725efaaf0ab1de2294a59"),
)
OP_BATCHER_HASH = bytes(12) + bytes.fromhex("6887246668a3b87f54deb3b94ba47a6f63f32985")

# OP Mainnet block 0x73a82cc, transaction 1: a user deposit that mints 656.89 ETH
# (as its JSON-RPC answer shows it, in reth's conversion tests).
OP_USER_DEPOSIT = DepositTransaction(
    source_hash=bytes.fromhex("e0358cd2b2686d297c5c859646a613124a874fb9d9c4a2c88636a46a65c06e48"),
    sender=bytes.fromhex("36bde71c97b33cc4729cf772ae268934f7ab70b2"),
    to=bytes.fromhex("4200000000000000000000000000000000000007"),
    mint=0x239C2E16A5CA590000,
    value=0x239C2E16A5CA590000,
    gas=0x7812E,
    is_system_tx=False,
    data=bytes.fromhex(
        "d764ad0b000100000000000000000000000000000000000000000000000000000001cf5f000000000000000000000000"
        "99c9fc46f92e8a1c0dec1b1747d010903e884be100000000000000000000000042000000000000000000000000000000"
        "000000100000000000000000000000000000000000000000000000239c2e16a5ca590000000000000000000000000000"
        "0000000000000000000000000000000000030d4000000000000000000000000000000000000000000000000000000000"
        "000000c000000000000000000000000000000000000000000000000000000000000000e41635f5fd0000000000000000"
        "000000002ce910fbba65b454bbaf6a18c952a70f3bcd82990000000000000000000000002ce910fbba65b454bbaf6a18"
        "c952a70f3bcd82990000000000000000000000000000000000000000000000239c2e16a5ca5900000000000000000000"
        "000000000000000000000000000000000000000000000080000000000000000000000000000000000000000000000000"
        "000000000000004000000000000000000000000000000000000000000000000000000000000000400000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000"
    ),
)
OP_USER_DEPOSIT_HASH = bytes.fromhex("f7e83886d3c6864f78e01c453ebcd57020c5795d96089e8f0e0b90a467246ddb")

USER = bytes.fromhex("ab" * 20)
RECIPIENT = bytes.fromhex("cd" * 20)
CONTRACT = bytes.fromhex("c0" * 20)
BASE_FEE = 7
ETHER = 10**18


def deposit(**fields) -> DepositTransaction:
    values = dict(
        source_hash=user_deposit_source_hash(b"\x11" * 32, 0), sender=USER, to=RECIPIENT,
        mint=ETHER, value=0, gas=100_000, is_system_tx=False, data=b"",
    )  # fmt: skip
    values.update(fields)
    return DepositTransaction(**values)


def l2_state(user_balance: int = 0) -> State:
    """An empty state, or one where the depositing user already has a balance."""
    state = State()
    if user_balance:
        state.load_account(USER, 0, user_balance, b"", {})
    return state


def run(state: State, tx, **env):
    return process_transaction(state, make_env(base_fee=BASE_FEE, **env), tx, OVM_CANCUN)


# --- encoding -------------------------------------------------------------------


def test_op_mainnet_l1_info_deposit_round_trips_with_its_hash():
    tx = decode_transaction(OP_L1_INFO_RAW)
    assert isinstance(tx, DepositTransaction)
    assert (tx.sender, tx.to, tx.mint, tx.value) == (DEPOSITOR_ACCOUNT, L1_BLOCK, 0, 0)
    assert (tx.gas, tx.is_system_tx) == (1_000_000, False)
    assert encode_transaction(tx) == OP_L1_INFO_RAW
    assert transaction_hash(tx) == OP_L1_INFO_HASH


def test_op_mainnet_user_deposit_hashes_as_on_chain():
    raw = encode_transaction(OP_USER_DEPOSIT)
    assert raw[0] == 0x7E
    assert transaction_hash(OP_USER_DEPOSIT) == OP_USER_DEPOSIT_HASH
    assert decode_transaction(raw) == OP_USER_DEPOSIT


def test_l1_info_deposit_rebuilds_the_op_mainnet_one():
    """Source hash (domain 1), calldata packing, sender, target and gas all match."""
    tx = l1_info_deposit(OP_L1_INFO_ORIGIN, 4, OP_BATCHER_HASH, 5227, 1014213)
    assert encode_transaction(tx) == OP_L1_INFO_RAW


def test_source_hashes_follow_the_spec_formula():
    block_hash = bytes(range(32))
    inner = keccak256(block_hash + (7).to_bytes(32, "big"))
    assert user_deposit_source_hash(block_hash, 7) == keccak256(bytes(32) + inner)
    assert l1_info_source_hash(block_hash, 7) == keccak256((1).to_bytes(32, "big") + inner)


def test_contract_creation_deposit_encodes_an_empty_to():
    tx = deposit(to=None, data=b"\x60\x00")
    fields = rlp.decode(encode_transaction(tx)[1:])
    assert fields[2] == b"" and fields[6] == b""
    assert decode_transaction(encode_transaction(tx)) == tx


@pytest.mark.parametrize(
    "index, item, message",
    [
        (6, b"\x02", "is_system_tx: expected a boolean (0 or 1), got 0x02"),
        (0, b"\x01" * 31, "source_hash: expected 32 bytes, got 31"),
        (1, b"\x01" * 19, "sender: expected 20 bytes, got 19"),
    ],
)
def test_malformed_deposit_fields_are_refused(index, item, message):
    fields = rlp.decode(encode_transaction(deposit())[1:])
    fields[index] = item
    with pytest.raises(InvalidTransaction, match=re.escape(message)):
        decode_transaction(b"\x7e" + rlp.encode(fields))


def test_a_deposit_is_unsigned_and_never_comes_from_a_user():
    tx = deposit()
    assert recover_sender(tx) == USER
    with pytest.raises(InvalidTransaction, match="not signed"):
        signing_hash(tx)
    with pytest.raises(InvalidTransaction, match="not signed"):
        sign_transaction(tx, b"\x01" * 32, None)
    with pytest.raises(InvalidTransaction, match="come only from L1"):
        validate_transaction(tx)


@pytest.mark.parametrize("as_raw", [True, False])
def test_admission_refuses_deposits(as_raw):
    tx = deposit()
    with pytest.raises(AdmissionError) as refused:
        admit(encode_transaction(tx) if as_raw else tx, l2_state(ETHER), chain_id=901,
              base_fee=0, block_gas_limit=30_000_000, transaction_types=frozenset({0, 1, 2, 0x7E}))  # fmt: skip
    assert str(refused.value) == (
        "transaction type not supported: type 126 (deposits come only from L1, through the bridge)"
    )


# --- execution --------------------------------------------------------------------


def test_a_deposit_mints_transfers_and_pays_no_fee():
    state = l2_state()
    result = run(state, deposit(mint=5 * ETHER, value=2 * ETHER))
    assert result.success and result.gas_used == G.TX_BASE
    assert state.get_balance(USER) == 3 * ETHER  # nothing paid for gas
    assert state.get_balance(RECIPIENT) == 2 * ETHER
    assert state.get_nonce(USER) == 1
    for address in (COINBASE, BASE_FEE_VAULT, L1_FEE_VAULT):
        assert not state.account_exists(address)
    assert result.l1_charge is None and result.deposit_nonce == 0


def test_the_nonce_is_bumped_without_being_checked():
    state = l2_state()
    state.load_account(USER, 41, 0, b"", {})
    result = run(state, deposit())
    assert result.deposit_nonce == 41 and state.get_nonce(USER) == 42


def test_a_deposit_runs_with_gas_price_zero_as_its_sender():
    """GASPRICE is 0; ORIGIN and CALLER are ``from``; the sender may be a contract."""
    code = asm("GASPRICE", "PUSH1 0", "SSTORE", "ORIGIN", "PUSH1 1", "SSTORE", "CALLER", "PUSH1 2", "SSTORE")
    state = l2_state()
    state.load_account(CONTRACT, 1, 0, code, {})
    state.load_account(USER, 0, 0, b"\x00", {})  # code at the sender: no EOA check
    assert run(state, deposit(to=CONTRACT)).success
    stored = [state.get_storage(CONTRACT, slot) for slot in range(3)]
    assert stored == [0, int.from_bytes(USER, "big"), int.from_bytes(USER, "big")]


def test_unused_gas_is_not_refunded_but_the_refund_counter_counts():
    """Clearing a slot earns the usual refund in gas used, and no ETH moves."""
    state = l2_state()
    state.load_account(CONTRACT, 1, 0, asm("PUSH1 0", "PUSH1 0", "SSTORE"), {0: 1})
    result = run(state, deposit(to=CONTRACT, mint=0, gas=500_000))
    assert result.refund > 0
    assert result.gas_used < 500_000 and state.get_balance(USER) == 0


def test_a_reverting_deposit_keeps_its_mint_and_nonce():
    state = l2_state()
    state.load_account(CONTRACT, 1, 0, asm("PUSH1 1", "PUSH1 0", "SSTORE", "PUSH1 0", "DUP1", "REVERT"), {})
    result = run(state, deposit(to=CONTRACT, value=ETHER // 2))
    assert not result.success and isinstance(result.error, Revert)
    assert G.TX_BASE < result.gas_used < 100_000  # the gas it really used
    assert state.get_balance(USER) == ETHER and state.get_balance(CONTRACT) == 0
    assert state.get_nonce(USER) == 1 and state.get_storage(CONTRACT, 0) == 0


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"value": 3 * ETHER}, "insufficient funds for transfer"),
        ({"gas": 20_000}, "intrinsic gas too low: have 20000, want 21000"),
        ({"is_system_tx": True}, "system transactions are not supported"),
        ({"to": None, "data": b"\x01" * (G.MAX_INITCODE_SIZE + 1), "gas": 10_000_000},
         "max initcode size exceeded"),
    ],
)  # fmt: skip
def test_a_deposit_that_cannot_start_fails_with_all_its_gas(fields, reason):
    state = l2_state(ETHER)
    tx = deposit(**fields)
    result = run(state, tx)
    assert not result.success and isinstance(result.error, FailedDeposit)
    assert str(result.error).startswith("failed deposit: " + reason)
    assert result.gas_used == tx.gas
    assert state.get_balance(USER) == 2 * ETHER  # the mint is kept, nothing else happened
    assert state.get_nonce(USER) == 1 and not state.account_exists(RECIPIENT)


def test_a_contract_creating_deposit_deploys_at_the_senders_nonce():
    state = l2_state()
    state.load_account(USER, 5, 0, b"", {})
    initcode = asm("PUSH1 1", "PUSH1 0", "MSTORE8", "PUSH1 1", "PUSH1 0", "RETURN")
    result = run(state, deposit(to=None, data=initcode))
    assert result.success and result.contract_address == create_address(USER, 5)
    assert state.get_code(create_address(USER, 5)) == b"\x01"


def test_deposit_gas_counts_against_the_block():
    state, env = l2_state(), make_env(base_fee=BASE_FEE)
    with pytest.raises(NotIncludableNow, match="block gas left 99999"):
        begin_transaction(state, env, deposit(), OVM_CANCUN, block_gas_available=99_999)
    with pytest.raises(InvalidTransaction, match="block gas 30000000"):
        begin_transaction(state, env, deposit(gas=30_000_001), OVM_CANCUN)
    assert not state.account_exists(USER)


def test_ethereum_forks_refuse_deposits():
    with pytest.raises(InvalidTransaction, match="transaction type 126 not supported"):
        process_transaction(l2_state(), make_env(), deposit(), CANCUN)


def test_a_deposit_does_not_touch_the_coinbase():
    """An empty coinbase survives a deposit (no fee payment touches it)."""
    state = l2_state()
    state.load_account(COINBASE, 0, 0, b"", {})
    run(state, deposit())
    assert state.account_exists(COINBASE)


def test_a_deposit_resumes_from_machine_snapshots():
    """Stepping with snapshot and restore gives the same deposit outcome."""
    code = asm(*["PUSH1 1", "PUSH1 0", "SSTORE", "PUSH1 2", "PUSH1 1", "SSTORE"] * 3)

    def pre_state() -> State:
        state = l2_state()
        state.load_account(CONTRACT, 1, 0, code, {})
        return state

    tx, env = deposit(to=CONTRACT, value=1), make_env(base_fee=BASE_FEE)
    expected_state = pre_state()
    expected = process_transaction(expected_state, env, tx, OVM_CANCUN)
    execution = begin_transaction(pre_state(), env, tx, OVM_CANCUN)
    result, state = run_with_snapshots(execution, pre_state, every=2)
    assert (result.gas_used, result.deposit_nonce) == (expected.gas_used, 0)
    assert state.state_root() == expected_state.state_root()


# --- receipts ----------------------------------------------------------------------------


def test_a_deposit_receipt_commits_to_its_nonce_and_version():
    receipt = make_receipt(0x7E, True, 21_000, [], deposit_nonce=9)
    assert (receipt.deposit_nonce, receipt.deposit_receipt_version) == (9, DEPOSIT_RECEIPT_VERSION)
    encoded = encode_receipt(receipt)
    fields = rlp.decode(encoded[1:])
    assert encoded[0] == 0x7E and fields[4:] == [b"\x09", b"\x01"]
    assert decode_receipt(encoded) == receipt


def test_other_receipts_have_no_deposit_fields():
    receipt = make_receipt(2, True, 21_000, [])
    assert len(rlp.decode(encode_receipt(receipt)[1:])) == 4
    with pytest.raises(InvalidReceipt, match="expected 4 items, got 6"):
        decode_receipt(b"\x02" + encode_receipt(dataclasses.replace(receipt, tx_type=0x7E,
                                                                    deposit_nonce=1,
                                                                    deposit_receipt_version=1))[1:])


def test_a_deposit_receipt_with_a_nonce_but_no_version_is_refused():
    fields = rlp.decode(encode_receipt(make_receipt(0x7E, True, 1, [], deposit_nonce=3))[1:])
    with pytest.raises(InvalidReceipt, match="expected 4 or 6 items, got 5"):
        decode_receipt(b"\x7e" + rlp.encode(fields[:5]))
