"""
An Isthmus L2 through the node
==============================

A node on the L2 genesis of ``OvmIsthmus`` (Prague's EVM with the OP Stack's
L2 rules up to Isthmus), its blocks opened by an L1-info deposit and its user
transactions sent over JSON-RPC: a withdrawal through the L2 bridge makes the
header's ``withdrawalsRoot`` the L2ToL1MessagePasser's storage root, as
``eth_getProof`` shows it, block after block; receipts show Fjord's L1 fee;
GasPriceOracle answers ``eth_call`` with the chain's formula; P256VERIFY
answers at 0x100; and the store reopens on the same genesis.
"""

from __future__ import annotations

from eth_abi import decode, encode
from evm.precompiles.test_precompile_p256verify import signed_input
from rpc_support import node, run

from ovm.chain import dev_accounts
from ovm.evm.forks import OVM_ISTHMUS
from ovm.evm.l2 import (
    GAS_PRICE_ORACLE,
    L2_TO_L1_MESSAGE_PASSER,
    L1Origin,
    fjord_l1_cost,
    fjord_l1_fee,
    l1_fee_values,
    l1_info_deposit,
)
from ovm.evm.precompiles import P256VERIFY_ADDRESS
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction
from ovm.primitives import rlp
from ovm.primitives.crypto import keccak256
from ovm.primitives.fastlz import compress
from ovm.rollup.artifacts import PREDEPLOYS
from ovm.rollup.genesis import l2_genesis
from ovm.trie import EMPTY_TRIE_ROOT

ALICE, BOB = dev_accounts()[:2]
CHAIN_ID = 901
GWEI = 10**9
ORIGIN = L1Origin(number=99, timestamp=1_000, base_fee=20 * GWEI, blob_base_fee=7, hash=b"\x0e" * 32)
WITHDRAW_ETH = keccak256(b"withdrawETH()")[:4]


def hex_(data: bytes) -> str:
    return "0x" + data.hex()


def signed(nonce: int, to: bytes, value: int = 0, data: bytes = b"", gas: int = 200_000) -> bytes:
    tx = FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=GWEI, max_fee_per_gas=3 * GWEI,
        gas=gas, to=to, value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return encode_transaction(sign_transaction(tx, ALICE.private_key, CHAIN_ID))


def isthmus_node(tmp_path, scenario):
    async def go():
        async with node(tmp_path, genesis=l2_genesis(fork=OVM_ISTHMUS), fork=OVM_ISTHMUS) as rpc:
            rpc.ctx.chain.build_block([l1_info_deposit(ORIGIN, 0, bytes(32), 1368, 810949)])
            return await scenario(rpc)
    return run(go())


async def storage_hash(rpc, block: str) -> str:
    proof = await rpc("eth_getProof", hex_(L2_TO_L1_MESSAGE_PASSER), [], block)
    return proof["storageHash"]


def test_withdrawals_root_is_the_message_passers_storage_root(tmp_path):
    async def scenario(rpc):
        genesis = await rpc("eth_getBlockByNumber", "0x0", False)
        assert genesis["withdrawalsRoot"] == hex_(EMPTY_TRIE_ROOT) == await storage_hash(rpc, "0x0")
        for nonce in range(2):
            tx_hash = await rpc("eth_sendRawTransaction", hex_(signed(nonce, PREDEPLOYS["L2Bridge"], 10**15,
                                                                       WITHDRAW_ETH)))  # fmt: skip
            receipt = await rpc("eth_getTransactionReceipt", tx_hash)
            assert receipt["status"] == "0x1"
            block = await rpc("eth_getBlockByNumber", receipt["blockNumber"], False)
            assert block["withdrawalsRoot"] == await storage_hash(rpc, receipt["blockNumber"])
            assert block["withdrawalsRoot"] != hex_(EMPTY_TRIE_ROOT) and block["withdrawals"] == []
        first, second = [await rpc("eth_getBlockByNumber", hex(n), False) for n in (2, 3)]
        assert first["withdrawalsRoot"] != second["withdrawalsRoot"]
    isthmus_node(tmp_path, scenario)


def test_receipts_and_the_oracle_show_the_fjord_fee(tmp_path):
    async def scenario(rpc):
        raw = signed(0, BOB.address, 1, bytes(range(256)))
        receipt = await rpc("eth_getTransactionReceipt", await rpc("eth_sendRawTransaction", hex_(raw)))
        values = l1_fee_values(rpc.ctx.chain.state)
        fee, gas = fjord_l1_fee(raw, values)
        assert (receipt["l1Fee"], receipt["l1GasUsed"]) == (hex(fee), hex(gas))
        unsigned = b"\x02" + rlp.encode([rlp.int_to_be(v) for v in (CHAIN_ID, 1, GWEI, 3 * GWEI, 50_000)]
                                         + [BOB.address, b"\x01", bytes(range(100)), []])  # fmt: skip
        call = keccak256(b"getL1Fee(bytes)")[:4] + encode(["bytes"], [unsigned])
        answer = await rpc("eth_call", {"to": hex_(GAS_PRICE_ORACLE), "data": hex_(call)}, "latest")
        expected = fjord_l1_cost(len(compress(unsigned)) + 68, values)[0]
        assert decode(["uint256"], bytes.fromhex(answer[2:]))[0] == expected
    isthmus_node(tmp_path, scenario)


def test_p256verify_answers_at_0x100(tmp_path):
    async def scenario(rpc):
        answer = await rpc("eth_call", {"to": hex_(P256VERIFY_ADDRESS), "data": hex_(b"".join(signed_input()))})
        assert answer == hex_((1).to_bytes(32, "big"))
    isthmus_node(tmp_path, scenario)


def test_the_store_reopens_on_the_same_chain(tmp_path):
    async def first(rpc):
        await rpc("eth_sendRawTransaction", hex_(signed(0, PREDEPLOYS["L2Bridge"], 10**15, WITHDRAW_ETH)))
        return await rpc("eth_getBlockByNumber", "latest", False)

    head = isthmus_node(tmp_path, first)

    async def again():
        async with node(tmp_path, genesis=l2_genesis(fork=OVM_ISTHMUS), fork=OVM_ISTHMUS) as rpc:
            return await rpc("eth_getBlockByNumber", "latest", False), await storage_hash(rpc, "latest")

    reopened, root = run(again())
    assert reopened == head and root == head["withdrawalsRoot"]
