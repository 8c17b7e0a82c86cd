"""
HTTP and WebSocket
==================

The transport of the JSON-RPC server (``server.RpcServer``): HTTP POST and
WebSocket on the same port (aiohttp), with CORS. ``serve`` starts listening
and returns a ``RunningServer`` to stop it by.

The request body is bounded by ``RpcLimits.max_body_bytes`` (HTTP 413
beyond it; a WebSocket message beyond it closes the connection, as the
protocol's message-size limit does). A body may come compressed
(Content-Encoding ``gzip`` or ``deflate``); it is decompressed here, not by
aiohttp, so that the bound holds for what it decompresses to (a small bomb
costs nothing) and a body that does not decode is HTTP 400 with a -32700
parse error; another encoding is HTTP 415.

Given a directory of static files (the dashboard, ``ovm.node.dashboard``),
it serves them under ``DASHBOARD_PATH`` with GET; ``/`` stays JSON-RPC's.

aiohttp's own log of HTTP it refuses (bad request lines, headers, bodies)
is one debug line per request, without a traceback: malformed traffic must
not be a way to flood the node's log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import zlib
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from .errors import InvalidRequest, ParseError
from .server import Connection, RpcServer, error_response, shown

DASHBOARD_PATH = "/dashboard/"

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
    "Access-Control-Max-Age": "600",
}


class _Endpoints:
    """The routes of one server's aiohttp application."""

    def __init__(self, server: RpcServer, static: Path | None = None) -> None:
        self.server = server
        self.static = static

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.server.limits.max_body_bytes)
        app.router.add_route("POST", "/", self._http)
        app.router.add_route("GET", "/", self._websocket)
        app.router.add_route("OPTIONS", "/", self._preflight)
        if self.static is not None:
            app.router.add_route("GET", DASHBOARD_PATH.rstrip("/"), self._to_dashboard)
            app.router.add_route("GET", DASHBOARD_PATH, self._dashboard_index)
            app.router.add_static(DASHBOARD_PATH, self.static)
        app.on_shutdown.append(self._close_connections)
        return app

    async def _close_connections(self, app: web.Application) -> None:
        for connection in list(self.server.connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")

    async def _http(self, request: web.Request) -> web.Response:
        limit = self.server.limits.max_body_bytes
        try:
            body = decoded_body(await request.read(), request.headers.get("Content-Encoding", ""), limit)
        except (web.HTTPRequestEntityTooLarge, BodyTooLarge):
            error = InvalidRequest(f"request body too large: at most {limit} bytes")
            return _json_response(json.dumps(error_response(error)), status=413)
        except UnsupportedEncoding as exc:
            return _json_response(json.dumps(error_response(exc.error)), status=415)
        except RequestPayloadError as exc:  # a chunked body that breaks off
            error = ParseError(f"parse error: the request body could not be read: {_first_line(exc)}")
            response = _json_response(json.dumps(error_response(error)), status=400)
            response.force_close()  # the rest of the body is unread: the connection cannot carry another request
            return response
        except ParseError as error:
            return _json_response(json.dumps(error_response(error)), status=400)
        answer = await self.server.handle_text(body)
        if answer is None:
            return web.Response(status=204, headers=CORS_HEADERS)
        return _json_response(answer)

    async def _to_dashboard(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(DASHBOARD_PATH)

    async def _dashboard_index(self, request: web.Request) -> web.StreamResponse:
        assert self.static is not None
        return web.FileResponse(self.static / "index.html")

    async def _preflight(self, request: web.Request) -> web.Response:
        headers = dict(CORS_HEADERS)
        headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Content-Type"
        )
        return web.Response(status=204, headers=headers)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=self.server.limits.max_body_bytes, heartbeat=30)
        if "websocket" not in request.headers.get("Upgrade", "").lower():
            return _json_response(
                json.dumps(error_response(InvalidRequest("use POST for JSON-RPC over HTTP, or a WebSocket"))),
                status=405,
            )
        try:
            await ws.prepare(request)
        except web.HTTPException as exc:  # a handshake aiohttp refuses (version, key, method)
            error = InvalidRequest(f"invalid WebSocket handshake: {shown(exc.text or exc.reason, 200)}")
            response = _json_response(json.dumps(error_response(error)), status=400)
            response.force_close()
            return response
        connection = Connection(ws, self.server.limits.max_subscription_backlog)
        self.server.connections.add(connection)
        writer = asyncio.create_task(connection.write_loop())
        try:
            async for message in ws:
                if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                answer = await self.server.handle_text(message.data, connection)
                if answer is not None:
                    connection.send_text(answer)
        finally:
            self.server.connections.discard(connection)
            connection.close()
            writer.cancel()
        return ws


class BodyTooLarge(Exception):
    """A compressed body that decompresses past the size bound."""


class UnsupportedEncoding(Exception):
    def __init__(self, encoding: str) -> None:
        super().__init__(encoding)
        self.error = ParseError(f"parse error: unsupported Content-Encoding {shown(encoding)!r} "
                                "(gzip and deflate are supported)")


def decoded_body(body: bytes, encoding: str, limit: int) -> bytes:
    """The body a Content-Encoding wraps, decompressed to at most ``limit``
    bytes (``BodyTooLarge`` past that, before more is spent); ``ParseError``
    if it is not valid data of its encoding."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return body
    if name in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif name == "deflate":  # zlib-wrapped as the RFC says, or raw as some clients send it (as aiohttp reads it)
        wbits = zlib.MAX_WBITS if body[:1] and body[0] & 0x0F == 8 else -zlib.MAX_WBITS
    else:
        raise UnsupportedEncoding(encoding)
    decompressor = zlib.decompressobj(wbits)
    try:
        data = decompressor.decompress(body, limit + 1)
    except zlib.error:
        data = None
    if data is not None and len(data) > limit:
        raise BodyTooLarge
    if data is None or not decompressor.eof or decompressor.unused_data:
        raise ParseError(f"parse error: the request body is not valid {name} data (its Content-Encoding)")
    return data


def _first_line(exc: BaseException) -> str:
    """aiohttp's reason for refusing a request, without its status or layout."""
    text = getattr(exc, "message", None) or str(exc)
    lines = [line.strip() for line in str(text).splitlines() if line.strip() and line.strip() != "400, message:"]
    return shown(lines[0], 200) if lines else "malformed request"


def _json_response(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="application/json", headers=CORS_HEADERS)


class _HttpLog(logging.LoggerAdapter):
    """aiohttp's server log, where a request refused as malformed HTTP (an
    error of the request, answered 400 by aiohttp) is one debug line without
    a traceback; everything else passes through unchanged."""

    def log(self, level: int, msg: object, *args: Any, exc_info: Any = None, **kwargs: Any) -> None:
        error = sys.exc_info()[1] if exc_info is True else exc_info
        if isinstance(error, (HttpProcessingError, RequestPayloadError)):
            super().log(logging.DEBUG, "refused malformed HTTP: %s", _first_line(error))
            return
        super().log(level, msg, *args, exc_info=exc_info, **kwargs)


# --- serving ----------------------------------------------------------------------


class RunningServer:
    """A server listening on a host and port; ``stop`` closes it and its connections."""

    def __init__(self, runner: web.AppRunner) -> None:
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return self.url + DASHBOARD_PATH

    async def stop(self) -> None:
        await self._runner.cleanup()


async def serve(
    server: RpcServer, host: str = "127.0.0.1", port: int = 8545, static: Path | None = None
) -> RunningServer:
    """Start listening (port 0 picks a free port) on the running event loop; with
    ``static``, serve that directory's files under ``DASHBOARD_PATH``."""
    runner = web.AppRunner(
        _Endpoints(server, static).app(), access_log=None, handle_signals=False, shutdown_timeout=1.0, auto_decompress=False,
        logger=_HttpLog(logging.getLogger("aiohttp.server"), {}),
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return RunningServer(runner)
