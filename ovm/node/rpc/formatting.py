"""
JSON shapes
===========

Blocks, headers, transactions, receipts and logs as geth's JSON-RPC shows
them: quantities as ``0x`` hex without leading zeros, data as ``0x`` hex
bytes, addresses in lower case, absent values as ``null``. A block carries
the post-merge constants (``difficulty`` and ``totalDifficulty`` 0,
``nonce`` zero, no uncles, an empty withdrawal list) and the Cancun fields.

L2 additions follow op-geth: a deposit (type 0x7E) shows ``sourceHash``,
``mint``, ``isSystemTx``, zero ``v``/``r``/``s``, and as ``nonce`` its receipt's
``depositNonce`` (with ``depositReceiptVersion``); a deposit's receipt shows
``depositNonce`` and ``depositReceiptVersion``, and every other L2 receipt the
L1 data fee (``l1Fee``, ``l1GasUsed``, ``l1GasPrice``, ``l1BaseFeeScalar``,
``l1BlobBaseFee``, ``l1BlobBaseFeeScalar``).

A set-code transaction (type 4, EIP-7702) shows its ``authorizationList`` as
geth does (``chainId``, ``address``, ``nonce``, ``yParity``, ``r``, ``s``); its
receipt is like any other's, with type ``0x4``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from ...chain import Block, Header, Receipt, ReceiptDetails, block_hash, encode_block
from ...evm.l2 import L1Charge
from ...evm.processor import effective_gas_price
from ...evm.signing import recover_sender
from ...evm.transactions import (
    AccessListTransaction,
    Authorization,
    BlobTransaction,
    DepositTransaction,
    DynamicFeeTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    Transaction,
    max_fee_per_gas,
    transaction_hash,
)
from ...state import Log
from ..store import LogRecord, ReceiptRecord

SENDER_CACHE_SIZE = 4096


def quantity(value: int) -> str:
    return hex(value)


def data(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def optional_address(value: bytes | None) -> str | None:
    return None if value is None else data(value)


@lru_cache(maxsize=SENDER_CACHE_SIZE)
def sender_of(tx: Transaction) -> bytes:
    """The transaction's sender (signature recovery is the slow part of a reply)."""
    return recover_sender(tx)


# --- blocks -------------------------------------------------------------------------


def header_json(header: Header) -> dict:
    return {
        "hash": data(block_hash(header)),
        "parentHash": data(header.parent_hash),
        "sha3Uncles": data(header.ommers_hash),
        "miner": data(header.coinbase),
        "stateRoot": data(header.state_root),
        "transactionsRoot": data(header.transactions_root),
        "receiptsRoot": data(header.receipts_root),
        "logsBloom": data(header.logs_bloom),
        "difficulty": quantity(header.difficulty),
        "number": quantity(header.number),
        "gasLimit": quantity(header.gas_limit),
        "gasUsed": quantity(header.gas_used),
        "timestamp": quantity(header.timestamp),
        "extraData": data(header.extra_data),
        "mixHash": data(header.prev_randao),
        "nonce": data(header.nonce),
        "baseFeePerGas": quantity(header.base_fee_per_gas),
        "withdrawalsRoot": data(header.withdrawals_root),
        "blobGasUsed": quantity(header.blob_gas_used),
        "excessBlobGas": quantity(header.excess_blob_gas),
        "parentBeaconBlockRoot": data(header.parent_beacon_block_root),
    }


def block_json(
    block: Block, full_transactions: bool, receipts: Sequence[Receipt] | None = None
) -> dict:
    """``receipts`` (the block's) give full deposit transactions their nonces."""
    header = block.header
    base_fee = header.base_fee_per_gas
    if full_transactions:
        hash_ = block.hash
        transactions = [
            transaction_json(tx, hash_, header.number, i, base_fee,
                             None if receipts is None else receipts[i])
            for i, tx in enumerate(block.transactions)
        ]  # fmt: skip
    else:
        transactions = [data(transaction_hash(tx)) for tx in block.transactions]
    return {
        **header_json(header),
        "totalDifficulty": "0x0",
        "size": quantity(len(encode_block(block))),
        "transactions": transactions,
        "uncles": [],
        "withdrawals": [],
    }


# --- transactions ---------------------------------------------------------------------


def transaction_json(
    tx: Transaction,
    in_block: bytes | None = None,
    number: int | None = None,
    index: int | None = None,
    base_fee: int | None = None,
    receipt: Receipt | None = None,
) -> dict:
    """A transaction, mined (``in_block`` is its block's hash) or pending; a
    mined deposit's ``receipt`` gives its nonce."""
    out = {
        "blockHash": None if in_block is None else data(in_block),
        "blockNumber": None if number is None else quantity(number),
        "transactionIndex": None if index is None else quantity(index),
        "hash": data(transaction_hash(tx)),
        "type": quantity(type(tx).TYPE),
        "from": data(sender_of(tx)),
        "to": optional_address(tx.to),
        "gas": quantity(tx.gas),
        "value": quantity(tx.value),
        "input": data(tx.data),
        "gasPrice": quantity(_gas_price(tx, base_fee)),
    }
    if isinstance(tx, DepositTransaction):
        return {**out, **_deposit_fields(tx, receipt)}
    out["nonce"] = quantity(tx.nonce)
    out["r"] = quantity(tx.r)
    out["s"] = quantity(tx.s)
    if isinstance(tx, LegacyTransaction):
        out["v"] = quantity(tx.v)
        if tx.v >= 35:
            out["chainId"] = quantity((tx.v - 35) // 2)
        return out
    out["chainId"] = quantity(tx.chain_id)
    out["v"] = quantity(tx.y_parity)
    out["yParity"] = quantity(tx.y_parity)
    out["accessList"] = [
        {"address": data(address), "storageKeys": [data(key) for key in keys]}
        for address, keys in tx.access_list
    ]
    if isinstance(tx, DynamicFeeTransaction):
        out["maxFeePerGas"] = quantity(tx.max_fee_per_gas)
        out["maxPriorityFeePerGas"] = quantity(tx.max_priority_fee_per_gas)
    if isinstance(tx, BlobTransaction):
        out["maxFeePerBlobGas"] = quantity(tx.max_fee_per_blob_gas)
        out["blobVersionedHashes"] = [data(h) for h in tx.blob_versioned_hashes]
    if isinstance(tx, SetCodeTransaction):
        out["authorizationList"] = [authorization_json(auth) for auth in tx.authorization_list]
    return out


def authorization_json(auth: Authorization) -> dict:
    """geth's ``SetCodeAuthorization`` JSON (EIP-7702)."""
    return {
        "chainId": quantity(auth.chain_id),
        "address": data(auth.address),
        "nonce": quantity(auth.nonce),
        "yParity": quantity(auth.y_parity),
        "r": quantity(auth.r),
        "s": quantity(auth.s),
    }


def _deposit_fields(tx: DepositTransaction, receipt: Receipt | None) -> dict:
    """op-geth's deposit fields; the nonce is the receipt's (0 without one)."""
    out = {
        "nonce": quantity(0 if receipt is None else receipt.deposit_nonce),
        "sourceHash": data(tx.source_hash),
        "mint": quantity(tx.mint),
        "isSystemTx": tx.is_system_tx,
        "v": "0x0",
        "r": "0x0",
        "s": "0x0",
    }
    if receipt is not None:
        out["depositReceiptVersion"] = quantity(receipt.deposit_receipt_version)
    return out


def _gas_price(tx: Transaction, base_fee: int | None) -> int:
    """What the sender pays per gas once mined; a pending one shows its fee cap."""
    if isinstance(tx, (LegacyTransaction, AccessListTransaction)):
        return tx.gas_price
    if base_fee is None:
        return max_fee_per_gas(tx)
    return effective_gas_price(tx, base_fee)


# --- receipts and logs ---------------------------------------------------------------------


def log_json(log: Log, block_number: int, block_hash_: bytes, tx_hash: bytes,
             tx_index: int, log_index: int) -> dict:
    return {
        "address": data(log.address),
        "topics": [data(topic) for topic in log.topics],
        "data": data(log.data),
        "blockNumber": quantity(block_number),
        "blockHash": data(block_hash_),
        "transactionHash": data(tx_hash),
        "transactionIndex": quantity(tx_index),
        "logIndex": quantity(log_index),
        "removed": False,
    }


def log_record_json(record: LogRecord) -> dict:
    return log_json(record.log, record.block_number, record.block_hash, record.tx_hash,
                    record.tx_index, record.log_index)


def receipt_json(record: ReceiptRecord) -> dict:
    receipt: Receipt = record.receipt
    details: ReceiptDetails = record.details
    header = record.header
    hash_ = block_hash(header)
    out = {
        "transactionHash": data(details.transaction_hash),
        "transactionIndex": quantity(details.transaction_index),
        "blockHash": data(hash_),
        "blockNumber": quantity(header.number),
        "from": data(details.sender),
        "to": optional_address(details.to),
        "cumulativeGasUsed": quantity(receipt.cumulative_gas_used),
        "gasUsed": quantity(details.gas_used),
        "effectiveGasPrice": quantity(details.effective_gas_price),
        "contractAddress": optional_address(details.contract_address),
        "logs": [
            log_json(log, header.number, hash_, details.transaction_hash,
                     details.transaction_index, details.first_log_index + i)
            for i, log in enumerate(receipt.logs)
        ],
        "logsBloom": data(receipt.bloom),
        "type": quantity(receipt.tx_type),
        "status": quantity(receipt.status),
    }
    if details.blob_gas_price is not None:
        out["blobGasUsed"] = quantity(details.blob_gas_used)
        out["blobGasPrice"] = quantity(details.blob_gas_price)
    if receipt.deposit_nonce is not None:
        out["depositNonce"] = quantity(receipt.deposit_nonce)
        out["depositReceiptVersion"] = quantity(receipt.deposit_receipt_version)
    if details.l1_charge is not None:
        out.update(l1_fee_json(details.l1_charge))
    return out


def l1_fee_json(charge: L1Charge) -> dict:
    """op-geth's L1 data fee fields of a receipt (the same from Ecotone on)."""
    values = charge.values
    return {
        "l1Fee": quantity(charge.fee),
        "l1GasUsed": quantity(charge.l1_gas_used),
        "l1GasPrice": quantity(values.l1_base_fee),
        "l1BaseFeeScalar": quantity(values.base_fee_scalar),
        "l1BlobBaseFee": quantity(values.l1_blob_base_fee),
        "l1BlobBaseFeeScalar": quantity(values.blob_base_fee_scalar),
    }
