"""EIP-7825's cap as a node running Osaka answers over HTTP, in geth's words:
``eth_sendRawTransaction`` refuses a transaction above 2**24 (``transaction gas
limit too high (cap: 16777216, tx: …)``), ``eth_estimateGas`` searches no
higher than the cap (so a call that needs more fails as geth's does, "gas
required exceeds allowance (16777216)"), and ``eth_call`` is not capped (geth
skips the rule for calls). A node running Prague has no cap.
"""

from __future__ import annotations

from rpc_support import node, run
from support import asm

from ovm.chain import dev_accounts
from ovm.evm.forks import OSAKA, PRAGUE
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction

CAP = 1 << 24
TOO_HIGH = f"transaction gas limit too high (cap: {CAP}, tx: {CAP + 1})"
ALICE, BOB = dev_accounts()[0], dev_accounts()[1]

CHAIN_ID = 901
# 800 fresh slots written: 800 × 22,100 gas and a little, more than the cap.
WRITE_800_SLOTS = asm(
    "PUSH2 800",
    "JUMPDEST",                                     # offset 3
    "PUSH1 1", "SWAP1", "SUB", "DUP1", "DUP1", "SSTORE",
    "DUP1", "PUSH1 3", "JUMPI",
    "STOP",
)  # fmt: skip
TARGET = "0x" + "77" * 20
OVERRIDE = {TARGET: {"code": "0x" + WRITE_800_SLOTS.hex()}}
GAS_LEFT = asm("GAS", "PUSH1 0", "MSTORE", "PUSH1 32", "PUSH1 0", "RETURN")


def raw_transfer(gas: int) -> str:
    tx = FeeMarketTransaction(chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=10**9,
                              max_fee_per_gas=10**10, gas=gas, to=ALICE.address, value=1, data=b"",
                              access_list=(), y_parity=0, r=0, s=0)
    return "0x" + encode_transaction(sign_transaction(tx, BOB.private_key, CHAIN_ID)).hex()


def on_node(tmp_path, fork, scenario):
    async def go():
        async with node(tmp_path, fork=fork) as rpc:
            return await scenario(rpc)
    return run(go())


def test_a_node_refuses_a_raw_transaction_above_the_cap(tmp_path):
    async def scenario(rpc):
        refused = await rpc.failure("eth_sendRawTransaction", raw_transfer(CAP + 1))
        assert (refused.code, refused.message) == (-32000, TOO_HIGH)
        assert await rpc("eth_blockNumber") == "0x0"
        tx_hash = await rpc("eth_sendRawTransaction", raw_transfer(CAP))
        assert (await rpc("eth_getTransactionReceipt", tx_hash))["status"] == "0x1"
    on_node(tmp_path, OSAKA, scenario)


def test_estimate_gas_searches_no_higher_than_the_cap(tmp_path):
    async def scenario(rpc):
        call = {"from": "0x" + BOB.address.hex(), "to": TARGET}
        refused = await rpc.failure("eth_estimateGas", call, "latest", OVERRIDE)
        assert refused.message == f"gas required exceeds allowance ({CAP})"
        also = await rpc.failure("eth_estimateGas", {**call, "gas": hex(25_000_000)}, "latest", OVERRIDE)
        assert also.message == f"gas required exceeds allowance ({CAP})"
        assert await rpc("eth_estimateGas", {"from": call["from"], "to": "0x" + "12" * 20}) == hex(21000)
    on_node(tmp_path / "osaka", OSAKA, scenario)

    async def before(rpc):
        call = {"from": "0x" + BOB.address.hex(), "to": TARGET}
        return int(await rpc("eth_estimateGas", call, "latest", OVERRIDE), 16)
    assert on_node(tmp_path / "prague", PRAGUE, before) > CAP


def test_eth_call_is_not_capped(tmp_path):
    async def scenario(rpc):
        call = {"to": TARGET, "gas": hex(25_000_000)}
        answer = await rpc("eth_call", call, "latest", {TARGET: {"code": "0x" + GAS_LEFT.hex()}})
        assert int(answer, 16) == 25_000_000 - 21_000 - 2
        assert await rpc("eth_call", call, "latest", OVERRIDE) == "0x"
    on_node(tmp_path, OSAKA, scenario)
