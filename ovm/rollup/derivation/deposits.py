"""
Deposits from L1
================

The L1 bridge's events become L2 deposit transactions (type 0x7E), in log
order (``contracts/README.md``):

- ``DepositInitiated(from, to, amount, nonce, gasLimit)``: a deposit from
  ``to`` (the L1 sender, aliased if it is a contract) to itself, minting and
  sending ``amount``;
- ``ForcedWithdrawalInitiated(from, l2Account, amount, nonce, gasLimit)``: a
  deposit from ``l2Account`` to the L2 bridge calling ``withdrawETHTo(from)``
  with ``amount`` — the escape hatch a censoring sequencer cannot refuse.

Each gets the OP Stack's user-deposit source hash of its L1 block hash and log
index, so the same event always yields the same transaction.
"""

from __future__ import annotations

from ...evm.l2 import user_deposit_source_hash
from ...evm.transactions import DepositTransaction
from ...primitives.crypto import keccak256
from ..artifacts import PREDEPLOYS
from ..l1.data import L1Block, L1Log
from ..l1.contract import Contract

L2_BRIDGE = PREDEPLOYS["L2Bridge"]
WITHDRAW_ETH_TO = keccak256(b"withdrawETHTo(address)")[:4]


class ReorgDuringRead(Exception):
    """The L1 block changed while its logs were read: read it again."""


def deposit_transaction(event_name: str, args: dict, log: L1Log) -> DepositTransaction | None:
    source_hash = user_deposit_source_hash(log.block_hash, log.log_index)
    if event_name == "DepositInitiated":
        account = _address(args["to"])
        return DepositTransaction(
            source_hash=source_hash, sender=account, to=account, mint=args["amount"],
            value=args["amount"], gas=args["gasLimit"], is_system_tx=False, data=b"",
        )  # fmt: skip
    if event_name == "ForcedWithdrawalInitiated":
        recipient = _address(args["from"])
        return DepositTransaction(
            source_hash=source_hash, sender=_address(args["l2Account"]), to=L2_BRIDGE, mint=0,
            value=args["amount"], gas=args["gasLimit"], is_system_tx=False,
            data=WITHDRAW_ETH_TO + recipient.rjust(32, b"\x00"),
        )  # fmt: skip
    return None


def deposits_in(bridge: Contract, block: L1Block) -> list[DepositTransaction]:
    """The deposits the bridge's events in ``block`` make, in log order."""
    logs = bridge.client.logs(address=bridge.address, from_block=block.number, to_block=block.number)
    deposits = []
    for log in sorted(logs, key=lambda entry: entry.log_index):
        if log.block_hash != block.hash:
            raise ReorgDuringRead(f"L1 block {block.number} changed while reading its logs")
        event = bridge.decode(log)
        if event is not None:
            deposit = deposit_transaction(event.name, event.args, log)
            if deposit is not None:
                deposits.append(deposit)
    return deposits


def _address(value) -> bytes:
    """eth_abi gives addresses as checksummed text."""
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)
