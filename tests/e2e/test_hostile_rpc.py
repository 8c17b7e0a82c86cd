"""
Hostile JSON-RPC: the corpus
============================

Hostile and malformed requests against one real ``ovm node`` (instant
mode, under a 3 GiB memory limit): transport (HTTP framing, bodies,
encodings), the JSON-RPC envelope and batches, the parameters of every
method, transactions, execution resources, and WebSocket. Each answer must
carry the standard code and a message naming the problem, with no Python
text, in bounded time; after each case the node must be alive, answering,
with nothing Python in its log and its memory bounded (``hostile_rpc``).
The destructive cases, each on a fresh node, are in
``test_hostile_rpc_destructive.py``.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib

import pytest
from node_process import NodeProcess
from hostile_rpc import (
    ADDRESS,
    ANSWER_TIMEOUT,
    CALLING_LOOP,
    CHAIN_ID,
    GROWING_MEMORY_LOOP,
    HASH,
    HUGE_MSTORE,
    LOOP,
    MEMORY_LIMIT,
    SELF_CALL,
    Watch,
    assert_error,
    assert_no_python_text,
    call,
    overrides,
    parameter_cases,
    post,
    raw_http,
    request,
    returning,
    served_methods,
    words,
)
from support import nested_rlp_lists as nested
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import (
    DepositTransaction,
    FeeMarketTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    encode_transaction,
)
from ovm.primitives import rlp

pytestmark = pytest.mark.xdist_group("hostile-rpc")

SENDER, OTHER = dev_accounts()[1], dev_accounts()[2]
SENDER_HEX = "0x" + SENDER.address.hex()
LOOPING = "0x" + "ab" * 20
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """One node for the module, with one transfer mined (nonce 0 of SENDER)."""
    node = NodeProcess(tmp_path_factory.mktemp("hostile") / "chain", "--instant", memory_limit=MEMORY_LIMIT)
    node.mined = call(node.url, "eth_sendRawTransaction", signed(transfer()))["result"]
    yield node
    assert node.stop() == 0


@pytest.fixture(autouse=True)
def healthy_after(node):
    """After each case: alive, answering, a clean log, memory bounded."""
    watch = Watch(node)
    watch.new_log()
    yield
    watch.assert_healthy()


def transfer(**fields) -> FeeMarketTransaction:
    values = dict(chain_id=901, nonce=0, max_priority_fee_per_gas=10**9, max_fee_per_gas=10**10, gas=21_000,
                  to=OTHER.address, value=1, data=b"", access_list=(), y_parity=0, r=0, s=0)
    return FeeMarketTransaction(**{**values, **fields})


def signed(tx, chain_id: int = 901) -> str:
    return "0x" + encode_transaction(sign_transaction(tx, SENDER.private_key, chain_id)).hex()


def with_fields(tx, **changes) -> str:
    """A signed typed transaction with fields of its RLP list replaced by index."""
    raw = bytes.fromhex(signed(tx)[2:])
    fields = rlp.decode(raw[1:])
    for index, value in changes.items():
        fields[int(index[1:])] = value
    return "0x" + (raw[:1] + rlp.encode(fields)).hex()


# --- transport ---------------------------------------------------------------------------


PARSE_ERROR_BODIES = [
    ("empty", b"", "parse error: empty request"),
    ("whitespace", b" \r\n\t ", "parse error: empty request"),
    ("not-json", b"{not json", "parse error: expecting property name enclosed in double quotes at line 1 column 2"),
    ("truncated", b'{"jsonrpc": "2.0", "id": 1', "parse error: expecting ',' delimiter at line 1 column 27"),
    ("trailing-garbage", b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"} x', "parse error: extra data at line 1"),
    ("nan-id", b'{"jsonrpc": "2.0", "id": NaN, "method": "eth_chainId"}', "parse error: NaN is not JSON"),
    ("infinity-param", b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [Infinity]}',
     "parse error: Infinity is not JSON"),
    ("1e400-id", b'{"jsonrpc": "2.0", "id": 1e400, "method": "eth_chainId"}', "parse error: the number 1e400 is out of range"),
    ("5000-digit-id", b'{"jsonrpc": "2.0", "id": ' + b"7" * 5000 + b', "method": "eth_chainId"}',
     "parse error: a number with more than 4300 digits"),
    ("100k-nested-arrays", b"[" * 100_000, "parse error: JSON nested too deeply"),
    ("100k-nested-objects", b'{"a":' * 100_000, "parse error: JSON nested too deeply"),
    ("not-utf8", b'{"jsonrpc": "2.0", "id": "\xff\xfe", "method": "eth_chainId"}', "parse error: the request is not UTF-8 text"),
    ("control-character", b'{"jsonrpc": "2.0", "id": "a\x01b", "method": "eth_chainId"}',
     "parse error: invalid control character at line 1 column 28"),
    ("bad-escape", b'{"jsonrpc": "2.0", "id": "\\x", "method": "eth_chainId"}', "parse error: invalid \\escape at line 1"),
    ("single-quotes", b"{'jsonrpc': '2.0'}", "parse error: expecting property name enclosed in double quotes"),
]


@pytest.mark.parametrize("body, message", [case[1:] for case in PARSE_ERROR_BODIES],
                         ids=[case[0] for case in PARSE_ERROR_BODIES])
def test_a_body_that_is_not_json_is_a_parse_error_naming_the_problem(node, body, message):
    status, answer = post(node.url, body)
    assert status == 200
    assert_error(answer, -32700, message, request_id=None)


def test_a_body_over_5_mb_is_413(node):
    status, answer = post(node.url, b'{"jsonrpc": "2.0", "id": "' + b"a" * (5 << 20) + b'"}')
    assert status == 413
    assert_error(answer, -32600, f"request body too large: at most {5 << 20} bytes")


BODY = json.dumps(request("eth_chainId")).encode()
ENCODED_BODIES = [
    ("gzip-not-gzip", "gzip", BODY, 400, -32700, "the request body is not valid gzip data (its Content-Encoding)"),
    ("gzip-truncated", "gzip", gzip.compress(BODY, mtime=0)[:-12], 400, -32700, "not valid gzip data"),
    ("gzip-trailing-junk", "gzip", gzip.compress(BODY, mtime=0) + b"junk", 400, -32700, "not valid gzip data"),
    ("deflate-junk", "deflate", b"\x00junk", 400, -32700, "not valid deflate data"),
    ("gzip-bomb", "gzip", gzip.compress(bytes(64 << 20), mtime=0), 413, -32600, "request body too large"),
    ("brotli", "br", BODY, 415, -32700, "unsupported Content-Encoding 'br' (gzip and deflate are supported)"),
    ("unknown-encoding", "x-evil", BODY, 415, -32700, "unsupported Content-Encoding 'x-evil'"),
]


@pytest.mark.parametrize("encoding, body, status, code, message", [case[1:] for case in ENCODED_BODIES],
                         ids=[case[0] for case in ENCODED_BODIES])
def test_a_body_that_does_not_decode_is_refused(node, encoding, body, status, code, message):
    answer = post(node.url, body, {"Content-Encoding": encoding})
    assert answer[0] == status
    assert_error(answer[1], code, message)


@pytest.mark.parametrize("encoding, body", [("gzip", gzip.compress(BODY, mtime=0)), ("deflate", zlib.compress(BODY))],
                         ids=["gzip", "deflate"])
def test_a_compressed_body_is_read(node, encoding, body):
    assert post(node.url, body, {"Content-Encoding": encoding}) == (200, {"jsonrpc": "2.0", "id": 1, "result": CHAIN_ID})


@pytest.mark.parametrize("body", [BODY.decode().encode("utf-16"), b"\xef\xbb\xbf" + BODY],
                         ids=["utf-16", "utf-8-bom"])
def test_json_in_another_unicode_encoding_is_read(node, body):
    assert post(node.url, body)[1]["result"] == CHAIN_ID


MALFORMED_HTTP = [
    ("bad-request-line", b"GARBAGE / HTTP/1.1\r\n\r\n", b"HTTP/1.0 400"),
    ("not-http", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(64), b"HTTP/1.0 400"),
    ("bad-content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"HTTP/1.0 400"),
    ("negative-content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b"HTTP/1.0 400"),
    ("bad-chunk-size", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"HTTP/1.0 400"),
    ("header-too-long", b"POST / HTTP/1.1\r\nHost: x\r\nX-Junk: " + b"a" * 20_000 + b"\r\n\r\n", b"HTTP/1.0 400"),
    ("header-without-colon", b"POST / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", b"HTTP/1.0 400"),
    ("duplicate-content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
     b"HTTP/1.0 400"),
    ("put", b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", b"HTTP/1.1 405"),
    ("other-path", b"POST /admin HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
     b"HTTP/1.1 404"),
]


@pytest.mark.parametrize("data, status_line", [case[1:] for case in MALFORMED_HTTP],
                         ids=[case[0] for case in MALFORMED_HTTP])
def test_malformed_http_is_refused_without_python_text(node, data, status_line):
    reply = raw_http("127.0.0.1", node.port, data)
    assert reply.startswith(status_line), reply[:200]
    assert_no_python_text(reply.decode(errors="replace"))


def test_chunked_and_http_1_0_requests_are_served(node):
    chunked = (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + f"{len(BODY):x}\r\n".encode() + BODY + b"\r\n0\r\n\r\n")
    http10 = b"POST / HTTP/1.0\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
    for data in (chunked, http10):
        reply = raw_http("127.0.0.1", node.port, data)
        assert reply.split(b"\r\n")[0].endswith(b"200 OK") and b'"result": "0x385"' in reply


def test_a_plain_get_is_405_with_a_hint(node):
    reply = raw_http("127.0.0.1", node.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 405") and b"use POST for JSON-RPC over HTTP, or a WebSocket" in reply


# --- the envelope and batches -------------------------------------------------------------------


INVALID_REQUESTS = [
    ("method-number", {"jsonrpc": "2.0", "method": 123}, '"method" must be a string'),
    ("empty-object", {}, '"jsonrpc" must be "2.0"'),
    ("no-method", {"jsonrpc": "2.0"}, '"method" must be a string'),
    ("method-null", {"jsonrpc": "2.0", "id": 1, "method": None}, '"method" must be a string'),
    ("method-array", {"jsonrpc": "2.0", "id": 1, "method": ["eth_chainId"]}, '"method" must be a string'),
    ("jsonrpc-1.0", {"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}, '"jsonrpc" must be "2.0"'),
    ("jsonrpc-number", {"jsonrpc": 2.0, "id": 1, "method": "eth_chainId"}, '"jsonrpc" must be "2.0"'),
    ("no-jsonrpc", {"id": 1, "method": "eth_chainId"}, '"jsonrpc" must be "2.0"'),
    ("id-array", {"jsonrpc": "2.0", "id": [1], "method": "eth_chainId"}, "id must be a string, number or null"),
    ("id-object", {"jsonrpc": "2.0", "id": {"a": 1}, "method": "eth_chainId"}, "id must be a string, number or null"),
    ("id-true", {"jsonrpc": "2.0", "id": True, "method": "eth_chainId"}, "id must be a string, number or null"),
    ("json-string", "text", "expected a JSON object"),
    ("json-number", 1, "expected a JSON object"),
    ("json-null", None, "expected a JSON object"),
    ("json-true", True, "expected a JSON object"),
]


@pytest.mark.parametrize("body, message", [case[1:] for case in INVALID_REQUESTS],
                         ids=[case[0] for case in INVALID_REQUESTS])
def test_an_invalid_request_is_answered_even_without_an_id(node, body, message):
    status, answer = post(node.url, json.dumps(body))
    assert status == 200
    valid_id = body.get("id") if isinstance(body, dict) and type(body.get("id")) is int else None
    assert_error(answer, -32600, message, request_id=valid_id)
    _, in_batch = post(node.url, [body])
    assert in_batch == [answer]


@pytest.mark.parametrize("request_id", ["abc", "", -1, 1.5, 2**70, None, "\u00e9\U0001F600"],
                         ids=["string", "empty-string", "negative", "fraction", "2^70", "null", "unicode"])
def test_ids_are_echoed_as_valid_json(node, request_id):
    status, answer = post(node.url, request("eth_chainId", request_id=request_id))
    assert (status, answer) == (200, {"jsonrpc": "2.0", "id": request_id, "result": CHAIN_ID})


BAD_PARAMS_SHAPES = [("string", "x"), ("number", 5), ("object", {"a": 1}), ("true", True)]


@pytest.mark.parametrize("params", [case[1] for case in BAD_PARAMS_SHAPES], ids=[c[0] for c in BAD_PARAMS_SHAPES])
def test_params_that_are_not_an_array_are_invalid_params(node, params):
    answer = post(node.url, {"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": params})[1]
    assert_error(answer, -32602, "invalid params: expected an array of arguments")


UNKNOWN_METHODS = [
    ("empty", ""), ("private-helper", "eth__submit"), ("other-case", "ETH_CHAINID"), ("rpc-modules", "rpc_modules"),
    ("admin", "admin_addPeer"), ("personal", "personal_unlockAccount"), ("no-namespace", "chainId"), ("dunder", "eth___init__"),
    ("unicode", "eth_\u00e9\ud800"), ("10k-chars", "eth_" + "x" * 10_000),
]


@pytest.mark.parametrize("method", [case[1] for case in UNKNOWN_METHODS], ids=[case[0] for case in UNKNOWN_METHODS])
def test_an_unknown_method_is_named_in_a_short_message(node, method):
    answer = post(node.url, request(method))[1]
    assert_error(answer, -32601, "does not exist/is not available")
    assert len(answer["error"]["message"]) < 150


def test_batches(node):
    status, answer = post(node.url, "[]")
    assert status == 200
    assert_error(answer, -32600, "empty batch")
    answers = post(node.url, [1, [], {"jsonrpc": "2.0", "method": 5}])[1]
    assert [a["id"] for a in answers] == [None, None, None]
    for entry in answers:
        assert_error(entry, -32600, "invalid request")
    answers = post(node.url, [request("eth_chainId", request_id=i) for i in range(1001)])[1]
    assert len(answers) == 1
    assert_error(answers[0], -32600, "batch too large: 1001 requests, at most 1000")
    answers = post(node.url, [request("eth_blockNumber", request_id=i) for i in range(1000)])[1]
    assert [a["id"] for a in answers] == list(range(1000)) and all("result" in a for a in answers)
    mixed = [request("eth_chainId", request_id="a"), {"jsonrpc": "2.0", "method": "eth_chainId"},
             request("nope_x", request_id="b"), request("eth_getBalance", "0x12", request_id="c")]
    answers = post(node.url, mixed)[1]
    assert [a["id"] for a in answers] == ["a", "b", "c"]
    assert_error(answers[1], -32601, "the method nope_x does not exist")
    assert_error(answers[2], -32602, "invalid argument 0 (address)")


@pytest.mark.parametrize("body", [
    {"jsonrpc": "2.0", "method": "eth_chainId"},
    {"jsonrpc": "2.0", "method": "nope_nothing"},
    {"jsonrpc": "2.0", "method": "eth_getBalance", "params": [[[[]]]]},
    [{"jsonrpc": "2.0", "method": "eth_chainId"}, {"jsonrpc": "2.0", "method": "nope"}],
], ids=["known", "unknown-method", "bad-params", "batch-of-notifications"])
def test_notifications_get_no_answer(node, body):
    assert post(node.url, body) == (204, None)


def test_a_batch_answer_past_25_mb_is_cut_with_response_too_large(node):
    big = overrides(LOOPING, returning(128 * 1024))
    batch = [request("eth_call", {"to": LOOPING}, "latest", big, request_id=i) for i in range(120)]
    answers = post(node.url, batch)[1]
    assert [a["id"] for a in answers] == list(range(120))
    served = [a for a in answers if "result" in a]
    assert 80 < len(served) < 120 and all(len(a["result"]) == 2 + 2 * 128 * 1024 for a in served)
    for answer in answers[len(served):]:
        assert_error(answer, -32003, "response too large: the batch's answer passed 25000000 bytes")


def test_duplicate_keys_and_extra_members(node):
    body = b'{"jsonrpc": "2.0", "id": 1, "id": 2, "method": "eth_chainId", "extra": {"x": [1]}}'
    assert post(node.url, body)[1] == {"jsonrpc": "2.0", "id": 2, "result": CHAIN_ID}


# --- parameters -------------------------------------------------------------------------------------


METHODS = served_methods()


@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_parameter_of_every_method(node, name):
    for case in parameter_cases(METHODS[name]):
        answer = post(node.url, {"jsonrpc": "2.0", "id": 7, "method": name, "params": case.params})[1]
        assert_error(answer, -32602, case.message, request_id=7)


FREE_FORM_PARAMETERS = [
    ("feeHistory-percentiles-text", "eth_feeHistory", ["0x1", "latest", "x"], -32602, "want an array of at most 100"),
    ("feeHistory-percentiles-101", "eth_feeHistory", ["0x1", "latest", [101]], -32602, "increasing numbers from 0 to 100"),
    ("feeHistory-percentiles-decreasing", "eth_feeHistory", ["0x1", "latest", [5, 1]], -32602, "increasing numbers"),
    ("feeHistory-percentiles-bools", "eth_feeHistory", ["0x1", "latest", [True]], -32602, "increasing numbers"),
    ("feeHistory-percentiles-many", "eth_feeHistory", ["0x1", "latest", list(range(101))], -32602, "at most 100 numbers"),
    ("subscribe-over-http", "eth_subscribe", ["newHeads"], -32601, "notifications not supported: subscribe over a WebSocket"),
    ("unsubscribe-over-http", "eth_unsubscribe", ["0x1"], -32601, "notifications not supported"),
    ("trace-config-number", "debug_traceCall", [{"to": ADDRESS}, "latest", 5], -32602, "(config): expected an object"),
    ("trace-unknown-tracer", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": "4byteTracer"}], -32000,
     "tracer not found: '4byteTracer'"),
    ("trace-tracer-list", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": ["callTracer"]}], -32000,
     "tracer not found"),
    ("prestate-unknown-option", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": "prestateTracer",
                                                                               "tracerConfig": {"diff": True}}],
     -32602, "unknown option 'diff'"),
    ("prestate-diffMode-string", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": "prestateTracer",
                                                                                 "tracerConfig": {"diffMode": "yes"}}],
     -32602, "diffMode must be a boolean"),
    ("traceBlock-missing", "debug_traceBlockByNumber", ["0xffffff"], -32001, "not found"),
    ("traceBlock-genesis", "debug_traceBlockByNumber", ["0x0"], -32000, "genesis is not traceable"),
    ("traceBlockByHash-short", "debug_traceBlockByHash", ["0x1234"], -32602, "hash"),
    ("ots-page-size-zero", "ots_searchTransactionsBefore", [ADDRESS, 0, 0], -32602, "a page holds 1 to 1000"),
    ("ots-trace-missing", "ots_traceTransaction", ["0x" + "ab" * 32], -32001, "not found"),
    ("trace-tracer-number", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": 5}], -32000, "tracer not found"),
    ("trace-tracerConfig-number", "debug_traceCall", [{"to": ADDRESS}, "latest", {"tracer": "callTracer",
                                                                                  "tracerConfig": 5}],
     -32602, "tracerConfig must be an object"),
    ("trace-unknown-option", "debug_traceCall", [{"to": ADDRESS}, "latest", {"colour": True}], -32602,
     "unknown option 'colour'"),
    ("trace-enableMemory-text", "debug_traceCall", [{"to": ADDRESS}, "latest", {"enableMemory": "yes"}], -32602,
     "enableMemory must be a boolean"),
    ("trace-limit-negative", "debug_traceCall", [{"to": ADDRESS}, "latest", {"limit": -1}], -32602,
     "limit must be a non-negative integer"),
    ("trace-limit-fraction", "debug_traceCall", [{"to": ADDRESS}, "latest", {"limit": 1.5}], -32602,
     "limit must be a non-negative integer"),
    ("trace-timeout-hour", "debug_traceCall", [{"to": ADDRESS}, "latest", {"timeout": "1h"}], -32602,
     "timeout 1h is longer than this node allows (60s)"),
    ("trace-timeout-number", "debug_traceCall", [{"to": ADDRESS}, "latest", {"timeout": 5}], -32602,
     'timeout must be a duration such as "10s"'),
    ("trace-timeout-words", "debug_traceCall", [{"to": ADDRESS}, "latest", {"timeout": "five seconds"}], -32602,
     "timeout must be a duration"),
    ("trace-overrides-number", "debug_traceCall", [{"to": ADDRESS}, "latest", {"stateOverrides": 5}], -32602,
     "(config.stateOverrides): expected an object"),
    ("trace-unknown-transaction", "debug_traceTransaction", [HASH], -32001, f"transaction {HASH} not found"),
    ("trace-transaction-config-text", "debug_traceTransaction", [HASH, "x"], -32602, "expected an object"),
    ("mine-text", "evm_mine", ["zz"], -32602, "invalid argument 0 (timestamp): hex string without 0x prefix"),
    ("mine-true", "evm_mine", [True], -32602, "expected a hex string for a quantity, got a boolean"),
    ("mine-array", "evm_mine", [[1]], -32602, "expected a hex string for a quantity, got an array"),
    ("mine-zero-blocks", "evm_mine", [{"blocks": "0x0"}], -32602, "block count must be from 1 to 10000, got 0"),
    ("mine-2^64-blocks", "evm_mine", [{"blocks": "0xffffffffffffffff"}], -32602, "block count must be from 1 to 10000"),
    ("mine-at-2^80", "evm_mine", ["0x" + "f" * 20], -32602, "would take block timestamps past"),
    ("mine-in-the-past", "evm_mine", ["0x1"], -32000, "timestamp 1 is not after the head block's"),
    ("anvil-mine-2^64", "anvil_mine", ["0xffffffffffffffff"], -32602, "block count must be from 1 to 10000"),
    ("anvil-mine-interval-2^200", "anvil_mine", ["0x2", "0x" + "f" * 50], -32602, "would take block timestamps past"),
    ("next-timestamp-2^64-1", "evm_setNextBlockTimestamp", ["0xffffffffffffffff"], -32602,
     "would take block timestamps past"),
    ("next-timestamp-past", "evm_setNextBlockTimestamp", ["0x1"], -32000, "is not after the head block's"),
    ("increase-time-2^256-1", "evm_increaseTime", ["0x" + "f" * 64], -32602, "would take block timestamps past"),
    ("set-balance-2^256", "anvil_setBalance", [ADDRESS, "0x1" + "0" * 64], -32602, "exceeds 256 bits"),
    ("set-nonce-2^64", "anvil_setNonce", [ADDRESS, "0x10000000000000000"], -32602, "exceeds 64 bits"),
    ("storage-slot-33-bytes", "eth_getStorageAt", [ADDRESS, "0x" + "11" * 33], -32602, "storage slot exceeds 32 bytes"),
    ("block-tag-newest", "eth_getBlockByNumber", ["newest", False], -32602, "invalid block tag 'newest'"),
    ("block-tag-uppercase", "eth_getBlockByNumber", ["LATEST", False], -32602, "invalid block tag 'LATEST'"),
    ("block-number-empty-hex", "eth_getBlockByNumber", ["0x", False], -32602, "empty hex string"),
    ("block-object-both", "eth_getBalance", [ADDRESS, {"blockHash": HASH, "blockNumber": "0x0"}], -32602,
     "blockHash and blockNumber are mutually exclusive"),
    ("block-object-empty", "eth_getBalance", [ADDRESS, {}], -32602, "block object needs blockHash or blockNumber"),
    ("block-object-canonical-text", "eth_getBalance", [ADDRESS, {"blockHash": HASH, "requireCanonical": "y"}],
     -32602, "expected a boolean"),
    ("block-unknown-hash", "eth_getBalance", [ADDRESS, {"blockHash": HASH}], -32001, f"block {HASH} not found"),
    ("block-far-future", "eth_getBalance", [ADDRESS, "0xffffffffffffffff"], -32001, "block 18446744073709551615 not found"),
    ("call-data-and-input-differ", "eth_call", [{"to": ADDRESS, "data": "0x01", "input": "0x02"}], -32602,
     'both "data" and "input" are set and not equal'),
    ("call-unknown-field", "eth_call", [{"to": ADDRESS, "colour": "red"}], -32602, "unknown field 'colour'"),
    ("call-gasPrice-and-maxFee", "eth_call", [{"gasPrice": "0x1", "maxFeePerGas": "0x1"}], -32602,
     "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified"),
    ("call-access-list-text", "eth_call", [{"to": ADDRESS, "accessList": "x"}], -32602, "accessList: expected an array"),
    ("call-access-list-bad-key", "eth_call", [{"to": ADDRESS, "accessList": [{"address": ADDRESS,
                                                                              "storageKeys": ["0x1"]}]}],
     -32602, "accessList: [0].storageKeys[0]: hex string has length 1"),
    ("call-blob-hashes-text", "eth_call", [{"to": ADDRESS, "blobVersionedHashes": "x"}], -32602, "expected an array"),
    ("call-odd-hex-data", "eth_call", [{"to": ADDRESS, "data": "0x123"}], -32602, "data: hex string of odd length"),
    ("call-tip-over-cap", "eth_call", [{"to": ADDRESS, "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x2"}],
     -32000, "max priority fee per gas higher than max fee per gas"),
    ("call-value-without-funds", "eth_call", [{"from": ADDRESS, "to": ADDRESS, "value": "0x" + "f" * 30}], -32000,
     "insufficient funds for gas * price + value"),
    ("override-unknown-field", "eth_call", [{"to": ADDRESS}, "latest", {ADDRESS: {"colour": "red"}}], -32602,
     "unknown override field 'colour'"),
    ("override-state-and-diff", "eth_call", [{"to": ADDRESS}, "latest", {ADDRESS: {"state": {}, "stateDiff": {}}}],
     -32602, "has both 'state' and 'stateDiff'"),
    ("override-bad-address", "eth_call", [{"to": ADDRESS}, "latest", {"0x12": {}}], -32602, "override address"),
    ("override-bad-slot", "eth_call", [{"to": ADDRESS}, "latest", {ADDRESS: {"state": {"0x1": HASH}}}], -32602,
     "hex string has length 1, want 64"),
    ("override-odd-code", "eth_call", [{"to": ADDRESS}, "latest", {ADDRESS: {"code": "0x123"}}], -32602,
     "code: hex string of odd length"),
    ("filter-hash-and-range", "eth_getLogs", [{"blockHash": HASH, "fromBlock": "0x0"}], -32602,
     "cannot specify both blockHash and fromBlock/toBlock"),
    ("filter-five-topics", "eth_getLogs", [{"topics": [None] * 5}], -32602, "topics: at most 4 positions, got 5"),
    ("filter-topics-text", "eth_getLogs", [{"topics": "x"}], -32602, "topics: expected an array"),
    ("filter-bad-topic", "eth_getLogs", [{"topics": [["0x12"]]}], -32602, "topics[0]: hex string has length 2"),
    ("filter-bad-address-in-list", "eth_getLogs", [{"address": [ADDRESS, "0x12"]}], -32602, "address[1]"),
    ("filter-unknown-field", "eth_getLogs", [{"form": "0x0"}], -32602, "unknown field 'form' in filter"),
    ("filter-unknown-id", "eth_getFilterChanges", ["0x99"], -32001, "filter not found"),
    ("filter-logs-unknown-id", "eth_getFilterLogs", ["0x99"], -32001, "filter not found"),
]


@pytest.mark.parametrize("method, params, code, message", [case[1:] for case in FREE_FORM_PARAMETERS],
                         ids=[case[0] for case in FREE_FORM_PARAMETERS])
def test_free_form_and_checked_parameters(node, method, params, code, message):
    assert_error(call(node.url, method, *params), code, message)


def test_harmless_oddities_are_served(node):
    assert call(node.url, "eth_uninstallFilter", "0x99")["result"] is False
    assert call(node.url, "evm_revert", "0x" + "f" * 32)["result"] is False
    assert call(node.url, "eth_getBlockByNumber", "0xffffffffffffffff", False)["result"] is None
    assert call(node.url, "eth_feeHistory", "0xffffffff", "latest", [50])["result"]["oldestBlock"] == "0x0"
    addresses = ["0x" + i.to_bytes(20, "big").hex() for i in range(10_000)]
    assert call(node.url, "eth_getLogs", {"address": addresses, "fromBlock": "earliest"})["result"] == []
    proof = call(node.url, "eth_getProof", ADDRESS, [hex(i) for i in range(1000)], "latest")["result"]
    assert len(proof["storageProof"]) == 1000


# --- transactions -------------------------------------------------------------------------------------


def raw_transactions() -> list[tuple[str, str, str]]:
    tx = sign_transaction(transfer(nonce=1), SENDER.private_key, 901)
    unsigned_legacy = LegacyTransaction(nonce=1, gas_price=10**10, gas=21_000, to=OTHER.address, value=1,
                                        data=b"", v=27, r=0, s=0)
    deposit = DepositTransaction(b"\x11" * 32, SENDER.address, OTHER.address, 10**24, 10**24, 100_000, False, b"")
    # The node runs Osaka: a set-code transaction needs at least one authorization.
    set_code = sign_transaction(SetCodeTransaction(
        901, 1, 10**9, 10**10, 100_000, OTHER.address, 0, b"", (), (), 0, 0, 0), SENDER.private_key, 901)
    return [
        ("empty", "0x", "invalid transaction: empty transaction"),
        ("unknown-type", "0x05c0", "transaction type not supported: type 5"),
        ("set-code-no-authorization", "0x" + encode_transaction(set_code).hex(),
         "set code tx must have at least one authorization tuple"),
        ("set-code-no-fields", "0x04c0", "SetCodeTransaction: expected 13 fields, got 0"),
        ("deposit", "0x" + encode_transaction(deposit).hex(), "deposits come only from L1, through the bridge"),
        ("rlp-10k-deep-legacy", "0x" + nested(10_000).hex(), "invalid transaction: LegacyTransaction: expected 9 fields"),
        ("rlp-10k-deep-typed", "0x02" + nested(10_000).hex(), "expected 12 fields, got 1"),
        ("rlp-truncated", signed(transfer(nonce=1))[:-10], "malformed RLP"),
        ("rlp-trailing-bytes", signed(transfer(nonce=1)) + "00", "malformed RLP: trailing bytes after RLP item"),
        ("rlp-leading-zero-length", "0xf800", "malformed RLP: length has leading zero bytes"),
        ("field-is-a-list", with_fields(transfer(nonce=1), f1=[b"\x01"]), "nonce: expected a byte string, got a list"),
        ("integer-leading-zero", with_fields(transfer(nonce=1), f1=b"\x00\x01"), "nonce: integer has leading zero bytes"),
        ("integer-over-256-bits", with_fields(transfer(nonce=1), f1=b"\x01" * 40), "nonce: integer exceeds 256 bits"),
        ("to-19-bytes", with_fields(transfer(nonce=1), f5=b"\x01" * 19), "to: expected 20 bytes, got 19"),
        ("access-list-entry-short", with_fields(transfer(nonce=1), f8=[[b"\x01"]]), "access_list[0]: expected"),
        ("other-chain", signed(transfer(nonce=1, chain_id=1), chain_id=1), "invalid sender: invalid chain id for signer"),
        ("unsigned", "0x" + encode_transaction(transfer(nonce=1)).hex(), "invalid sender"),
        ("high-s", "0x" + encode_transaction(dataclasses.replace(tx, s=SECP256K1_N - tx.s,
                                                                 y_parity=1 - tx.y_parity)).hex(), "invalid sender"),
        ("r-over-n", "0x" + encode_transaction(dataclasses.replace(tx, r=SECP256K1_N + 1)).hex(), "invalid sender"),
        ("y-parity-5", "0x" + encode_transaction(dataclasses.replace(tx, y_parity=5)).hex(), "invalid sender"),
        ("unprotected-unsigned", "0x" + encode_transaction(unsigned_legacy).hex(), "invalid sender"),
        ("200-kb", signed(transfer(nonce=1, data=bytes(200_000), gas=29_000_000)), "oversized data: transaction size"),
        ("initcode-too-big", signed(transfer(nonce=1, to=None, data=bytes(49_153), gas=29_000_000)),
         "max initcode size exceeded: code size 49153, limit 49152"),
        ("tip-over-cap", signed(transfer(nonce=1, max_priority_fee_per_gas=10**11)),
         "max priority fee per gas higher than max fee per gas"),
        ("gas-over-the-cap", signed(transfer(nonce=1, gas=2**63)), "transaction gas limit too high (cap: 16777216"),
        ("fee-times-gas-overflows", signed(transfer(nonce=1, max_fee_per_gas=2**256 - 1,
                                                    max_priority_fee_per_gas=2**256 - 1)),
         "gas limit times fee per gas exceeds 256 bits"),
        ("nonce-2^64-1", signed(transfer(nonce=2**64 - 1)), "nonce 18446744073709551615 exceeds"),
        ("nonce-too-low", signed(transfer(nonce=0, value=2)), "nonce too low"),
        ("already-mined", signed(transfer()), "nonce too low"),
        ("no-funds", signed(transfer(nonce=1, value=10**30)), "insufficient funds for gas * price + value"),
        ("intrinsic-gas", signed(transfer(nonce=1, gas=20_000)), "intrinsic gas too low"),
        ("under-base-fee", signed(transfer(nonce=1, max_fee_per_gas=1, max_priority_fee_per_gas=1)),
         "max fee per gas less than block base fee"),
    ]


def test_hostile_raw_transactions_are_refused_by_name(node):
    cases = raw_transactions()
    assert len(cases) >= 30
    for label, raw, message in cases:
        answer = call(node.url, "eth_sendRawTransaction", raw)
        try:
            assert_error(answer, -32000, message)
        except AssertionError as failure:
            raise AssertionError(f"{label}: {failure}") from None
    assert call(node.url, "eth_getTransactionCount", SENDER_HEX, "pending")["result"] == "0x1"


SEND_TRANSACTION = [
    ("locked-account", {"from": ADDRESS}, -32000, "unknown account"),
    ("no-from", {"to": ADDRESS}, -32602, '"from" is required'),
    ("other-chain", {"from": SENDER_HEX, "to": ADDRESS, "chainId": "0x1"}, -32000,
     "chainId does not match node's (have=1, want=901)"),
    ("gas-1", {"from": SENDER_HEX, "to": ADDRESS, "gas": "0x1"}, -32000, "intrinsic gas too low"),
    ("gas-over-the-cap", {"from": SENDER_HEX, "to": ADDRESS, "gas": "0xffffffffff"}, -32000,
     "transaction gas limit too high (cap: 16777216"),
    ("value-over-balance", {"from": SENDER_HEX, "to": ADDRESS, "value": "0x" + "f" * 32}, -32000,
     "insufficient funds"),
    ("nonce-2^64-1", {"from": SENDER_HEX, "to": ADDRESS, "nonce": "0xffffffffffffffff"}, -32000, "exceeds"),
    ("blobs", {"from": SENDER_HEX, "to": ADDRESS, "blobVersionedHashes": ["0x01" + "00" * 31]}, -32000,
     "eth_sendTransaction cannot send blobs"),
]


@pytest.mark.parametrize("fields, code, message", [case[1:] for case in SEND_TRANSACTION],
                         ids=[case[0] for case in SEND_TRANSACTION])
def test_send_transaction_refusals(node, fields, code, message):
    assert_error(call(node.url, "eth_sendTransaction", fields), code, message)


# --- execution resources ---------------------------------------------------------------------------------


EXECUTION = [
    ("endless-loop-at-the-cap", "eth_call", [{"to": LOOPING, "gas": hex(50_000_000)}, "latest",
                                             overrides(LOOPING, LOOP)], -32000, "out of gas"),
    ("gas-over-the-cap", "eth_call", [{"to": LOOPING, "gas": "0xffffffffffffffff"}, "latest",
                                      overrides(LOOPING, LOOP)], -32000, "out of gas"),
    ("estimate-endless-loop", "eth_estimateGas", [{"to": LOOPING}, "latest", overrides(LOOPING, LOOP)], -32000,
     "gas required exceeds allowance (16777216)"),
    ("memory-at-2^40", "eth_call", [{"to": LOOPING}, "latest", overrides(LOOPING, HUGE_MSTORE)], -32000, "out of gas"),
    ("growing-memory-at-the-cap", "eth_call", [{"to": LOOPING}, "latest", overrides(LOOPING, GROWING_MEMORY_LOOP)],
     -32000, "out of gas"),
    ("modexp-2^32-byte-exponent", "eth_call", [{"to": "0x" + "00" * 19 + "05", "data": "0x" + words(1, 2**32, 1)
                                                + "02" + "03" * 64 + "05"}], -32000, "out of gas"),
    ("blake2f-2^32-rounds", "eth_call", [{"to": "0x" + "00" * 19 + "09", "data": "0xffffffff" + "00" * 208 + "01"}],
     -32000, "out of gas"),
    ("trace-endless-loop-timeout", "debug_traceCall", [{"to": LOOPING, "gas": hex(50_000_000)}, "latest",
                                                       {"timeout": "300ms", "limit": 10,
                                                        "stateOverrides": overrides(LOOPING, LOOP)}],
     -32005, "execution timeout: the trace ran past 0.3 s"),
    ("trace-calltracer-timeout", "debug_traceCall", [{"to": LOOPING, "gas": hex(50_000_000)}, "latest",
                                                     {"tracer": "callTracer", "timeout": "300ms",
                                                      "stateOverrides": overrides(LOOPING, CALLING_LOOP)}],
     -32005, "execution timeout"),
]


@pytest.mark.parametrize("method, params, code, message", [case[1:] for case in EXECUTION],
                         ids=[case[0] for case in EXECUTION])
def test_execution_resources_are_bounded(node, method, params, code, message):
    assert_error(call(node.url, method, *params), code, message)


def test_deep_calls_and_large_returns_are_served(node):
    deep = call(node.url, "eth_call", {"to": LOOPING, "gas": hex(50_000_000)}, "latest", overrides(LOOPING, SELF_CALL))
    assert deep["result"] == "0x"
    large = call(node.url, "eth_call", {"to": LOOPING}, "latest", overrides(LOOPING, returning(2 << 20)))
    assert large["result"] == "0x" + "00" * (2 << 20)
    trace = call(node.url, "debug_traceTransaction", node.mined, {"limit": 1})["result"]
    assert trace["failed"] is False


# --- WebSocket -------------------------------------------------------------------------------------------


def ws_ask(ws, message: str | bytes) -> dict:
    ws.send(message)
    return json.loads(ws.recv(timeout=ANSWER_TIMEOUT))


WS_CASES = [
    ("not-json", "{oops", -32700, "parse error: expecting property name"),
    ("100k-nested", "[" * 100_000, -32700, "parse error: JSON nested too deeply"),
    ("nan", '{"jsonrpc": "2.0", "id": NaN, "method": "eth_chainId"}', -32700, "NaN is not JSON"),
    ("invalid-request", '{"jsonrpc": "2.0", "method": 5}', -32600, '"method" must be a string'),
    ("unknown-subscription", json.dumps(request("eth_subscribe", "nope")), -32602, "unsupported subscription 'nope'"),
    ("subscription-kind-number", json.dumps(request("eth_subscribe", 5)), -32602, "invalid argument 0 (kind)"),
    ("logs-bad-filter", json.dumps(request("eth_subscribe", "logs", {"address": "0x12"})), -32602,
     "invalid argument 1 (options): address"),
    ("logs-filter-text", json.dumps(request("eth_subscribe", "logs", "x")), -32602, "invalid argument 1 (options)"),
    ("unsubscribe-bad-id", json.dumps(request("eth_unsubscribe", "x")), -32602, "invalid argument 0 (subscription_id)"),
]


def test_websocket_errors_keep_the_connection(node):
    with connect(node.ws_url, max_size=None) as ws:
        for label, message, code, text in WS_CASES:
            try:
                assert_error(ws_ask(ws, message), code, text)
            except AssertionError as failure:
                raise AssertionError(f"{label}: {failure}") from None
        assert ws_ask(ws, json.dumps(request("eth_unsubscribe", "0x1234")))["result"] is False
        assert ws_ask(ws, json.dumps(request("eth_chainId")).encode())["result"] == CHAIN_ID  # a binary frame
        batch = ws_ask(ws, json.dumps([request("eth_chainId"), {"jsonrpc": "2.0"}]))
        assert batch[0]["result"] == CHAIN_ID
        assert_error(batch[1], -32600, '"method" must be a string')
        ids = [ws_ask(ws, json.dumps(request("eth_subscribe", "newHeads")))["result"] for _ in range(1000)]
        assert len(set(ids)) == 1000


def test_a_websocket_message_over_5_mb_closes_with_1009(node):
    with connect(node.ws_url, max_size=None) as ws:
        ws.send("x" * ((5 << 20) + 1))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=ANSWER_TIMEOUT)
    assert closed.value.rcvd.code == 1009


def test_a_text_frame_that_is_not_utf8_closes_with_1007(node):
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    handshake = (f"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    mask = b"\x01\x02\x03\x04"
    frame = bytes([0x81, 0x82]) + mask + bytes(b ^ mask[i] for i, b in enumerate(b"\xff\xfe"))
    reply = raw_http("127.0.0.1", node.port, handshake + frame)
    assert reply.startswith(b"HTTP/1.1 101") and b"\x88\x02\x03\xef" in reply  # close frame, code 1007


def test_a_bad_websocket_handshake_is_400(node):
    handshake = (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n")
    reply = raw_http("127.0.0.1", node.port, handshake)
    assert reply.startswith(b"HTTP/1.1 400") and b"invalid WebSocket handshake: Unsupported version: 99" in reply
