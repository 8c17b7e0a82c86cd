"""
Withdrawals
===========

EIP-4895: a block after Shanghai carries the beacon chain's withdrawals, each
``[index, validator_index, address, amount]`` with the amount in gwei. They
are credited after the block's transactions, cost no gas and run no code, and
the header commits to them by ``withdrawals_root`` (``block.withdrawals_root``:
a trie from ``rlp(i)`` to each one's encoding).

An L2 has no beacon chain: its blocks carry no withdrawals (the OP Stack
requires the list to be empty since Canyon), so their root is that of the
empty trie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..primitives import rlp
from ..primitives.types import UINT64_MAX, Address
from ..state import State

WEI_PER_GWEI = 10**9  # withdrawal amounts are in gwei
WITHDRAWAL_FIELD_COUNT = 4


class InvalidWithdrawal(ValueError):
    """An RLP item that is not a withdrawal's encoding."""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    index: int
    validator_index: int
    address: Address
    amount: int  # gwei


def withdrawal_item(withdrawal: Withdrawal) -> list[bytes]:
    return [
        rlp.int_to_be(withdrawal.index),
        rlp.int_to_be(withdrawal.validator_index),
        withdrawal.address,
        rlp.int_to_be(withdrawal.amount),
    ]


def _uint64(item: rlp.Item, name: str) -> int:
    if not isinstance(item, bytes):
        raise InvalidWithdrawal(f"{name}: expected a byte string, got a list")
    try:
        value = rlp.be_to_int(item)
    except rlp.DecodingError as exc:
        raise InvalidWithdrawal(f"{name}: {exc}") from None
    if value > UINT64_MAX:
        raise InvalidWithdrawal(f"{name}: {value} does not fit in 64 bits")
    return value


def withdrawal_from_item(item: rlp.Item) -> Withdrawal:
    """Decode a withdrawal's RLP list item (inverse of ``withdrawal_item``)."""
    if not isinstance(item, list) or len(item) != WITHDRAWAL_FIELD_COUNT:
        raise InvalidWithdrawal(f"expected a list of {WITHDRAWAL_FIELD_COUNT} items")
    index, validator_index, address, amount = item
    if not isinstance(address, bytes) or len(address) != 20:
        raise InvalidWithdrawal("address: expected 20 bytes")
    return Withdrawal(
        _uint64(index, "index"),
        _uint64(validator_index, "validator index"),
        address,
        _uint64(amount, "amount"),
    )


def apply_withdrawals(state: State, withdrawals: Sequence[Withdrawal]) -> None:
    """Credit each withdrawal's amount, in wei. A withdrawal of nothing to an
    account that is (or would be) empty leaves no account behind (EIP-161)."""
    if not withdrawals:
        return
    state.begin_transaction()
    for withdrawal in withdrawals:
        state.add_balance(withdrawal.address, withdrawal.amount * WEI_PER_GWEI)
        account = state.get_account(withdrawal.address)
        if account is not None and account.is_empty():
            state.destroy_account(withdrawal.address)
