"""
Deposits and forced withdrawals
===============================

L1Bridge deposits and forced withdrawals: the events derivation turns into L2
deposit transactions, aliasing of contract callers, zero amounts rejected.
"""

from __future__ import annotations

from anvil_chain import emitted, reverts
from web3 import Web3

ALIAS_OFFSET = 0x1111000000000000000000000000000000001111


def aliased(address: str) -> str:
    return Web3.to_checksum_address(((int(address, 16) + ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))


def test_deposit_locks_eth_and_emits_the_l2_deposit(chain, bridge, roles):
    receipt = chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=3 * 10**18)

    (event,) = emitted(bridge, "DepositInitiated", receipt)
    assert event.args["from"] == roles.alice
    assert event.args.to == roles.alice
    assert event.args.amount == 3 * 10**18
    assert event.args.nonce == 0
    assert event.args.gasLimit == bridge.functions.DEPOSIT_GAS_LIMIT().call() == 100_000
    assert chain.balance(bridge.address) == 3 * 10**18


def test_deposits_and_forced_withdrawals_share_a_running_nonce(chain, bridge, roles):
    chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=1)
    receipt = chain.transact(bridge.functions.withdrawETH(5), sender=roles.bob)
    chain.transact(bridge.functions.depositETH(), sender=roles.bob, value=1)

    (event,) = emitted(bridge, "ForcedWithdrawalInitiated", receipt)
    assert event.args.nonce == 1
    assert bridge.functions.depositNonce().call() == 3


def test_deposit_from_a_contract_credits_its_alias(chain, bridge, helpers, roles):
    depositor = chain.deploy(helpers["ContractDepositor"])
    receipt = chain.transact(depositor.functions.deposit(bridge.address), sender=roles.alice, value=7)

    (event,) = emitted(bridge, "DepositInitiated", receipt)
    assert event.args["from"] == depositor.address
    assert event.args.to == aliased(depositor.address)
    assert event.args.amount == 7


def test_alias_wraps_around_the_address_space(chain, bridge, helpers):
    """The alias is the sum modulo 2**160, as on the OP Stack."""
    high = "0xffffffffffffffffffffffffffffffffffffff00"
    chain.set_code(high, bytes.fromhex(helpers["ContractDepositor"]["deployedBytecode"][2:]))
    depositor = chain.at(helpers["ContractDepositor"], high)
    receipt = chain.transact(depositor.functions.deposit(bridge.address), value=1)

    (event,) = emitted(bridge, "DepositInitiated", receipt)
    assert event.args.to == Web3.to_checksum_address("0x1111000000000000000000000000000000001011")


def test_deposit_of_zero_is_rejected(bridge, roles):
    with reverts("L1Bridge: deposit amount is zero"):
        bridge.functions.depositETH().transact({"from": roles.alice, "value": 0})


def test_bridge_refuses_plain_transfers(chain, bridge, roles):
    """ETH only enters through depositETH, so every wei locked has a deposit event."""
    with reverts("execution reverted"):
        chain.w3.eth.send_transaction({"from": roles.alice, "to": bridge.address, "value": 1})


def test_forced_withdrawal_emits_the_l2_withdrawal_and_moves_no_eth(chain, bridge, roles):
    before = chain.balance(bridge.address)
    receipt = chain.transact(bridge.functions.withdrawETH(2 * 10**18), sender=roles.carol)

    (event,) = emitted(bridge, "ForcedWithdrawalInitiated", receipt)
    assert event.args["from"] == roles.carol
    assert event.args.l2Account == roles.carol
    assert event.args.amount == 2 * 10**18
    assert event.args.gasLimit == bridge.functions.FORCED_WITHDRAWAL_GAS_LIMIT().call() == 200_000
    assert chain.balance(bridge.address) == before


def test_forced_withdrawal_from_a_contract_debits_its_alias(chain, bridge, helpers):
    depositor = chain.deploy(helpers["ContractDepositor"])
    receipt = chain.transact(depositor.functions.forceWithdrawal(bridge.address, 9))

    (event,) = emitted(bridge, "ForcedWithdrawalInitiated", receipt)
    assert event.args["from"] == depositor.address
    assert event.args.l2Account == aliased(depositor.address)


def test_forced_withdrawal_of_zero_is_rejected(bridge, roles):
    with reverts("L1Bridge: withdrawal amount is zero"):
        bridge.functions.withdrawETH(0).transact({"from": roles.alice})


def test_forced_withdrawal_takes_no_value(chain, bridge, roles):
    data = bridge.encode_abi("withdrawETH", args=[1])
    with reverts("execution reverted"):
        chain.w3.eth.send_transaction({"from": roles.alice, "to": bridge.address, "value": 1, "data": data})


def test_the_op_stack_deposit_call_is_a_deposit_to_the_callers_own_account(chain, bridge, roles):
    """OptimismPortal.depositTransaction, as viem's depositTransaction sends it: the same event as depositETH."""
    call = bridge.functions.depositTransaction(roles.alice, 5, 21_000, False, b"")
    receipt = chain.transact(call, sender=roles.alice, value=5)

    (event,) = emitted(bridge, "DepositInitiated", receipt)
    assert (event.args["from"], event.args.to, event.args.amount) == (roles.alice, roles.alice, 5)
    assert event.args.gasLimit == 100_000 and event.args.nonce == 0
    assert chain.balance(bridge.address) == 5


def test_the_op_stack_deposit_call_refuses_what_the_bridge_does_not_carry(bridge, roles):
    deposit = bridge.functions.depositTransaction
    only_eth = "L1Bridge: only ETH deposits (no data, no contract creation)"
    refused = [
        (deposit(roles.bob, 5, 21_000, False, b""), 5, "L1Bridge: deposits go to the caller's own L2 account"),
        (deposit(roles.alice, 4, 21_000, False, b""), 5, "L1Bridge: the L2 value must equal the ETH sent"),
        (deposit(roles.alice, 5, 100_001, False, b""), 5, "L1Bridge: gas limit above DEPOSIT_GAS_LIMIT"),
        (deposit(roles.alice, 5, 21_000, False, b"\x01"), 5, only_eth),
        (deposit(roles.alice, 5, 21_000, True, b""), 5, only_eth),
        (deposit(roles.alice, 0, 21_000, False, b""), 0, "L1Bridge: deposit amount is zero"),
    ]
    for call, value, reason in refused:
        with reverts(reason):
            call.transact({"from": roles.alice, "value": value})
    assert bridge.functions.depositNonce().call() == 0
