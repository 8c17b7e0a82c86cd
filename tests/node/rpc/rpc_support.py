"""Helpers for the RPC tests: a real server on 127.0.0.1 and a free port."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import aiohttp

from ovm.node.rpc.server import RpcServer
from ovm.node.rpc.transport import serve


@contextlib.asynccontextmanager
async def running(server: RpcServer):
    """Serve ``server`` on a free port; yield (running server, HTTP session)."""
    handle = await serve(server, "127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession() as session:
            yield handle, session
    finally:
        await handle.stop()


async def post(session: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, Any]:
    """POST ``body`` (JSON-encoded unless it is already text); return status and JSON."""
    text = body if isinstance(body, (str, bytes)) else json.dumps(body)
    async with session.post(url, data=text, headers={"Content-Type": "application/json"}) as response:
        raw = await response.text()
        return response.status, (json.loads(raw) if raw else None)


def request(method: str, *params: Any, request_id: Any = 1) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}


def run(coroutine) -> Any:
    return asyncio.run(coroutine)


# --- a whole node in a temporary directory ----------------------------------------------


class RpcFailure(Exception):
    """An error response: ``code``, ``message`` and ``data``."""

    def __init__(self, error: dict) -> None:
        super().__init__(f"{error['code']}: {error['message']}")
        self.code = error["code"]
        self.message = error["message"]
        self.data = error.get("data")


class Client:
    """Calls one node over HTTP: ``await client("eth_chainId")``."""

    def __init__(self, handle, session: aiohttp.ClientSession, ctx) -> None:
        self.handle = handle
        self.session = session
        self.ctx = ctx
        self.url = handle.url

    async def __call__(self, method: str, *params: Any) -> Any:
        _, answer = await post(self.session, self.url, request(method, *params))
        if "error" in answer:
            raise RpcFailure(answer["error"])
        return answer["result"]

    async def failure(self, method: str, *params: Any) -> RpcFailure:
        """The error a call must fail with."""
        try:
            result = await self(method, *params)
        except RpcFailure as failure:
            return failure
        raise AssertionError(f"{method} answered {result!r} instead of an error")


@contextlib.asynccontextmanager
async def node(path, *, instant: bool = True, limits=None, genesis=None):
    """A node on a fresh store under ``path``: chain, mempool, sequencer, RPC.
    By default Cancun on the dev genesis; ``genesis`` (and its forks) changes them."""
    from ovm.chain import dev_accounts, dev_genesis
    from ovm.node.chain import Blockchain
    from ovm.node.mempool import Mempool
    from ovm.node.rpc import NodeContext, RpcLimits, default_modules
    from ovm.node.sequencer import Sequencer
    from ovm.node.store import ChainStore

    limits = limits or RpcLimits()
    store = ChainStore.open(path)
    try:
        chain = Blockchain(store, genesis or dev_genesis())
        mempool = Mempool(chain)
        sequencer = Sequencer(chain, mempool, instant=instant, block_time=3600)
        ctx = NodeContext(chain, mempool, sequencer, dev_accounts())
        async with running(RpcServer(default_modules(ctx, limits), limits)) as (handle, session):
            yield Client(handle, session, ctx)
    finally:
        store.close()
