"""
The JSON-RPC view of an L2 chain
================================

A node on the L2 genesis and the ``OvmCancun`` fork, with blocks opened by
an L1-info deposit: deposits are shown as op-geth shows them (``sourceHash``,
``mint``, ``isSystemTx``, zero signature, the receipt's ``depositNonce`` as
their nonce, in every way of reading a transaction), deposit receipts carry
``depositNonce`` and ``depositReceiptVersion``, other receipts the L1 data
fee fields (read back from the store), fee history counts deposits' tips as
zero, and a raw deposit sent by a user is refused.
"""

from __future__ import annotations

from rpc_support import node, run

from support import fee_market_tx
from ovm.chain import dev_accounts
from ovm.evm.forks import OVM_CANCUN
from ovm.evm.l2 import L1Origin, ecotone_l1_fee, l1_fee_values, l1_info_deposit, user_deposit_source_hash
from ovm.evm.transactions import (
    DepositTransaction,
    FeeMarketTransaction,
    encode_transaction,
    transaction_hash,
)
from ovm.rollup.genesis import l2_genesis

ALICE, BOB = dev_accounts()[:2]
CHAIN_ID = 901
GWEI = 10**9
ORIGIN = L1Origin(number=99, timestamp=1_000, base_fee=20 * GWEI, blob_base_fee=7, hash=b"\x0e" * 32)
MINTED = 5 * 10**18


def hex_(data: bytes) -> str:
    return "0x" + data.hex()


def info(sequence_number: int) -> DepositTransaction:
    return l1_info_deposit(ORIGIN, sequence_number, bytes(12) + b"\xba" * 20, 1368, 810949)


def user_deposit() -> DepositTransaction:
    return DepositTransaction(
        source_hash=user_deposit_source_hash(ORIGIN.hash, 2), sender=BOB.address, to=ALICE.address,
        mint=MINTED, value=MINTED, gas=50_000, is_system_tx=False, data=b"",
    )  # fmt: skip


def transfer(nonce: int) -> FeeMarketTransaction:
    return fee_market_tx(ALICE.private_key, chain_id=CHAIN_ID, to=BOB.address, nonce=nonce, value=1,
                         max_fee_per_gas=3 * GWEI)


def with_l2_node(tmp_path, scenario):
    async def go():
        async with node(tmp_path, genesis=l2_genesis(), fork=OVM_CANCUN) as rpc:
            chain = rpc.ctx.chain
            chain.build_block([info(0), user_deposit(), transfer(0)])
            chain.build_block([info(1)])
            return await scenario(rpc)
    return run(go())


def test_a_deposit_as_a_transaction(tmp_path):
    deposit = user_deposit()

    async def scenario(rpc):
        shown = await rpc("eth_getTransactionByHash", hex_(transaction_hash(deposit)))
        assert shown["type"] == "0x7e" and shown["from"] == hex_(BOB.address)
        assert shown["to"] == hex_(ALICE.address) and shown["value"] == hex(MINTED)
        assert shown["sourceHash"] == hex_(deposit.source_hash) and shown["mint"] == hex(MINTED)
        assert shown["isSystemTx"] is False and shown["gasPrice"] == "0x0"
        assert (shown["v"], shown["r"], shown["s"]) == ("0x0", "0x0", "0x0")
        assert shown["nonce"] == "0x0" and shown["depositReceiptVersion"] == "0x1"
        assert (shown["blockNumber"], shown["transactionIndex"]) == ("0x1", "0x1")
        assert "chainId" not in shown and "accessList" not in shown
        raw = await rpc("eth_getRawTransactionByHash", shown["hash"])
        assert raw == hex_(encode_transaction(deposit))
    with_l2_node(tmp_path, scenario)


def test_a_deposits_nonce_is_its_receipts_in_every_view(tmp_path):
    """The second L1-info deposit is the depositor's second transaction: nonce 1."""
    second = info(1)

    async def scenario(rpc):
        by_hash = await rpc("eth_getTransactionByHash", hex_(transaction_hash(second)))
        by_index = await rpc("eth_getTransactionByBlockNumberAndIndex", "0x2", "0x0")
        block = await rpc("eth_getBlockByNumber", "0x2", True)
        assert by_hash == by_index == block["transactions"][0]
        assert by_hash["nonce"] == "0x1"
        first_block = await rpc("eth_getBlockByNumber", "0x1", True)
        assert [tx["nonce"] for tx in first_block["transactions"]] == ["0x0", "0x0", "0x0"]
    with_l2_node(tmp_path, scenario)


def test_deposit_receipts(tmp_path):
    async def scenario(rpc):
        receipt = await rpc("eth_getTransactionReceipt", hex_(transaction_hash(info(1))))
        assert receipt["type"] == "0x7e" and receipt["status"] == "0x1"
        assert receipt["depositNonce"] == "0x1" and receipt["depositReceiptVersion"] == "0x1"
        assert receipt["effectiveGasPrice"] == "0x0" and "l1Fee" not in receipt
    with_l2_node(tmp_path, scenario)


def test_l1_fee_fields_of_a_receipt(tmp_path):
    tx = transfer(0)

    async def scenario(rpc):
        receipt = await rpc("eth_getTransactionReceipt", hex_(transaction_hash(tx)))
        fee, gas = ecotone_l1_fee(encode_transaction(tx), l1_fee_values(rpc.ctx.chain.state))
        assert receipt["l1Fee"] == hex(fee) and receipt["l1GasUsed"] == hex(gas)
        assert receipt["l1GasPrice"] == hex(ORIGIN.base_fee)
        assert receipt["l1BlobBaseFee"] == hex(ORIGIN.blob_base_fee)
        assert (receipt["l1BaseFeeScalar"], receipt["l1BlobBaseFeeScalar"]) == (hex(1368), hex(810949))
        assert "depositNonce" not in receipt
        block_receipts = await rpc("eth_getBlockReceipts", "0x1")
        assert block_receipts[2] == receipt
    with_l2_node(tmp_path, scenario)


def test_a_sent_transaction_pays_the_l1_fee(tmp_path):
    async def scenario(rpc):
        tx = transfer(1)
        tx_hash = await rpc("eth_sendRawTransaction", hex_(encode_transaction(tx)))
        receipt = await rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1" and int(receipt["l1Fee"], 16) > 0
    with_l2_node(tmp_path, scenario)


def test_users_cannot_send_deposits(tmp_path):
    async def scenario(rpc):
        refused = await rpc.failure("eth_sendRawTransaction", hex_(encode_transaction(user_deposit())))
        assert refused.message.startswith("transaction type not supported: type 126")
    with_l2_node(tmp_path, scenario)


def test_fee_history_counts_deposit_tips_as_zero(tmp_path):
    async def scenario(rpc):
        history = await rpc("eth_feeHistory", "0x2", "latest", [0, 100])
        assert history["reward"] == [["0x0", hex(GWEI)], ["0x0", "0x0"]]
    with_l2_node(tmp_path, scenario)


def test_deposits_and_l2_transactions_can_be_traced(tmp_path):
    async def scenario(rpc):
        call = {"tracer": "callTracer"}
        traced = await rpc("debug_traceTransaction", hex_(transaction_hash(user_deposit())), call)
        assert (traced["from"], traced["to"], traced["value"]) == (
            hex_(BOB.address), hex_(ALICE.address), hex(MINTED))
        assert traced["gasUsed"] == hex(21_000) and "error" not in traced
        traced = await rpc("debug_traceTransaction", hex_(transaction_hash(transfer(0))), call)
        assert traced["from"] == hex_(ALICE.address) and "error" not in traced
    with_l2_node(tmp_path, scenario)
