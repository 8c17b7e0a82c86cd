"""
The parts of the commitment taken from outside the frame
========================================================

How the block, the transaction, the substate and the top frame's calldata
of an ``ovm.evm`` execution become the records of ``ovm.fraud.commitment``:

- ``block_context``: the block's values (``BlockEnv``) with its parent hash,
  the hash of its other header inputs and the ring of its last 256 block
  hashes (``recent_hashes``);
- ``tx_context`` and ``transaction_bytes``: the transaction as the block
  carries it (its EIP-2718 encoding, whose keccak256 is its hash); the top
  frame's calldata is a view into those bytes, the ``data`` field's payload,
  so starting a transaction copies nothing;
- ``substate_of``: the world state root (with the transaction's changes so
  far) and the transaction's sets as secure-key MPT roots.
"""

from __future__ import annotations

import dataclasses

from ..evm.environment import BlockEnv
from ..evm.processor import DepositExecution, Execution
from ..evm.transactions import Transaction, encode_transaction
from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..state import Log, State
from ..trie import EMPTY_TRIE_ROOT, trie_root
from .commitment import BLOCK_HASHES_DEPTH, BlockContext, ByteView, Substate, TxContext, log_head, log_leaf
from .merkle import ZERO_WORD, WordTree

PRESENT = b"\x01"


class UnsupportedStep(Exception):
    """The step machine cannot express this step yet (a later slice will)."""


def recent_hashes(env: BlockEnv) -> WordTree:
    """The ring BLOCKHASH opens: leaf ``n % 256`` holds the hash of block ``n``
    for each of the 256 blocks before ``env.number`` (zeros before block 0).
    A ring, so that the block-start step can derive it from the parent's by
    one leaf (the parent's hash at ``(number - 1) % 256``)."""
    return WordTree.of_leaves(((n % 256, env.block_hash(n)) for n in range(max(env.number - 256, 0), env.number)),
                              depth=BLOCK_HASHES_DEPTH)


def transaction_list(encodings: list[bytes]) -> WordTree:
    """The block's transactions as ``BlockContext.transactions`` holds them:
    leaf ``i`` the ``ByteView`` hash of transaction ``i``'s EIP-2718 encoding
    (its word tree at offset 0, its length)."""
    return WordTree.of_leaves((i, ByteView(WordTree.of_bytes(e).root, 0, len(e)).hash())
                              for i, e in enumerate(encodings))


def block_context(env: BlockEnv, parent_hash: bytes = ZERO_WORD, header: bytes = ZERO_WORD,
                  transactions: list[bytes] | None = None) -> BlockContext:
    """``transactions``: the block's transactions' encodings (none: the
    fields are zero, for a transaction traced outside a block)."""
    return BlockContext(
        chain_id=env.chain_id,
        coinbase=env.coinbase,
        number=env.number,
        timestamp=env.timestamp,
        gas_limit=env.gas_limit,
        base_fee=env.base_fee,
        prev_randao=env.prev_randao,
        blob_base_fee=env.blob_base_fee,
        parent_hash=parent_hash,
        header=header,
        block_hashes=recent_hashes(env).root,
        transactions=transaction_list(transactions).root if transactions else ZERO_WORD,
        tx_count=len(transactions) if transactions else 0,
    )


def tx_context(execution: Execution, original_state_root: bytes) -> TxContext:
    """The transaction's record once ``execution`` has begun (``original_state_root``: the state before it)."""
    tx = execution.tx
    encoded = encode_transaction(tx)
    return TxContext(
        origin=execution.sender,
        gas_price=execution.gas_price,
        blob_hashes=TxContext.blob_hashes_commitment(tuple(getattr(tx, "blob_versioned_hashes", ()))),
        original_state_root=original_state_root,
        tx_hash=keccak256(encoded),
        gas_limit=tx.gas,
        kind=type(tx).TYPE,
        nonce=execution.deposit_nonce if isinstance(execution, DepositExecution) else tx.nonce,
        tx_bytes=WordTree.of_bytes(encoded).root,
        tx_size=len(encoded),
        floor_gas=execution.floor_gas,
    )


def _item_spans(encoded: bytes) -> list[tuple[int, int]]:
    """``(payload offset, payload length)`` of each item of the RLP list ``encoded``."""

    def header(pos: int) -> tuple[int, int, bool]:
        prefix = encoded[pos]
        if prefix < 0x80:
            return pos, 1, False
        if prefix < 0xB8:
            return pos + 1, prefix - 0x80, False
        if prefix < 0xC0:
            size = prefix - 0xB7
            return pos + 1 + size, int.from_bytes(encoded[pos + 1:pos + 1 + size], "big"), False
        if prefix < 0xF8:
            return pos + 1, prefix - 0xC0, True
        size = prefix - 0xF7
        return pos + 1 + size, int.from_bytes(encoded[pos + 1:pos + 1 + size], "big"), True

    start, length, is_list = header(0)
    if not is_list:
        raise ValueError("not an RLP list")
    spans, pos = [], start
    while pos < start + length:
        payload, size, _ = header(pos)
        spans.append((payload, size))
        pos = payload + size
    return spans


def transaction_bytes(tx: Transaction) -> tuple[bytes, ByteView]:
    """The transaction's encoding and the view of its ``data`` inside it (the
    top frame's calldata; empty for a creation, whose data is its code)."""
    encoded = encode_transaction(tx)
    if tx.to is None or not tx.data:
        return encoded, ByteView(ZERO_WORD, 0, 0)
    typed = encoded[0] < 0xC0
    names = [f.name for f in dataclasses.fields(tx)]
    payload, size = _item_spans(encoded[1:] if typed else encoded)[names.index("data")]
    offset = payload + (1 if typed else 0)
    if encoded[offset:offset + size] != tx.data:
        raise AssertionError("the data field is not where the encoding has it")
    return encoded, ByteView(WordTree.of_bytes(encoded).root, offset, size)


def _set_root(addresses) -> bytes:
    return trie_root({address: PRESENT for address in addresses}, secure=True) if addresses else EMPTY_TRIE_ROOT


def log_record_leaf(log: Log) -> bytes:
    """The leaf of ``log`` in the substate's log tree (``commitment.log_leaf``)."""
    return log_leaf(log_head(log.address, log.topics), WordTree.of_bytes(log.data).root, len(log.data))


def log_tree(logs: list[Log]) -> WordTree:
    """The substate's log tree: leaf ``i`` the leaf of log ``i``."""
    return WordTree.of_leaves((i, log_record_leaf(log)) for i, log in enumerate(logs))


def substate_of(state: State) -> Substate:
    """The substate of ``state`` as the commitment holds it."""
    return Substate(
        state_root=state.state_root(),
        transient=trie_root(
            {address + key.to_bytes(32, "big"): rlp.encode(rlp.int_to_be(value))
             for (address, key), value in state.transient.items()},
            secure=True,
        ),
        warm_addresses=_set_root(state.warm_addresses),
        warm_slots=trie_root({address + key.to_bytes(32, "big"): PRESENT for address, key in state.warm_slots},
                             secure=True),
        created=_set_root(state.created),
        destructed=_set_root(state.selfdestructed),
        touched=_set_root(state.touched),
        logs=log_tree(state.logs).root,
        log_count=len(state.logs),
        refund=state.refund,
    )
