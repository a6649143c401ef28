"""Headless Chromium driven over the DevTools protocol (our own small client).

:class:`Chromium` starts ``chromium`` with a fresh profile and a loopback page (served by a tiny
HTTP server here) that holds ``client.js``; :meth:`Chromium.run` evaluates one scenario there
(``Runtime.evaluate`` with ``awaitPromise``) and returns its trace.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

__all__ = ["Chromium", "find_chromium"]

HERE = Path(__file__).parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
]


def find_chromium() -> str | None:
    """The Chromium executable (``$CHROMIUM`` or ``chromium`` on the PATH), if any."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def _page() -> bytes:
    script = (HERE / "client.js").read_text()
    return f"<!doctype html><title>scenarios</title><script>{script}</script>".encode()


async def _serve_page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        body = _page()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


class Chromium:
    """``async with Chromium() as browser: trace = await browser.run(origin, steps)``."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_chromium() or "chromium"
        self.version = ""
        self._dir = tempfile.TemporaryDirectory(prefix="wss-chromium-")
        self._process: subprocess.Popen[bytes] | None = None
        self._http: asyncio.Server | None = None
        self._cdp: ClientConnection | None = None
        self._next_id = 0

    async def __aenter__(self) -> Chromium:
        self._http = await asyncio.start_server(_serve_page, "127.0.0.1", 0)
        page = f"http://127.0.0.1:{self._http.sockets[0].getsockname()[1]}/"
        profile = Path(self._dir.name) / "profile"
        profile.mkdir()
        self._process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={profile}", page],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and port_file.read_text().count("\n") >= 1:
                break
            if self._process.poll() is not None:
                raise RuntimeError("chromium exited at start")
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("chromium did not open its DevTools port")
        port = int(port_file.read_text().split("\n")[0])
        targets = await asyncio.to_thread(self._json, port, "/json/list")
        versions = await asyncio.to_thread(self._json, port, "/json/version")
        self.version = versions.get("Browser", "")
        url = next(t for t in targets if t.get("type") == "page")["webSocketDebuggerUrl"]
        self._cdp = await connect(url, max_size=None)
        for _ in range(200):
            if await self._evaluate("typeof runScenario") == "function":
                break
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("the scenario page did not load")
        return self

    @staticmethod
    def _json(port: int, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return json.load(response)

    async def _evaluate(self, expression: str, timeout: float = 60.0) -> Any:
        assert self._cdp is not None
        self._next_id += 1
        ident = self._next_id
        message = {
            "id": ident,
            "method": "Runtime.evaluate",
            "params": {"expression": expression, "awaitPromise": True, "returnByValue": True},
        }
        await self._cdp.send(json.dumps(message))
        async with asyncio.timeout(timeout):
            while True:
                reply = json.loads(await self._cdp.recv())
                if reply.get("id") == ident:
                    break
        if "exceptionDetails" in reply.get("result", {}):
            raise RuntimeError(f"page error: {reply['result']['exceptionDetails']}")
        if "error" in reply:
            raise RuntimeError(f"CDP error: {reply['error']}")
        return reply["result"]["result"].get("value")

    async def run(self, origin: str, steps: list[list[Any]]) -> list[list[Any]]:
        """Run one scenario's client steps in the page; return its trace."""
        expression = f"runScenario({json.dumps(origin)}, {json.dumps(steps)})"
        result = await self._evaluate(expression)
        assert isinstance(result, list)
        return result

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._cdp is not None:
            await self._cdp.close()
        if self._process is not None:
            self._process.terminate()
            try:
                await asyncio.to_thread(self._process.wait, 10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                await asyncio.to_thread(self._process.wait)
        if self._http is not None:
            self._http.close()
            await self._http.wait_closed()
        self._dir.cleanup()
