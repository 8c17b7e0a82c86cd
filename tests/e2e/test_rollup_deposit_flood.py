"""
Issue #10's griefing run on ``ovm devnet --l1-rpc <anvil>``
============================================================

In one L1 block: a victim's 2 ETH ``depositETH``, then a contract's 160
``withdrawETH(1)`` calls from an L2 account with nothing in it and 12 one-wei
deposits (the attack of issue #10, ``tests/contracts/sol/DepositFlooder.sol``),
then a late 1 ETH deposit. In a later L1 block: a flood of the cheapest
deposits (one wei each) asking for more L2 gas than a whole L2 block has, and
another late deposit. The bridge's deposit gas market (``contracts/README.md``)
takes calls up to its cap per L1 block and refuses the rest, which keep their
ETH. Every deposit and forced withdrawal L1 took (each ``DepositInitiated`` and
``ForcedWithdrawalInitiated`` event) is then on L2 as its deposit transaction —
its source hash made of its L1 block hash and log index, its sender, target,
mint, value, gas and input those of the event — in L1 log order, with nothing
else among them, on the sequencer and on the replica, which have the same
block hashes; the victim's 2 ETH are minted and the attacker's forced
withdrawals took nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from anvil_process import Anvil
from rollup_support import Devnet, funding_env, rpc, same_chain
from support import compile_sources
from web3 import Web3

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.l2 import DEPOSITOR_ACCOUNT
from ovm.rollup.artifacts import PREDEPLOYS, load
from ovm.rollup.config import load_config

pytestmark = pytest.mark.slow

ETHER = 10**18
VICTIM, ATTACKER, LATE = (Web3.to_checksum_address(dev_accounts()[i].address) for i in (3, 4, 5))
ALIAS_OFFSET = 0x1111000000000000000000000000000000001111
WITHDRAW_ETH_TO = Web3.keccak(text="withdrawETHTo(address)")[:4]
L1_BLOCK = "0x" + PREDEPLOYS["L1Block"].hex()
L1_BLOCK_NUMBER = "0x" + Web3.keccak(text="number()")[:4].hex()


@pytest.fixture
def rollup(tmp_path):
    """anvil (1 s blocks, transactions mined in the order sent), ``ovm devnet`` on it with
    its replica, and the test-helper contracts (compiled while the devnet starts)."""
    with ThreadPoolExecutor(1) as pool:
        helpers = pool.submit(compile_sources, tmp_path / "helpers", "tests/contracts/sol")
        anvil = Anvil("--block-time", "1", "--order", "fifo")
        try:
            devnet = Devnet(tmp_path / "devnet", "--l1-rpc", anvil.url, env=funding_env(anvil.url))
            try:
                yield anvil, devnet, helpers.result()
            finally:
                devnet.stop()
        finally:
            anvil.stop()


def anvil_call(w3: Web3, method: str, *params):
    reply = w3.provider.make_request(method, list(params))
    assert "error" not in reply, reply
    return reply.get("result")


@contextmanager
def one_l1_block(w3: Web3):
    """Transactions sent inside (with their gas given) go into one anvil block, mined on
    exit; interval mining is paused meanwhile."""
    anvil_call(w3, "evm_setIntervalMining", 0)
    try:
        yield
    finally:
        anvil_call(w3, "evm_mine")
        anvil_call(w3, "evm_setIntervalMining", 1)


def send(call, sender: str, value: int, gas: int) -> bytes:
    return call.transact({"from": sender, "value": value, "gas": gas})


def mined(w3: Web3, *hashes: bytes) -> list:
    return [w3.eth.wait_for_transaction_receipt(h, timeout=60) for h in hashes]


def spent(receipts) -> int:
    return sum(r.gasUsed * r.effectiveGasPrice for r in receipts)


def bridge_events(bridge, first: int, last: int) -> list:
    """The bridge's deposits and forced withdrawals in L1 blocks first..last, in log order."""
    events = [*bridge.events.DepositInitiated().get_logs(from_block=first, to_block=last),
              *bridge.events.ForcedWithdrawalInitiated().get_logs(from_block=first, to_block=last)]
    return sorted(events, key=lambda e: (e.blockNumber, e.logIndex))


def source_hash(block_hash: bytes, log_index: int) -> str:
    """The OP Stack's user-deposit source hash: keccak256(bytes32(0) ‖ keccak256(L1 block hash ‖ log index))."""
    return Web3.keccak(bytes(32) + Web3.keccak(bytes(block_hash) + log_index.to_bytes(32, "big"))).to_0x_hex()


def expected_deposit(event) -> dict:
    """The L2 deposit transaction an L1 event makes, in JSON-RPC's terms: its source
    hash is that of the bridge's ``TransactionDeposited``, the log right after the event."""
    args = event.args
    if event.event == "DepositInitiated":
        sender = to = args.to.lower()
        mint, data = args.amount, "0x"
    else:
        sender, to = args.l2Account.lower(), "0x" + PREDEPLOYS["L2Bridge"].hex()
        mint, data = 0, "0x" + (WITHDRAW_ETH_TO + bytes.fromhex(args["from"][2:]).rjust(32, b"\0")).hex()
    return {"sourceHash": source_hash(event.blockHash, event.logIndex + 1), "from": sender, "to": to,
            "mint": mint, "value": args.amount, "gas": args.gasLimit, "input": data}


def l2_deposits(url: str, up_to: int) -> list[dict]:
    """The user deposits of L2 blocks 1..up_to, in order (after each block's L1-info deposit)."""
    found = []
    for number in range(1, up_to + 1):
        l1_info, *rest = rpc(url, "eth_getBlockByNumber", hex(number), True)["transactions"]
        assert l1_info["type"] == "0x7e" and l1_info["from"] == "0x" + DEPOSITOR_ACCOUNT.hex()
        found += [{"sourceHash": tx["sourceHash"], "from": tx["from"], "to": tx["to"], "mint": int(tx["mint"], 16),
                   "value": int(tx["value"], 16), "gas": int(tx["gas"], 16), "input": tx["input"]}
                  for tx in rest if tx["type"] == "0x7e"]
    return found


def l1_origin(url: str, l2_block: int) -> int:
    """The L1 origin of an L2 block, as its L1Block predeploy holds it."""
    return int(rpc(url, "eth_call", {"to": L1_BLOCK, "data": L1_BLOCK_NUMBER}, hex(l2_block)), 16)


def l2_balance(url: str, address: str, block: int) -> int:
    return int(rpc(url, "eth_getBalance", address, hex(block)), 16)


def test_a_griefing_attack_and_a_flood_of_deposits_all_reach_l2_in_order(rollup):
    anvil, devnet, helpers = rollup
    w3 = Web3(Web3.HTTPProvider(anvil.url))
    config = load_config(devnet.datadir / "rollup.json")
    bridge = w3.eth.contract(address=Web3.to_checksum_address(config.contracts.l1_bridge), abi=load("L1Bridge").abi)
    flooder_artifact = helpers["DepositFlooder"]
    [created] = mined(w3, w3.eth.contract(abi=flooder_artifact["abi"], bytecode=flooder_artifact["bytecode"])
                      .constructor().transact({"from": ATTACKER}))
    flooder = w3.eth.contract(address=created.contractAddress, abi=flooder_artifact["abi"])
    cap = bridge.functions.MAX_DEPOSIT_GAS_PER_BLOCK().call()
    deposit_gas = bridge.functions.DEPOSIT_GAS_LIMIT().call()
    l2_gas_limit = int(rpc(devnet.url, "eth_getBlockByNumber", "latest", False)["gasLimit"], 16)
    late_before = w3.eth.get_balance(LATE)

    # The griefing run: the victim's deposit, the attack, and a deposit the cap leaves out.
    with one_l1_block(w3):
        sent = [send(bridge.functions.depositETH(), VICTIM, 2 * ETHER, 200_000),
                send(flooder.functions.flood(bridge.address, 160, 12), ATTACKER, 12, 8_000_000),
                send(bridge.functions.depositETH(), LATE, ETHER, 200_000)]
    victim, attack, late = mined(w3, *sent)
    assert victim.blockNumber == attack.blockNumber == late.blockNumber
    assert (victim.status, attack.status, late.status) == (1, 1, 0)

    # A flood of one-wei deposits asking for more L2 gas than a whole L2 block has.
    attempts = l2_gas_limit // deposit_gas + 1
    with one_l1_block(w3):
        sent = [send(flooder.functions.flood(bridge.address, 0, attempts), ATTACKER, attempts, 15_000_000),
                send(bridge.functions.depositETH(), LATE, ETHER, 200_000)]
    flood, late_again = mined(w3, *sent)
    assert flood.blockNumber == late_again.blockNumber > attack.blockNumber
    assert (flood.status, late_again.status) == (1, 0)

    # L1 took each L1 block's deposits up to the cap, and refused the rest: the victim's
    # deposit, the attacker's forced withdrawals (from its alias on L2) until the cap, and in
    # the flood block the deposits until the cap. The calls refused kept their ETH.
    alias = Web3.to_checksum_address(((int(flooder.address, 16) + ALIAS_OFFSET) % 2**160).to_bytes(20, "big"))
    griefing, flooding = (bridge_events(bridge, block, block) for block in (attack.blockNumber, flood.blockNumber))
    for events in (griefing, flooding):
        assert sum(e.args.gasLimit for e in events) == cap
    first, *rest = griefing
    assert (first.event, first.args.to, first.args.amount) == ("DepositInitiated", VICTIM, 2 * ETHER)
    forced = [e for e in rest if e.event == "ForcedWithdrawalInitiated"]
    assert forced and all(e.args.l2Account == alias and e.args.amount == 1 for e in forced)
    assert rest[:len(forced)] == forced  # then the attacker's one-wei deposits that still fit
    from_flooder = [e for e in rest[len(forced):] + flooding if e.event == "DepositInitiated"]
    assert all(e.args["from"] == flooder.address and e.args.amount == 1 for e in from_flooder)
    assert len(rest) - len(forced) < 12 and len(flooding) < attempts  # some refused in each block
    assert w3.eth.get_balance(flooder.address) == 12 + attempts - len(from_flooder)
    assert w3.eth.get_balance(LATE) == late_before - spent([late, late_again])

    # On L2: wait for a safe block whose origin is past the flood (its epoch could not
    # advance while deposits of the flood were pending), then for the replica.
    devnet.wait_until(lambda: l1_origin(devnet.url, devnet.sync_status()["safe_l2"]) > flood.blockNumber,
                      "the sequencer's safe chain past the flood", 300)
    safe = devnet.sync_status()["safe_l2"]
    devnet.wait_until(lambda: devnet.sync_status(devnet.replica_url)["unsafe_l2"] >= safe, "the replica", 300)
    origin = l1_origin(devnet.url, safe)
    expected = [expected_deposit(e) for e in bridge_events(bridge, config.l1_anchor.number, origin)]
    assert len(expected) == len(griefing) + len(flooding)  # nobody else deposits on this L1
    for url in (devnet.url, devnet.replica_url):
        assert l2_deposits(url, safe) == expected
        assert l2_balance(url, VICTIM, safe) == 2 * ETHER  # no L2 genesis balance on a shared L1
        assert l2_balance(url, alias, safe) == len(from_flooder)  # the forced withdrawals took nothing
        assert l2_balance(url, LATE, safe) == 0
    assert same_chain(devnet.url, devnet.replica_url, safe)
