"""The lines ``ovm devnet --verbose`` prints per L2 transaction (``ovm.cli.activity``)."""

from __future__ import annotations

import types

from support import fee_market_tx

from ovm.chain import ReceiptDetails, make_receipt
from ovm.chain.dev_accounts import dev_accounts
from ovm.cli.activity import ether, transaction_lines
from ovm.evm.l2 import DEPOSITOR_ACCOUNT
from ovm.evm.transactions import DepositTransaction, transaction_hash
from ovm.node.chain import BuiltBlock

USER = dev_accounts()[1]
TO = bytes.fromhex("22" * 20)
CREATED = bytes.fromhex("33" * 20)


def deposit(sender: bytes, mint: int, value: int) -> DepositTransaction:
    return DepositTransaction(source_hash=bytes(32), sender=sender, to=TO, mint=mint, value=value,
                              gas=100_000, is_system_tx=False, data=b"")


def included(tx, status: bool, gas: int, to, created=None):
    details = ReceiptDetails(transaction_hash=transaction_hash(tx), transaction_index=0, sender=getattr(
        tx, "sender", USER.address), to=to, gas_used=gas, effective_gas_price=1, contract_address=created,
        first_log_index=0)
    return tx, make_receipt(2, status, gas, []), details


def test_amounts_are_exact_ether():
    assert ether(15 * 10**17) == "1.5 ETH" and ether(10**18) == "1 ETH" and ether(0) == "0 ETH"
    assert ether(5) == "0.000000000000000005 ETH"


def test_one_line_per_transaction_deposits_marked_l1_info_left_out():
    transfer = fee_market_tx(USER.private_key, chain_id=901, to=TO, nonce=0, value=10**18)
    creation = fee_market_tx(USER.private_key, chain_id=901, to=None, nonce=1, value=0)
    l1_info = deposit(DEPOSITOR_ACCOUNT, 0, 0)
    user_deposit = deposit(USER.address, 2 * 10**18, 10**18)
    built = BuiltBlock(types.SimpleNamespace(number=42), [
        included(l1_info, True, 50_000, TO),
        included(user_deposit, True, 21_000, TO),
        included(transfer, True, 21_000, TO),
        included(creation, False, 90_000, None),
        included(creation, True, 90_000, None, CREATED),
    ], [])
    sender, to = "0x" + USER.address.hex(), "0x" + TO.hex()
    assert transaction_lines(built) == [
        f"L2 block 42 deposit (minted 2 ETH) 0x{transaction_hash(user_deposit).hex()} {sender} → {to} 1 ETH "
        "gas 21000 ok",
        f"L2 block 42 0x{transaction_hash(transfer).hex()} {sender} → {to} 1 ETH gas 21000 ok",
        f"L2 block 42 0x{transaction_hash(creation).hex()} {sender} → new contract (failed) 0 ETH gas 90000 reverted",
        f"L2 block 42 0x{transaction_hash(creation).hex()} {sender} → new 0x{CREATED.hex()} 0 ETH gas 90000 ok",
    ]
