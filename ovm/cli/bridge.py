"""
``ovm deposit``, ``ovm withdraw``, ``ovm finalize``
===================================================

The bridge round trip for one account, on a running devnet (found through
``~/.ovm/devnet.json``, or ``--devnet FILE``) or on any ovm rollup given by
``--l1-rpc`` and ``--l2-rpc`` (its contracts from ``--rollup-config FILE``,
else from the L2 node's ``optimism_rollupConfig``). The account is the key
of ``--private-key HEX`` (visible to the machine's other users in its
process list), ``--key-file FILE`` or ``OVM_PRIVATE_KEY``, else dev account
``--account N`` (default 0):

- ``deposit``: ``L1Bridge.depositETH`` on L1; it prints the hash of the L2
  deposit transaction that carries it (from the L1 receipt's
  ``TransactionDeposited``, as viem's ``getL2TransactionHashes`` computes it)
  and waits for that transaction's L2 receipt;
- ``withdraw``: ``L2Bridge.withdrawETH`` on L2 (recorded by the message passer),
  or with ``--via-l1`` the forced exit ``L1Bridge.withdrawETH`` on L1; it
  prints the withdrawal's hash;
- ``finalize``: withdrawals not yet paid — those of ``--withdrawal HASH``, of
  the L2 transactions ``--tx HASH``, or else every one of the account's,
  looked for in the L2's logs from ``--from-block`` (default 0) on, a window
  of at most ``LOG_WINDOW`` blocks per request (fewer if the node refuses
  that many) — each paid by ``L1Bridge.finalizeWithdrawal`` with the proof
  the L2 node's ``optimism_withdrawalProof`` gives, once an output covering it
  is past the challenge period (``--wait`` waits for that).
"""

from __future__ import annotations

import json
import os
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..chain.dev_accounts import DevAccount, dev_accounts
from ..primitives.crypto import private_key_to_address
from ..rollup.artifacts import PREDEPLOYS, load
from ..evm.transactions import transaction_hash
from ..rollup.config import RollupConfig, RollupConfigError, load_config, parse_config
from ..rollup.derivation.deposits import deposits_in_receipt
from ..rollup.l1.client import L1Client, L1Error
from ..rollup.l1.contract import Contract
from ..rollup.output import MESSAGE_PASSER
from ..rollup.withdrawals import MESSAGE_PASSED, Withdrawal, withdrawal_hash, withdrawals_in_receipt
from .arguments import hash32
from .errors import UsageError
from .operators import parse_key, read_key_file

POINTER = Path.home() / ".ovm" / "devnet.json"  # written by `ovm devnet`, read by these commands
WEI = 10**18
KEY_VARIABLE = "OVM_PRIVATE_KEY"
LOG_WINDOW = 1_000  # blocks per eth_getLogs, well under the usual range caps
NOT_FINAL = -32000  # optimism_withdrawalProof while no final output covers the withdrawal


def _common(parser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--account", type=int, help="dev account index (default 0, if no key is given)")
    who.add_argument("--key-file", metavar="FILE", help="file holding the account's private key (hex)")
    who.add_argument("--private-key", metavar="HEX",
                     help=f"the account's private key (other users can see it in the process list: "
                          f"prefer --key-file or {KEY_VARIABLE})")
    parser.add_argument("--l1-rpc", metavar="URL", help="the L1's JSON-RPC URL (default: the devnet's)")
    parser.add_argument("--l2-rpc", metavar="URL", help="the L2's JSON-RPC URL (default: the devnet's)")
    parser.add_argument("--rollup-config", metavar="FILE",
                        help="rollup.json (default: the devnet's, or with --l2-rpc the node's optimism_rollupConfig)")
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
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--withdrawal", action="append", type=hash32, metavar="HASH",
                       help="finalize this withdrawal (its hash, as ovm withdraw prints it); repeatable")
    which.add_argument("--tx", action="append", type=hash32, metavar="HASH",
                       help="finalize the withdrawals of this L2 transaction; repeatable")
    which.add_argument("--from-block", type=int, default=0, metavar="N",
                       help="look for the account's withdrawals from this L2 block on (default 0)")
    _common(parser)


class Devnet:
    """The rollup the commands act on: its L1 and L2 nodes, its contracts, the account."""

    def __init__(self, args) -> None:
        self.account = account(args)  # a bad key is refused before anything is reached
        info = _pointer(args)
        l1_url, l2_url = args.l1_rpc or info.get("l1_rpc"), args.l2_rpc or info.get("l2_rpc")
        if not l1_url or not l2_url:
            raise UsageError(f"no running devnet found through {args.devnet}; start one with `ovm devnet`, "
                             "or give --l1-rpc and --l2-rpc")
        self.l1 = L1Client(l1_url)
        self.l2 = L1Client(l2_url)
        self.config = rollup_config(args, info, self.l2)
        _check_chain(self.l1, self.config.l1_chain_id, "--l1-rpc", "L1")
        _check_chain(self.l2, self.config.l2_chain_id, "--l2-rpc", "L2")
        contracts = self.config.contracts
        self.bridge = Contract.at(self.l1, load("L1Bridge"), contracts.l1_bridge)
        self.scc = Contract.at(self.l1, load("StateCommitmentChain"), contracts.state_commitment_chain)
        self.l2_bridge = Contract.at(self.l2, load("L2Bridge"), PREDEPLOYS["L2Bridge"])


def _pointer(args) -> dict:
    """What ``devnet.json`` says; nothing if both nodes are given and it cannot be read."""
    path = Path(args.devnet)
    try:
        info = json.loads(path.read_text())
        if not isinstance(info, dict):
            raise ValueError("not a JSON object")
        return info
    except (OSError, ValueError) as exc:
        if args.l1_rpc and args.l2_rpc:
            return {}
        raise UsageError(f"no running devnet found through {path} ({exc}); start one with `ovm devnet`, "
                         "or give --l1-rpc and --l2-rpc") from None


def rollup_config(args, info: dict, l2: L1Client) -> RollupConfig:
    """``--rollup-config``; else with ``--l2-rpc`` the node's own; else the devnet's."""
    try:
        if args.rollup_config:
            return load_config(args.rollup_config)
        if args.l2_rpc or "rollup_config" not in info:
            return parse_config(l2.request("optimism_rollupConfig"))
        return load_config(info["rollup_config"])
    except RollupConfigError as exc:
        raise UsageError(str(exc)) from None
    except L1Error as exc:
        raise UsageError(f"cannot read the rollup's config from the L2 node at {l2.url} ({exc}): "
                         "give --rollup-config") from None


def _check_chain(client: L1Client, expected: int, flag: str, layer: str) -> None:
    chain_id = client.chain_id()
    if chain_id != expected:
        raise UsageError(f"{flag}: the node at {client.url} has chain id {chain_id}, not the rollup's {layer} "
                         f"({expected})")


def account(args) -> DevAccount:
    """The account of ``--private-key``, ``--key-file``, ``OVM_PRIVATE_KEY`` or ``--account``."""
    if args.private_key:
        key = parse_key(args.private_key, "--private-key")
    elif args.key_file:
        key = read_key_file(args.key_file)
    elif args.account is None and os.environ.get(KEY_VARIABLE):
        key = parse_key(os.environ[KEY_VARIABLE], KEY_VARIABLE)
    else:
        accounts = dev_accounts()
        index = 0 if args.account is None else args.account
        if not 0 <= index < len(accounts):
            raise UsageError(f"--account must be between 0 and {len(accounts) - 1}")
        return accounts[index]
    return DevAccount(private_key_to_address(key), key)


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
    try:
        receipt = devnet.bridge.transact(devnet.account.private_key, "depositETH", value=amount)
    except L1Error as exc:
        raise UsageError(f"depositETH failed: {exc}") from None
    print(f"deposited {_eth(amount)} on L1 in block {receipt.block_number} (tx 0x{receipt.transaction_hash.hex()})")
    l2_deposits = deposits_in_receipt(devnet.bridge, receipt)
    if len(l2_deposits) != 1:
        raise UsageError(f"the bridge at 0x{devnet.bridge.address.hex()} emitted {len(l2_deposits)} "
                         "TransactionDeposited events, not one: is it older than this ovm?")
    [l2_deposit] = l2_deposits
    l2_hash = "0x" + bytes(transaction_hash(l2_deposit)).hex()
    print(f"  L2 deposit transaction {l2_hash}")
    deadline = time.monotonic() + 120
    while (l2_receipt := devnet.l2.request("eth_getTransactionReceipt", l2_hash)) is None:
        if time.monotonic() > deadline:
            raise UsageError(f"the deposit has not reached L2 after 120 s (L2 transaction {l2_hash})")
        time.sleep(0.5)
    print(f"  on L2 in block {int(l2_receipt['blockNumber'], 16)}")
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
    print(f"withdrawal of {_eth(amount)} started in L2 block {withdrawal.l2_block} "
          f"(tx 0x{receipt.transaction_hash.hex()})")
    print(f"  withdrawal hash 0x{withdrawal.hash.hex()}")
    print(f"  finalize it on L1 after the challenge period ({devnet.config.challenge_period} s): "
          f"ovm finalize --withdrawal 0x{withdrawal.hash.hex()}")
    return 0


def forced_withdraw(devnet: Devnet, amount: int) -> int:
    """``L1Bridge.withdrawETH``: derivation makes it an L2 deposit from the
    account that withdraws, which no sequencer can refuse."""
    start = devnet.l2.block_number()
    try:
        receipt = devnet.bridge.transact(devnet.account.private_key, "withdrawETH", amount)
    except L1Error as exc:
        raise UsageError(f"withdrawETH failed on L1: {exc}") from None
    print(f"forced withdrawal of {_eth(amount)} sent on L1 in block {receipt.block_number}")
    deadline = time.monotonic() + 120
    while not (new := account_withdrawals(devnet, start)):
        if time.monotonic() > deadline:
            raise UsageError("the forced withdrawal has not reached L2 after 120 s")
        time.sleep(0.5)
    print(f"  on L2 in block {new[0].l2_block}, withdrawal hash 0x{new[0].hash.hex()}")
    print(f"  finalize it on L1 after the challenge period ({devnet.config.challenge_period} s): "
          f"ovm finalize --withdrawal 0x{new[0].hash.hex()}")
    return 0


def account_withdrawals(devnet: Devnet, from_block: int) -> list[Withdrawal]:
    """The account's withdrawals from L2 block ``from_block`` on, not yet paid on
    L1: the message passer's logs, read a window at a time."""
    recipient = "0x" + devnet.account.address.rjust(32, b"\x00").hex()
    head = devnet.l2.block_number()
    found: list[Withdrawal] = []
    window, start = LOG_WINDOW, max(0, from_block)
    while start <= head:
        end = min(head, start + window - 1)
        try:
            logs = devnet.l2.request("eth_getLogs", {
                "fromBlock": hex(start), "toBlock": hex(end), "address": "0x" + MESSAGE_PASSER.hex(),
                "topics": ["0x" + MESSAGE_PASSED.hex(), None, None, recipient],
            })  # fmt: skip
        except L1Error:
            if window == 1:
                raise
            window = max(1, window // 2)  # a node with a tighter range cap
            continue
        for tx_hash in dict.fromkeys(entry["transactionHash"] for entry in logs):
            receipt = devnet.l2.request("eth_getTransactionReceipt", tx_hash)
            found += [w for w in withdrawals_in_receipt(receipt) if w.l1_recipient == devnet.account.address]
        start = end + 1
    return [w for w in found if not devnet.bridge.call("finalizedWithdrawals", w.hash)]


def withdrawals_of_transactions(devnet: Devnet, tx_hashes: list[bytes]) -> list[bytes]:
    """The hashes of the withdrawals the L2 transactions ``tx_hashes`` started."""
    found = []
    for tx_hash in tx_hashes:
        receipt = devnet.l2.request("eth_getTransactionReceipt", "0x" + tx_hash.hex())
        if receipt is None:
            raise UsageError(f"--tx 0x{tx_hash.hex()}: no such L2 transaction (or not mined yet)")
        withdrawals = withdrawals_in_receipt(receipt)
        if not withdrawals:
            raise UsageError(f"--tx 0x{tx_hash.hex()}: that L2 transaction started no withdrawal")
        found += [w.hash for w in withdrawals]
    return found


def ready_proof(devnet: Devnet, hash_: bytes, wait: bool, deadline: float) -> bytes:
    """The ``finalizeWithdrawal`` argument from the L2 node (``optimism_withdrawalProof``),
    waiting for the challenge period if asked; checked to be this withdrawal's."""
    while True:
        try:
            answer = devnet.l2.request("optimism_withdrawalProof", "0x" + hash_.hex())
            break
        except L1Error as exc:
            if exc.code != NOT_FINAL or not wait or time.monotonic() > deadline:
                raise UsageError(f"withdrawal 0x{hash_.hex()}: {exc}") from None
            time.sleep(2)
    fields = answer["withdrawal"]
    claimed = withdrawal_hash((int(fields["nonce"], 16), bytes.fromhex(fields["sender"][2:]),
                               bytes.fromhex(fields["target"][2:]), int(fields["value"], 16),
                               int(fields["gasLimit"], 16), bytes.fromhex(fields["data"][2:])))
    if claimed != hash_:
        raise UsageError(f"withdrawal 0x{hash_.hex()}: the L2 node answered the proof of another withdrawal")
    return bytes.fromhex(answer["proof"][2:])


def finalize(args) -> int:
    devnet = Devnet(args)
    if args.withdrawal:
        pending = list(dict.fromkeys(args.withdrawal))
    elif args.tx:
        pending = list(dict.fromkeys(withdrawals_of_transactions(devnet, args.tx)))
    else:
        pending = [w.hash for w in account_withdrawals(devnet, args.from_block)]
        if not pending:
            print(f"no withdrawal of 0x{devnet.account.address.hex()} is waiting to be finalized")
            return 0
    deadline = time.monotonic() + args.timeout
    for hash_ in pending:
        if devnet.bridge.call("finalizedWithdrawals", hash_):
            print(f"0x{hash_.hex()} was finalized already")
            continue
        proof = ready_proof(devnet, hash_, args.wait, deadline)
        try:
            receipt = devnet.bridge.transact(devnet.account.private_key, "finalizeWithdrawal", proof)
        except L1Error as exc:
            raise UsageError(f"finalizeWithdrawal failed: {exc}") from None
        [paid] = devnet.bridge.events_in(receipt, "WithdrawalFinalized") or [None]
        amount = f"{_eth(paid.args['amount'])} " if paid is not None else ""
        print(f"finalized 0x{hash_.hex()}: {amount}paid on L1 (tx 0x{receipt.transaction_hash.hex()})")
    return 0
