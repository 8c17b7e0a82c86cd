"""
Logs, filters and subscriptions
===============================

``query_logs`` answers ``eth_getLogs`` within the node's bounds (a block
range of at most ``max_log_range`` blocks, at most ``max_log_results`` logs).

``Filters`` keeps the polling filters of ``eth_newFilter``,
``eth_newBlockFilter`` and ``eth_newPendingTransactionFilter``: a log or block
filter remembers the next block it has not reported and reads the chain when
polled (each poll answers every block sealed since the previous one, a
``latest`` bound following the head; at most ``max_log_range`` blocks and
``max_log_results`` logs a poll, the next poll going on where it stopped, so
nothing is skipped); a pending-transaction filter collects hashes from the mempool's
listeners (at most ``max_subscription_backlog`` of them). A filter not polled for
``filter_timeout`` seconds is removed, as geth does after five minutes.

``Subscriptions`` pushes ``eth_subscription`` notifications to WebSocket
connections: ``newHeads`` (each new block's header), ``logs`` (each matching
log of each new block) and ``newPendingTransactions`` (hashes, or whole
transactions when asked with ``true``), from the sequencer's and the mempool's
listeners. A connection's subscriptions end with it.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from ..chain import HEAD_TAGS, BuiltBlock
from ..mempool import PooledTransaction
from .context import NodeContext
from .errors import InvalidParams, LimitExceeded, ResourceNotFound
from .formatting import data, header_json, log_record_json, transaction_json
from .params import LogFilter, ParamError, boolean, log_filter
from .server import Connection, RpcLimits

ID_BITS = 128


def new_id() -> str:
    """A random id in canonical quantity form (how ``params.identifier`` reads ids)."""
    return hex(secrets.randbits(ID_BITS) | 1)


# --- logs -----------------------------------------------------------------------------


def _range(ctx: NodeContext, flt: LogFilter) -> tuple[int, int]:
    """The block numbers a filter covers, the upper end capped at the head."""
    chain = ctx.chain
    if flt.block_hash is not None:
        block = chain.block(flt.block_hash)
        if block is None:
            raise ResourceNotFound(f"unknown block 0x{flt.block_hash.hex()}")
        return block.number, block.number
    head = chain.head.number
    first = chain.resolve_block_tag(flt.from_block)
    last = min(chain.resolve_block_tag(flt.to_block), head)
    if first > last and first <= head:
        raise InvalidParams(f"invalid block range: fromBlock {first} is after toBlock {last}")
    return first, last


def _matching_logs(ctx: NodeContext, flt: LogFilter, first: int, last: int, limits: RpcLimits) -> list[dict]:
    if last < first:
        return []
    if last - first + 1 > limits.max_log_range:
        raise LimitExceeded(
            f"block range too large: {last - first + 1} blocks, at most {limits.max_log_range}"
        )
    topics = [None if alternatives is None else set(alternatives) for alternatives in flt.topics]
    records = ctx.chain.logs(first, last, set(flt.addresses) or None, topics)
    if len(records) > limits.max_log_results:
        raise LimitExceeded(
            f"query returned more than {limits.max_log_results} results: narrow the block range"
        )
    return [log_record_json(record) for record in records]


def query_logs(ctx: NodeContext, flt: LogFilter, limits: RpcLimits) -> list[dict]:
    """``eth_getLogs``: the logs ``flt`` matches, within the node's bounds."""
    first, last = _range(ctx, flt)
    return _matching_logs(ctx, flt, first, last, limits)


# --- polling filters --------------------------------------------------------------------


@dataclass
class _Filter:
    kind: str
    last_used: float
    next_block: int = 0
    log_filter: LogFilter | None = None
    pending: deque = field(default_factory=deque)
    unsubscribe: Callable[[], None] | None = None


class Filters:
    def __init__(self, ctx: NodeContext, limits: RpcLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.limits = limits
        self.clock = clock
        self._filters: dict[str, _Filter] = {}

    def _install(self, entry: _Filter) -> str:
        self._expire()
        filter_id = new_id()
        self._filters[filter_id] = entry
        return filter_id

    def new_log_filter(self, flt: LogFilter) -> str:
        """A log filter; its changes are the matching logs of blocks sealed after
        it was installed (as on geth; ``eth_getFilterLogs`` covers its whole range)."""
        _range(self.ctx, flt)  # an unknown block hash or a reversed range fails now
        next_block = self.ctx.chain.head.number + 1
        return self._install(_Filter("logs", self.clock(), next_block=next_block, log_filter=flt))

    def new_block_filter(self) -> str:
        return self._install(_Filter("blocks", self.clock(), next_block=self.ctx.chain.head.number + 1))

    def new_pending_filter(self) -> str:
        entry = _Filter("pending", self.clock(), pending=deque(maxlen=self.limits.max_subscription_backlog))
        entry.unsubscribe = self.ctx.mempool.new_pending.subscribe(lambda pooled: entry.pending.append(pooled.hash))
        return self._install(entry)

    def _get(self, filter_id: str) -> _Filter:
        self._expire()
        entry = self._filters.get(filter_id)
        if entry is None:
            raise ResourceNotFound("filter not found")
        entry.last_used = self.clock()
        return entry

    def changes(self, filter_id: str) -> list:
        """What happened since the filter was last polled."""
        entry = self._get(filter_id)
        if entry.kind == "pending":
            hashes = [data(h) for h in entry.pending]
            entry.pending.clear()
            return hashes
        head = self.ctx.chain.head.number
        if entry.kind == "blocks":
            first = entry.next_block
            last = min(head, first + self.limits.max_log_range - 1)
            entry.next_block = last + 1
            return [data(self.ctx.chain.block(number).hash) for number in range(first, last + 1)]
        return self._new_logs(entry, head)

    def _new_logs(self, entry: _Filter, head: int) -> list[dict]:
        """The matching logs of the blocks sealed since the last poll. A tag
        (``latest``, the default) bounds nothing here: it names the head at
        each poll, and every block sealed in between must be reported, as geth
        reports them; only a block number bounds the range. A poll answers at
        most ``max_log_range`` blocks, fewer if their logs pass
        ``max_log_results``; the next poll goes on from there."""
        flt = entry.log_filter
        assert flt is not None
        if flt.block_hash is not None:
            return []  # its one block was sealed before the filter was installed
        first = max(entry.next_block, _bound(self.ctx, flt.from_block, entry.next_block))
        last = min(head, _bound(self.ctx, flt.to_block, head), first + self.limits.max_log_range - 1)
        if last < first:
            entry.next_block = max(entry.next_block, head + 1)
            return []
        while True:
            try:
                found = _matching_logs(self.ctx, flt, first, last, self.limits)
                break
            except LimitExceeded:
                if last == first:
                    raise  # one block's logs alone are too many: narrow the filter
                last = first + (last - first) // 2
        entry.next_block = last + 1
        return found

    def logs(self, filter_id: str) -> list[dict]:
        """``eth_getFilterLogs``: everything a log filter matches."""
        entry = self._get(filter_id)
        if entry.kind != "logs":
            raise InvalidParams("filter is not a log filter")
        return query_logs(self.ctx, entry.log_filter, self.limits)

    def uninstall(self, filter_id: str) -> bool:
        entry = self._filters.pop(filter_id, None)
        if entry is None:
            return False
        if entry.unsubscribe is not None:
            entry.unsubscribe()
        return True

    def _expire(self) -> None:
        deadline = self.clock() - self.limits.filter_timeout
        for filter_id in [i for i, entry in self._filters.items() if entry.last_used < deadline]:
            self.uninstall(filter_id)


def _bound(ctx: NodeContext, tag: str | int, default: int) -> int:
    """A filter's block bound for polling: a number (or ``earliest``) is one;
    a tag that follows the head is ``default``."""
    if tag in HEAD_TAGS:
        return default
    return ctx.chain.resolve_block_tag(tag)


# --- subscriptions ------------------------------------------------------------------------


class Subscriptions:
    def __init__(self, ctx: NodeContext, limits: RpcLimits) -> None:
        self.ctx = ctx
        self.limits = limits
        self._active: dict[str, tuple[Connection, Callable[[], None]]] = {}

    def subscribe(self, connection: Connection, kind: str, options: Any) -> str:
        subscription_id = new_id()
        notify = self._notifier(connection, subscription_id)
        new_blocks, mempool = self.ctx.sequencer.new_blocks, self.ctx.mempool
        if kind == "newHeads":
            unsubscribe = new_blocks.subscribe(lambda built: notify(header_json(built.block.header)))
        elif kind == "logs":
            unsubscribe = new_blocks.subscribe(self._log_listener(notify, _subscription_filter(options)))
        elif kind == "newPendingTransactions":
            unsubscribe = mempool.new_pending.subscribe(_pending_listener(notify, _full_transactions(options)))
        else:
            raise InvalidParams(
                f"unsupported subscription {kind!r}: want newHeads, logs or newPendingTransactions"
            )
        self._active[subscription_id] = (connection, unsubscribe)
        connection.on_close(lambda: self.unsubscribe(connection, subscription_id))
        return subscription_id

    def unsubscribe(self, connection: Connection, subscription_id: str) -> bool:
        active = self._active.get(subscription_id)
        if active is None or active[0] is not connection:
            return False
        del self._active[subscription_id]
        active[1]()
        return True

    @staticmethod
    def _notifier(connection: Connection, subscription_id: str) -> Callable[[Any], None]:
        def notify(result: Any) -> None:
            connection.send({
                "jsonrpc": "2.0",
                "method": "eth_subscription",
                "params": {"subscription": subscription_id, "result": result},
            })

        return notify

    def _log_listener(self, notify: Callable[[Any], None], flt: LogFilter) -> Callable[[BuiltBlock], None]:
        addresses = set(flt.addresses) or None
        topics = [None if alternatives is None else set(alternatives) for alternatives in flt.topics]

        def on_block(built: BuiltBlock) -> None:
            number = built.block.number
            for record in self.ctx.chain.logs(number, number, addresses, topics):
                notify(log_record_json(record))

        return on_block


def _subscription_filter(options: Any) -> LogFilter:
    if options is None:
        return LogFilter()
    try:
        flt = log_filter(options)
    except ParamError as exc:
        raise InvalidParams(f"invalid argument 1 (options): {exc}") from None
    if flt.block_hash is not None or flt.from_block != "latest" or flt.to_block != "latest":
        raise InvalidParams("a logs subscription takes only address and topics: it follows new blocks")
    return flt


def _full_transactions(options: Any) -> bool:
    if options is None:
        return False
    try:
        return boolean(options)
    except ParamError as exc:
        raise InvalidParams(f"invalid argument 1 (options): {exc}") from None


def _pending_listener(notify: Callable[[Any], None], full: bool) -> Callable[[PooledTransaction], None]:
    def on_pending(pooled: PooledTransaction) -> None:
        notify(transaction_json(pooled.tx) if full else data(pooled.hash))

    return on_pending
