"""
Block validation
================

The rules a block must keep to be imported, as Ethereum's Cancun and Prague
state them (execution-specs ``cancun/fork.py``, ``prague/fork.py``:
``validate_header`` and the checks of ``state_transition``, in that order),
under the fork its timestamp falls in (``ChainConfig.forks``), each failure
an ``InvalidBlock`` naming its ``Rule``:

- against its parent (``validate_header``): the number follows the parent's,
  the parent hash is the parent's hash, the timestamp is later, the header
  has its fork's fields (``requests_hash`` from Prague, none before), the gas
  limit moves by less than 1/1024 of the parent's and stays within bounds,
  the gas used is within the gas limit, the base fee follows from the parent
  by EIP-1559 and the excess blob gas by EIP-4844 (the fork's blob
  parameters, EIP-7918's reserve price from Osaka), the blob gas used is a
  whole number of blobs within the fork's maximum, the extra data is at most
  32 bytes, and what proof of work used to fill (difficulty, nonce, ommers
  hash) is empty;
- after execution (``check_execution``): the header's gas used,
  transactions root, state root, receipts root, logs bloom, withdrawals
  root, blob gas used and requests hash are those the block's execution
  gave, and nothing else in it differs from the header the block builds.
"""

from __future__ import annotations

from ..evm import gas as G
from ..evm.gas import BlobParams
from .base_fee import BaseFeeParams, next_base_fee, next_excess_blob_gas
from .block import InvalidBlock, Rule
from .forks import ChainFork
from .genesis import MIN_GAS_LIMIT, ChainConfig
from .header import (
    EMPTY_OMMERS_HASH,
    FIELD_NAMES,
    MAX_EXTRA_DATA_BYTES,
    ZERO_NONCE,
    Header,
    block_hash,
)

GAS_LIMIT_ADJUSTMENT_FACTOR = 1024
MAX_GAS_LIMIT = 2**63 - 1  # geth's bound: gas is counted in signed 64-bit integers


def check_gas_limit(gas_limit: int, parent_gas_limit: int) -> None:
    """The gas limit moves by less than 1/1024 of the parent's, within bounds."""
    delta = parent_gas_limit // GAS_LIMIT_ADJUSTMENT_FACTOR
    if gas_limit > MAX_GAS_LIMIT:
        raise InvalidBlock(f"gas limit {gas_limit} is above the maximum {MAX_GAS_LIMIT}", Rule.GAS_LIMIT)
    if gas_limit < MIN_GAS_LIMIT:
        raise InvalidBlock(f"gas limit {gas_limit} is below the minimum {MIN_GAS_LIMIT}", Rule.GAS_LIMIT)
    if not parent_gas_limit - delta < gas_limit < parent_gas_limit + delta:
        raise InvalidBlock(
            f"gas limit {gas_limit} is not within 1/{GAS_LIMIT_ADJUSTMENT_FACTOR} of the "
            f"parent's {parent_gas_limit}",
            Rule.GAS_LIMIT,
        )


def _check_lineage(header: Header, parent: Header) -> None:
    if header.parent_hash != block_hash(parent):
        raise InvalidBlock(f"parent hash 0x{header.parent_hash.hex()} is not the parent's", Rule.PARENT)
    if header.number != parent.number + 1:
        raise InvalidBlock(
            f"number {header.number} does not follow the parent's {parent.number}", Rule.NUMBER
        )
    if header.timestamp <= parent.timestamp:
        raise InvalidBlock(
            f"timestamp {header.timestamp} is not after the parent's {parent.timestamp}", Rule.TIMESTAMP
        )


def _check_gas(header: Header, parent: Header, params: BaseFeeParams) -> None:
    check_gas_limit(header.gas_limit, parent.gas_limit)
    if header.gas_used > header.gas_limit:
        raise InvalidBlock(
            f"gas used {header.gas_used} exceeds the gas limit {header.gas_limit}", Rule.GAS_USED
        )
    base_fee = next_base_fee(parent, params)
    if header.base_fee_per_gas != base_fee:
        raise InvalidBlock(f"base fee {header.base_fee_per_gas}, expected {base_fee}", Rule.BASE_FEE)


def _check_fork_fields(header: Header, fork: ChainFork) -> None:
    has_requests = fork.block.requests is not None
    if (header.requests_hash is not None) != has_requests:
        which = "needs a requests hash" if has_requests else "has no requests hash"
        raise InvalidBlock(f"a {fork.name} header {which}", Rule.FORK_FIELDS)


def _check_blob_gas(header: Header, parent: Header, blobs: BlobParams) -> None:
    excess = next_excess_blob_gas(parent, blobs)
    if header.excess_blob_gas != excess:
        raise InvalidBlock(f"excess blob gas {header.excess_blob_gas}, expected {excess}", Rule.BLOB_GAS)
    used = header.blob_gas_used
    if used > blobs.max_gas or used % G.GAS_PER_BLOB:
        raise InvalidBlock(
            f"blob gas used {used} is not a whole number of blobs up to {blobs.max_gas}",
            Rule.BLOB_GAS,
        )


def _check_post_merge(header: Header) -> None:
    if len(header.extra_data) > MAX_EXTRA_DATA_BYTES:
        raise InvalidBlock(
            f"extra data is {len(header.extra_data)} bytes, at most {MAX_EXTRA_DATA_BYTES} allowed",
            Rule.EXTRA_DATA,
        )
    if header.difficulty != 0:
        raise InvalidBlock(f"difficulty {header.difficulty} after the merge", Rule.PROOF_OF_WORK)
    if header.nonce != ZERO_NONCE:
        raise InvalidBlock(f"nonce 0x{header.nonce.hex()} after the merge", Rule.PROOF_OF_WORK)
    if header.ommers_hash != EMPTY_OMMERS_HASH:
        raise InvalidBlock("ommers hash is not that of an empty list", Rule.OMMERS)


def validate_header(header: Header, parent: Header, config: ChainConfig) -> None:
    """Check ``header`` against its parent's, under its fork; raises ``InvalidBlock``."""
    _check_lineage(header, parent)
    fork = config.forks.at(header.timestamp)
    _check_fork_fields(header, fork)
    _check_gas(header, parent, config.base_fee_params)
    _check_blob_gas(header, parent, fork.fork.blobs)
    _check_post_merge(header)


# Header fields a block's execution decides, with their rules, in the order
# the Cancun spec checks them (the body's roots too: a block whose transaction
# cannot be included is invalid for that, whatever its transactions root).
EXECUTION_RESULTS = (
    ("gas_used", Rule.GAS_USED),
    ("transactions_root", Rule.TRANSACTIONS_ROOT),
    ("state_root", Rule.STATE_ROOT),
    ("receipts_root", Rule.RECEIPTS_ROOT),
    ("logs_bloom", Rule.LOGS_BLOOM),
    ("withdrawals_root", Rule.WITHDRAWALS_ROOT),
    ("blob_gas_used", Rule.BLOB_GAS),
    ("requests_hash", Rule.REQUESTS),
)


def _shown(value: bytes | int | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, int):
        return str(value)
    return f"0x{value.hex()}" if len(value) <= 32 else f"0x{value[:8].hex()}..."


def check_execution(header: Header, built: Header) -> None:
    """``header`` is the one the block's execution built (``built``)."""
    for name, rule in EXECUTION_RESULTS:
        claimed, actual = getattr(header, name), getattr(built, name)
        if claimed != actual:
            label = name.replace("_", " ")
            raise InvalidBlock(f"{label} {_shown(claimed)}, execution gives {_shown(actual)}", rule)
    differing = [name for name in FIELD_NAMES if getattr(header, name) != getattr(built, name)]
    if differing:
        fields = ", ".join(differing)
        raise InvalidBlock(f"header fields differ from the block's execution: {fields}", Rule.HEADER)
