"""
The deposit gas market
======================

L1Bridge sells the L2 gas of deposits and forced withdrawals per L1 block
(``contracts/src/lib/DepositGasMarket.sol``): a charge burned in L1 gas at a
price that follows EIP-1559 from block to block, and a cap on what one L1
block may ask for. On anvil: a quiet deposit pays little, the price rises
under a flood and falls after it, the cap holds within a block, and the
griefing attack of issue #10 (forced withdrawals of 1 wei from empty L2
accounts and one-wei deposits) no longer fills the L2 block that carries the
victim's deposit: that L2 block is built here, by derivation's own reading of
the L1 block, and everything fits with room to spare.
"""

from __future__ import annotations

import pytest
from anvil_chain import emitted, reverts
from ovm.chain.builder import BlockBuilder
from ovm.chain.genesis import genesis_block, genesis_state
from ovm.evm.l2 import L1_INFO_DEPOSIT_GAS
from ovm.rollup.artifacts import PREDEPLOYS, load
from ovm.rollup.derivation.attributes import BlockAttributes
from ovm.rollup.derivation.deposits import deposit_transaction
from ovm.rollup.genesis import l2_genesis
from ovm.rollup.l1 import Contract, L1Client

ETHER = 10**18
CAP = 20_000_000
TARGET = CAP // 10
UNIT = 1_000_000
MIN_FEE, MAX_FEE = UNIT // 32, 1_000 * UNIT
DEPOSIT_GAS, WITHDRAWAL_GAS = 100_000, 200_000
FLOOD_GAS = 4_000_000  # the flooder's gas limit: room for a victim in the same anvil block


def after_block(fee: int, bought: int) -> int:
    """EIP-1559's rule with denominator 8, written again here: the price after an L1
    block that bought ``bought`` at ``fee``."""
    if bought > TARGET:
        fee += max(1, fee * (bought - TARGET) // (TARGET * 8))
    else:
        fee -= fee * (TARGET - bought) // (TARGET * 8)
    return min(max(fee, MIN_FEE), MAX_FEE)


def charge(fee: int, gas: int) -> int:
    return -(-gas * fee // UNIT)


def pending(function):
    """A view as a transaction in the next block would see it. (anvil runs eth_call and
    eth_estimateGas on "latest" in the latest block itself, where a flood just filled
    the cap: transactions right after one are sent with their gas given.)"""
    return function.call(block_identifier="pending")


@pytest.fixture
def flooder(chain, helpers):
    return chain.deploy(helpers["DepositFlooder"])


def flood(chain, flooder, bridge, sender, withdrawals=160, deposits=12, gas=FLOOD_GAS):
    """The attack of issue #10, sent (not waited for): returns the transaction hash."""
    return flooder.functions.flood(bridge.address, withdrawals, deposits).transact(
        {"from": sender, "value": deposits, "gas": gas})


def test_the_parameters(bridge):
    functions = bridge.functions
    assert functions.MAX_DEPOSIT_GAS_PER_BLOCK().call() == CAP
    assert functions.TARGET_DEPOSIT_GAS_PER_BLOCK().call() == TARGET
    assert functions.DEPOSIT_PRICE_UNIT().call() == UNIT
    assert (functions.MIN_DEPOSIT_BASE_FEE().call(), functions.MAX_DEPOSIT_BASE_FEE().call()) == (MIN_FEE, MAX_FEE)


def test_the_cap_leaves_room_in_an_l2_block(bridge):
    """The deposits of one L1 block open one L2 block after the L1-info deposit, so
    the cap must stay below the L2 block gas limit less the L1-info deposit's gas."""
    l2_gas_limit = l2_genesis().config.gas_limit
    assert CAP + L1_INFO_DEPOSIT_GAS < l2_gas_limit
    assert bridge.functions.depositGasAvailable().call() == CAP


def test_a_quiet_deposit_pays_a_small_charge(chain, bridge, roles):
    assert pending(bridge.functions.depositBaseFee()) == MIN_FEE
    assert pending(bridge.functions.depositGasCharge(DEPOSIT_GAS)) == charge(MIN_FEE, DEPOSIT_GAS) == 3_125
    receipt = chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=ETHER)
    # 28,841 gas before the market; 3,125 burned plus about 2,100 of bookkeeping, and about
    # 3,000 for the OP Stack's TransactionDeposited next to DepositInitiated.
    assert receipt.gasUsed <= 39_000
    (event,) = emitted(bridge, "DepositInitiated", receipt)
    assert (event.args.amount, event.args.gasLimit) == (ETHER, DEPOSIT_GAS)


def test_the_charge_is_burned_on_top_of_the_call(chain, bridge, flooder, roles):
    """Two identical deposits at two prices differ in gas by the difference of the charges."""
    quiet = chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=1)
    chain.w3.eth.wait_for_transaction_receipt(flood(chain, flooder, bridge, roles.bob))
    fee = pending(bridge.functions.depositBaseFee())
    assert fee > MIN_FEE
    busy = chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=1, gas=100_000)
    extra = busy.gasUsed - quiet.gasUsed
    expected = charge(fee, DEPOSIT_GAS) - charge(MIN_FEE, DEPOSIT_GAS)
    assert expected <= extra <= expected + 100  # the burning loop stops within one turn


def test_the_price_rises_under_a_flood_and_falls_after_it(chain, bridge, flooder, roles):
    fee = MIN_FEE
    for _ in range(4):  # four L1 blocks in a row filled to the cap
        assert pending(bridge.functions.depositBaseFee()) == fee
        receipt = chain.w3.eth.wait_for_transaction_receipt(flood(chain, flooder, bridge, roles.bob, gas=15_000_000))
        assert sum(e.args.gasLimit for e in emitted(bridge, "ForcedWithdrawalInitiated", receipt)) == CAP
        fee = after_block(fee, CAP)
    assert pending(bridge.functions.depositBaseFee()) == fee > 20 * MIN_FEE  # x2.125 a block

    chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=1, gas=100_000)  # 100k: below target
    fee = after_block(fee, DEPOSIT_GAS)
    assert pending(bridge.functions.depositBaseFee()) == fee
    chain.mine(5)  # five L1 blocks without deposits: down by 1/8 each
    for _ in range(5):
        fee = after_block(fee, 0)
    assert pending(bridge.functions.depositBaseFee()) == fee
    chain.mine(200)  # and back to the floor after a quiet while
    assert pending(bridge.functions.depositBaseFee()) == MIN_FEE


def test_the_cap_holds_within_an_l1_block(chain, bridge, flooder, roles):
    victim_before = chain.balance(roles.alice)
    with chain.one_block():
        attack = flood(chain, flooder, bridge, roles.bob)
        assert pending(bridge.functions.depositGasAvailable()) == 0
        with reverts("L1Bridge: deposit gas cap of this L1 block reached"):
            bridge.functions.depositETH().call({"from": roles.alice, "value": 2 * ETHER}, block_identifier="pending")
        victim = bridge.functions.depositETH().transact({"from": roles.alice, "value": 2 * ETHER, "gas": 100_000})
        forced = bridge.functions.withdrawETH(1).transact({"from": roles.carol, "gas": 100_000})
    attack, victim, forced = (chain.w3.eth.wait_for_transaction_receipt(h) for h in (attack, victim, forced))

    assert attack.blockNumber == victim.blockNumber == forced.blockNumber
    assert (attack.status, victim.status, forced.status) == (1, 0, 0)
    spent = victim.gasUsed * victim.effectiveGasPrice
    assert chain.balance(roles.alice) == victim_before - spent  # the 2 ETH stayed with the victim
    logs = bridge.events.ForcedWithdrawalInitiated().get_logs(from_block=attack.blockNumber,
                                                              to_block=attack.blockNumber)
    assert sum(log.args.gasLimit for log in logs) == CAP
    # In the next L1 block the victim deposits, at the higher price.
    receipt = chain.transact(bridge.functions.depositETH(), sender=roles.alice, value=2 * ETHER, gas=100_000)
    assert emitted(bridge, "DepositInitiated", receipt)[0].args.amount == 2 * ETHER


def l2_block_of(chain, bridge, l1_number: int):
    """The first L2 block of the epoch of L1 block ``l1_number``, built as the sequencer
    and replicas build it: the L1-info deposit, then the deposits derivation reads from
    the bridge's logs in that L1 block. Returns the builder after every transaction."""
    client = L1Client(chain.w3.provider.endpoint_uri)
    l1_block = client.block(l1_number)
    contract = Contract.at(client, load("L1Bridge"), bytes.fromhex(bridge.address[2:]))
    events = [contract.decode(entry) for entry in client.logs(address=contract.address, from_block=l1_number,
                                                              to_block=l1_number)]
    deposits = [deposit_transaction(event.name, event.args, event.log) for event in events if event is not None]
    deposits = [deposit for deposit in deposits if deposit is not None]
    genesis = l2_genesis(dev_accounts=False, timestamp=l1_block.timestamp - 2)
    state = genesis_state(genesis)
    builder = BlockBuilder(genesis_block(genesis, state).header, state, genesis.config,
                           timestamp=l1_block.timestamp, coinbase=genesis.config.fee_recipient)  # fmt: skip
    for tx in BlockAttributes(1, l1_block.timestamp, l1_block, 0, tuple(deposits), (), bytes(20)).preamble:
        builder.add_transaction(tx)  # raises if a deposit does not fit
    return builder, deposits


@pytest.mark.parametrize("victim_first", [False, True], ids=["attacker-first", "victim-first"])
def test_the_griefing_attack_cannot_fill_an_l2_block(chain, bridge, flooder, roles, victim_first):
    """Issue #10: in one L1 block, 160 withdrawETH(1) from an L2 account with nothing in it
    and 12 one-wei deposits, and a victim's 2 ETH deposit. Before the market the forced
    withdrawals alone asked for 32M of L2 gas and pushed the victim's deposit out of its
    L2 block, locking the 2 ETH. Now the attacker gets at most the cap, and the victim's
    deposit either fits in the L2 block or is refused on L1 with its ETH returned."""
    victim_before = chain.balance(roles.alice)
    def deposit():
        return bridge.functions.depositETH().transact({"from": roles.alice, "value": 2 * ETHER, "gas": 100_000})

    with chain.one_block():
        sent = [deposit(), flood(chain, flooder, bridge, roles.bob)] if victim_first else \
            [flood(chain, flooder, bridge, roles.bob), deposit()]
    receipts = [chain.w3.eth.wait_for_transaction_receipt(h) for h in sent]
    victim_receipt = receipts[0 if victim_first else 1]
    assert len({r.blockNumber for r in receipts}) == 1

    builder, deposits = l2_block_of(chain, bridge, victim_receipt.blockNumber)
    l2_gas_limit = builder.env.gas_limit
    assert sum(tx.gas for tx in deposits) <= CAP
    assert builder.gas_used <= L1_INFO_DEPOSIT_GAS + CAP
    assert builder.gas_available >= l2_gas_limit - L1_INFO_DEPOSIT_GAS - CAP  # room left for the sequencer
    victim_address = bytes.fromhex(roles.alice[2:])
    credited = builder.state.get_balance(victim_address)
    if victim_first:
        assert victim_receipt.status == 1 and credited == 2 * ETHER
    else:
        assert victim_receipt.status == 0 and credited == 0
        assert chain.balance(roles.alice) == victim_before - victim_receipt.gasUsed * victim_receipt.effectiveGasPrice
    # The attacker's forced withdrawals from its empty (aliased) L2 account all failed on L2.
    forced = [r.status for tx, r in zip(builder.transactions, builder.receipts) if tx.to == PREDEPLOYS["L2Bridge"]]
    assert forced and set(forced) == {0}


def test_a_gas_limit_short_of_the_charge_reverts_with_the_reason(chain, bridge, roles):
    for gas in (29_000, 30_000):
        with reverts("L1Bridge: gas limit too low for the deposit gas charge"):
            bridge.functions.depositETH().call({"from": roles.alice, "value": 1, "gas": gas})
    estimate = bridge.functions.depositETH().estimate_gas({"from": roles.alice, "value": 1})
    assert estimate > 3_125 + 21_000  # wallets that estimate include the charge
