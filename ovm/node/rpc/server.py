"""
The JSON-RPC server
===================

JSON-RPC 2.0 with batches and notifications (carried over HTTP and
WebSocket by ``transport``), dispatching ``<namespace>_<name>`` to
the method ``name`` of the registered module whose ``namespace`` it is
(trinity's ``RPCServer(modules=[...])``): ``eth_getBalance`` calls
``Eth.getBalance``. A module's public methods are its RPC methods; helpers
start with an underscore.

Parameters are converted by the annotations of the handler's positional
parameters (``params``); a keyword-only parameter ``connection`` receives the
WebSocket ``Connection`` of the request (``None`` over HTTP), for
subscriptions. Handlers may be plain functions or coroutines; they run on the
event loop the node shares with its sequencer, so requests are served one at
a time in arrival order and see a consistent chain.

Errors: malformed JSON is -32700 (so is JSON nested too deeply, a number
out of range, ``NaN`` or ``Infinity``); a malformed request object -32600 with id
null, answered even when it has no id (only a well-formed request without
an id is a notification); an unknown method -32601, a bad parameter -32602,
and whatever a handler raises as ``RpcError`` goes out as its own code and
message. Anything else is a bug: it is logged with its traceback and the
client gets -32603 naming the method, never Python's text.

Bounds (``RpcLimits``): the request body (see ``transport``), the number
of requests in a batch, and, as geth bounds them,
a batch's time (requests not started within ``batch_timeout`` seconds are
answered -32002, "request timed out") and the size of its answer (once
``max_batch_response_bytes`` is passed, the rest are answered -32003,
"response too large").
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import math
import sys
import typing
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from aiohttp import WSCloseCode, web

from .errors import (
    InternalError,
    InvalidParams,
    InvalidRequest,
    MethodNotFound,
    ParseError,
    RequestTimeout,
    ResponseTooLarge,
    RpcError,
)
from .params import ParamError

log = logging.getLogger("ovm.rpc")

JSONRPC_VERSION = "2.0"


@dataclass(frozen=True, slots=True)
class RpcLimits:
    """What one request may ask of the node."""

    max_body_bytes: int = 5 * 1024 * 1024
    max_batch: int = 1000
    batch_timeout: float = 30.0
    max_batch_response_bytes: int = 25_000_000
    call_gas_cap: int = 50_000_000
    max_log_range: int = 10_000
    max_log_results: int = 10_000
    filter_timeout: float = 300.0
    max_subscription_backlog: int = 10_000
    trace_timeout: float = 5.0  # geth's default for debug_trace*
    max_trace_timeout: float = 60.0  # the most a trace config's "timeout" may ask for
    max_trace_bytes: int = 64 * 1024 * 1024  # of JSON a trace may keep


# --- methods ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Method:
    """A handler with the converters of its positional parameters."""

    name: str
    handler: Callable
    params: tuple[tuple[str, Callable[[Any], Any], Any], ...]  # name, converter, default
    required: int
    wants_connection: bool

    def convert(self, params: list) -> list:
        if len(params) > len(self.params):
            raise InvalidParams(f"too many arguments, want at most {len(self.params)}")
        if len(params) < self.required:
            missing = len(params)
            name = self.params[missing][0]
            raise InvalidParams(f"missing value for required argument {missing} ({name})")
        converted = []
        for i, ((name, convert, default), value) in enumerate(zip(self.params, params)):
            if value is None and i >= self.required:
                converted.append(default)  # a null optional argument, as geth reads it
                continue
            try:
                converted.append(convert(value))
            except ParamError as exc:
                raise InvalidParams(f"invalid argument {i} ({name}): {exc}") from None
        return converted


def _converter(annotation: Any, where: str) -> Callable[[Any], Any]:
    metadata = getattr(annotation, "__metadata__", None)
    if not metadata or not callable(metadata[0]):
        raise TypeError(f"{where}: parameter has no converter annotation (params.Address, ...)")
    return metadata[0]


def describe_method(name: str, handler: Callable) -> Method:
    """Read a handler's signature: converters from its annotations."""
    hints = typing.get_type_hints(handler, include_extras=True)
    params = []
    required = 0
    wants_connection = False
    for parameter in inspect.signature(handler).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.name == "connection":
            wants_connection = True
            continue
        if parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            raise TypeError(f"{name}: only plain positional parameters are supported")
        convert = _converter(hints.get(parameter.name), f"{name}.{parameter.name}")
        params.append((parameter.name, convert, parameter.default))
        if parameter.default is inspect.Parameter.empty:
            required = len(params)
    return Method(name, handler, tuple(params), required, wants_connection)


def module_methods(module: object) -> Iterable[Method]:
    """The RPC methods of a module object: its public methods, by namespace."""
    namespace = module.namespace
    for attr in dir(type(module)):
        if attr.startswith("_") or not inspect.isfunction(getattr(type(module), attr)):
            continue
        yield describe_method(f"{namespace}_{attr}", getattr(module, attr))


# --- connections ------------------------------------------------------------------


class Connection:
    """A WebSocket client: subscription notifications are queued here and sent
    in order by one writer task. A client that lets more than ``backlog``
    notifications pile up is disconnected."""

    def __init__(self, ws: web.WebSocketResponse, backlog: int) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue(backlog)
        self.closers: list[Callable[[], None]] = []
        self.closing: asyncio.Future[None] | None = None

    def send(self, message: dict) -> None:
        self.send_text(encode(message))

    def send_text(self, text: str) -> None:
        if self.ws.closed:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            if self.closing is not None:
                return
            log.warning("closing a WebSocket client that does not read its notifications")
            # Held here: the event loop keeps only a weak reference to a task.
            self.closing = asyncio.ensure_future(
                self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"notification backlog exceeded")
            )

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the connection ends (subscriptions clean up)."""
        self.closers.append(closer)

    async def write_loop(self) -> None:
        while True:
            await self.ws.send_str(await self.queue.get())

    def close(self) -> None:
        for closer in self.closers:
            closer()
        self.closers.clear()


# --- JSON ---------------------------------------------------------------------------

MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


def _integer(digits: str) -> int:
    if len(digits) > MAX_INT_DIGITS:
        raise ParseError(f"parse error: a number with more than {MAX_INT_DIGITS} digits")
    return int(digits)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(f"parse error: the number {shown(text)} is out of range")
    return value


def _not_json(name: str) -> None:
    raise ParseError(f"parse error: {name} is not JSON")


def parse_json(text: str | bytes) -> Any:
    """A message as JSON, strictly (no ``NaN``, no numbers that do not fit a
    double or Python's digit limit); ``ParseError`` says what is wrong where."""
    if not text.strip():
        raise ParseError("parse error: empty request")
    try:
        with recursion_limit(REQUEST_RECURSION_LIMIT):
            return json.loads(text, parse_int=_integer, parse_float=_finite, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        reason = exc.msg.split(" (")[0].removesuffix(" at")  # "Invalid control character at": the place follows
        raise ParseError(f"parse error: {reason[0].lower()}{reason[1:]} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ParseError("parse error: JSON nested too deeply") from None
    except UnicodeDecodeError:
        raise ParseError("parse error: the request is not UTF-8 text") from None


# How deep JSON may nest is bounded by Python's recursion limit, which the
# process may have changed (py_ecc, for one, sets 100,000 when imported, far
# past what a thread's C stack holds). So requests are parsed under Python's
# default limit, whatever it is now: deeper ones are -32700. Answers get more
# room: geth's callTracer over a call stack 1024 frames deep is JSON nested
# over 2,000 deep.
REQUEST_RECURSION_LIMIT = 1_000
ANSWER_RECURSION_LIMIT = 5_000


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Run the body under Python recursion limit ``limit``, then restore the old one."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def room_for_deep_answers():
    """Room for an answer nested as deep as the EVM's calls, while it is built or encoded."""
    return recursion_limit(max(sys.getrecursionlimit(), ANSWER_RECURSION_LIMIT))


def encode(answer: Any) -> str:
    """An answer (a response, a batch of them, a notification) as JSON text."""
    with room_for_deep_answers():
        return json.dumps(answer)


def shown(text: str, limit: int = 64) -> str:
    """Client text quoted back in a message, cut short."""
    return text if len(text) <= limit else text[:limit] + "..."


# --- dispatch -----------------------------------------------------------------------


def error_response(error: RpcError, request_id: Any = None) -> dict:
    return {"jsonrpc": JSONRPC_VERSION, "id": request_id, "error": error.to_json()}


def _valid_id(request_id: Any) -> bool:
    return request_id is None or (isinstance(request_id, (str, int, float)) and not isinstance(request_id, bool))


def _is_notification(request: Any) -> bool:
    return isinstance(request, dict) and "id" not in request


class RpcServer:
    """Dispatches JSON-RPC requests to the methods of its modules."""

    def __init__(self, modules: Iterable[object] = (), limits: RpcLimits = RpcLimits()) -> None:
        self.limits = limits
        self.methods: dict[str, Method] = {}
        self.connections: set[Connection] = set()
        for module in modules:
            self.register(module)

    def register(self, module: object) -> None:
        """Add a module's methods (a later module may not redefine a method)."""
        for method in module_methods(module):
            if method.name in self.methods:
                raise ValueError(f"RPC method {method.name} is registered twice")
            self.methods[method.name] = method

    async def handle_text(self, text: str | bytes, connection: Connection | None = None) -> str | None:
        """Answer one message (a request or a batch); ``None`` when nothing
        is owed (notifications only)."""
        try:
            payload = parse_json(text)
        except ParseError as error:
            return encode(error_response(error))
        if isinstance(payload, list):
            return await self._handle_batch(payload, connection)
        response = await self.handle_request(payload, connection)
        return None if response is None else encode(response)

    async def _handle_batch(self, batch: list, connection: Connection | None) -> str | None:
        limits = self.limits
        if not batch:
            return encode(error_response(InvalidRequest("empty batch")))
        if len(batch) > limits.max_batch:
            first_id = next((r.get("id") for r in batch if isinstance(r, dict) and _valid_id(r.get("id"))), None)
            error = InvalidRequest(f"batch too large: {len(batch)} requests, at most {limits.max_batch}")
            return encode([error_response(error, first_id)])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limits.batch_timeout
        answers: list[str] = []
        size = 0
        for request in batch:
            if size > limits.max_batch_response_bytes:
                response = self._skipped(request, ResponseTooLarge(
                    f"response too large: the batch's answer passed {limits.max_batch_response_bytes} bytes"))
            elif loop.time() > deadline:
                response = self._skipped(request, RequestTimeout(
                    f"request timed out: the batch ran past {limits.batch_timeout:g} s"))
            else:
                response = await self.handle_request(request, connection)
            if response is not None:
                answers.append(encode(response))
                size += len(answers[-1])
        return "[" + ",".join(answers) + "]" if answers else None

    @staticmethod
    def _skipped(request: Any, error: RpcError) -> dict | None:
        """The answer to a batch entry that was not run."""
        if _is_notification(request):
            return None
        request_id = request.get("id") if isinstance(request, dict) else None
        return error_response(error, request_id if _valid_id(request_id) else None)

    async def handle_request(self, request: Any, connection: Connection | None = None) -> dict | None:
        """Answer one request object; ``None`` for a notification (a
        well-formed request without an id: a malformed one is answered)."""
        if not isinstance(request, dict):
            return error_response(InvalidRequest("invalid request: expected a JSON object"))
        request_id = request.get("id")
        if not _valid_id(request_id):
            return error_response(InvalidRequest("invalid request: id must be a string, number or null"))
        try:
            name = _method_name(request)
        except InvalidRequest as error:
            return error_response(error, request_id)
        try:
            result = await self._call(name, request.get("params"), connection)
        except RpcError as error:
            return None if _is_notification(request) else error_response(error, request_id)
        if _is_notification(request):
            return None
        return {"jsonrpc": JSONRPC_VERSION, "id": request_id, "result": result}

    async def _call(self, name: str, params: Any, connection: Connection | None) -> Any:
        if params is None:
            params = []
        if not isinstance(params, list):
            raise InvalidParams("invalid params: expected an array of arguments")
        method = self.methods.get(name)
        if method is None:
            raise MethodNotFound(f"the method {shown(name)} does not exist/is not available")
        args = method.convert(params)
        kwargs = {"connection": connection} if method.wants_connection else {}
        try:
            result = method.handler(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
        except RpcError:
            raise
        except Exception:
            log.exception("unexpected error in %s", name)
            raise InternalError(f"internal error in {name}: the node could not serve this request") from None
        return result


def _method_name(request: dict) -> str:
    """The method a request object names; ``InvalidRequest`` if it is malformed."""
    if request.get("jsonrpc") != JSONRPC_VERSION:
        raise InvalidRequest('invalid request: "jsonrpc" must be "2.0"')
    name = request.get("method")
    if not isinstance(name, str):
        raise InvalidRequest('invalid request: "method" must be a string')
    return name
