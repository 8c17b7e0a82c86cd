"""
L1 client
=========

A small synchronous JSON-RPC client for any Ethereum node — the embedded L1
(``ovm node`` in L1 mode), anvil, geth — with the reads the rollup's services
need: chain id, head number, blocks by number, tag or hash (``data``), logs by
filter, transactions (their input is where calldata batches live), receipts,
balances, code and ``eth_call``; and blobs: ``blobs(tx_hash)`` reads back the
blobs of a mined blob transaction with ``anvil_getBlobsByTransactionHash``,
which anvil and the embedded L1 answer (geth keeps no blobs: they live on the
beacon chain); ``serves_blobs`` tells whether the node does.

Sending goes through the client's transaction manager, ``client.txs``
(``txmanager``): nonces, signing, blobs, resending, receipts.

- **Failures.** Every failure is an ``L1Error`` whose message names the method
  and carries the node's own message (or the URL, when the node cannot be
  reached). Connection errors are retried with exponential backoff.
- **Reorgs.** ``block_hash(number)`` and ``is_canonical(ref)`` tell whether a
  remembered block is still on the node's chain.

The transport is the standard library's ``urllib`` (one connection per
request), so the client adds no runtime dependency and may be shared between
threads.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import Any, Callable, Sequence

from ...primitives.types import HexError, hex_to_bytes, hex_to_int, to_hex
from .data import (
    BlockId,
    BlockRef,
    L1Block,
    L1Error,
    L1Log,
    L1Receipt,
    L1Transaction,
    T,
    block_id,
    parse_block,
    parse_log,
    parse_receipt,
    parse_transaction,
    topic_filter,
)
from .txmanager import DEFAULT_RECEIPT_TIMEOUT, TxManager

DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.25
MAX_POLL_INTERVAL = 1.0


class L1Client:
    """JSON-RPC to one L1 node (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise L1Error(f"unsupported L1 RPC URL {url!r}: expected http:// or https://")
        self.url = url
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff = backoff
        self._ids = itertools.count(1)
        self._chain_id: int | None = None
        self.txs = TxManager(self)

    # -- transport ---------------------------------------------------------------------

    def request(self, method: str, *params: Any) -> Any:
        """Call ``method`` and return its result; ``L1Error`` on any failure."""
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params})
        reply = self._post_with_retries(method, body.encode())
        if not isinstance(reply, dict) or ("result" not in reply and "error" not in reply):
            raise L1Error(f"{method}: malformed reply from {self.url}: {str(reply)[:200]}")
        if "error" in reply:
            raise _rpc_error(method, reply["error"])
        return reply["result"]

    def _post_with_retries(self, method: str, body: bytes) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return self._post(body)
            except urllib.error.HTTPError as exc:
                return _http_error_reply(method, exc)
            except (urllib.error.URLError, HTTPException, OSError) as exc:
                if attempt == self.retries:
                    reason = getattr(exc, "reason", exc)
                    reason = getattr(reason, "strerror", None) or str(reason)
                    raise L1Error(f"{method}: cannot reach the L1 node at {self.url}: {reason}") from None
                time.sleep(self.backoff * 2**attempt)

    def _post(self, body: bytes) -> Any:
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
            text = response.read()
        try:
            return json.loads(text)
        except ValueError:
            return text.decode(errors="replace")

    def _parsed(self, method: str, parse: Callable[[Any], T], *params: Any) -> T | None:
        """``request``, then ``parse`` the result (None stays None); a malformed one is an ``L1Error``."""
        result = self.request(method, *params)
        if result is None:
            return None
        try:
            return parse(result)
        except (KeyError, TypeError, AttributeError, HexError) as exc:
            raise L1Error(f"{method}: malformed result from {self.url}: {type(exc).__name__}: {exc}") from None

    # -- chain -------------------------------------------------------------------------

    def chain_id(self) -> int:
        """The node's chain id (asked once, then remembered)."""
        if self._chain_id is None:
            self._chain_id = self._parsed("eth_chainId", hex_to_int)
        return self._chain_id

    def block_number(self) -> int:
        return self._parsed("eth_blockNumber", hex_to_int)

    def block(self, block: BlockId = "latest") -> L1Block | None:
        """The block at a number or tag, or None if the node has none there."""
        return self._parsed("eth_getBlockByNumber", parse_block, block_id(block), False)

    def block_by_hash(self, block_hash: bytes) -> L1Block | None:
        return self._parsed("eth_getBlockByHash", parse_block, to_hex(block_hash), False)

    def head(self) -> L1Block:
        """The latest block."""
        head = self.block("latest")
        if head is None:
            raise L1Error(f"eth_getBlockByNumber: {self.url} has no latest block")
        return head

    def block_hash(self, number: int) -> bytes | None:
        """The hash of the canonical block at ``number``, or None above the head."""
        block = self.block(number)
        return None if block is None else block.hash

    def is_canonical(self, ref: BlockRef) -> bool:
        """Whether the remembered block ``ref`` is still on the node's chain (no reorg)."""
        return self.block_hash(ref.number) == ref.hash

    # -- logs, transactions, receipts ----------------------------------------------------

    def logs(
        self,
        *,
        address: bytes | Sequence[bytes] | None = None,
        topics: Sequence[bytes | Sequence[bytes] | None] = (),
        from_block: BlockId = "earliest",
        to_block: BlockId = "latest",
    ) -> list[L1Log]:
        """``eth_getLogs``: each topic position is one hash, a list of alternatives, or None (any)."""
        query: dict[str, Any] = {
            "fromBlock": block_id(from_block),
            "toBlock": block_id(to_block),
            "topics": [topic_filter(topic) for topic in topics],
        }
        if address is not None:
            query["address"] = topic_filter(address)
        return self._parsed("eth_getLogs", lambda logs: [parse_log(log) for log in logs], query)

    def transaction(self, tx_hash: bytes) -> L1Transaction | None:
        return self._parsed("eth_getTransactionByHash", parse_transaction, to_hex(tx_hash))

    def receipt(self, tx_hash: bytes) -> L1Receipt | None:
        """The receipt of a mined transaction, or None while it is not mined."""
        return self._parsed("eth_getTransactionReceipt", parse_receipt, to_hex(tx_hash))

    def wait_for_receipt(self, tx_hash: bytes, timeout: float = DEFAULT_RECEIPT_TIMEOUT) -> L1Receipt:
        """Poll until ``tx_hash`` is mined; ``L1Error`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        interval = 0.05
        while (receipt := self.receipt(tx_hash)) is None:
            if time.monotonic() >= deadline:
                raise L1Error(f"transaction {to_hex(tx_hash)} was not mined within {timeout:g} s")
            time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
            interval = min(interval * 2, MAX_POLL_INTERVAL)
        return receipt

    # -- accounts and calls --------------------------------------------------------------

    def balance(self, address: bytes, block: BlockId = "latest") -> int:
        return self._parsed("eth_getBalance", hex_to_int, to_hex(address), block_id(block))

    def code(self, address: bytes, block: BlockId = "latest") -> bytes:
        return self._parsed("eth_getCode", hex_to_bytes, to_hex(address), block_id(block))

    def transaction_count(self, address: bytes, block: BlockId = "pending") -> int:
        return self._parsed("eth_getTransactionCount", hex_to_int, to_hex(address), block_id(block))

    def call(
        self,
        to: bytes | None,
        data: bytes = b"",
        *,
        sender: bytes | None = None,
        value: int = 0,
        gas: int | None = None,
        block: BlockId = "latest",
    ) -> bytes:
        """``eth_call`` (a creation if ``to`` is None): the output; a revert is an
        ``L1Error`` with the node's message."""
        return self._parsed("eth_call", hex_to_bytes, call_object(sender, to, data, value, gas), block_id(block))

    # -- blobs ---------------------------------------------------------------------------

    def blob_base_fee(self) -> int:
        return self._parsed("eth_blobBaseFee", hex_to_int)

    def blobs(self, tx_hash: bytes) -> list[bytes] | None:
        """The blobs a mined blob transaction carried, or None if the node has none for it."""
        return self._parsed(
            "anvil_getBlobsByTransactionHash", lambda blobs: [hex_to_bytes(b) for b in blobs], to_hex(tx_hash)
        )

    def serves_blobs(self) -> bool:
        """Whether the node takes blob transactions and gives their blobs back."""
        try:
            self.blob_base_fee()
            self.blobs(bytes(32))
        except L1Error:
            return False
        return True

    def estimate_gas(self, sender: bytes, to: bytes | None, data: bytes = b"", value: int = 0) -> int:
        return self._parsed("eth_estimateGas", hex_to_int, call_object(sender, to, data, value))

    def suggested_tip(self) -> int:
        return self._parsed("eth_maxPriorityFeePerGas", hex_to_int)


# --- helpers ----------------------------------------------------------------------------


def call_object(sender: bytes | None, to: bytes | None, data: bytes, value: int, gas: int | None = None) -> dict:
    """The call object of ``eth_call`` and ``eth_estimateGas``."""
    call: dict[str, str] = {"data": to_hex(data), "value": hex(value)}
    if to is not None:
        call["to"] = to_hex(to)
    if sender is not None:
        call["from"] = to_hex(sender)
    if gas is not None:
        call["gas"] = hex(gas)
    return call


def _rpc_error(method: str, error: Any) -> L1Error:
    if not isinstance(error, dict):
        return L1Error(f"{method}: {error}")
    return L1Error(f"{method}: {error.get('message', error)}", code=error.get("code"), data=error.get("data"))


def _http_error_reply(method: str, exc: urllib.error.HTTPError) -> Any:
    """A JSON-RPC reply sent with an HTTP error status (413, say) is still a reply."""
    try:
        reply = json.loads(exc.read())
    except ValueError:
        reply = None
    if isinstance(reply, dict) and "error" in reply:
        return reply
    raise L1Error(f"{method}: HTTP {exc.code} {exc.reason} from {exc.url}") from None
