#!/usr/bin/env python3
"""
The deposit gas market: what a deposit costs, and what flooding deposits costs
==============================================================================

On a real anvil (Cancun, its default 30M block gas limit), with the rollup's
contracts deployed by ``ovm.rollup.deploy``:

* **quiet**: the L1 gas of one ``depositETH`` and one ``withdrawETH`` (the
  forced withdrawal) from an EOA at the floor price, and the part of it that is
  the market's charge;
* **the attack of issue #10**: one transaction from a contract
  (``tests/contracts/sol/DepositFlooder.sol``) making 160 ``withdrawETH(1)``
  from its empty L2 account and 12 one-wei deposits: the calls the bridge
  takes, the L2 gas they obtain, and the L1 gas per L2 gas;
* **a sustained flood**: in consecutive L1 blocks, one transaction each (with
  all the gas an L1 block has) buying as much L2 gas as the bridge sells, until
  an L1 block can no longer pay for the whole cap: per block, the price, the L2
  gas obtained, the L1 gas spent and the L1 gas per L2 gas.

L1 gas per L2 gas is the attacker's whole L1 gas (``gasUsed``, the 21,000
intrinsic gas included) over the L2 gas the bridge's events ask for; its cost
in ETH is that times the L1 gas price.

    .venv/bin/python bench/deposit_market.py [--markdown bench/results/deposit_market.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from web3 import Web3
from web3.logs import DISCARD

from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.artifacts import load
from ovm.rollup.deploy import deploy_rollup
from ovm.rollup.l1 import L1Client

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from anvil_process import Anvil  # noqa: E402

BUILD_SCRIPT = REPO / "contracts" / "build.mjs"
L1_BLOCK_GAS = 30_000_000  # anvil's default
FLOOD_TX_GAS = L1_BLOCK_GAS - 100_000


def compile_flooder() -> dict:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["node", str(BUILD_SCRIPT), "--root", str(REPO), "--out", out, "tests/contracts/sol"],
                       check=True, capture_output=True)
        return json.loads((Path(out) / "DepositFlooder.json").read_text())


class Market:
    """The bridge on anvil, a flooder contract, and the accounts that use them."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
        deployer, batcher, proposer = dev_accounts()[0], dev_accounts()[1], dev_accounts()[2]
        contracts = deploy_rollup(L1Client(url), deployer.private_key, batcher=batcher.address,
                                  proposer=proposer.address, challenge_period=60, bond=0,
                                  l2_genesis_timestamp=self.w3.eth.get_block("latest").timestamp)  # fmt: skip
        self.bridge = self.w3.eth.contract(address=Web3.to_checksum_address(contracts.l1_bridge),
                                           abi=load("L1Bridge").abi)
        flooder = compile_flooder()
        self.user, self.attacker = self.w3.eth.accounts[3], self.w3.eth.accounts[4]
        tx = self.w3.eth.contract(abi=flooder["abi"], bytecode=flooder["bytecode"]).constructor().transact(
            {"from": self.attacker})
        address = self.w3.eth.wait_for_transaction_receipt(tx).contractAddress
        self.flooder = self.w3.eth.contract(address=address, abi=flooder["abi"])

    def receipt(self, tx_hash):
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        assert receipt.status == 1, receipt
        return receipt

    def l2_gas(self, receipt) -> tuple[int, int]:
        """(calls taken, L2 gas asked for) by the bridge's events in ``receipt``."""
        events = [*self.bridge.events.DepositInitiated().process_receipt(receipt, errors=DISCARD),
                  *self.bridge.events.ForcedWithdrawalInitiated().process_receipt(receipt, errors=DISCARD)]
        return len(events), sum(event.args.gasLimit for event in events)

    def price(self) -> int:
        return self.bridge.functions.depositBaseFee().call(block_identifier="pending")

    def flood(self, withdrawals: int, deposits: int):
        return self.receipt(self.flooder.functions.flood(self.bridge.address, withdrawals, deposits).transact(
            {"from": self.attacker, "value": deposits, "gas": FLOOD_TX_GAS}))


def quiet(market: Market) -> dict:
    fee = market.price()
    bridge = market.bridge.functions
    deposit = market.receipt(bridge.depositETH().transact({"from": market.user, "value": 10**18}))
    withdrawal = market.receipt(bridge.withdrawETH(1).transact({"from": market.user}))
    return {"price": fee, "deposit_gas": deposit.gasUsed,
            "deposit_charge": bridge.depositGasCharge(bridge.DEPOSIT_GAS_LIMIT().call()).call(),
            "withdrawal_gas": withdrawal.gasUsed,
            "withdrawal_charge": bridge.depositGasCharge(bridge.FORCED_WITHDRAWAL_GAS_LIMIT().call()).call()}


def the_attack(market: Market) -> dict:
    market.w3.provider.make_request("anvil_mine", [hex(300)])  # back to the floor
    fee = market.price()
    receipt = market.flood(160, 12)
    calls, l2_gas = market.l2_gas(receipt)
    return {"price": fee, "calls": calls, "l2_gas": l2_gas, "l1_gas": receipt.gasUsed,
            "l1_gas_per_l2_gas": receipt.gasUsed / l2_gas}


def sustained(market: Market, cap: int) -> list[dict]:
    market.w3.provider.make_request("anvil_mine", [hex(300)])
    rows = []
    while True:
        fee = market.price()
        receipt = market.flood(cap // 200_000, 0)
        calls, l2_gas = market.l2_gas(receipt)
        rows.append({"price": fee, "calls": calls, "l2_gas": l2_gas, "l1_gas": receipt.gasUsed,
                     "l1_gas_per_l2_gas": receipt.gasUsed / l2_gas if l2_gas else None})
        if l2_gas < cap:
            return rows


def markdown(result: dict) -> str:
    q, a = result["quiet"], result["attack"]
    unit = result["price_unit"]
    lines = [
        f"Quiet L1 block (price {q['price'] / unit:.5f} L1 gas per L2 gas):",
        "",
        "| call | L1 gas | of which the charge |",
        "|---|---|---|",
        f"| `depositETH` (100,000 L2 gas) | {q['deposit_gas']:,} | {q['deposit_charge']:,} |",
        f"| `withdrawETH` (forced, 200,000 L2 gas) | {q['withdrawal_gas']:,} | {q['withdrawal_charge']:,} |",
        "",
        f"The attack of issue #10 in one transaction at the floor price: {a['calls']} of its 172 calls taken "
        f"(the rest refused at the cap), {a['l2_gas']:,} L2 gas for {a['l1_gas']:,} L1 gas: "
        f"**{a['l1_gas_per_l2_gas']:.4f} L1 gas per L2 gas**.",
        "",
        "A sustained flood, one full-gas transaction per L1 block:",
        "",
        "| L1 block | price (L1 gas per L2 gas) | L2 gas obtained | L1 gas spent | L1 gas per L2 gas |",
        "|---|---|---|---|---|",
    ]
    for index, row in enumerate(result["sustained"], 1):
        per = f"{row['l1_gas_per_l2_gas']:.4f}" if row["l1_gas_per_l2_gas"] else "-"
        lines.append(f"| {index} | {row['price'] / unit:.5f} | {row['l2_gas']:,} | {row['l1_gas']:,} | {per} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    anvil = Anvil()
    try:
        market = Market(anvil.url)
        cap = market.bridge.functions.MAX_DEPOSIT_GAS_PER_BLOCK().call()
        result = {"cap": cap, "price_unit": market.bridge.functions.DEPOSIT_PRICE_UNIT().call(),
                  "quiet": quiet(market), "attack": the_attack(market), "sustained": sustained(market, cap)}
    finally:
        anvil.stop()
    text = markdown(result)
    print(text)
    print(json.dumps(result, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
