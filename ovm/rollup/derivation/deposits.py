"""
Deposits from L1
================

The L1 bridge's ``TransactionDeposited`` events become L2 deposit
transactions (type 0x7E), in log order, as on the OP Stack
(``contracts/README.md``): ``TransactionDeposited(from, to, version,
opaqueData)`` with ``version`` 0 and ``opaqueData`` =
``mint ‖ value ‖ gasLimit (8 bytes) ‖ isCreation (1 byte) ‖ data`` is the
deposit from ``from`` to ``to`` (none if ``isCreation``). The bridge emits
one next to each of its own events:

- a deposit (``DepositInitiated``): from the L1 sender's L2 account (aliased if
  it is a contract) to itself, minting and sending the amount;
- a forced withdrawal (``ForcedWithdrawalInitiated``): from the caller's L2
  account to the L2 bridge, calling ``withdrawETHTo(caller)`` with the amount —
  the escape hatch a censoring sequencer cannot refuse.

Each gets the OP Stack's user-deposit source hash of its L1 block hash and the
``TransactionDeposited`` log's index, so the same event always yields the same
transaction, and the one viem's ``getL2TransactionHashes`` computes from the
L1 receipt (``deposits_in_receipt``). Another version or a malformed
``opaqueData`` (which the bridge never emits) makes no deposit.

Nothing accepted on L1 is ever lost
-----------------------------------

A deposit or forced withdrawal accepted on L1 is always included on L2, in
order, whatever the sequencer does and however many there are:

- **The gas cap.** A deposit's L2 gas is its ``gasLimit``, capped at the room
  an L2 block has for deposits (``deposit_budget``: the block gas limit less
  the L1-info deposit's gas), so every deposit fits a block by itself. (The
  bridge asks for far less; the cap only matters if it ever asked for more.)
- **Carry-over.** Each L2 block takes, right after its L1-info deposit, the
  *pending* deposits in order while their gas limits add up to at most the
  budget (``take_deposits``) — at least one, when any is pending. What does not
  fit stays pending for the next L2 block. An epoch's first block starts with
  all of its origin's deposits pending; a block never skips or reorders one.
- **The epoch waits.** While deposits of its origin are pending, the next L2
  block keeps the same origin (``epochs``): the sequencer cannot advance, a
  frame that advances is dropped, and a block forced by the sequencing window
  repeats the origin. So the pending deposits are always a tail of one L1
  block's deposits.
- **Read back from the chain.** What is pending after a block follows from the
  block itself and its origin's deposits (``pending_after``): the deposits
  after the last one the block included, or none if it included none (a block
  with pending deposits always includes at least one). Nothing besides the
  chain needs to be kept, and a fraud proof can recompute it.

The sequencer and derivation use these same functions, so they build the
same blocks.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

from ...chain.forks import UPGRADE_SOURCE_HASHES
from ...evm.l2 import L1_INFO_DEPOSIT_GAS, user_deposit_source_hash
from ...evm.transactions import DepositTransaction, Transaction
from ..l1.data import L1Log

DEPOSIT_EVENT = "TransactionDeposited"
DEPOSIT_VERSION = 0
OPAQUE_HEAD = 32 + 32 + 8 + 1  # mint, value, gasLimit, isCreation


class ReorgDuringRead(Exception):
    """The L1 block changed while its logs were read: read it again."""


class InconsistentChain(Exception):
    """An L2 block does not follow the deposit rules (it was not built by them)."""


def deposit_transaction(event_name: str, args: dict, log: L1Log) -> DepositTransaction | None:
    """The deposit an event of the bridge makes (None for its other events, and for
    a ``TransactionDeposited`` of another version or with malformed data)."""
    if event_name != DEPOSIT_EVENT or args["version"] != DEPOSIT_VERSION:
        return None
    opaque = bytes(args["opaqueData"])
    if len(opaque) < OPAQUE_HEAD or opaque[72] > 1:
        return None
    is_creation = opaque[72] == 1
    return DepositTransaction(
        source_hash=user_deposit_source_hash(log.block_hash, log.log_index),
        sender=_address(args["from"]), to=None if is_creation else _address(args["to"]),
        mint=int.from_bytes(opaque[0:32], "big"), value=int.from_bytes(opaque[32:64], "big"),
        gas=int.from_bytes(opaque[64:72], "big"), is_system_tx=False, data=opaque[OPAQUE_HEAD:],
    )  # fmt: skip


def deposits_in_receipt(bridge, receipt) -> list[DepositTransaction]:
    """The L2 deposits an L1 transaction made (``bridge``: the L1Bridge ``Contract``;
    ``receipt``: the transaction's ``L1Receipt``), in log order."""
    found = (deposit_transaction(e.name, e.args, e.log) for e in bridge.events_in(receipt, DEPOSIT_EVENT))
    return [deposit for deposit in found if deposit is not None]


def _address(value) -> bytes:
    """eth_abi gives addresses as checksummed text."""
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


# --- the rules ------------------------------------------------------------------------


def deposit_budget(gas_limit: int) -> int:
    """The gas an L2 block of ``gas_limit`` has for user deposits."""
    return gas_limit - L1_INFO_DEPOSIT_GAS


def capped(deposits: Sequence[DepositTransaction], budget: int) -> tuple[DepositTransaction, ...]:
    """An L1 block's deposits as L2 runs them: each one's gas at most ``budget``."""
    return tuple(d if d.gas <= budget else dataclasses.replace(d, gas=budget) for d in deposits)


def take_deposits(
    pending: Sequence[DepositTransaction], budget: int
) -> tuple[tuple[DepositTransaction, ...], tuple[DepositTransaction, ...]]:
    """The pending deposits one block includes (in order, while their gas adds up
    to at most ``budget``, and at least one) and those it leaves pending."""
    used, count = 0, 0
    for deposit in pending:
        if count and used + deposit.gas > budget:
            break
        used += deposit.gas
        count += 1
    return tuple(pending[:count]), tuple(pending[count:])


def user_deposits(transactions: Sequence[Transaction]) -> list[DepositTransaction]:
    """The user deposits of an L2 block (its deposits after the L1-info one,
    but for a new fork's upgrade deposits)."""
    return [
        tx for tx in transactions[1:]
        if isinstance(tx, DepositTransaction) and tx.source_hash not in UPGRADE_SOURCE_HASHES
    ]


def pending_after(
    transactions: Sequence[Transaction], origin_deposits: Sequence[DepositTransaction]
) -> tuple[DepositTransaction, ...]:
    """The deposits of a block's origin still pending after it (see the module
    docstring), given the block's transactions and its origin's deposits, capped."""
    included = user_deposits(transactions)
    if not included:
        return ()
    last = included[-1].source_hash
    for index, deposit in enumerate(origin_deposits):
        if deposit.source_hash == last:
            return tuple(origin_deposits[index + 1 :])
    raise InconsistentChain("an L2 block holds a deposit its L1 origin did not make")
