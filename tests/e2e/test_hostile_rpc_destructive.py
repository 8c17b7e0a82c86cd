"""
Hostile JSON-RPC: the destructive cases
=======================================

The requests that once hung, filled or broke a node, each sent to a fresh
``ovm node`` under a 3 GiB memory limit (slow tier): traces of endless
loops at the gas cap, ``anvil_mine(2^64-1)``, a clock moved to the end of
64-bit time, hot code worth 400 KB of translation, a batch of endless
loops, 10,000 subscriptions, slow and idle connections. Each must get its specific answer in bounded time, and
the node must then still serve, stop on SIGTERM, have written no Python
text to its log and kept its memory bounded (``hostile_rpc``).
"""

from __future__ import annotations

import contextlib
import json
import socket

import pytest
import requests
from node_process import NodeProcess
from hostile_rpc import (
    ANSWER_TIMEOUT,
    CHAIN_ID,
    GROWING_MEMORY_LOOP,
    LOOP,
    MEMORY_LIMIT,
    Watch,
    assert_error,
    call,
    looping_code,
    overrides,
    post,
    request,
)
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

LOOPING = "0x" + "ab" * 20
GAS_CAP = hex(50_000_000)


@contextlib.contextmanager
def checked_node(datadir):
    """A node (instant mode, 3 GiB) on ``datadir`` and its watch; at the end
    it must be healthy and stop on SIGTERM."""
    node = NodeProcess(datadir, "--instant", memory_limit=MEMORY_LIMIT)
    watch = Watch(node)
    try:
        yield node, watch
        watch.assert_healthy()
        assert node.stop() == 0
    finally:
        if node.process.poll() is None:
            node.kill()


@pytest.fixture
def fresh(tmp_path):
    with checked_node(tmp_path / "chain") as started:
        yield started


def test_struct_logs_of_an_endless_loop_at_the_gas_cap(fresh):
    node, _ = fresh
    answer = call(node.url, "debug_traceCall", {"to": LOOPING, "gas": GAS_CAP}, "latest",
                  {"stateOverrides": overrides(LOOPING, LOOP)})
    assert answer["error"]["code"] == -32005
    assert answer["error"]["message"] in ("execution timeout: the trace ran past 5 s",
                                          f"trace too large: more than {64 << 20} bytes of JSON")


def test_struct_logs_with_memory_of_a_loop_growing_memory(fresh):
    node, _ = fresh
    answer = call(node.url, "debug_traceCall", {"to": LOOPING, "gas": GAS_CAP}, "latest",
                  {"enableMemory": True, "timeout": "60s", "stateOverrides": overrides(LOOPING, GROWING_MEMORY_LOOP)})
    assert_error(answer, -32005, f"trace too large: more than {64 << 20} bytes of JSON")


def test_call_tracer_of_an_endless_loop_at_the_gas_cap(fresh):
    node, _ = fresh
    answer = call(node.url, "debug_traceCall", {"to": LOOPING, "gas": GAS_CAP}, "latest",
                  {"tracer": "callTracer", "stateOverrides": overrides(LOOPING, LOOP)})
    assert_error(answer, -32005, "execution timeout: the trace ran past 5 s")


def test_mining_2_to_the_64_blocks_is_refused_and_sigterm_still_stops_the_node(fresh):
    node, _ = fresh
    for method in ("anvil_mine", "hardhat_mine", "ovm_mine"):
        params = ["0xffffffffffffffff"] if method != "ovm_mine" else [{"blocks": "0xffffffffffffffff"}]
        assert_error(call(node.url, method, *params), -32602, "block count must be from 1 to 10000")
    assert call(node.url, "eth_blockNumber")["result"] == "0x0"


def test_the_end_of_64_bit_time_is_never_committed(tmp_path):
    latest = 2**64 - 2**32
    with checked_node(tmp_path / "chain") as (node, _):
        assert_error(call(node.url, "evm_setNextBlockTimestamp", "0xffffffffffffffff"), -32602,
                     "would take block timestamps past")
        assert call(node.url, "evm_setNextBlockTimestamp", hex(latest))["result"] is None
        assert call(node.url, "evm_mine")["result"] == "0x0"
        assert_error(call(node.url, "evm_mine"), -32602, "would take block timestamps past")
        assert_error(call(node.url, "evm_increaseTime", hex(2**32)), -32602, "would take block timestamps past")
    with checked_node(tmp_path / "chain") as (node, _):  # the data directory opens again
        block = call(node.url, "eth_getBlockByNumber", "latest", False)["result"]
        assert (block["number"], int(block["timestamp"], 16)) == ("0x1", latest)


def test_400_kb_of_hot_state_override_code(tmp_path):
    node = NodeProcess(tmp_path / "chain", "--instant", memory_limit=MEMORY_LIMIT)
    try:
        answer = call(node.url, "eth_call", {"to": LOOPING, "gas": GAS_CAP}, "latest",
                      overrides(LOOPING, looping_code(400_000)))
        assert_error(answer, -32000, "out of gas")
        Watch(node).assert_healthy()
    finally:
        node.kill()


def test_a_batch_of_endless_loops_is_cut_off_after_30_s(fresh):
    node, _ = fresh
    batch = [request("eth_call", {"to": LOOPING, "gas": GAS_CAP}, "latest", overrides(LOOPING, LOOP), request_id=i)
             for i in range(200)]
    answers = post(node.url, batch)[1]
    assert [a["id"] for a in answers] == list(range(200))
    served = [a for a in answers if "error" in a and a["error"]["code"] == -32000]
    assert 0 < len(served) < 200 and all(a["error"]["message"] == "out of gas" for a in served)
    for answer in answers[len(served):]:
        assert_error(answer, -32002, "request timed out: the batch ran past 30 s")


def test_ten_thousand_subscriptions_on_one_connection(fresh):
    node, _ = fresh
    with connect(node.ws_url, max_size=None) as ws:
        for start in range(0, 10_000, 1000):
            ws.send(json.dumps([request("eth_subscribe", "newHeads", request_id=i) for i in range(start, start + 1000)]))
            answers = json.loads(ws.recv(timeout=ANSWER_TIMEOUT))
            assert all(a["result"].startswith("0x") for a in answers)
        ws.send(json.dumps(request("anvil_mine", "0x1")))
        seen = 0
        while seen < 10_000:
            message = json.loads(ws.recv(timeout=ANSWER_TIMEOUT))
            seen += message.get("method") == "eth_subscription"


def test_slow_and_idle_connections_do_not_stop_the_node_serving(fresh):
    node, _ = fresh
    idle = [socket.create_connection(("127.0.0.1", node.port)) for _ in range(500)]
    slow = [socket.create_connection(("127.0.0.1", node.port)) for _ in range(100)]
    try:
        header = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
        for i in range(len(header)):  # slowloris: a byte at a time on every slow connection
            for sock in slow:
                sock.sendall(header[i : i + 1])
            if i % 10 == 0:
                assert call(node.url, "eth_chainId")["result"] == CHAIN_ID
        assert requests.post(node.url, json=request("eth_blockNumber"), timeout=ANSWER_TIMEOUT).json()["result"] == "0x0"
    finally:
        for sock in idle + slow:
            sock.close()
