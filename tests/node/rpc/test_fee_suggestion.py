"""
Fee suggestions from recent blocks' tips
========================================

``eth_maxPriorityFeePerGas``, ``eth_gasPrice`` and the tip
``eth_sendTransaction`` fills in follow geth's gas price oracle (the 60th
percentile of the three lowest tips of each of the last 20 blocks) with
op-geth's floor of 0.001 gwei: never a fixed 1 gwei.
"""

from __future__ import annotations

from rpc_support import node, run
from support import fee_market_tx, raw_tx_hex

from ovm.chain import dev_accounts
from ovm.node.rpc.fees import MIN_SUGGESTED_TIP

ALICE, BOB, CAROL = dev_accounts()[0], dev_accounts()[1], dev_accounts()[2]
CHAIN_ID = 901
GWEI = 10**9


def send_with_tip(rpc, key: bytes, nonce: int, tip: int):
    tx = fee_market_tx(key, chain_id=CHAIN_ID, to=CAROL.address, nonce=nonce, value=1,
                       max_priority_fee_per_gas=tip, max_fee_per_gas=GWEI + tip)
    return rpc("eth_sendRawTransaction", raw_tx_hex(tx))


def with_node(tmp_path, scenario):
    async def go():
        async with node(tmp_path) as rpc:
            return await scenario(rpc)
    return run(go())


def test_an_empty_chain_suggests_the_floor(tmp_path):
    async def scenario(rpc):
        assert int(await rpc("eth_maxPriorityFeePerGas"), 16) == MIN_SUGGESTED_TIP == 10**6
        base_fee = int((await rpc("eth_feeHistory", "0x1", "latest", []))["baseFeePerGas"][-1], 16)
        assert int(await rpc("eth_gasPrice"), 16) == base_fee + MIN_SUGGESTED_TIP
    with_node(tmp_path, scenario)


def test_the_suggestion_is_the_60th_percentile_of_recent_tips(tmp_path):
    async def scenario(rpc):
        tips = [k * 10**7 for k in (7, 3, 9, 1, 5, 2, 10, 4, 8, 6)]  # a block each (instant mode)
        for nonce, tip in enumerate(tips):
            await send_with_tip(rpc, BOB.private_key, nonce, tip)
        assert int(await rpc("eth_maxPriorityFeePerGas"), 16) == 6 * 10**7  # sorted[(10 - 1) * 60 // 100]
        # what eth_sendTransaction fills in is the same suggestion, not 1 gwei
        tx_hash = await rpc("eth_sendTransaction", {"from": "0x" + ALICE.address.hex(),
                                                    "to": "0x" + CAROL.address.hex(), "value": "0x1"})
        tx = await rpc("eth_getTransactionByHash", tx_hash)
        assert int(tx["maxPriorityFeePerGas"], 16) == 6 * 10**7
        history = await rpc("eth_feeHistory", "0x3", "latest", [50])
        assert [int(r[0], 16) for r in history["reward"]] == [8 * 10**7, 6 * 10**7, 6 * 10**7]
    with_node(tmp_path, scenario)


def test_tiny_tips_give_the_floor(tmp_path):
    async def scenario(rpc):
        for nonce in range(5):
            await send_with_tip(rpc, BOB.private_key, nonce, 100)
        assert int(await rpc("eth_maxPriorityFeePerGas"), 16) == MIN_SUGGESTED_TIP
    with_node(tmp_path, scenario)


def test_only_recent_blocks_count(tmp_path):
    async def scenario(rpc):
        for nonce in range(3):
            await send_with_tip(rpc, BOB.private_key, nonce, 5 * GWEI)  # old and expensive
        for nonce in range(40):  # a block each, one tip each: the window widens to 40 blocks
            await send_with_tip(rpc, CAROL.private_key, nonce, 2 * 10**6)
        assert int(await rpc("eth_maxPriorityFeePerGas"), 16) == 2 * 10**6
    with_node(tmp_path, scenario)
