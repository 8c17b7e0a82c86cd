"""
HTTP and WebSocket
==================

The transport of the JSON-RPC server (``server.RpcServer``): HTTP POST and
WebSocket on the same port (aiohttp), with CORS. ``serve`` starts listening
and returns a ``RunningServer`` to stop it by.

The request body is bounded by ``RpcLimits.max_body_bytes`` (HTTP 413
beyond it; a WebSocket message beyond it closes the connection, as the
protocol's message-size limit does). A body whose Content-Encoding does not
decode is HTTP 400 with a -32700 parse error.

aiohttp's own log of HTTP it refuses (bad request lines, headers, bodies)
is one debug line per request, without a traceback: malformed traffic must
not be a way to flood the node's log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from .errors import InvalidRequest, ParseError
from .server import Connection, RpcServer, error_response, shown

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
    "Access-Control-Max-Age": "600",
}


class _Endpoints:
    """The routes of one server's aiohttp application."""

    def __init__(self, server: RpcServer) -> None:
        self.server = server

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.server.limits.max_body_bytes)
        app.router.add_route("POST", "/", self._http)
        app.router.add_route("GET", "/", self._websocket)
        app.router.add_route("OPTIONS", "/", self._preflight)
        app.on_shutdown.append(self._close_connections)
        return app

    async def _close_connections(self, app: web.Application) -> None:
        for connection in list(self.server.connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")

    async def _http(self, request: web.Request) -> web.Response:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            error = InvalidRequest(f"request body too large: at most {self.server.limits.max_body_bytes} bytes")
            return _json_response(json.dumps(error_response(error)), status=413)
        except RequestPayloadError as exc:
            response = _json_response(json.dumps(error_response(_unreadable_body(request, exc))), status=400)
            response.force_close()  # the rest of the body is unread: the connection cannot carry another request
            return response
        answer = await self.server.handle_text(body)
        if answer is None:
            return web.Response(status=204, headers=CORS_HEADERS)
        return _json_response(answer)

    async def _preflight(self, request: web.Request) -> web.Response:
        headers = dict(CORS_HEADERS)
        headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Content-Type"
        )
        return web.Response(status=204, headers=headers)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=self.server.limits.max_body_bytes, heartbeat=30)
        if not ws.can_prepare(request).ok:
            return _json_response(
                json.dumps(error_response(InvalidRequest("use POST for JSON-RPC over HTTP, or a WebSocket"))),
                status=405,
            )
        await ws.prepare(request)
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


def _unreadable_body(request: web.Request, exc: RequestPayloadError) -> ParseError:
    encoding = request.headers.get("Content-Encoding")
    if encoding:
        return ParseError(f"parse error: the request body is not valid {shown(encoding)} data "
                          "(its Content-Encoding)")
    return ParseError(f"parse error: the request body could not be read: {_first_line(exc)}")


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

    async def stop(self) -> None:
        await self._runner.cleanup()


async def serve(server: RpcServer, host: str = "127.0.0.1", port: int = 8545) -> RunningServer:
    """Start listening (port 0 picks a free port) on the running event loop."""
    runner = web.AppRunner(
        _Endpoints(server).app(), access_log=None, handle_signals=False, shutdown_timeout=1.0,
        logger=_HttpLog(logging.getLogger("aiohttp.server"), {}),
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return RunningServer(runner)
