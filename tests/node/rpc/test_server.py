"""
The JSON-RPC server
===================

Over real HTTP and WebSocket on 127.0.0.1: dispatch by namespace, every
standard error code with its message, batches and their bound, notifications,
oversize bodies, CORS, an unexpected exception, and a clean stop.
"""

from __future__ import annotations

import json

import aiohttp
import pytest
from rpc_support import post, request, run, running

from ovm.node.rpc import params as P
from ovm.node.errors import ExecutionReverted
from ovm.node.rpc.errors import ServerError, reverted
from ovm.node.rpc.server import RpcLimits, RpcServer


class Demo:
    namespace = "demo"

    def __init__(self) -> None:
        self.seen: list[int] = []

    def add(self, a: P.Quantity, b: P.Quantity = 1) -> str:
        return hex(a + b)

    async def record(self, value: P.Quantity) -> bool:
        self.seen.append(value)
        return True

    def balance(self, address: P.Address, block: P.BlockId = "latest") -> list:
        return ["0x" + address.hex(), block if not isinstance(block, bytes) else "0x" + block.hex()]

    def reject(self) -> None:
        raise ServerError("nonce too low: address 0xabc, tx: 0 state: 1")

    def revert(self) -> None:
        reason = "nope".encode()
        raise reverted(ExecutionReverted(bytes.fromhex("08c379a0") + (32).to_bytes(32, "big")
                                         + (4).to_bytes(32, "big") + reason + bytes(28)))

    def crash(self) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    def where(self, *, connection=None) -> str:
        return "websocket" if connection is not None else "http"

    def _helper(self) -> None:  # not an RPC method
        raise AssertionError


def call(body, server: RpcServer | None = None):
    async def go():
        async with running(server or RpcServer([Demo()])) as (handle, session):
            return await post(session, handle.url, body)
    return run(go())


def test_dispatches_namespace_method_and_converts_params():
    status, answer = call(request("demo_add", "0x01", 2))
    assert status == 200
    assert answer == {"jsonrpc": "2.0", "id": 1, "result": "0x3"}
    assert call(request("demo_add", "0x5"))[1]["result"] == "0x6"


def test_optional_param_null_takes_default():
    _, answer = call(request("demo_balance", "0x" + "Ab" * 20, None))
    assert answer["result"] == ["0x" + "ab" * 20, "latest"]


def test_eip1898_block_object():
    block_hash = "0x" + "11" * 32
    _, answer = call(request("demo_balance", "0x" + "00" * 20, {"blockHash": block_hash}))
    assert answer["result"][1] == block_hash


@pytest.mark.parametrize(
    "body, code, message",
    [
        ("{not json", -32700, "parse error"),
        ("[]", -32600, "empty batch"),
        ('"text"', -32600, "invalid request: expected a JSON object"),
        ({"jsonrpc": "1.0", "id": 1, "method": "demo_add", "params": [1]}, -32600, '"jsonrpc" must be "2.0"'),
        ({"jsonrpc": "2.0", "id": 1, "method": 5}, -32600, '"method" must be a string'),
        ({"jsonrpc": "2.0", "id": [1], "method": "demo_add"}, -32600, "id must be"),
        (request("demo_nothing"), -32601, "the method demo_nothing does not exist/is not available"),
        (request("demo__helper"), -32601, "does not exist"),
        (request("demo_add"), -32602, "missing value for required argument 0 (a)"),
        (request("demo_add", 1, 2, 3), -32602, "too many arguments, want at most 2"),
        (request("demo_add", "0xzz"), -32602, "invalid argument 0 (a): invalid hex string"),
        (request("demo_add", True), -32602, "invalid argument 0 (a): expected a hex string for a quantity, got a boolean"),
        ({"jsonrpc": "2.0", "id": 1, "method": "demo_add", "params": {"a": 1}}, -32602, "expected an array"),
        (request("demo_balance", "0x1234"), -32602,
         "invalid argument 0 (address): hex string has length 4, want 40 for an address"),
        (request("demo_balance", "0x" + "00" * 20, "newest"), -32602, "invalid argument 1 (block): invalid block tag"),
        (request("demo_reject"), -32000, "nonce too low: address 0xabc, tx: 0 state: 1"),
    ],
)
def test_error_codes_and_messages(body, code, message):
    status, answer = call(body)
    assert status == 200
    assert answer["error"]["code"] == code
    assert message in answer["error"]["message"]
    assert "Traceback" not in json.dumps(answer)


def test_revert_is_code_3_with_data_and_reason():
    _, answer = call(request("demo_revert"))
    assert answer["error"]["code"] == 3
    assert answer["error"]["message"] == "execution reverted: nope"
    assert answer["error"]["data"].startswith("0x08c379a0")


def test_unexpected_exception_is_one_line_internal_error(caplog):
    _, answer = call(request("demo_crash"))
    assert answer["error"] == {"code": -32603,
                               "message": "internal error in demo_crash: ZeroDivisionError: division by zero"}
    assert "ZeroDivisionError" in caplog.text


def test_batch_keeps_order_and_skips_notifications():
    demo = Demo()
    batch = [
        request("demo_add", 1, request_id="a"),
        {"jsonrpc": "2.0", "method": "demo_record", "params": [7]},
        request("demo_missing", request_id=2),
        request("demo_add", 2, request_id=3),
    ]
    _, answer = call(batch, RpcServer([demo]))
    assert [r["id"] for r in answer] == ["a", 2, 3]
    assert answer[0]["result"] == "0x2" and answer[1]["error"]["code"] == -32601
    assert demo.seen == [7]


def test_notifications_only_get_no_content():
    demo = Demo()
    status, answer = call({"jsonrpc": "2.0", "method": "demo_record", "params": [9]}, RpcServer([demo]))
    assert status == 204 and answer is None
    assert demo.seen == [9]


def test_batch_size_is_bounded():
    server = RpcServer([Demo()], RpcLimits(max_batch=2))
    _, answer = call([request("demo_add", 1, request_id=i) for i in range(3)], server)
    assert answer == [{"jsonrpc": "2.0", "id": 0,
                       "error": {"code": -32600, "message": "batch too large: 3 requests, at most 2"}}]


def test_oversize_body_is_413():
    server = RpcServer([Demo()], RpcLimits(max_body_bytes=1024))
    status, answer = call(request("demo_add", "0x" + "1" * 2000), server)
    assert status == 413
    assert answer["error"]["code"] == -32600
    assert "request body too large: at most 1024 bytes" in answer["error"]["message"]


def test_cors_preflight_and_headers():
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            headers = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                       "Access-Control-Request-Headers": "content-type"}
            async with session.options(handle.url, headers=headers) as response:
                preflight = response.status, dict(response.headers)
            async with session.post(handle.url, json=request("demo_add", 1)) as response:
                return preflight, dict(response.headers)
    (status, preflight), headers = run(go())
    assert status == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "content-type"
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_websocket_requests_batches_and_connection_injection():
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            async with session.ws_connect(handle.ws_url) as ws:
                await ws.send_str(json.dumps(request("demo_where", request_id=5)))
                single = json.loads(await ws.receive_str())
                await ws.send_str(json.dumps([request("demo_add", 1), request("demo_add", 2, request_id=2)]))
                batch = json.loads(await ws.receive_str())
                await ws.send_str("{oops")
                parse_error = json.loads(await ws.receive_str())
            _, over_http = await post(session, handle.url, request("demo_where"))
            return single, batch, parse_error, over_http
    single, batch, parse_error, over_http = run(go())
    assert single == {"jsonrpc": "2.0", "id": 5, "result": "websocket"}
    assert [r["result"] for r in batch] == ["0x2", "0x3"]
    assert parse_error["error"]["code"] == -32700
    assert over_http["result"] == "http"


def test_plain_get_is_refused_with_a_hint():
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            async with session.get(handle.url) as response:
                return response.status, await response.json()
    status, answer = run(go())
    assert status == 405
    assert "use POST" in answer["error"]["message"]


def test_stop_closes_open_websockets_and_frees_the_port():
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            ws = await session.ws_connect(handle.ws_url)
            await handle.stop()
            message = await ws.receive()
            with pytest.raises(aiohttp.ClientConnectionError):
                await post(session, handle.url, request("demo_add", 1))
            return message.type
    assert run(go()) in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)


def test_registering_a_method_twice_is_an_error():
    with pytest.raises(ValueError, match="demo_add is registered twice"):
        RpcServer([Demo(), Demo()])


def test_handler_without_converter_annotation_is_refused():
    class Bad:
        namespace = "bad"

        def method(self, value):
            return value

    with pytest.raises(TypeError, match="no converter annotation"):
        RpcServer([Bad()])
