"""
Store codecs
============

How the store writes what is not already a consensus encoding: an account
row (``[nonce, balance, code hash]``) and a block's receipts, each beside the
details a node keeps of it (``ReceiptDetails``: hashes, indexes, gas, prices,
the L1 charge).
"""

from __future__ import annotations

from typing import Sequence

from ...chain.receipt import Receipt, ReceiptDetails, decode_receipt, encode_receipt
from ...evm.l2 import L1Charge, L1FeeValues
from ...primitives import rlp
from ...state import Account
from .schema import be_int


def encode_account_row(account: Account) -> bytes:
    nonce, balance = rlp.int_to_be(account.nonce), rlp.int_to_be(account.balance)
    return rlp.encode([nonce, balance, account.code_hash])


def decode_account_row(data: bytes) -> tuple[int, int, bytes]:
    """``(nonce, balance, code hash)``."""
    nonce, balance, code_hash = rlp.decode(data)
    return be_int(nonce), be_int(balance), code_hash


def _optional_address(address: bytes | None) -> bytes:
    return b"" if address is None else address


def _l1_charge_item(charge: L1Charge | None) -> list:
    if charge is None:
        return []
    values = charge.values
    numbers = (charge.fee, charge.l1_gas_used, values.l1_base_fee, values.l1_blob_base_fee,
               values.base_fee_scalar, values.blob_base_fee_scalar)  # fmt: skip
    return [rlp.int_to_be(number) for number in numbers]


def _l1_charge_from_item(item: list) -> L1Charge | None:
    if not item:
        return None
    fee, gas_used, *values = (be_int(number) for number in item)
    return L1Charge(fee, gas_used, L1FeeValues(*values))


def _details_item(details: ReceiptDetails) -> list:
    price = details.blob_gas_price
    blob_gas_price = [] if price is None else [rlp.int_to_be(price)]
    return [
        details.transaction_hash,
        rlp.int_to_be(details.transaction_index),
        details.sender,
        _optional_address(details.to),
        rlp.int_to_be(details.gas_used),
        rlp.int_to_be(details.effective_gas_price),
        _optional_address(details.contract_address),
        rlp.int_to_be(details.first_log_index),
        rlp.int_to_be(details.blob_gas_used),
        blob_gas_price,
        _l1_charge_item(details.l1_charge),
    ]


def _details_from_item(item: list) -> ReceiptDetails:
    # Records written before the L1 charge was kept have ten items.
    tx_hash, index, sender, to, gas_used, price, contract, first_log, blob_gas, blob_price, *l1 = item
    return ReceiptDetails(
        transaction_hash=tx_hash,
        transaction_index=be_int(index),
        sender=sender,
        to=to or None,
        gas_used=be_int(gas_used),
        effective_gas_price=be_int(price),
        contract_address=contract or None,
        first_log_index=be_int(first_log),
        blob_gas_used=be_int(blob_gas),
        blob_gas_price=be_int(blob_price[0]) if blob_price else None,
        l1_charge=_l1_charge_from_item(l1[0]) if l1 else None,
    )


def encode_receipts(receipts: Sequence[Receipt], details: Sequence[ReceiptDetails]) -> bytes:
    pairs = zip(receipts, details, strict=True)
    return rlp.encode([[encode_receipt(receipt), _details_item(d)] for receipt, d in pairs])


def decode_receipts(data: bytes) -> list[tuple[Receipt, ReceiptDetails]]:
    return [(decode_receipt(receipt), _details_from_item(d)) for receipt, d in rlp.decode(data)]
