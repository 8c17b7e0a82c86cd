"""
The ``eth`` namespace
=====================

Ethereum's standard methods over the node's ``Blockchain``, mempool and
sequencer. ``pending`` names the head block (``pending`` nonces count the
mempool); so do ``safe`` and ``finalized`` (blocks are final once sealed),
except on a rollup node, whose ``Blockchain.label_blocks`` says which.
State at an older block is rebuilt from the store's undo records (slow, but
exact). ``eth_call`` and ``eth_estimateGas`` run with a gas cap
(``RpcLimits.call_gas_cap``), and answer a revert with code 3 and the revert
data; ``eth_createAccessList`` (``access_list``) runs with the same cap and
answers a failure in its ``error`` field, as geth does. Transactions the node
refuses are answered -32000 with the admission message verbatim, as geth
words it. Blob fees follow each block's fork (``eth_blobBaseFee`` is the next
block's; ``eth_feeHistory`` gives ``baseFeePerBlobGas`` and
``blobGasUsedRatio`` as geth does), and ``eth_config`` reports the forks
(EIP-7910, ``fork_config``).

``eth_sign``, ``eth_signTypedData_v4`` and ``eth_signTransaction`` sign with
the unlocked dev accounts (``signing``). ``eth_sendTransaction`` signs for
them too (they are unlocked, as on anvil and Hardhat), or marks the
transaction of an impersonated account (``dev``), filling what the request
leaves out as geth does: the pending nonce, an estimated gas limit, and fees
of ``2 × base fee + tip`` with the tip ``eth_maxPriorityFeePerGas`` suggests
(``fees``: from recent blocks' tips, as geth's oracle); a legacy transaction
when only ``gasPrice`` is given.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from typing import Iterator

from ...chain import Block, Receipt
from ...evm.exceptions import Revert
from ...evm.observer import ExecutionAborted
from ...evm.signing import impersonation_signed, sign_transaction
from ...evm.transactions import (
    AccessListTransaction,
    DepositTransaction,
    FeeMarketTransaction,
    InvalidTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    Transaction,
    encode_transaction,
)
from ...safety import AdmissionError
from ...state import State
from ..call import CallRequest, InvalidOverride
from ..chain import Blockchain
from ..errors import ChainError, ExecutionReverted, GasEstimationError
from .access_list import create_access_list
from .context import NodeContext
from .errors import InvalidParams, ResourceNotFound, ServerError, error_message, reverted
from .fees import TipOracle, fee_history
from .filters import Filters, Subscriptions, query_logs
from .fork_config import eth_config
from .formatting import block_json, data, quantity, receipt_json, transaction_json
from .params import (
    Address,
    BlockId,
    BlockNumberOrTag,
    Bool,
    Call,
    CallObject,
    Data,
    Filter,
    Hash,
    Id,
    Json,
    Slot,
    Slots,
    StateOverrides,
    Text,
    Uint64,
)
from .server import Connection, RpcLimits
from .signing import key_of, message_bytes, personal_message_hash, signature, typed_data_hash



class Eth:
    namespace = "eth"

    def __init__(self, ctx: NodeContext, limits: RpcLimits = RpcLimits()) -> None:
        self._ctx = ctx
        self._chain = ctx.chain
        self._limits = limits
        self._filters = Filters(ctx, limits)
        self._subscriptions = Subscriptions(ctx, limits)
        self._tips = TipOracle(ctx.chain)

    # -- chain ------------------------------------------------------------------------

    def config(self) -> dict:
        """EIP-7910: the head's fork, the next and the last scheduled (``fork_config``)."""
        with self._chain.lock:
            return eth_config(self._chain)

    def chainId(self) -> str:
        return quantity(self._chain.chain_id)

    def blockNumber(self) -> str:
        return quantity(self._chain.head.number)

    def syncing(self) -> bool:
        return False

    def accounts(self) -> list[str]:
        """The unlocked dev accounts, then the impersonated ones (as anvil lists them)."""
        unlocked = [account.address for account in self._ctx.dev_accounts]
        impersonated = sorted(self._ctx.mempool.impersonating - set(unlocked))
        return [data(address) for address in unlocked + impersonated]

    def coinbase(self) -> str:
        return data(self._chain.config.fee_recipient)

    def mining(self) -> bool:
        return False

    # -- blocks -----------------------------------------------------------------------

    def getBlockByNumber(self, block: BlockNumberOrTag, full: Bool = False) -> dict | None:
        return self._block_json(find_block(self._chain, block), full)

    def getBlockByHash(self, block_hash: Hash, full: Bool = False) -> dict | None:
        return self._block_json(self._chain.block(block_hash), full)

    def _block_json(self, block: Block | None, full: bool) -> dict | None:
        if block is None:
            return None
        has_deposits = any(isinstance(tx, DepositTransaction) for tx in block.transactions)
        receipts = self._receipts(block) if full and has_deposits else None
        return block_json(block, full, receipts)

    def _receipts(self, block: Block) -> list[Receipt]:
        return [record.receipt for record in self._chain.block_receipts(block.hash) or []]

    def getBlockTransactionCountByNumber(self, block: BlockNumberOrTag) -> str | None:
        found = find_block(self._chain, block)
        return None if found is None else quantity(len(found.transactions))

    def getBlockTransactionCountByHash(self, block_hash: Hash) -> str | None:
        found = self._chain.block(block_hash)
        return None if found is None else quantity(len(found.transactions))

    def getUncleCountByBlockNumber(self, block: BlockNumberOrTag) -> str | None:
        return None if find_block(self._chain, block) is None else "0x0"

    def getUncleCountByBlockHash(self, block_hash: Hash) -> str | None:
        return None if self._chain.block(block_hash) is None else "0x0"

    def getUncleByBlockNumberAndIndex(self, block: BlockNumberOrTag, index: Uint64) -> None:
        return None

    def getUncleByBlockHashAndIndex(self, block_hash: Hash, index: Uint64) -> None:
        return None

    # -- state ------------------------------------------------------------------------

    def _state(self, ref: str | int | bytes) -> State:
        """The state after the given block."""
        number = existing_block(self._chain, ref).number
        if number == self._chain.head.number:
            return self._chain.state
        return self._chain.state_before(number + 1, 0)

    def getBalance(self, address: Address, block: BlockId = "latest") -> str:
        return quantity(self._state(block).get_balance(address))

    def getTransactionCount(self, address: Address, block: BlockId = "latest") -> str:
        if block == "pending":
            return quantity(self._ctx.mempool.pending_nonce(address))
        return quantity(self._state(block).get_nonce(address))

    def getCode(self, address: Address, block: BlockId = "latest") -> str:
        return data(self._state(block).get_code(address))

    def getStorageAt(self, address: Address, slot: Slot, block: BlockId = "latest") -> str:
        return data(self._state(block).get_storage(address, slot).to_bytes(32, "big"))

    def getProof(self, address: Address, slots: Slots, block: BlockId = "latest") -> dict:
        number = existing_block(self._chain, block).number
        with chain_errors():
            proof = self._chain.account_proof(address, slots, number)
        return {
            "address": data(proof.address),
            "balance": quantity(proof.balance),
            "nonce": quantity(proof.nonce),
            "codeHash": data(proof.code_hash),
            "storageHash": data(proof.storage_hash),
            "accountProof": [data(node) for node in proof.account_proof],
            "storageProof": [
                {"key": quantity(item.key), "value": quantity(item.value),
                 "proof": [data(node) for node in item.proof]}
                for item in proof.storage_proof
            ],
        }

    # -- calls ------------------------------------------------------------------------

    def _request(self, call: CallObject) -> CallRequest:
        return call_request(call, self._limits.call_gas_cap)

    def call(self, call: Call, block: BlockId = "latest", overrides: StateOverrides = None) -> str:
        number = existing_block(self._chain, block).number
        with chain_errors():
            result = self._chain.call(self._request(call), number, overrides)
        if result.success:
            return data(result.output)
        if isinstance(result.error, Revert):
            raise reverted(ExecutionReverted(result.output))
        raise ServerError(error_message(result.error))

    def estimateGas(self, call: Call, block: BlockId = "latest", overrides: StateOverrides = None) -> str:
        number = existing_block(self._chain, block).number
        with chain_errors():
            try:
                return quantity(self._chain.estimate_gas(self._request(call), overrides, number))
            except GasEstimationError as failure:
                if failure.error is not None:
                    raise ServerError(error_message(failure.error)) from None
                raise

    def createAccessList(self, call: Call, block: BlockId = "latest") -> dict:
        """geth's answer: the slots and addresses the call touches, and its gas with them (``access_list``)."""
        found = existing_block(self._chain, block)
        number = found.number
        # the call runs under the fork of the block it runs on (``Blockchain._call_setting``)
        precompiles = set(self._chain.fork_at(found.header.timestamp).fork.precompiles)
        with chain_errors():
            try:
                return create_access_list(self._request(call),
                                          lambda request, finish: self._chain.trace_call(request, number, None, finish),
                                          precompiles, self._limits.trace_timeout)  # fmt: skip
            except ExecutionAborted as exc:
                raise ServerError(str(exc)) from None

    # -- fees -------------------------------------------------------------------------

    def gasPrice(self) -> str:
        return quantity(self._chain.next_base_fee() + self._tips.suggest())

    def maxPriorityFeePerGas(self) -> str:
        return quantity(self._tips.suggest())

    def blobBaseFee(self) -> str:
        return quantity(self._chain.next_blob_base_fee())

    def feeHistory(self, block_count: Uint64, newest: BlockNumberOrTag, percentiles: Json = None) -> dict:
        last = min(block_number(self._chain, newest), self._chain.head.number)
        return fee_history(self._chain, block_count, last, percentiles)

    # -- transactions -----------------------------------------------------------------

    async def sendRawTransaction(self, raw: Data) -> str:
        return await self._submit(raw)

    async def _submit(self, tx_or_raw: bytes | Transaction) -> str:
        try:
            tx_hash = self._ctx.sequencer.submit(tx_or_raw)
            if inspect.isawaitable(tx_hash):
                tx_hash = await tx_hash
        except (AdmissionError, InvalidTransaction) as exc:
            raise ServerError(str(exc)) from None
        return data(tx_hash)

    async def sendTransaction(self, call: Call) -> str:
        return await self._submit(self._signed(call, impersonated=True))

    def _signed(self, call: CallObject, impersonated: bool = False) -> Transaction:
        """The filled transaction, signed by an unlocked account or, with
        ``impersonated``, marked as an impersonated account's (``anvil``)."""
        if call.sender is None:
            raise InvalidParams('invalid argument 0 (call): "from" is required')
        unlocked = any(account.address == call.sender for account in self._ctx.dev_accounts)
        if impersonated and not unlocked and call.sender in self._ctx.mempool.impersonating:
            return impersonation_signed(self._fill(call), call.sender, self._chain.chain_id)
        key = key_of(self._ctx.dev_accounts, call.sender)
        return sign_transaction(self._fill(call), key, self._chain.chain_id)

    # -- signing with the unlocked accounts (``signing``) -----------------------------

    def sign(self, address: Address, message: Json) -> str:
        key = key_of(self._ctx.dev_accounts, address)
        return signature(personal_message_hash(message_bytes(message, "1 (data)")), key)

    def signTypedData_v4(self, address: Address, typed_data: Json) -> str:
        key = key_of(self._ctx.dev_accounts, address)
        return signature(typed_data_hash(typed_data), key)

    def signTransaction(self, call: Call) -> str:
        return data(encode_transaction(self._signed(call)))

    def _fill(self, call: CallObject) -> Transaction:
        """The transaction geth would make of ``call``."""
        if call.blob_versioned_hashes:
            raise ServerError("eth_sendTransaction cannot send blobs: sign the blob transaction "
                              "and send it with its sidecar through eth_sendRawTransaction")
        if call.chain_id is not None and call.chain_id != self._chain.chain_id:
            raise ServerError(f"chainId does not match node's (have={call.chain_id}, want={self._chain.chain_id})")
        nonce = self._ctx.mempool.pending_nonce(call.sender) if call.nonce is None else call.nonce
        gas = call.gas
        if gas is None:
            with chain_errors():
                gas = self._chain.estimate_gas(self._request(call))
        common = dict(nonce=nonce, gas=gas, to=call.to, value=call.value or 0, data=call.data or b"")
        if call.authorization_list is not None:
            return self._set_code_transaction(call, common)
        if call.gas_price is not None and call.access_list is None:
            return LegacyTransaction(gas_price=call.gas_price, v=0, r=0, s=0, **common)
        if call.gas_price is not None:
            return AccessListTransaction(chain_id=self._chain.chain_id, gas_price=call.gas_price,
                                         access_list=call.access_list, y_parity=0, r=0, s=0, **common)
        tip, fee_cap = self._fees(call)
        return FeeMarketTransaction(
            chain_id=self._chain.chain_id, max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap,
            access_list=call.access_list or (), y_parity=0, r=0, s=0, **common,
        )  # fmt: skip

    def _set_code_transaction(self, call: CallObject, common: dict) -> SetCodeTransaction:
        """geth's type-4 transaction for a call object with an ``authorizationList``."""
        if call.gas_price is not None:
            raise ServerError("both gasPrice and authorizationList specified")
        if call.to is None:
            raise ServerError('authorizationList provided for contract creation, but "to" field is missing')
        tip, fee_cap = self._fees(call)
        return SetCodeTransaction(
            chain_id=self._chain.chain_id, max_priority_fee_per_gas=tip, max_fee_per_gas=fee_cap,
            access_list=call.access_list or (), authorization_list=call.authorization_list,
            y_parity=0, r=0, s=0, **common,
        )  # fmt: skip

    def _fees(self, call: CallObject) -> tuple[int, int]:
        """The tip and fee cap of a call object, defaulted as geth does."""
        tip = self._tips.suggest() if call.max_priority_fee_per_gas is None else call.max_priority_fee_per_gas
        fee_cap = call.max_fee_per_gas
        if fee_cap is None:
            fee_cap = 2 * self._chain.next_base_fee() + tip
        return tip, fee_cap

    def getTransactionByHash(self, tx_hash: Hash) -> dict | None:
        location = self._chain.transaction(tx_hash)
        if location is not None:
            return self._transaction_at(self._chain.block(location.block_hash), location.index)
        pooled = self._ctx.mempool.get(tx_hash)
        return None if pooled is None else transaction_json(pooled.tx)

    def _transaction_at(self, block: Block | None, index: int) -> dict | None:
        if block is None or index >= len(block.transactions):
            return None
        header, tx = block.header, block.transactions[index]
        receipt = self._receipts(block)[index] if isinstance(tx, DepositTransaction) else None
        return transaction_json(tx, block.hash, header.number, index, header.base_fee_per_gas,
                                receipt)  # fmt: skip

    def getTransactionByBlockHashAndIndex(self, block_hash: Hash, index: Uint64) -> dict | None:
        return self._transaction_at(self._chain.block(block_hash), index)

    def getTransactionByBlockNumberAndIndex(self, block: BlockNumberOrTag, index: Uint64) -> dict | None:
        return self._transaction_at(find_block(self._chain, block), index)

    def getRawTransactionByHash(self, tx_hash: Hash) -> str | None:
        location = self._chain.transaction(tx_hash)
        return None if location is None else data(encode_transaction(location.tx))

    def getTransactionReceipt(self, tx_hash: Hash) -> dict | None:
        record = self._chain.receipt(tx_hash)
        return None if record is None else receipt_json(record)

    def getBlockReceipts(self, block: BlockId) -> list[dict] | None:
        found = find_block(self._chain, block)
        if found is None:
            return None
        return [receipt_json(record) for record in self._chain.block_receipts(found.hash) or []]

    # -- logs and filters -------------------------------------------------------------

    def getLogs(self, flt: Filter) -> list[dict]:
        with chain_errors():
            return query_logs(self._ctx, flt, self._limits)

    def newFilter(self, flt: Filter) -> str:
        with chain_errors():
            return self._filters.new_log_filter(flt)

    def newBlockFilter(self) -> str:
        return self._filters.new_block_filter()

    def newPendingTransactionFilter(self) -> str:
        return self._filters.new_pending_filter()

    def getFilterChanges(self, filter_id: Id) -> list:
        return self._filters.changes(filter_id)

    def getFilterLogs(self, filter_id: Id) -> list[dict]:
        return self._filters.logs(filter_id)

    def uninstallFilter(self, filter_id: Id) -> bool:
        return self._filters.uninstall(filter_id)

    def subscribe(self, kind: Text, options: Json = None, *, connection: Connection | None = None) -> str:
        if connection is None:
            raise ServerError("notifications not supported: subscribe over a WebSocket", code=-32601)
        return self._subscriptions.subscribe(connection, kind, options)

    def unsubscribe(self, subscription_id: Id, *, connection: Connection | None = None) -> bool:
        if connection is None:
            raise ServerError("notifications not supported: subscribe over a WebSocket", code=-32601)
        return self._subscriptions.unsubscribe(connection, subscription_id)


# --- helpers ---------------------------------------------------------------------------


def block_number(chain: Blockchain, block: str | int) -> int:
    try:
        return chain.resolve_block_tag(block)
    except ValueError as exc:
        raise InvalidParams(str(exc)) from None


def find_block(chain: Blockchain, ref: str | int | bytes) -> Block | None:
    """The block a tag, number or hash names, if there is one."""
    if isinstance(ref, bytes):
        return chain.block(ref)
    return chain.block(block_number(chain, ref))


def existing_block(chain: Blockchain, ref: str | int | bytes) -> Block:
    """The block a tag, number or hash names; -32001 if there is none."""
    block = find_block(chain, ref)
    if block is None:
        what = f"0x{ref.hex()}" if isinstance(ref, bytes) else str(ref)
        raise ResourceNotFound(f"block {what} not found")
    return block


def call_request(call: CallObject, gas_cap: int) -> CallRequest:
    """The chain's request for a call object, its gas capped at ``gas_cap``."""
    fields = dict(
        to=call.to, gas=gas_cap if call.gas is None else min(call.gas, gas_cap),
        gas_price=call.gas_price, max_fee=call.max_fee_per_gas,
        max_priority_fee=call.max_priority_fee_per_gas, value=call.value or 0,
        data=call.data or b"", access_list=call.access_list or (),
        blob_versioned_hashes=call.blob_versioned_hashes or (), max_fee_per_blob_gas=call.max_fee_per_blob_gas,
        authorization_list=call.authorization_list,
    )  # fmt: skip
    if call.sender is not None:
        fields["sender"] = call.sender
    return CallRequest(**fields)


@contextmanager
def chain_errors() -> Iterator[None]:
    """Turn the chain's refusals into RPC errors: a revert is code 3 with its
    data, anything else the chain refuses -32000 with the chain's message."""
    try:
        yield
    except ExecutionReverted as error:
        raise reverted(error) from None
    except (InvalidTransaction, GasEstimationError, ChainError, InvalidOverride) as error:
        raise ServerError(str(error)) from None
