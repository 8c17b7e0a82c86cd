"""
Transaction lines
=================

What ``ovm devnet --verbose`` prints for every L2 block the sequencer seals:
one line per transaction, with its block, hash, sender → recipient (``new
0x…`` for a contract it created), value in ETH, gas used and status;
deposits (minted from L1) say so and what they minted. The L1-info deposit
that opens every block is the sequencer's own bookkeeping and is left out.
"""

from __future__ import annotations

from decimal import Decimal

from ..chain import ReceiptDetails
from ..evm.l2 import DEPOSITOR_ACCOUNT
from ..evm.transactions import DepositTransaction
from ..node.chain import BuiltBlock

WEI_PER_ETH = Decimal(10**18)


def ether(wei: int) -> str:
    """``wei`` in ETH, exact, without trailing zeros: ``1.5 ETH``, ``0.000000000000000005 ETH``."""
    text = format(Decimal(wei) / WEI_PER_ETH, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} ETH"


def _target(details: ReceiptDetails) -> str:
    if details.to is not None:
        return f"0x{details.to.hex()}"
    if details.contract_address is None:
        return "new contract (failed)"
    return f"new 0x{details.contract_address.hex()}"


def transaction_lines(built: BuiltBlock) -> list[str]:
    number = built.block.number
    lines = []
    for tx, receipt, details in built.included:
        deposit = isinstance(tx, DepositTransaction)
        if deposit and details.sender == DEPOSITOR_ACCOUNT:
            continue
        kind = f"deposit (minted {ether(tx.mint)}) " if deposit else ""
        status = "ok" if receipt.status else "reverted"
        lines.append(f"L2 block {number} {kind}0x{details.transaction_hash.hex()} "
                     f"0x{details.sender.hex()} → {_target(details)} {ether(tx.value)} gas {details.gas_used} {status}")
    return lines
