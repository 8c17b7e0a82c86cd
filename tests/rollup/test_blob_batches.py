"""Blob batches on real L1s (anvil and the embedded L1): a blob transaction's
blobs read back, the inbox records and announces a blob batch, the reader gets
the batch from calldata or blobs, and blobs that are not the committed ones stop
the reader. Foundry's cast sends blobs to either L1 (an EIP-7594 sidecar with
cell proofs), and ``eth_call`` shows a call's blob hashes to BLOBHASH."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import REPO

from ovm.evm.blobs import blob_commitment
from ovm.evm.kzg import versioned_hash
from ovm.primitives.types import to_hex

from ovm.rollup.artifacts import load
from ovm.rollup.batcher import BLOB_BATCH_GAS
from ovm.rollup.blob_data import from_blobs, to_blobs
from ovm.rollup.inbox import BLOBS, CALLDATA, batch_data
from ovm.rollup.l1 import L1Client, L1Error, TransactionReverted, deploy

BATCH = bytes(range(256)) * 600  # 153,600 bytes: two blobs


@pytest.fixture
def inbox(client, roles):
    return deploy(client, roles.deployer.private_key, load("BatchInbox"), roles.batcher.address)


def test_a_blob_transaction_reads_back(client, roles):
    assert client.serves_blobs()
    blobs = to_blobs(BATCH)
    tx_hash = client.txs.send_transaction(roles.alice.private_key, to=roles.bob.address, gas=21000, blobs=blobs)
    assert client.txs.confirm(tx_hash).succeeded
    tx = client.transaction(tx_hash)
    assert tx.type == 3 and len(tx.blob_versioned_hashes) == 2
    assert client.blobs(tx_hash) == blobs and from_blobs(client.blobs(tx_hash)) == BATCH
    assert client.blobs(bytes(32)) is None


def test_the_inbox_takes_blob_and_calldata_batches(client, roles, inbox):
    key = roles.batcher.private_key
    blob_receipt = client.txs.confirm(inbox.send(key, "appendBlobBatch", gas=BLOB_BATCH_GAS, blobs=to_blobs(BATCH)))
    call_receipt = inbox.transact(key, "appendBatch", b"calldata batch")
    assert blob_receipt.gas_used < BLOB_BATCH_GAS
    [blob_event] = inbox.events_in(blob_receipt, "BatchAppended")
    [call_event] = inbox.events_in(call_receipt, "BatchAppended")
    assert (blob_event.args["kind"], call_event.args["kind"]) == (BLOBS, CALLDATA)
    assert batch_data(client, inbox, blob_event, roles.batcher.address) == BATCH
    assert batch_data(client, inbox, call_event, roles.batcher.address) == b"calldata batch"
    assert batch_data(client, inbox, blob_event, roles.alice.address) is None  # not our batcher's


def test_a_blob_batch_needs_blobs_and_the_batcher(client, roles, inbox):
    with pytest.raises(L1Error, match="BatchInbox: no blobs"):
        inbox.send(roles.batcher.private_key, "appendBlobBatch")
    with pytest.raises(TransactionReverted, match="BatchInbox: only the batcher"):
        client.txs.confirm(inbox.send(roles.alice.private_key, "appendBlobBatch", gas=BLOB_BATCH_GAS,
                                  blobs=to_blobs(b"x")))


class SwappingClient(L1Client):
    """A real client whose node hands back other blobs than the transaction's."""

    def blobs(self, tx_hash: bytes):
        return to_blobs(b"something else")


def test_blobs_that_are_not_the_committed_ones_stop_the_reader(client, roles, inbox, l1_url):
    receipt = client.txs.confirm(inbox.send(roles.batcher.private_key, "appendBlobBatch", gas=BLOB_BATCH_GAS,
                                        blobs=to_blobs(b"the real batch")))
    [event] = inbox.events_in(receipt, "BatchAppended")
    with pytest.raises(L1Error, match="does not match its versioned hash"):
        batch_data(SwappingClient(l1_url), inbox, event, roles.batcher.address)


def test_cast_sends_blobs_that_read_back(client, roles, l1_url, tmp_path):
    payload = tmp_path / "payload"
    payload.write_bytes(bytes(range(256)) * 20)
    result = subprocess.run(
        [str(REPO / "node_modules" / ".bin" / "cast"), "send", "--blob", "--path", str(payload),
         "--private-key", to_hex(roles.challenger.private_key), to_hex(roles.bob.address),
         "--rpc-url", l1_url, "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["status"] == "0x1" and int(receipt["blobGasUsed"], 16) == 131072
    tx_hash = bytes.fromhex(receipt["transactionHash"][2:])
    [blob] = client.blobs(tx_hash)
    assert versioned_hash(blob_commitment(blob)) == client.transaction(tx_hash).blob_versioned_hashes[0]


BLOBHASH_0 = bytes.fromhex("5f495f5260205ff3")  # return BLOBHASH(0)


def test_eth_call_shows_blob_hashes_to_blobhash(client, roles):
    initcode = bytes.fromhex("67") + BLOBHASH_0 + bytes.fromhex("5f5260086018f3")
    receipt = client.txs.confirm(client.txs.send_transaction(roles.alice.private_key, to=None, data=initcode))
    blob_hash = b"\x01" + bytes(range(31))
    call = {"to": to_hex(receipt.contract_address), "blobVersionedHashes": [to_hex(blob_hash)]}
    assert client.request("eth_call", call, "latest") == to_hex(blob_hash)
    assert client.request("eth_call", {"to": call["to"]}, "latest") == to_hex(bytes(32))
