"""
L2 predeploys
=============

The L2 predeploys run from their runtime code placed at the OP Stack
addresses, as an L2 genesis places them (no constructor ever runs): the bridge
and message passer record withdrawals, the forced-withdrawal call derivation
makes, L1Block's Ecotone L1-info input and storage layout, and the
GasPriceOracle's Ecotone L1 fee.
"""

from __future__ import annotations

import pytest
from anvil_chain import emitted, reverts
from web3 import Web3
from withdrawal_proofs import Withdrawal

from ovm.evm.l2 import DEPOSITOR_ACCOUNT
from ovm.rollup.artifacts import PREDEPLOYS, load

ALIAS_OFFSET = 0x1111000000000000000000000000000000001111
ECOTONE_SELECTOR = Web3.keccak(text="setL1BlockValuesEcotone()")[:4]
WITHDRAW_ETH_TO_SELECTOR = Web3.keccak(text="withdrawETHTo(address)")[:4]


@pytest.fixture(scope="module")
def l2(chain):
    """The predeploys by name, as contracts at their addresses."""
    return {name: chain.at(load(name), chain.set_code(address, load(name).deployed_bytecode))
            for name, address in PREDEPLOYS.items()}


@pytest.fixture(scope="module")
def depositor(chain):
    return chain.impersonate("0x" + DEPOSITOR_ACCOUNT.hex())


def l1_info_input(*, base_fee_scalar, blob_base_fee_scalar, sequence_number, timestamp, number, basefee,
                  blob_base_fee, block_hash, batcher_hash) -> bytes:
    """The OP Stack's Ecotone L1-info calldata: selector then packed big-endian fields."""
    return (ECOTONE_SELECTOR + base_fee_scalar.to_bytes(4, "big") + blob_base_fee_scalar.to_bytes(4, "big")
            + sequence_number.to_bytes(8, "big") + timestamp.to_bytes(8, "big") + number.to_bytes(8, "big")
            + basefee.to_bytes(32, "big") + blob_base_fee.to_bytes(32, "big") + block_hash + batcher_hash)


L1_INFO = dict(base_fee_scalar=1368, blob_base_fee_scalar=810949, sequence_number=3, timestamp=1_700_000_123,
               number=19_000_000, basefee=31 * 10**9, blob_base_fee=7 * 10**8, block_hash=b"\xab" * 32,
               batcher_hash=bytes(12) + b"\x42" * 20)


def test_predeploy_addresses_match_the_solidity_constants(l2):
    """The code placed at PREDEPLOYS finds its peers at Predeploys.sol's addresses."""
    assert l2["L1Block"].functions.DEPOSITOR_ACCOUNT().call().lower() == "0x" + DEPOSITOR_ACCOUNT.hex()


def test_withdraw_through_the_bridge_records_the_withdrawal(chain, l2, roles):
    passer, bridge = l2["L2ToL1MessagePasser"], l2["L2Bridge"]
    nonce, held = passer.functions.messageNonce().call(), chain.balance(passer.address)
    receipt = chain.transact(bridge.functions.withdrawETH(), sender=roles.alice, value=12345)

    withdrawal = Withdrawal(nonce, bridge.address, roles.alice, 12345)
    (passed,) = emitted(passer, "MessagePassed", receipt)
    assert dict(passed.args) == {"nonce": nonce, "sender": bridge.address, "target": roles.alice,
                                 "value": 12345, "gasLimit": 200_000, "data": b"",
                                 "withdrawalHash": withdrawal.hash}
    (initiated,) = emitted(bridge, "WithdrawalInitiated", receipt)
    assert dict(initiated.args) == {"from": roles.alice, "l1Recipient": roles.alice, "amount": 12345,
                                    "withdrawalHash": withdrawal.hash}
    assert passer.functions.sentMessages(withdrawal.hash).call()
    assert chain.w3.eth.get_storage_at(passer.address, withdrawal.slot) == (1).to_bytes(32, "big")
    assert passer.functions.messageNonce().call() == nonce + 1
    assert chain.balance(passer.address) == held + 12345  # held for good
    assert chain.balance(bridge.address) == 0


def test_withdraw_to_another_l1_recipient(chain, l2, roles):
    receipt = chain.transact(l2["L2Bridge"].functions.withdrawETHTo(roles.bob), sender=roles.alice, value=1)
    (passed,) = emitted(l2["L2ToL1MessagePasser"], "MessagePassed", receipt)
    assert passed.args.target == roles.bob


def test_the_op_stack_entry_point_records_an_eth_withdrawal(chain, l2, roles):
    """viem's initiateWithdrawal calls the message passer itself: (target, gasLimit, data)."""
    passer = l2["L2ToL1MessagePasser"]
    nonce = passer.functions.messageNonce().call()
    receipt = chain.transact(passer.functions.initiateWithdrawal(roles.bob, 21_000, b""), sender=roles.alice,
                             value=5)
    withdrawal = Withdrawal(nonce, roles.alice, roles.bob, 5, 21_000)
    (passed,) = emitted(passer, "MessagePassed", receipt)
    assert passed.args.withdrawalHash == withdrawal.hash and passed.args.gasLimit == 21_000
    assert passer.functions.sentMessages(withdrawal.hash).call()


def test_a_withdrawal_with_a_message_is_refused(l2, roles):
    """L1 pays ETH only: a withdrawal carrying data could never be paid, so L2 refuses it."""
    with reverts("L2ToL1MessagePasser: only ETH withdrawals (no data)"):
        l2["L2ToL1MessagePasser"].functions.initiateWithdrawal(roles.bob, 21_000, b"\x01").transact(
            {"from": roles.alice, "value": 1})


def test_zero_withdrawals_and_zero_recipients_are_rejected(l2, roles):
    with reverts("L2ToL1MessagePasser: amount is zero"):
        l2["L2Bridge"].functions.withdrawETH().transact({"from": roles.alice, "value": 0})
    with reverts("L2ToL1MessagePasser: recipient is zero"):
        l2["L2Bridge"].functions.withdrawETHTo("0x" + "00" * 20).transact({"from": roles.alice, "value": 1})


def test_forced_withdrawal_call_from_an_aliased_account(chain, l2, helpers):
    """What derivation makes of L1Bridge.withdrawETH by an L1 contract: a call from the
    contract's aliased L2 account to withdrawETHTo(contract) with value = amount."""
    l1_contract = chain.deploy(helpers["ContractDepositor"]).address
    l2_account = chain.impersonate(((int(l1_contract, 16) + ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))
    before = chain.balance(l2_account)
    data = WITHDRAW_ETH_TO_SELECTOR + bytes(12) + bytes.fromhex(l1_contract[2:])  # as contracts/README.md says
    receipt = chain.w3.eth.wait_for_transaction_receipt(chain.w3.eth.send_transaction(
        {"from": l2_account, "to": l2["L2Bridge"].address, "value": 777, "data": data}))

    (passed,) = emitted(l2["L2ToL1MessagePasser"], "MessagePassed", receipt)
    assert (passed.args.target, passed.args.value) == (l1_contract, 777)
    assert chain.balance(l2_account) == before - 777 - receipt.gasUsed * receipt.effectiveGasPrice


def test_l1_block_takes_the_ecotone_l1_info_input(chain, l2, depositor):
    l1_block = l2["L1Block"]
    chain.w3.eth.wait_for_transaction_receipt(chain.w3.eth.send_transaction(
        {"from": depositor, "to": l1_block.address, "data": l1_info_input(**L1_INFO)}))

    getters = {"base_fee_scalar": "baseFeeScalar", "blob_base_fee_scalar": "blobBaseFeeScalar",
               "sequence_number": "sequenceNumber", "timestamp": "timestamp", "number": "number",
               "basefee": "basefee", "blob_base_fee": "blobBaseFee", "block_hash": "hash",
               "batcher_hash": "batcherHash"}
    for field, getter in getters.items():
        assert l1_block.functions[getter]().call() == L1_INFO[field], getter


def test_l1_block_storage_layout_is_as_documented(chain, l2, depositor):
    """The layout the L1Block NatSpec and the artifact give, as the node may read it."""
    l1_block = l2["L1Block"]
    chain.w3.eth.wait_for_transaction_receipt(chain.w3.eth.send_transaction(
        {"from": depositor, "to": l1_block.address, "data": l1_info_input(**L1_INFO)}))
    slot = [int.from_bytes(chain.w3.eth.get_storage_at(l1_block.address, n), "big") for n in range(6)]

    assert slot[0] == L1_INFO["number"] | L1_INFO["timestamp"] << 64
    assert slot[1] == L1_INFO["basefee"]
    assert slot[2].to_bytes(32, "big") == L1_INFO["block_hash"]
    assert slot[3] == (L1_INFO["sequence_number"] | L1_INFO["blob_base_fee_scalar"] << 64
                       | L1_INFO["base_fee_scalar"] << 96)
    assert slot[4].to_bytes(32, "big") == L1_INFO["batcher_hash"]
    assert slot[5] == L1_INFO["blob_base_fee"]
    assert [(v.name, v.slot, v.offset) for v in load("L1Block").storage_layout] == [
        ("number", 0, 0), ("timestamp", 0, 8), ("basefee", 1, 0), ("hash", 2, 0), ("sequenceNumber", 3, 0),
        ("blobBaseFeeScalar", 3, 8), ("baseFeeScalar", 3, 12), ("batcherHash", 4, 0), ("blobBaseFee", 5, 0)]


def test_message_passer_storage_layout_is_as_documented():
    passer = load("L2ToL1MessagePasser")
    assert (passer.slot("sentMessages"), passer.slot("messageNonce")) == (0, 1)


def test_only_the_depositor_sets_l1_block_values(chain, l2, roles, depositor):
    with reverts("L1Block: only the depositor account"):
        chain.w3.eth.send_transaction({"from": roles.alice, "to": l2["L1Block"].address,
                                       "data": l1_info_input(**L1_INFO)})
    with reverts("L1Block: invalid input length"):
        chain.w3.eth.send_transaction({"from": depositor, "to": l2["L1Block"].address,
                                       "data": l1_info_input(**L1_INFO) + b"\x00"})


def ecotone_l1_fee(data: bytes, info: dict) -> tuple[int, int]:
    """(l1GasUsed, l1Fee) by the Ecotone formula, for an unsigned transaction."""
    gas = sum(4 if byte == 0 else 16 for byte in data) + 68 * 16
    scaled = 16 * info["base_fee_scalar"] * info["basefee"] + info["blob_base_fee_scalar"] * info["blob_base_fee"]
    return gas, gas * scaled // (16 * 10**6)


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, bytes(range(256)), b"\x02\xf8" + b"\x7f" * 120])
def test_gas_price_oracle_ecotone_fee(chain, l2, depositor, data):
    chain.w3.eth.wait_for_transaction_receipt(chain.w3.eth.send_transaction(
        {"from": depositor, "to": l2["L1Block"].address, "data": l1_info_input(**L1_INFO)}))
    oracle = l2["GasPriceOracle"].functions
    gas, fee = ecotone_l1_fee(data, L1_INFO)

    assert oracle.getL1GasUsed(data).call() == gas
    assert oracle.getL1Fee(data).call() == fee
    assert oracle.decimals().call() == 6
    assert (oracle.l1BaseFee().call(), oracle.blobBaseFee().call()) == (L1_INFO["basefee"], L1_INFO["blob_base_fee"])
    assert (oracle.baseFeeScalar().call(), oracle.blobBaseFeeScalar().call()) == (
        L1_INFO["base_fee_scalar"], L1_INFO["blob_base_fee_scalar"])
