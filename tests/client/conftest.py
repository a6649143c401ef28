"""Fixtures for the WebSocketStream tests against real servers on loopback."""

from __future__ import annotations

import asyncio
import gc
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import trustme

from .servers import OwnServer, RawServer, Script, WptServer


@pytest.fixture(autouse=True)
async def loop_exceptions() -> AsyncIterator[list[dict[str, Any]]]:
    """Record every call of the loop's exception handler; the test fails if there was one.

    Catches "Future exception was never retrieved", "Task exception was never retrieved" and
    errors in callbacks.  A test that expects a call clears the list.
    """
    loop = asyncio.get_running_loop()
    calls: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: calls.append(context))
    try:
        yield calls
        # Let pending callbacks run, then collect futures nobody retrieved.
        for _ in range(3):
            await asyncio.sleep(0)
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
    assert not calls, f"the loop's exception handler was called: {calls!r}"


PROXY_VARIABLES = ("ws_proxy", "wss_proxy", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``proxy=True`` is the default: a proxy set in the environment must not reroute the
    loopback tests (the proxy tests set their own)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
async def wpt() -> AsyncIterator[WptServer]:
    """The WPT handlers on the ``websockets`` server (ws://)."""
    async with WptServer() as server:
        yield server


@pytest.fixture
async def own() -> AsyncIterator[OwnServer]:
    """The core WPT handlers on this project's server (ws://)."""
    async with OwnServer() as server:
        yield server


@pytest.fixture(params=["websockets", "own"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[WptServer | OwnServer]:
    """The core handlers, once on ``websockets`` and once on this project's server."""
    srv: WptServer | OwnServer = WptServer() if request.param == "websockets" else OwnServer()
    async with srv:
        yield srv


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Script], Awaitable[RawServer]]]:
    """A factory: ``await raw_server(script)`` starts a :class:`RawServer`."""
    servers: list[RawServer] = []

    async def start(script: Script, **kwargs: Any) -> RawServer:
        srv = RawServer(script, **kwargs)
        servers.append(srv)
        return await srv.start()

    yield start
    for srv in servers:
        await srv.stop()


class Proxy:
    """An HTTP CONNECT (or SOCKS) proxy (``pproxy``) on 127.0.0.1; ``tunnels`` logs each
    tunnel."""

    def __init__(self, scheme: str = "http") -> None:
        self.scheme = scheme
        self.tunnels: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    async def start(self) -> Proxy:
        import pproxy

        server = pproxy.Server(f"{self.scheme}://127.0.0.1:0")
        self._server = await server.start_server({"rserver": [], "verbose": self._verbose})
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def _verbose(self, message: str) -> None:
        if "->" in message:
            self.tunnels.append(message)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await asyncio.wait_for(self._server.wait_closed(), 5)


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    srv = await Proxy().start()
    yield srv
    await srv.stop()


class TLS:
    """A trustme CA with a certificate for 127.0.0.1 and localhost."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.server_context)
        self.client_context = ssl.create_default_context()
        self.ca.configure_trust(self.client_context)


@pytest.fixture(scope="session")
def tls() -> TLS:
    return TLS()
