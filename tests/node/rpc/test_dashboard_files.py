"""The dashboard's files, served by the JSON-RPC server under /dashboard/ (``ovm.node.dashboard``)."""

from __future__ import annotations

import aiohttp
from rpc_support import request, run

from ovm.node.dashboard import STATIC_DIR
from ovm.node.rpc.server import RpcServer
from ovm.node.rpc.transport import serve


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, str, str]:
    async with session.get(url, allow_redirects=False) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


def test_the_page_its_script_and_style_are_served_and_json_rpc_stays_on_slash():
    async def scenario():
        handle = await serve(RpcServer([]), "127.0.0.1", 0, static=STATIC_DIR)
        try:
            async with aiohttp.ClientSession() as session:
                assert handle.dashboard_url == handle.url + "/dashboard/"
                status, kind, page = await fetch(session, handle.dashboard_url)
                assert status == 200 and kind.startswith("text/html") and '<script src="dashboard.js">' in page
                for name, expected in (("dashboard.js", "eth_subscribe"), ("dashboard.css", "#heads")):
                    status, _, body = await fetch(session, handle.dashboard_url + name)
                    assert status == 200 and expected in body
                status, _, _ = await fetch(session, handle.url + "/dashboard")
                assert status == 302
                for escape in ("../__init__.py", "..%2f__init__.py", "missing.js"):
                    status, _, body = await fetch(session, handle.dashboard_url + escape)
                    assert status in (403, 404) and "STATIC_DIR" not in body
                status, _, body = await fetch(session, handle.url + "/")
                assert status == 405 and "use POST" in body
                async with session.post(handle.url, json=request("rpc_nothing")) as response:
                    assert (await response.json())["error"]["code"] == -32601
        finally:
            await handle.stop()

    run(scenario())


def test_without_static_files_there_is_no_dashboard():
    async def scenario():
        handle = await serve(RpcServer([]), "127.0.0.1", 0)
        try:
            async with aiohttp.ClientSession() as session:
                status, _, _ = await fetch(session, handle.dashboard_url)
                assert status in (404, 405)
        finally:
            await handle.stop()

    run(scenario())
