"""
``ovm deposit``, ``ovm withdraw``, ``ovm finalize``
===================================================

The bridge round trip for an account of a running devnet (found through
``~/.ovm/devnet.json``, or ``--devnet FILE``): dev account ``--account N``
(funded on an anvil or the embedded L1), or the key in ``--key-file FILE``
(any L1; a key is never taken on the command line):

- ``deposit``: ``L1Bridge.depositETH`` on L1, then wait for the L2 balance;
- ``withdraw``: ``L2Bridge.withdrawETH`` on L2 (recorded by the message passer),
  or with ``--via-l1`` the forced exit ``L1Bridge.withdrawETH`` on L1;
- ``finalize``: every withdrawal of the account not yet paid, once an output
  covering it is past the challenge period: ``L1Bridge.finalizeWithdrawal``
  with the storage proof (``--wait`` waits for the period to pass).
"""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..chain.dev_accounts import DevAccount, dev_accounts
from ..primitives.crypto import private_key_to_address
from ..rollup.artifacts import PREDEPLOYS, load
from ..rollup.config import RollupConfigError, load_config
from ..rollup.l1.client import L1Client, L1Error
from ..rollup.l1.contract import Contract
from ..rollup.output import MESSAGE_PASSER
from ..rollup.withdrawals import (
    MESSAGE_PASSED,
    WithdrawalError,
    finalization_proof,
    withdrawals_in_receipt,
)
from .errors import UsageError
from .operators import read_key_file

POINTER = Path.home() / ".ovm" / "devnet.json"  # written by `ovm devnet`, read by these commands
WEI = 10**18


def _common(parser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--account", type=int, default=0, help="dev account index (default 0)")
    who.add_argument("--key-file", metavar="FILE", help="file holding the account's private key (hex)")
    parser.add_argument("--devnet", default=str(POINTER), help=f"devnet.json (default {POINTER})")


def add_deposit_arguments(parser) -> None:
    parser.add_argument("--amount", required=True, help="ETH to deposit, e.g. 1 or 0.25")
    _common(parser)


def add_withdraw_arguments(parser) -> None:
    parser.add_argument("--amount", required=True, help="ETH to withdraw")
    parser.add_argument("--via-l1", action="store_true",
                        help="force the withdrawal through L1 (L1Bridge.withdrawETH), past a censoring sequencer")
    _common(parser)


def add_finalize_arguments(parser) -> None:
    parser.add_argument("--wait", action="store_true", help="wait for the challenge period to pass")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait at most (default 600)")
    _common(parser)


class Devnet:
    """What the commands need of a running devnet."""

    def __init__(self, args) -> None:
        path = Path(args.devnet)
        try:
            info = json.loads(path.read_text())
            self.config = load_config(info["rollup_config"])
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"no running devnet found through {path} ({exc}); start one with `ovm devnet`") from None
        except RollupConfigError as exc:
            raise UsageError(str(exc)) from None
        self.account = account(args)
        self.l1 = L1Client(info["l1_rpc"])
        self.l2 = L1Client(info["l2_rpc"])
        contracts = self.config.contracts
        self.bridge = Contract.at(self.l1, load("L1Bridge"), contracts.l1_bridge)
        self.scc = Contract.at(self.l1, load("StateCommitmentChain"), contracts.state_commitment_chain)
        self.l2_bridge = Contract.at(self.l2, load("L2Bridge"), PREDEPLOYS["L2Bridge"])


def account(args) -> DevAccount:
    """The account of ``--key-file`` or ``--account``."""
    if args.key_file:
        key = read_key_file(args.key_file)
        return DevAccount(private_key_to_address(key), key)
    accounts = dev_accounts()
    if not 0 <= args.account < len(accounts):
        raise UsageError(f"--account must be between 0 and {len(accounts) - 1}")
    return accounts[args.account]


def parse_amount(text: str) -> int:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise UsageError(f"not an amount of ETH: {text!r}") from None
    wei = int(amount * WEI)
    if wei <= 0 or amount * WEI != wei:
        raise UsageError(f"the amount must be a positive number of ETH with at most 18 decimals: {text!r}")
    return wei


def _eth(wei: int) -> str:
    return f"{Decimal(wei) / WEI:f} ETH"


def deposit(args) -> int:
    devnet = Devnet(args)
    amount = parse_amount(args.amount)
    address = devnet.account.address
    before = devnet.l2.balance(address)
    try:
        receipt = devnet.bridge.transact(devnet.account.private_key, "depositETH", value=amount)
    except L1Error as exc:
        raise UsageError(f"depositETH failed: {exc}") from None
    print(f"deposited {_eth(amount)} on L1 in block {receipt.block_number} (tx 0x{receipt.transaction_hash.hex()})")
    deadline = time.monotonic() + 120
    while devnet.l2.balance(address) < before + amount:
        if time.monotonic() > deadline:
            raise UsageError("the deposit has not reached L2 after 120 s")
        time.sleep(0.5)
    print(f"L2 balance of 0x{address.hex()}: {_eth(devnet.l2.balance(address))}")
    return 0


def withdraw(args) -> int:
    devnet = Devnet(args)
    amount = parse_amount(args.amount)
    if args.via_l1:
        return forced_withdraw(devnet, amount)
    try:
        receipt = devnet.l2_bridge.transact(devnet.account.private_key, "withdrawETH", value=amount)
    except L1Error as exc:
        raise UsageError(f"withdrawETH failed on L2: {exc}") from None
    raw = devnet.l2.request("eth_getTransactionReceipt", "0x" + receipt.transaction_hash.hex())
    [withdrawal] = withdrawals_in_receipt(raw)
    print(f"withdrawal of {_eth(amount)} started in L2 block {withdrawal.l2_block}")
    print(f"  withdrawal hash 0x{withdrawal.hash.hex()}")
    print(f"  finalize it on L1 after the challenge period ({devnet.config.challenge_period} s): ovm finalize")
    return 0


def forced_withdraw(devnet: Devnet, amount: int) -> int:
    """``L1Bridge.withdrawETH``: derivation makes it an L2 deposit from the
    account that withdraws, which no sequencer can refuse."""
    before = {w.hash for w in account_withdrawals(devnet)}
    try:
        receipt = devnet.bridge.transact(devnet.account.private_key, "withdrawETH", amount)
    except L1Error as exc:
        raise UsageError(f"withdrawETH failed on L1: {exc}") from None
    print(f"forced withdrawal of {_eth(amount)} sent on L1 in block {receipt.block_number}")
    deadline = time.monotonic() + 120
    while not (new := [w for w in account_withdrawals(devnet) if w.hash not in before]):
        if time.monotonic() > deadline:
            raise UsageError("the forced withdrawal has not reached L2 after 120 s")
        time.sleep(0.5)
    print(f"  on L2 in block {new[0].l2_block}, withdrawal hash 0x{new[0].hash.hex()}")
    print(f"  finalize it on L1 after the challenge period ({devnet.config.challenge_period} s): ovm finalize")
    return 0


def account_withdrawals(devnet: Devnet) -> list:
    """The account's withdrawals recorded by the message passer, not yet paid on L1."""
    recipient = "0x" + devnet.account.address.rjust(32, b"\x00").hex()
    logs = devnet.l2.request("eth_getLogs", {
        "fromBlock": "0x0", "toBlock": "latest", "address": "0x" + MESSAGE_PASSER.hex(),
        "topics": ["0x" + MESSAGE_PASSED.hex(), None, None, recipient],
    })  # fmt: skip
    found = []
    for tx_hash in dict.fromkeys(entry["transactionHash"] for entry in logs):
        receipt = devnet.l2.request("eth_getTransactionReceipt", tx_hash)
        for withdrawal in withdrawals_in_receipt(receipt):
            if withdrawal.l1_recipient == devnet.account.address and not devnet.bridge.call(
                "finalizedWithdrawals", withdrawal.hash
            ):
                found.append(withdrawal)
    return found


def finalize(args) -> int:
    devnet = Devnet(args)
    pending = account_withdrawals(devnet)
    if not pending:
        print(f"no withdrawal of 0x{devnet.account.address.hex()} is waiting to be finalized")
        return 0
    deadline = time.monotonic() + args.timeout
    for withdrawal in pending:
        while True:
            try:
                proof = finalization_proof(devnet.l2, devnet.scc, withdrawal)
                break
            except WithdrawalError as exc:
                if not args.wait or time.monotonic() > deadline:
                    raise UsageError(f"withdrawal 0x{withdrawal.hash.hex()}: {exc}") from None
                time.sleep(2)
        try:
            receipt = devnet.bridge.transact(devnet.account.private_key, "finalizeWithdrawal", proof)
        except L1Error as exc:
            raise UsageError(f"finalizeWithdrawal failed: {exc}") from None
        print(f"finalized 0x{withdrawal.hash.hex()}: {_eth(withdrawal.amount)} paid on L1 "
              f"(tx 0x{receipt.transaction_hash.hex()})")
    return 0
