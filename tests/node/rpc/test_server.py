"""
The JSON-RPC server
===================

Over real HTTP and WebSocket on 127.0.0.1: dispatch by namespace, every
standard error code with its message, batches and their bounds (count, time,
answer size), notifications and malformed requests without an id, strict
JSON, oversize and undecodable bodies, malformed HTTP kept out of the log,
CORS, an unexpected exception, and a clean stop.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import sys
import zlib

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

    async def slow(self) -> str:
        await asyncio.sleep(0.05)
        return "done"

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


def test_unexpected_exception_is_internal_error_without_python_text(caplog):
    _, answer = call(request("demo_crash"))
    assert answer["error"] == {"code": -32603,
                               "message": "internal error in demo_crash: the node could not serve this request"}
    assert "ZeroDivisionError" in caplog.text  # the node's log has what a developer needs


@pytest.fixture
def high_recursion_limit():
    """The recursion limit as py_ecc leaves it when imported: parsing must not depend on it."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    yield
    sys.setrecursionlimit(old)


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "parse error: empty request"),
        ('{"jsonrpc": "2.0", "id": 1, "method": "demo_add"', "parse error: expecting ',' delimiter at line 1 column 49"),
        ('{"jsonrpc": "2.0", "id": NaN, "method": "demo_add", "params": [1]}', "parse error: NaN is not JSON"),
        ('{"jsonrpc": "2.0", "id": -Infinity, "method": "demo_add"}', "parse error: -Infinity is not JSON"),
        ('{"jsonrpc": "2.0", "id": 1e400, "method": "demo_add"}', "parse error: the number 1e400 is out of range"),
        ('{"jsonrpc": "2.0", "id": ' + "9" * 5000 + "}", "parse error: a number with more than 4300 digits"),
        ("[" * 100_000, "parse error: JSON nested too deeply"),
        (b"{\"id\": \"\xff\xfe\"}", "parse error: the request is not UTF-8 text"),
    ],
    ids=["empty", "truncated", "nan", "infinity", "overflowing-float", "huge-int", "deep", "not-utf8"],
)
def test_parse_errors_name_the_problem_without_python_text(body, message, high_recursion_limit):
    status, answer = call(body)
    assert status == 200
    assert answer == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": message}}


@pytest.mark.parametrize("body, message", [
    ({"jsonrpc": "2.0", "method": 123}, '"method" must be a string'),
    ({}, '"jsonrpc" must be "2.0"'),
    ({"jsonrpc": "2.0"}, '"method" must be a string'),
    ({"method": "demo_record", "params": [1]}, '"jsonrpc" must be "2.0"'),
])
def test_malformed_requests_without_id_are_answered_with_id_null(body, message):
    demo = Demo()
    status, answer = call(body, RpcServer([demo]))
    assert status == 200
    assert answer == {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request: " + message}}
    _, batch = call([body, {"jsonrpc": "2.0", "method": "demo_record", "params": [2]}], RpcServer([demo]))
    assert batch == [answer]
    assert demo.seen == [2]


def test_a_batch_past_its_time_answers_the_rest_request_timed_out():
    server = RpcServer([Demo()], RpcLimits(batch_timeout=0.12))
    _, answer = call([request("demo_slow", request_id=i) for i in range(8)]
                     + [{"jsonrpc": "2.0", "method": "demo_slow"}], server)
    assert [r["id"] for r in answer] == list(range(8))  # the notification gets no answer
    done = [r for r in answer if r.get("result") == "done"]
    late = [r["error"] for r in answer if "error" in r]
    assert 2 <= len(done) < 8
    assert all(error == {"code": -32002, "message": "request timed out: the batch ran past 0.12 s"} for error in late)
    assert answer == sorted(answer, key=lambda r: "error" in r)  # the ones served came first


def test_a_batch_answer_past_its_size_answers_the_rest_response_too_large():
    server = RpcServer([Demo()], RpcLimits(max_batch_response_bytes=80))
    _, answer = call([request("demo_add", i, request_id=i) for i in range(4)], server)
    assert [r.get("result") for r in answer[:2]] == ["0x1", "0x2"]
    assert answer[2:] == [
        {"jsonrpc": "2.0", "id": i, "error": {"code": -32003,
                                              "message": "response too large: the batch's answer passed 80 bytes"}}
        for i in (2, 3)
    ]


BODY = json.dumps(request("demo_add", 1)).encode()


def deflated(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(wbits=wbits)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize("encoding, data", [
    ("gzip", gzip.compress(BODY, mtime=0)),
    ("x-gzip", gzip.compress(BODY, mtime=0)),
    ("deflate", zlib.compress(BODY)),
    ("deflate", deflated(BODY, -15)),
    ("identity", BODY),
], ids=["gzip", "x-gzip", "deflate", "raw-deflate", "identity"])
def test_compressed_bodies_are_read(encoding, data):
    status, answer = encoded_post(encoding, data)
    assert (status, answer) == (200, {"jsonrpc": "2.0", "id": 1, "result": "0x2"})


@pytest.mark.parametrize("encoding, data, status, message", [
    ("gzip", BODY, 400, "parse error: the request body is not valid gzip data (its Content-Encoding)"),
    ("gzip", gzip.compress(BODY, mtime=0)[:-9], 400, "parse error: the request body is not valid gzip data (its Content-Encoding)"),
    ("gzip", gzip.compress(BODY, mtime=0) + b"junk", 400, "parse error: the request body is not valid gzip data (its Content-Encoding)"),
    ("deflate", b"junk", 400, "parse error: the request body is not valid deflate data (its Content-Encoding)"),
    ("br", BODY, 415, "parse error: unsupported Content-Encoding 'br' (gzip and deflate are supported)"),
    ("gzip", gzip.compress(bytes(2048), mtime=0), 413, "request body too large: at most 1024 bytes"),
], ids=["not-gzip", "truncated", "trailing-bytes", "not-deflate", "unsupported", "bomb"])
def test_bodies_that_do_not_decode_are_refused(encoding, data, status, message):
    answer = encoded_post(encoding, data, RpcServer([Demo()], RpcLimits(max_body_bytes=1024)))
    assert answer[0] == status
    assert answer[1]["error"]["message"] == message
    assert answer[1]["error"]["code"] == (-32600 if status == 413 else -32700)


def encoded_post(encoding: str, data: bytes, server: RpcServer | None = None):
    async def go():
        async with running(server or RpcServer([Demo()])) as (handle, session):
            async with session.post(handle.url, data=data, headers={"Content-Encoding": encoding}) as response:
                return response.status, await response.json()
    return run(go())


def test_malformed_http_is_refused_with_400_and_one_debug_line(caplog):
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            replies = []
            for raw in (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
                reader, writer = await asyncio.open_connection(handle.host, handle.port)
                writer.write(raw)
                replies.append(await reader.read(12))
                writer.close()
            _, answer = await post(session, handle.url, request("demo_add", 1))
            return replies, answer
    with caplog.at_level(logging.DEBUG, logger="aiohttp.server"):
        replies, answer = run(go())
    assert replies == [b"HTTP/1.0 400"] * 2
    assert answer["result"] == "0x2"
    refused = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert [r.levelno for r in refused] == [logging.DEBUG] * 2
    assert refused[0].getMessage() == "refused malformed HTTP: Invalid character in Content-Length:"
    assert all(r.exc_info is None for r in refused) and "Traceback" not in caplog.text


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


def test_a_websocket_handshake_aiohttp_refuses_is_400_naming_why():
    async def go():
        async with running(RpcServer([Demo()])) as (handle, session):
            headers = {"Upgrade": "websocket", "Connection": "Upgrade",
                       "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "99"}
            async with session.get(handle.url, headers=headers) as response:
                return response.status, await response.json()
    status, answer = run(go())
    assert status == 400
    assert answer["error"] == {"code": -32600, "message": "invalid WebSocket handshake: Unsupported version: 99"}


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
