"""
The ``ots`` namespace (Otterscan)
=================================

What the Otterscan block explorer asks of a node (its API level 8, as
Erigon's rpcdaemon, anvil and reth serve it), so that Otterscan, or any
indexer written for it, can browse an ovm chain:

* ``ots_getApiLevel`` (8), ``ots_hasCode``;
* ``ots_getBlockDetails``/``ByHash``: the block without its transactions,
  with ``transactionCount``, ``logsBloom: null``, ``issuance`` (all zero: an
  L2 block mints no reward) and ``totalFees``, the sum of ``gasUsed ×
  effectiveGasPrice`` of its receipts (the L1 data fees not included);
* ``ots_getBlockTransactions(number, page, pageSize)``: a page of the block's
  transactions (counted from the first, ``input`` cut to its 4-byte selector)
  and their receipts without logs (``logs`` and ``logsBloom`` null);
* ``ots_getTransactionError``: a failed transaction's revert data (``0x`` if
  it succeeded or failed without data);
* ``ots_traceTransaction``: every call, creation and self-destruct in order,
  ``{type, depth, from, to, value, input, output}`` (``value`` null for
  DELEGATECALL and STATICCALL; the top call at depth 0);
* ``ots_getInternalOperations``: the value transfers (0), self-destructs
  (1), CREATEs (2) and CREATE2s (3) inside a transaction, below its top call,
  leaving out those a failed frame undid;
* ``ots_searchTransactionsBefore``/``After(address, block, pageSize)``: an
  address's history from the store's index (``ovm.node.store.address_index``:
  sender, recipient, created contract, every account a call touched), newest
  first, whole blocks per page, with ``firstPage``/``lastPage``;
* ``ots_getTransactionBySenderAndNonce``, ``ots_getContractCreator``;
* ``erigon_getHeaderByNumber``, which Otterscan also calls.

The traces come from the call tracer (``tracers``), run on a mined
transaction as ``debug_traceTransaction`` runs it, within the same bounds.
Page sizes are at most ``MAX_PAGE_SIZE``.
"""

from __future__ import annotations

from typing import Iterator

from ...chain import Block
from ..chain import Blockchain
from ..store import ReceiptRecord, TxPlace
from .context import NodeContext
from .debug import trace_mined
from .errors import InvalidParams, ResourceNotFound
from .eth import existing_block, find_block
from .formatting import block_json, data, header_json, quantity, receipt_json, transaction_json
from .params import Address, BlockId, BlockNumberOrTag, Hash, Uint64
from .server import RpcLimits
from .tracers import CallTracerOptions, TraceBudget, trace_calls

API_LEVEL = 8
MAX_PAGE_SIZE = 1000
SELECTOR_BYTES = 4
TRANSFER, SELF_DESTRUCT, CREATE, CREATE2 = range(4)
VALUELESS = frozenset({"DELEGATECALL", "STATICCALL"})
CREATIONS = {"CREATE": CREATE, "CREATE2": CREATE2}


class Ots:
    namespace = "ots"

    def __init__(self, ctx: NodeContext, limits: RpcLimits = RpcLimits()) -> None:
        self._chain: Blockchain = ctx.chain
        self._limits = limits

    def getApiLevel(self) -> int:
        return API_LEVEL

    def hasCode(self, address: Address, block: BlockId = "latest") -> bool:
        number = existing_block(self._chain, block).number
        state = self._chain.state if number == self._chain.head.number else self._chain.state_before(number + 1, 0)
        return bool(state.get_code(address))

    # -- blocks ------------------------------------------------------------------------

    def getBlockDetails(self, block: BlockNumberOrTag) -> dict | None:
        return self._block_details(find_block(self._chain, block))

    def getBlockDetailsByHash(self, block_hash: Hash) -> dict | None:
        return self._block_details(self._chain.block(block_hash))

    def _block_details(self, block: Block | None) -> dict | None:
        if block is None:
            return None
        records = self._chain.block_receipts(block.hash) or []
        fees = sum(r.details.gas_used * r.details.effective_gas_price for r in records)
        return {
            "block": _slim_block(block),
            "issuance": {"blockReward": "0x0", "uncleReward": "0x0", "issuance": "0x0"},
            "totalFees": quantity(fees),
        }

    def getBlockTransactions(self, block: BlockNumberOrTag, page: Uint64, page_size: Uint64) -> dict | None:
        _check_page_size(page_size, "argument 2 (pageSize)")
        found = find_block(self._chain, block)
        if found is None:
            return None
        start = page * page_size
        records = (self._chain.block_receipts(found.hash) or [])[start:start + page_size]
        header = found.header
        transactions = []
        for record in records:
            index = record.details.transaction_index
            tx = transaction_json(found.transactions[index], found.hash, header.number, index,
                                  header.base_fee_per_gas, record.receipt)
            tx["input"] = tx["input"][:2 + 2 * SELECTOR_BYTES]
            transactions.append(tx)
        fullblock = {**block_json(found, False), "transactions": transactions,
                     "transactionCount": len(found.transactions), "logsBloom": None}
        return {"fullblock": fullblock, "receipts": [_slim_receipt(r) for r in records]}

    # -- transactions ------------------------------------------------------------------

    def getTransactionError(self, tx_hash: Hash) -> str:
        record = self._receipt(tx_hash)
        if record.receipt.status:
            return "0x"
        return self._trace(tx_hash).get("output", "0x")

    def traceTransaction(self, tx_hash: Hash) -> list[dict]:
        return list(_trace_entries(self._trace(tx_hash), 0))

    def getInternalOperations(self, tx_hash: Hash) -> list[dict]:
        top = self._trace(tx_hash)
        return [] if "error" in top else list(_operations(top.get("calls", ())))

    def getTransactionBySenderAndNonce(self, sender: Address, nonce: Uint64) -> str | None:
        place = self._chain.store.sent_transaction(sender, nonce)
        return None if place is None else data(self._record(place).details.transaction_hash)

    def getContractCreator(self, address: Address) -> dict | None:
        """The transaction that created the contract now at ``address``, and its
        direct creator: the first transaction in the address's history with a
        creation frame (the sender's, or a contract's) that made it and kept it."""
        if not self._chain.state.get_code(address):
            return None
        start = 0
        while True:
            page = self._chain.store.address_transactions(address, start, False, MAX_PAGE_SIZE)
            for place in page.places:
                found = self._creator_in(place, address)
                if found is not None:
                    return found
            if not page.more:
                return None
            start = page.places[-1].number + 1

    def _creator_in(self, place: TxPlace, address: bytes) -> dict | None:
        record = self._record(place)
        details = record.details
        if details.contract_address == address:
            return {"hash": data(details.transaction_hash), "creator": data(details.sender)}
        if not record.receipt.status:
            return None
        for frame in _created(self._trace(details.transaction_hash).get("calls", ())):
            if frame.get("to") == data(address):
                return {"hash": data(details.transaction_hash), "creator": frame["from"]}
        return None

    # -- address history ---------------------------------------------------------------

    def searchTransactionsBefore(self, address: Address, block: Uint64, page_size: Uint64) -> dict:
        _check_page_size(page_size, "argument 2 (pageSize)")
        first_page = block == 0
        head = self._chain.head.number
        start = head if first_page else min(block - 1, head)
        page = self._chain.store.address_transactions(address, start, True, page_size)
        return self._search_answer(page.places, first_page, not page.more)

    def searchTransactionsAfter(self, address: Address, block: Uint64, page_size: Uint64) -> dict:
        _check_page_size(page_size, "argument 2 (pageSize)")
        if block >= self._chain.head.number:
            return self._search_answer([], True, block == 0)
        page = self._chain.store.address_transactions(address, block + 1, False, page_size)
        return self._search_answer(page.places[::-1], not page.more, block == 0)

    def _search_answer(self, places: list[TxPlace], first_page: bool, last_page: bool) -> dict:
        txs, receipts = [], []
        blocks: dict[int, tuple[Block, list[ReceiptRecord]]] = {}
        for place in places:
            if place.number not in blocks:
                block = self._chain.block(place.number)
                blocks[place.number] = block, self._chain.block_receipts(block.hash)
            block, records = blocks[place.number]
            record = records[place.index]
            txs.append(transaction_json(block.transactions[place.index], block.hash, place.number, place.index,
                                        block.header.base_fee_per_gas, record.receipt))
            receipts.append({**receipt_json(record), "timestamp": block.header.timestamp})
        return {"txs": txs, "receipts": receipts, "firstPage": first_page, "lastPage": last_page}

    # -- helpers -----------------------------------------------------------------------

    def _receipt(self, tx_hash: bytes) -> ReceiptRecord:
        record = self._chain.receipt(tx_hash)
        if record is None:
            raise ResourceNotFound(f"transaction 0x{tx_hash.hex()} not found")
        return record

    def _record(self, place: TxPlace) -> ReceiptRecord:
        block_hash = self._chain.store.canonical_hash(place.number)
        return self._chain.block_receipts(block_hash)[place.index]

    def _trace(self, tx_hash: bytes) -> dict:
        limits = self._limits
        budget = TraceBudget(limits.trace_timeout, limits.max_trace_bytes)
        return trace_mined(self._chain, tx_hash,
                           lambda execution: trace_calls(execution, CallTracerOptions(), budget)[0])


class Erigon:
    """The one ``erigon_`` method Otterscan calls."""

    namespace = "erigon"

    def __init__(self, ctx: NodeContext) -> None:
        self._chain: Blockchain = ctx.chain

    def getHeaderByNumber(self, block: BlockNumberOrTag) -> dict | None:
        found = find_block(self._chain, block)
        return None if found is None else header_json(found.header)


def _check_page_size(size: int, where: str) -> None:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParams(f"invalid {where}: a page holds 1 to {MAX_PAGE_SIZE} transactions, not {size}")


def _slim_block(block: Block) -> dict:
    out = block_json(block, False)
    del out["transactions"]
    out.update(transactionCount=len(block.transactions), logsBloom=None)
    return out


def _slim_receipt(record: ReceiptRecord) -> dict:
    return {**receipt_json(record), "logs": None, "logsBloom": None}


def _trace_entries(frame: dict, depth: int) -> Iterator[dict]:
    """Otterscan's flat trace: the call tree depth first."""
    entry = {
        "type": frame["type"],
        "depth": depth,
        "from": frame["from"],
        "to": frame.get("to"),
        "value": None if frame["type"] in VALUELESS else frame.get("value", "0x0"),
        "input": frame.get("input", "0x"),
    }
    if "output" in frame:
        entry["output"] = frame["output"]
    yield entry
    for call in frame.get("calls", ()):
        yield from _trace_entries(call, depth + 1)


def _operations(calls) -> Iterator[dict]:
    """The internal operations among ``calls`` and below, in order; a failed
    frame and everything in it undone."""
    for frame in calls:
        if "error" in frame:
            continue
        kind, value = frame["type"], int(frame.get("value", "0x0"), 16)
        if kind == "CALL" and value:
            yield _operation(TRANSFER, frame)
        elif kind in CREATIONS:
            yield _operation(CREATIONS[kind], frame)
        elif kind == "SELFDESTRUCT":
            yield _operation(SELF_DESTRUCT, frame)
        yield from _operations(frame.get("calls", ()))


def _operation(kind: int, frame: dict) -> dict:
    return {"type": kind, "from": frame["from"], "to": frame["to"], "value": frame.get("value", "0x0")}


def _created(calls) -> Iterator[dict]:
    """The creation frames that succeeded among ``calls`` and below."""
    for frame in calls:
        if "error" in frame:
            continue
        if frame["type"] in CREATIONS:
            yield frame
        yield from _created(frame.get("calls", ()))
