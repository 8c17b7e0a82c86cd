"""
What a rollup node changes in the node's RPC, over a real HTTP server
=====================================================================

``Blockchain.label_blocks`` makes ``safe`` and ``finalized`` name other
blocks than the head in every method that takes a block tag (without labels
they are the head: a plain node's blocks are final once sealed); and a
context with ``underivable_refused`` refuses the dev methods whose changes no
replica could derive, with -32601 and the reason, while ``evm_mine`` without
a timestamp still builds a block.
"""

from __future__ import annotations

import time

import pytest
from rpc_support import node, run

from ovm.chain import dev_accounts

ALICE = "0x" + dev_accounts()[0].address.hex()
REASON = "no replica could derive it"


def test_labels_move_safe_and_finalized_in_every_tagged_method(tmp_path):
    async def go():
        async with node(tmp_path) as rpc:
            for _ in range(2):
                await rpc("evm_mine")
            await rpc("anvil_setBalance", ALICE, hex(1))  # in block 3's state
            for _ in range(2):
                await rpc("evm_mine")
            unlabelled = [await rpc("eth_getBlockByNumber", tag, False) for tag in ("safe", "finalized")]
            assert [int(block["number"], 16) for block in unlabelled] == [4, 4]
            rpc.ctx.chain.label_blocks(safe=lambda: 3, finalized=lambda: 1)
            safe, finalized = [await rpc("eth_getBlockByNumber", tag, False) for tag in ("safe", "finalized")]
            assert (int(safe["number"], 16), int(finalized["number"], 16)) == (3, 1)
            assert await rpc("eth_getBalance", ALICE, "finalized") == hex(10_000 * 10**18)  # the genesis balance
            assert await rpc("eth_getBalance", ALICE, "safe") == "0x1"
            assert await rpc("eth_call", {"to": ALICE}, "finalized") == "0x"
            assert await rpc("eth_getBlockTransactionCountByNumber", "safe") == "0x0"
            rpc.ctx.chain.label_blocks(safe=lambda: 99, finalized=lambda: -5)  # never past the head, nor below 0
            assert int((await rpc("eth_getBlockByNumber", "safe", False))["number"], 16) == 4
            assert int((await rpc("eth_getBlockByNumber", "finalized", False))["number"], 16) == 0

    run(go())


@pytest.mark.parametrize(("method", "params"), [
    ("anvil_setBalance", [ALICE, "0x1"]), ("hardhat_setCode", [ALICE, "0x00"]), ("ovm_setNonce", [ALICE, "0x5"]),
    ("anvil_setStorageAt", [ALICE, "0x0", "0x" + "00" * 32]), ("evm_snapshot", []), ("evm_revert", ["0x1"]),
    ("evm_increaseTime", ["0x1"]), ("evm_setNextBlockTimestamp", ["0xffffffff"]), ("evm_mine", ["0xffffffff"]),
    ("anvil_mine", ["0x1", "0x2"]),
])
def test_underivable_dev_methods_are_refused_with_the_reason(tmp_path, method, params):
    async def go():
        async with node(tmp_path) as rpc:
            rpc.ctx.underivable_refused = REASON
            failure = await rpc.failure(method, *params)
            assert failure.code == -32601 and failure.message.endswith(f"is not available here: {REASON}")
            assert await rpc("eth_blockNumber") == "0x0"
            await rpc("evm_mine")  # a block the sequencer builds as any other
            assert await rpc("eth_blockNumber") == "0x1"

    run(go())


def test_mining_past_the_sequencer_drift_is_refused_and_nothing_is_built(tmp_path):
    async def go():
        async with node(tmp_path) as rpc:
            ahead = int(time.time()) + 1000  # the head ahead of the clock: the next block is the head's + 1
            await rpc("evm_mine", hex(ahead))
            rpc.ctx.underivable_refused = REASON
            rpc.ctx.latest_timestamp = lambda: ahead + 10  # room for 10 blocks
            for method, params in (("anvil_mine", ["0xb"]), ("evm_mine", [{"blocks": 1000}]),
                                   ("hardhat_mine", ["0x2710"])):
                failure = await rpc.failure(method, *params)
                assert failure.code == -32602, failure.message
                assert "past the L1 head's time plus the maximum sequencer drift" in failure.message
                assert "at most 10 block(s) can be mined now" in failure.message
            assert await rpc("eth_blockNumber") == "0x1"
            await rpc("anvil_mine", "0xa")
            assert await rpc("eth_blockNumber") == "0xb"

    run(go())
