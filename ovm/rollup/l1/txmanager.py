"""
L1 transaction manager
======================

How the rollup's services send transactions to L1 (``client.txs``, one per
``L1Client``):

- **Signing.** EIP-1559 transactions built and signed here with
  ``ovm.evm.transactions`` from a private key the caller passes in, so the
  node needs no unlocked accounts. The fee cap is twice the head's base fee
  plus the node's suggested tip (ethers' rule), the gas the node's estimate
  plus a fifth. ``transact`` sends and waits for the receipt and raises
  ``TransactionReverted`` with the revert reason when the transaction failed.
- **Blobs.** Given ``blobs``, the transaction is an EIP-4844 one, sent in its
  network form with the blobs, commitments and proofs beside it (wrapper
  version 0, which anvil takes under every fork), its blob fee cap twice the
  node's ``eth_blobBaseFee``.
- **Nonces.** The manager counts each sender's nonce itself (from the node's
  ``pending`` count the first time), so several transactions can be sent
  before any is mined. When the node answers "nonce too low" or "replacement
  transaction underpriced" (another transaction from the same key got in
  first), it re-reads the count and signs again, once. ``forget_nonce``
  makes it re-read after a transaction was dropped.
- **Resending.** Resending a raw transaction is harmless, because a node that
  already has it answers "already known" (anvil: "transaction already
  imported"; "nonce too low" once it is mined), and each counts as sent when
  the transaction is there.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ...evm.blobs import BlobSidecar, decode_network_form, encode_network_form, make_sidecar
from ...evm.kzg import versioned_hash
from ...evm.signing import sign_transaction
from ...evm.transactions import (
    BlobTransaction,
    FeeMarketTransaction,
    encode_transaction,
    transaction_hash,
)
from ...node.errors import decode_revert_reason
from ...primitives.crypto import keccak256, private_key_to_address
from ...primitives.types import HexError, hex_to_bytes, to_hex
from .data import L1Error, L1Receipt

if TYPE_CHECKING:
    from .client import L1Client

DEFAULT_RECEIPT_TIMEOUT = 120.0
GAS_MARGIN_DIVISOR = 5  # gas = estimate + estimate / 5

NONCE_CONFLICTS = ("nonce too low", "replacement transaction underpriced")
ALREADY_KNOWN = ("already known", "already imported")  # geth's and ours; anvil's once it has the transaction


class TransactionReverted(L1Error):
    """A mined transaction failed (status 0); ``reason`` is the revert reason, if any."""

    def __init__(self, receipt: "L1Receipt", reason: str | None) -> None:
        detail = reason or "no reason given"
        super().__init__(f"transaction {to_hex(receipt.transaction_hash)} reverted: {detail}")
        self.receipt = receipt
        self.reason = reason


def _is_nonce_conflict(error: L1Error) -> bool:
    return any(phrase in str(error) for phrase in NONCE_CONFLICTS)


class TxManager:
    """Signs and sends transactions through ``client`` (see the module docstring)."""

    def __init__(self, client: "L1Client") -> None:
        self.client = client
        self._nonces: dict[bytes, int] = {}
        self._nonce_lock = threading.Lock()

    # -- sending -------------------------------------------------------------------------

    def send_raw_transaction(self, raw: bytes) -> bytes:
        """Send a signed transaction; returns its hash. Sending one the node already
        has (or has mined) again is not an error."""
        tx_hash = _network_form_hash(raw)
        try:
            self.client.request("eth_sendRawTransaction", to_hex(raw))
        except L1Error as exc:
            if not any(words in str(exc) for words in ALREADY_KNOWN) and not (
                _is_nonce_conflict(exc) and self.client.transaction(tx_hash) is not None
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
        and the nonce is the manager's count for the sender (see the module
        docstring); an explicit ``nonce`` (to replace a stuck transaction, say)
        bypasses the count. With ``blobs`` it is a blob transaction (pass
        ``gas``: a node estimates a call without its blobs).
        """
        sender = private_key_to_address(key)
        if gas is None:
            estimate = self.client.estimate_gas(sender, to, data, value)
            gas = estimate + estimate // GAS_MARGIN_DIVISOR
        tip = self.client.suggested_tip() if max_priority_fee_per_gas is None else max_priority_fee_per_gas
        fee_cap = 2 * self.client.head().base_fee + tip if max_fee_per_gas is None else max_fee_per_gas
        unsigned = FeeMarketTransaction(
            chain_id=self.client.chain_id(), nonce=0, max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap,
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
            max_fee_per_blob_gas=2 * self.client.blob_base_fee(),
            blob_versioned_hashes=tuple(versioned_hash(c) for c in sidecar.commitments),
        )
        return _Signer(tx, key, sidecar)

    def _send_counted(self, signer: "_Signer", sender: bytes) -> bytes:
        """Send with the sender's counted nonce, re-reading it once on a nonce conflict."""
        with self._nonce_lock:
            nonce = self._nonces.get(sender)
            if nonce is None:
                nonce = self.client.transaction_count(sender, "pending")
            try:
                tx_hash = self.send_raw_transaction(signer.signed(nonce))
            except L1Error as exc:
                if not _is_nonce_conflict(exc):
                    raise
                nonce = self.client.transaction_count(sender, "pending")
                tx_hash = self.send_raw_transaction(signer.signed(nonce))
            self._nonces[sender] = nonce + 1
            return tx_hash

    def forget_nonce(self, sender: bytes) -> None:
        """Re-read ``sender``'s nonce from the node before its next transaction."""
        with self._nonce_lock:
            self._nonces.pop(sender, None)

    # -- receipts ------------------------------------------------------------------------

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
        receipt = self.client.wait_for_receipt(tx_hash, timeout)
        if not receipt.succeeded:
            raise TransactionReverted(receipt, self._revert_reason(tx_hash, receipt))
        return receipt

    def _revert_reason(self, tx_hash: bytes, receipt: L1Receipt) -> str | None:
        """Why a mined transaction failed: replayed with ``eth_call`` on its block."""
        tx = self.client.transaction(tx_hash)
        if tx is None:
            return None
        try:
            output = self.client.call(tx.to, tx.input, sender=tx.sender, value=tx.value, gas=tx.gas,
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
