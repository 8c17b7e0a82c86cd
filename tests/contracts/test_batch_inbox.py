"""
Batch inbox
===========

BatchInbox: the batcher appends calldata and blob batches, each kept with its
data hash, L1 block number and index; anyone else is turned away.
"""

from __future__ import annotations

import ckzg
import pytest
from anvil_chain import L1_CHAIN_ID, emitted, reverts
from web3 import Web3

from ovm.evm.kzg import versioned_hash
from ovm.evm.precompiles.point_evaluation import trusted_setup
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import BlobTransaction, encode_transaction
from ovm.primitives import rlp
from ovm.rollup.artifacts import load

CALLDATA, BLOBS = 0, 1
BLOB_SIZE = 4096 * 32


@pytest.fixture
def inbox(chain, roles):
    return chain.deploy(load("BatchInbox"), roles.batcher)


def blob_transaction(chain, inbox, blobs: list[bytes]) -> bytes:
    """appendBlobBatch() as a signed type-3 transaction from the batcher, in the network
    form that carries the blobs: 0x03 ‖ rlp([tx fields, blobs, commitments, proofs])."""
    setup = trusted_setup()
    commitments = [ckzg.blob_to_kzg_commitment(blob, setup) for blob in blobs]
    proofs = [ckzg.compute_blob_kzg_proof(blob, commitment, setup) for blob, commitment in zip(blobs, commitments)]
    batcher = inbox.functions.batcher().call()
    tx = BlobTransaction(
        chain_id=L1_CHAIN_ID, nonce=chain.w3.eth.get_transaction_count(batcher), max_priority_fee_per_gas=10**9,
        max_fee_per_gas=10**10, gas=300_000, to=bytes.fromhex(inbox.address[2:]), value=0,
        data=bytes.fromhex(inbox.encode_abi("appendBlobBatch", args=[])[2:]), access_list=(),
        max_fee_per_blob_gas=10**10, blob_versioned_hashes=tuple(map(versioned_hash, commitments)),
        y_parity=0, r=0, s=0,
    )
    signed = sign_transaction(tx, chain.private_key(batcher), L1_CHAIN_ID)
    fields = rlp.decode(encode_transaction(signed)[1:])
    return bytes((BlobTransaction.TYPE,)) + rlp.encode([fields, blobs, commitments, proofs])


def test_batcher_appends_calldata_batches(chain, inbox, roles):
    first = b"\x01" * 300
    second = bytes(range(256)) * 8
    receipts = [chain.transact(inbox.functions.appendBatch(data), sender=roles.batcher) for data in (first, second)]

    assert inbox.functions.batchCount().call() == 2
    for index, (data, receipt) in enumerate(zip((first, second), receipts)):
        data_hash, l1_block, kind = inbox.functions.getBatch(index).call()
        assert data_hash == Web3.keccak(data)
        assert l1_block == receipt.blockNumber
        assert kind == CALLDATA
        (event,) = emitted(inbox, "BatchAppended", receipt)
        assert (event.args.index, event.args.dataHash, event.args.kind) == (index, Web3.keccak(data), CALLDATA)


def test_batch_data_is_read_back_from_the_transaction(chain, inbox, roles):
    """Derivation's way: the emitting transaction's input decodes to the batch."""
    data = b"frame" * 100
    receipt = chain.transact(inbox.functions.appendBatch(data), sender=roles.batcher)
    tx = chain.w3.eth.get_transaction(receipt.transactionHash)
    _, args = inbox.decode_function_input(tx.input)
    assert args["data"] == data
    (event,) = emitted(inbox, "BatchAppended", receipt)
    assert Web3.keccak(args["data"]) == event.args.dataHash


@pytest.mark.parametrize("who", ["deployer", "alice", "proposer"])
def test_only_the_batcher_may_append(inbox, roles, who):
    with reverts("BatchInbox: only the batcher"):
        inbox.functions.appendBatch(b"\x01").transact({"from": getattr(roles, who)})
    with reverts("BatchInbox: only the batcher"):
        inbox.functions.appendBlobBatch().transact({"from": getattr(roles, who)})


def test_empty_batch_is_rejected(inbox, roles):
    with reverts("BatchInbox: empty batch"):
        inbox.functions.appendBatch(b"").transact({"from": roles.batcher})


def test_blob_batch_records_the_versioned_hashes(chain, inbox):
    blobs = [bytes([0, 1, 2]) + bytes(BLOB_SIZE - 3), bytes([0, 9]) + bytes(BLOB_SIZE - 2)]
    tx_hash = chain.w3.eth.send_raw_transaction(blob_transaction(chain, inbox, blobs))
    receipt = chain.w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt.status == 1

    versioned_hashes = chain.w3.eth.get_transaction(receipt.transactionHash).blobVersionedHashes
    assert len(versioned_hashes) == 2
    data_hash, l1_block, kind = inbox.functions.getBatch(0).call()
    assert data_hash == Web3.keccak(b"".join(versioned_hashes))
    assert (l1_block, kind) == (receipt.blockNumber, BLOBS)
    (event,) = emitted(inbox, "BatchAppended", receipt)
    assert (event.args.index, event.args.dataHash, event.args.kind) == (0, data_hash, BLOBS)


def test_blob_batch_without_blobs_is_rejected(inbox, roles):
    with reverts("BatchInbox: no blobs"):
        inbox.functions.appendBlobBatch().transact({"from": roles.batcher})


def test_unknown_batch_index_reverts(inbox):
    with reverts("BatchInbox: unknown batch"):
        inbox.functions.getBatch(0).call()
