"""
Subscriptions and dev controls
==============================

``eth_subscribe`` over a real WebSocket (newHeads, logs with a filter,
newPendingTransactions, unsubscribing, refusal over HTTP, a client owed more
notifications than its backlog) and the dev controls under their ``evm_``,
``anvil_``, ``hardhat_`` and ``ovm_`` names.
"""

from __future__ import annotations

import asyncio
import json

from rpc_support import node, request, run
from test_eth import ALICE, ALICE_HEX, BOB_HEX, TOPIC, deploy, signed

from ovm.node.rpc import RpcLimits

WAIT = 5.0


async def ws_call(ws, method, *params, request_id=1):
    await ws.send_str(json.dumps(request(method, *params, request_id=request_id)))
    while True:
        message = json.loads(await asyncio.wait_for(ws.receive_str(), WAIT))
        if message.get("id") == request_id:
            return message


async def notification(ws) -> dict:
    message = json.loads(await asyncio.wait_for(ws.receive_str(), WAIT))
    assert message["method"] == "eth_subscription"
    return message["params"]


def test_websocket_subscriptions(tmp_path):
    async def scenario():
        async with node(tmp_path) as rpc:
            address = await deploy(rpc)
            async with rpc.session.ws_connect(rpc.handle.ws_url) as ws:
                heads = (await ws_call(ws, "eth_subscribe", "newHeads"))["result"]
                logs = (await ws_call(ws, "eth_subscribe", "logs", {"address": address, "topics": [TOPIC]},
                                      request_id=2))["result"]
                pending = (await ws_call(ws, "eth_subscribe", "newPendingTransactions", request_id=3))["result"]
                tx_hash = await rpc("eth_sendRawTransaction", signed(0, bytes.fromhex(address[2:])))
                received = [await notification(ws) for _ in range(3)]
                by_id = {item["subscription"]: item["result"] for item in received}
                assert by_id[pending] == tx_hash
                assert by_id[heads]["number"] == "0x2"
                assert by_id[logs]["transactionHash"] == tx_hash
                unsubscribed = await ws_call(ws, "eth_unsubscribe", heads, request_id=4)
                assert unsubscribed["result"] is True
                assert (await ws_call(ws, "eth_unsubscribe", heads, request_id=5))["result"] is False
                bad = await ws_call(ws, "eth_subscribe", "syncing", request_id=6)
                assert bad["error"]["code"] == -32602
            over_http = await rpc.failure("eth_subscribe", "newHeads")
            assert over_http.code == -32601 and "notifications not supported" in over_http.message
            assert len(rpc.ctx.sequencer.new_blocks._callbacks) == 0  # closed socket unsubscribed
    run(scenario())


def test_a_client_whose_notifications_pile_up_past_the_backlog_is_disconnected(tmp_path):
    async def scenario():
        async with node(tmp_path, limits=RpcLimits(max_subscription_backlog=100)) as rpc:
            reader, writer = await silent_websocket(rpc.handle)
            writer.write(masked_text_frame(json.dumps(request("eth_subscribe", "newHeads"))))
            await rpc("anvil_mine", hex(1000))  # 1000 notifications at once: more than the client may owe
            stream = await asyncio.wait_for(reader.read(), WAIT)  # all it was sent, to the end
            writer.close()
            assert stream.endswith(b"\x88\x1f\x03\xf0notification backlog exceeded")  # close frame, 1008
            assert await rpc("eth_chainId") == "0x385"
    run(scenario())


async def silent_websocket(handle):
    """A WebSocket client as raw bytes: the handshake done, nothing else read yet."""
    reader, writer = await asyncio.open_connection(handle.host, handle.port, limit=2**26)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    return reader, writer


def masked_text_frame(text: str) -> bytes:
    payload = text.encode()
    assert len(payload) < 126
    mask = b"\x01\x02\x03\x04"
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_full_pending_transactions(tmp_path):
    async def scenario():
        async with node(tmp_path) as rpc:
            async with rpc.session.ws_connect(rpc.handle.ws_url) as ws:
                await ws_call(ws, "eth_subscribe", "newPendingTransactions", True)
                tx_hash = await rpc("eth_sendRawTransaction", signed(0, ALICE.address, value=1))
                tx = (await notification(ws))["result"]
                assert tx["hash"] == tx_hash and tx["from"] == BOB_HEX
    run(scenario())


def test_snapshot_revert_mine_and_time(tmp_path):
    async def scenario():
        async with node(tmp_path) as rpc:
            snapshot = await rpc("evm_snapshot")
            await rpc("eth_sendRawTransaction", signed(0, ALICE.address, value=1))
            assert await rpc("evm_mine") == "0x0"
            assert await rpc("eth_blockNumber") == "0x2"
            assert await rpc("evm_revert", snapshot) is True
            assert await rpc("eth_blockNumber") == "0x0"
            assert await rpc("evm_revert", snapshot) is False
            head = int((await rpc("eth_getBlockByNumber", "latest", False))["timestamp"], 16)
            target = max(head, int(await rpc("evm_increaseTime", "0x0"), 16)) + 10_000_000_000
            await rpc("evm_setNextBlockTimestamp", hex(target))
            await rpc("evm_mine")
            block = await rpc("eth_getBlockByNumber", "latest", False)
            assert int(block["timestamp"], 16) == target
            await rpc("evm_mine", hex(target + 5))
            assert int((await rpc("eth_getBlockByNumber", "latest", False))["timestamp"], 16) == target + 5
            past = await rpc.failure("evm_setNextBlockTimestamp", hex(target))
            assert past.code == -32000 and "not after the head block" in past.message
            await rpc("anvil_mine", "0x3")
            assert await rpc("eth_blockNumber") == "0x5"
            before = int((await rpc("eth_getBlockByNumber", "latest", False))["timestamp"], 16)
            await rpc("hardhat_mine", "0x2", "0x3c")
            block = await rpc("eth_getBlockByNumber", "latest", False)
            assert (block["number"], int(block["timestamp"], 16)) == ("0x7", before + 120)
    run(scenario())


def test_dev_methods_check_counts_and_the_clock_before_building(tmp_path):
    latest = 2**64 - 2**32
    path = tmp_path / "chain"

    async def scenario():
        async with node(path) as rpc:
            for method, params, reason in [
                ("anvil_mine", ["0xffffffffffffffff"], "block count must be from 1 to 10000, got 18446744073709551615"),
                ("anvil_mine", ["0x0"], "block count must be from 1 to 10000, got 0"),
                ("evm_mine", [{"blocks": "0x2711"}], "block count must be from 1 to 10000, got 10001"),
                ("evm_setNextBlockTimestamp", [hex(2**64 - 1)], f"timestamp {2**64 - 1} would take block timestamps past {latest}"),
                ("evm_increaseTime", [hex(2**64 - 1)], "would take block timestamps past"),
                ("evm_mine", [hex(2**64)], f"1 blocks from timestamp {2**64} would take block timestamps past"),
                ("anvil_mine", ["0x2", hex(2**63)], f"2 blocks {2**63} s apart would take block timestamps past"),
            ]:
                failure = await rpc.failure(method, *params)
                assert (failure.code, reason in failure.message) == (-32602, True), (method, failure.message)
            await rpc("evm_setNextBlockTimestamp", hex(latest))
            await rpc("evm_mine")
            failure = await rpc.failure("evm_mine")
            assert failure.code == -32602 and f"from timestamp {latest + 1} would take" in failure.message
            assert await rpc("eth_blockNumber") == "0x1"
    run(scenario())

    async def reopened():  # the data directory opens again, at the block the chain had
        async with node(path) as rpc:
            block = await rpc("eth_getBlockByNumber", "latest", False)
            assert (block["number"], int(block["timestamp"], 16)) == ("0x1", latest)
    run(reopened())


def test_mining_the_most_blocks_a_call_allows(tmp_path):
    async def scenario():
        async with node(tmp_path) as rpc:
            await rpc("anvil_mine", hex(10_000))
            assert await rpc("eth_blockNumber") == hex(10_000)
    run(scenario())


def test_setting_accounts_by_hand(tmp_path):
    async def scenario():
        async with node(tmp_path) as rpc:
            someone = "0x" + "42" * 20
            await rpc("anvil_setBalance", someone, "0x1234")
            assert await rpc("eth_getBalance", someone) == "0x1234"
            await rpc("hardhat_setNonce", someone, "0x7")
            assert await rpc("eth_getTransactionCount", someone) == "0x7"
            await rpc("ovm_setCode", someone, "0x6001")
            assert await rpc("eth_getCode", someone) == "0x6001"
            word = "0x" + (5).to_bytes(32, "big").hex()
            assert await rpc("anvil_setStorageAt", someone, "0x1", word) is True
            assert await rpc("eth_getStorageAt", someone, "0x1") == word
            snapshot = await rpc("ovm_snapshot")
            await rpc("ovm_setBalance", ALICE_HEX, "0x0")
            assert await rpc("eth_getBalance", ALICE_HEX) == "0x0"
            assert await rpc("ovm_revert", snapshot) is True
            assert await rpc("eth_getBalance", ALICE_HEX) == hex(10_000 * 10**18)
    run(scenario())
