"""
Log queries
===========

Logs of a range of canonical blocks, filtered as geth filters them: the
headers' blooms first (a bloom has no false negatives), then the receipts of
the blocks that may hold a match.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from ...chain.bloom import bloom_contains
from ...chain.receipt import Receipt, ReceiptDetails
from ...state import Log
from .blocks import read_header
from .codecs import decode_receipts
from .schema import Tables, number_key

Topics = Sequence["set[bytes] | None"]


class LogRecord(NamedTuple):
    """A log with where it is; ``log_index`` counts across the block."""

    log: Log
    block_number: int
    block_hash: bytes
    tx_hash: bytes
    tx_index: int
    log_index: int


def _bloom_may_match(bloom: bytes, addresses: set[bytes] | None, topics: Topics) -> bool:
    """Whether a block with this bloom can hold a matching log (no false negatives)."""
    if addresses and not any(bloom_contains(bloom, address) for address in addresses):
        return False
    return all(not wanted or any(bloom_contains(bloom, t) for t in wanted) for wanted in topics)


def log_matches(log: Log, addresses: set[bytes] | None, topics: Topics) -> bool:
    """geth's rule: the address is one of ``addresses`` (if any), and the log has at
    least ``len(topics)`` topics, each in its position's set (``None`` or empty: any)."""
    if addresses and log.address not in addresses:
        return False
    if len(topics) > len(log.topics):
        return False
    return all(not wanted or topic in wanted for wanted, topic in zip(topics, log.topics))


def find_logs(
    txn,
    db: Tables,
    from_number: int,
    to_number: int,
    addresses: set[bytes] | None,
    topics: Topics,
) -> list[LogRecord]:
    found: list[LogRecord] = []
    for number in range(max(from_number, 0), to_number + 1):
        block_hash = txn.get(number_key(number), db=db.canonical)
        if block_hash is None:
            break
        header = read_header(txn, db, block_hash)
        if _bloom_may_match(header.logs_bloom, addresses, topics):
            receipts = decode_receipts(txn.get(block_hash, db=db.receipts))
            found += _block_logs(number, block_hash, receipts, addresses, topics)
    return found


def _block_logs(
    number: int,
    block_hash: bytes,
    receipts: list[tuple[Receipt, ReceiptDetails]],
    addresses: set[bytes] | None,
    topics: Topics,
) -> list[LogRecord]:
    return [
        LogRecord(log, number, block_hash, details.transaction_hash,
                  details.transaction_index, details.first_log_index + i)  # fmt: skip
        for receipt, details in receipts
        for i, log in enumerate(receipt.logs)
        if log_matches(log, addresses, topics)
    ]
