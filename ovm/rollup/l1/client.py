"""
L1 client
=========

A small synchronous JSON-RPC client for any Ethereum node — the embedded L1
(``ovm node`` in L1 mode), anvil, geth — with what the rollup's services need:

- **Reads.** Chain id, head number, blocks by number, tag or hash (the header
  fields derivation uses, and the blob base fee computed from
  ``excessBlobGas`` by EIP-4844's formula), logs by filter, transactions
  (their input is where calldata batches live), receipts, balances, code and
  ``eth_call``.
- **Writes.** EIP-1559 transactions built and signed here with
  ``ovm.evm.transactions`` from a private key the caller passes in, so the
  node needs no unlocked accounts. The fee cap is twice the head's base fee
  plus the node's suggested tip (ethers' rule), the gas the node's estimate
  plus a fifth. ``transact`` sends and waits for the receipt and raises
  ``TransactionReverted`` with the revert reason when the transaction failed.
  Given ``blobs``, the transaction is an EIP-4844 one, sent in its network
  form with the blobs, commitments and proofs beside it (wrapper version 0,
  which anvil takes under every fork), its blob fee cap twice the node's
  ``eth_blobBaseFee``.
- **Blobs.** ``blobs(tx_hash)`` reads back the blobs of a mined blob
  transaction with ``anvil_getBlobsByTransactionHash``, which anvil and the
  embedded L1 answer (geth keeps no blobs: they live on the beacon chain);
  ``serves_blobs`` tells whether the node does.
- **Nonces.** The client counts each sender's nonce itself (from the node's
  ``pending`` count the first time), so several transactions can be sent
  before any is mined. When the node answers "nonce too low" or "replacement
  transaction underpriced" (another transaction from the same key got in
  first), it re-reads the count and signs again, once. ``forget_nonce``
  makes it re-read after a transaction was dropped.
- **Failures.** Every failure is an ``L1Error`` whose message names the method
  and carries the node's own message (or the URL, when the node cannot be
  reached). Connection errors are retried with exponential backoff; resending
  a raw transaction is harmless, because a node that already has it answers
  "already known" (or "nonce too low" once it is mined), and both count as
  sent when the transaction is there.
- **Reorgs.** ``block_hash(number)`` and ``is_canonical(ref)`` tell whether a
  remembered block is still on the node's chain.

The transport is the standard library's ``urllib`` (one connection per
request), so the client adds no runtime dependency and may be shared between
threads.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, Callable, Sequence, TypeVar

from ...evm.blobs import BlobSidecar, decode_network_form, encode_network_form, make_sidecar, versioned_hash
from ...evm.gas import blob_base_fee
from ...evm.transactions import (
    BlobTransaction,
    FeeMarketTransaction,
    encode_transaction,
    sign_transaction,
    transaction_hash,
)
from ...node.errors import decode_revert_reason
from ...primitives.crypto import keccak256, private_key_to_address
from ...primitives.types import HexError, hex_to_bytes, hex_to_int, to_hex

DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.25
DEFAULT_RECEIPT_TIMEOUT = 120.0
GAS_MARGIN_DIVISOR = 5  # gas = estimate + estimate / 5
MAX_POLL_INTERVAL = 1.0

NONCE_CONFLICTS = ("nonce too low", "replacement transaction underpriced")
ALREADY_KNOWN = "already known"

BlockId = int | str  # a number, or a tag: "latest", "safe", "finalized", "pending", "earliest"
T = TypeVar("T")


class L1Error(Exception):
    """A request to the L1 node failed; ``code`` and ``data`` are the node's, if it answered."""

    def __init__(self, message: str, *, code: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data


class TransactionReverted(L1Error):
    """A mined transaction failed (status 0); ``reason`` is the revert reason, if any."""

    def __init__(self, receipt: "L1Receipt", reason: str | None) -> None:
        detail = reason or "no reason given"
        super().__init__(f"transaction {to_hex(receipt.transaction_hash)} reverted: {detail}")
        self.receipt = receipt
        self.reason = reason


# --- what the node returns ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A block by number, hash and timestamp: enough to find it again and notice a reorg."""

    number: int
    hash: bytes
    timestamp: int


@dataclass(frozen=True, slots=True)
class L1Block:
    """The header fields of an L1 block that derivation uses, and its transaction hashes."""

    number: int
    hash: bytes
    parent_hash: bytes
    timestamp: int
    base_fee: int
    blob_gas_used: int
    excess_blob_gas: int
    transactions: tuple[bytes, ...]

    @property
    def blob_base_fee(self) -> int:
        """The price of blob gas in this block (EIP-4844, from ``excess_blob_gas``)."""
        return blob_base_fee(self.excess_blob_gas)

    @property
    def ref(self) -> BlockRef:
        return BlockRef(self.number, self.hash, self.timestamp)


@dataclass(frozen=True, slots=True)
class L1Log:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    block_hash: bytes
    transaction_hash: bytes
    transaction_index: int
    log_index: int
    removed: bool


@dataclass(frozen=True, slots=True)
class L1Transaction:
    """A transaction as the node reports it; ``block_number`` is None while pending."""

    hash: bytes
    type: int
    sender: bytes
    to: bytes | None
    nonce: int
    value: int
    gas: int
    input: bytes
    blob_versioned_hashes: tuple[bytes, ...]
    block_number: int | None
    block_hash: bytes | None
    transaction_index: int | None


@dataclass(frozen=True, slots=True)
class L1Receipt:
    transaction_hash: bytes
    block_number: int
    block_hash: bytes
    transaction_index: int
    status: int
    gas_used: int
    effective_gas_price: int
    contract_address: bytes | None
    logs: tuple[L1Log, ...]

    @property
    def succeeded(self) -> bool:
        return self.status == 1


# --- parsing replies --------------------------------------------------------------------


def _optional(value: Any, parse: Callable[[Any], T]) -> T | None:
    return None if value is None else parse(value)


def _block_id(block: BlockId) -> str:
    return hex(block) if isinstance(block, int) else block


def _parse_block(raw: dict) -> L1Block:
    return L1Block(
        number=hex_to_int(raw["number"]),
        hash=hex_to_bytes(raw["hash"]),
        parent_hash=hex_to_bytes(raw["parentHash"]),
        timestamp=hex_to_int(raw["timestamp"]),
        base_fee=hex_to_int(raw.get("baseFeePerGas", "0x0")),
        blob_gas_used=hex_to_int(raw.get("blobGasUsed", "0x0")),
        excess_blob_gas=hex_to_int(raw.get("excessBlobGas", "0x0")),
        transactions=tuple(
            hex_to_bytes(tx if isinstance(tx, str) else tx["hash"]) for tx in raw["transactions"]
        ),
    )


def _parse_log(raw: dict) -> L1Log:
    return L1Log(
        address=hex_to_bytes(raw["address"]),
        topics=tuple(hex_to_bytes(topic) for topic in raw["topics"]),
        data=hex_to_bytes(raw["data"]),
        block_number=hex_to_int(raw["blockNumber"]),
        block_hash=hex_to_bytes(raw["blockHash"]),
        transaction_hash=hex_to_bytes(raw["transactionHash"]),
        transaction_index=hex_to_int(raw["transactionIndex"]),
        log_index=hex_to_int(raw["logIndex"]),
        removed=bool(raw.get("removed", False)),
    )


def _parse_transaction(raw: dict) -> L1Transaction:
    return L1Transaction(
        hash=hex_to_bytes(raw["hash"]),
        type=hex_to_int(raw.get("type", "0x0")),
        sender=hex_to_bytes(raw["from"]),
        to=_optional(raw.get("to"), hex_to_bytes),
        nonce=hex_to_int(raw["nonce"]),
        value=hex_to_int(raw["value"]),
        gas=hex_to_int(raw["gas"]),
        input=hex_to_bytes(raw["input"]),
        blob_versioned_hashes=tuple(hex_to_bytes(h) for h in raw.get("blobVersionedHashes") or ()),
        block_number=_optional(raw.get("blockNumber"), hex_to_int),
        block_hash=_optional(raw.get("blockHash"), hex_to_bytes),
        transaction_index=_optional(raw.get("transactionIndex"), hex_to_int),
    )


def _parse_receipt(raw: dict) -> L1Receipt:
    return L1Receipt(
        transaction_hash=hex_to_bytes(raw["transactionHash"]),
        block_number=hex_to_int(raw["blockNumber"]),
        block_hash=hex_to_bytes(raw["blockHash"]),
        transaction_index=hex_to_int(raw["transactionIndex"]),
        status=hex_to_int(raw["status"]),
        gas_used=hex_to_int(raw["gasUsed"]),
        effective_gas_price=hex_to_int(raw.get("effectiveGasPrice", "0x0")),
        contract_address=_optional(raw.get("contractAddress"), hex_to_bytes),
        logs=tuple(_parse_log(log) for log in raw["logs"]),
    )


def _topic_filter(topic: bytes | Sequence[bytes] | None) -> str | list[str] | None:
    if topic is None or isinstance(topic, bytes):
        return _optional(topic, to_hex)
    return [to_hex(alternative) for alternative in topic]


def _is_nonce_conflict(error: L1Error) -> bool:
    return any(phrase in str(error) for phrase in NONCE_CONFLICTS)


# --- the client -------------------------------------------------------------------------


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
        self._nonces: dict[bytes, int] = {}
        self._nonce_lock = threading.Lock()

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
        return self._parsed("eth_getBlockByNumber", _parse_block, _block_id(block), False)

    def block_by_hash(self, block_hash: bytes) -> L1Block | None:
        return self._parsed("eth_getBlockByHash", _parse_block, to_hex(block_hash), False)

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
            "fromBlock": _block_id(from_block),
            "toBlock": _block_id(to_block),
            "topics": [_topic_filter(topic) for topic in topics],
        }
        if address is not None:
            query["address"] = _topic_filter(address)
        return self._parsed("eth_getLogs", lambda logs: [_parse_log(log) for log in logs], query)

    def transaction(self, tx_hash: bytes) -> L1Transaction | None:
        return self._parsed("eth_getTransactionByHash", _parse_transaction, to_hex(tx_hash))

    def receipt(self, tx_hash: bytes) -> L1Receipt | None:
        """The receipt of a mined transaction, or None while it is not mined."""
        return self._parsed("eth_getTransactionReceipt", _parse_receipt, to_hex(tx_hash))

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
        return self._parsed("eth_getBalance", hex_to_int, to_hex(address), _block_id(block))

    def code(self, address: bytes, block: BlockId = "latest") -> bytes:
        return self._parsed("eth_getCode", hex_to_bytes, to_hex(address), _block_id(block))

    def transaction_count(self, address: bytes, block: BlockId = "pending") -> int:
        return self._parsed("eth_getTransactionCount", hex_to_int, to_hex(address), _block_id(block))

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
        return self._parsed("eth_call", hex_to_bytes, _call_object(sender, to, data, value, gas), _block_id(block))

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
        return self._parsed("eth_estimateGas", hex_to_int, _call_object(sender, to, data, value))

    # -- sending -------------------------------------------------------------------------

    def send_raw_transaction(self, raw: bytes) -> bytes:
        """Send a signed transaction; returns its hash. Sending one the node already
        has (or has mined) again is not an error."""
        tx_hash = _network_form_hash(raw)
        try:
            self.request("eth_sendRawTransaction", to_hex(raw))
        except L1Error as exc:
            if ALREADY_KNOWN not in str(exc) and not (
                _is_nonce_conflict(exc) and self.transaction(tx_hash) is not None
            ):
                raise
        return tx_hash

    def send_transaction(
        self,
        key: bytes,
        *,
        to: bytes | None,
        data: bytes = b"",
        value: int = 0,
        gas: int | None = None,
        nonce: int | None = None,
        max_fee_per_gas: int | None = None,
        max_priority_fee_per_gas: int | None = None,
        blobs: Sequence[bytes] = (),
    ) -> bytes:
        """Sign a transaction with ``key`` and send it; returns its hash.

        ``to=None`` creates a contract. Left out, ``gas`` is estimated (a revert
        shows here, as an ``L1Error`` with the reason), the fees follow the head,
        and the nonce is the client's count for the sender (see the module
        docstring); an explicit ``nonce`` (to replace a stuck transaction, say)
        bypasses the count. With ``blobs`` it is a blob transaction (pass
        ``gas``: a node estimates a call without its blobs).
        """
        sender = private_key_to_address(key)
        if gas is None:
            estimate = self.estimate_gas(sender, to, data, value)
            gas = estimate + estimate // GAS_MARGIN_DIVISOR
        tip = self.suggested_tip() if max_priority_fee_per_gas is None else max_priority_fee_per_gas
        fee_cap = 2 * self.head().base_fee + tip if max_fee_per_gas is None else max_fee_per_gas
        unsigned = FeeMarketTransaction(
            chain_id=self.chain_id(), nonce=0, max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap,
            gas=gas, to=to, value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
        )
        signer = _Signer(unsigned, key)
        if blobs:
            signer = self._blob_signer(unsigned, key, blobs)
        if nonce is not None:
            return self.send_raw_transaction(signer.signed(nonce))
        return self._send_counted(signer, sender)

    def _blob_signer(self, unsigned: FeeMarketTransaction, key: bytes, blobs: Sequence[bytes]) -> "_Signer":
        if unsigned.to is None:
            raise L1Error("a blob transaction cannot create a contract")
        sidecar = make_sidecar(list(blobs))
        tx = BlobTransaction(
            **{f.name: getattr(unsigned, f.name) for f in dataclasses.fields(unsigned)},
            max_fee_per_blob_gas=2 * self.blob_base_fee(),
            blob_versioned_hashes=tuple(versioned_hash(c) for c in sidecar.commitments),
        )
        return _Signer(tx, key, sidecar)

    def _send_counted(self, signer: "_Signer", sender: bytes) -> bytes:
        """Send with the sender's counted nonce, re-reading it once on a nonce conflict."""
        with self._nonce_lock:
            nonce = self._nonces.get(sender)
            if nonce is None:
                nonce = self.transaction_count(sender, "pending")
            try:
                tx_hash = self.send_raw_transaction(signer.signed(nonce))
            except L1Error as exc:
                if not _is_nonce_conflict(exc):
                    raise
                nonce = self.transaction_count(sender, "pending")
                tx_hash = self.send_raw_transaction(signer.signed(nonce))
            self._nonces[sender] = nonce + 1
            return tx_hash

    def forget_nonce(self, sender: bytes) -> None:
        """Re-read ``sender``'s nonce from the node before its next transaction."""
        with self._nonce_lock:
            self._nonces.pop(sender, None)

    def suggested_tip(self) -> int:
        return self._parsed("eth_maxPriorityFeePerGas", hex_to_int)

    def transact(
        self,
        key: bytes,
        *,
        to: bytes | None,
        data: bytes = b"",
        value: int = 0,
        gas: int | None = None,
        timeout: float = DEFAULT_RECEIPT_TIMEOUT,
    ) -> L1Receipt:
        """Send, wait for the receipt, and raise ``TransactionReverted`` if it failed."""
        return self.confirm(self.send_transaction(key, to=to, data=data, value=value, gas=gas), timeout)

    def confirm(self, tx_hash: bytes, timeout: float = DEFAULT_RECEIPT_TIMEOUT) -> L1Receipt:
        """Wait for ``tx_hash``'s receipt; ``TransactionReverted`` if the transaction failed."""
        receipt = self.wait_for_receipt(tx_hash, timeout)
        if not receipt.succeeded:
            raise TransactionReverted(receipt, self._revert_reason(tx_hash, receipt))
        return receipt

    def _revert_reason(self, tx_hash: bytes, receipt: L1Receipt) -> str | None:
        """Why a mined transaction failed: replayed with ``eth_call`` on its block."""
        tx = self.transaction(tx_hash)
        if tx is None:
            return None
        try:
            output = self.call(tx.to, tx.input, sender=tx.sender, value=tx.value, gas=tx.gas,
                               block=receipt.block_number)
        except L1Error as exc:
            return _reason_of(exc)
        return decode_revert_reason(output)


# --- helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signer:
    """An unsigned transaction and the key (and blobs) to send it with, at any nonce."""

    unsigned: FeeMarketTransaction | BlobTransaction
    key: bytes
    sidecar: BlobSidecar | None = None

    def signed(self, nonce: int) -> bytes:
        """The transaction with ``nonce``, signed, in its network form."""
        tx = sign_transaction(dataclasses.replace(self.unsigned, nonce=nonce), self.key, self.unsigned.chain_id)
        return encode_transaction(tx) if self.sidecar is None else encode_network_form(tx, self.sidecar)


def _network_form_hash(raw: bytes) -> bytes:
    """The hash of the transaction in ``raw`` (a blob transaction's blobs are not hashed)."""
    if raw[:1] == bytes((BlobTransaction.TYPE,)):
        return transaction_hash(decode_network_form(raw)[0])
    return keccak256(raw)


def _call_object(sender: bytes | None, to: bytes | None, data: bytes, value: int, gas: int | None = None) -> dict:
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


def _reason_of(error: L1Error) -> str:
    """The revert reason in a node's error: decoded from its data, or its message."""
    if isinstance(error.data, str):
        try:
            reason = decode_revert_reason(hex_to_bytes(error.data))
        except HexError:
            reason = None
        if reason is not None:
            return reason
    message = str(error).split(": ", 1)[-1]
    return message.removeprefix("execution reverted: ")
