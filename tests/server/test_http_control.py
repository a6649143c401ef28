"""HTTP control of the opening handshake (issue #11 item 1): ``process_request`` answering
with a full response, ``process_response`` adding headers, ``origins``, ``select_subprotocol``,
``max_connections``, the request a handler sees, and explicit keyword options."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus

from tests.client.helpers import wait
from websocketstream.server import (
    Request,
    Response,
    Server,
    ServerWebSocketStream,
    echo_handler,
    serve,
)

UPGRADE = (
    b"Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
)


@contextlib.asynccontextmanager
async def running(handler: Any = echo_handler, **options: Any) -> AsyncIterator[Server]:
    server = await serve(handler, **options)
    try:
        yield server
    finally:
        await wait(server.close())


def url(server: Server, path: str = "/") -> str:
    return f"ws://127.0.0.1:{server.port}{path}"


async def raw_request(server: Server, head: bytes) -> bytes:
    """Send a request head; return the whole answer (the server closes after a refusal)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(head)
    try:
        return await wait(reader.read())
    finally:
        writer.close()


async def refused(target: str, **options: Any) -> InvalidStatus:
    with pytest.raises(InvalidStatus) as info:
        await wait(ws_connect(target, ping_interval=None, **options).__aenter__())
    return info.value


async def test_process_request_answers_with_status_headers_and_body() -> None:
    def auth(ws: ServerWebSocketStream, request: Request) -> Response | None:
        if request.headers.get("authorization") == "Bearer ok":
            return None
        return Response(401, [("WWW-Authenticate", 'Bearer realm="chat"')], "no token\n")

    async with running(process_request=auth) as server:
        error = await refused(url(server))
        assert error.response.status_code == 401
        assert error.response.headers["WWW-Authenticate"] == 'Bearer realm="chat"'
        assert error.response.body == b"no token\n"
        async with ws_connect(
            url(server), additional_headers={"Authorization": "Bearer ok"}, ping_interval=None
        ) as ws:
            await ws.send("in")
            assert await wait(ws.recv()) == "in"


async def test_async_process_request_health_check_and_redirect() -> None:
    async def hook(ws: ServerWebSocketStream, request: Request) -> Response | None:
        await asyncio.sleep(0)  # truly asynchronous
        if request.path == "/healthz":
            return Response(200, {"Content-Type": "application/json"}, b'{"ok": true}')
        if request.path == "/old":
            return Response(302, [("Location", "/new")])
        return None

    async with running(process_request=hook) as server:
        health = await raw_request(server, b"GET /healthz HTTP/1.1\r\n" + UPGRADE + b"\r\n")
        head, _, body = health.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Content-Type: application/json" in head
        assert b"text/plain" not in head
        assert body == b'{"ok": true}'
        redirect = await raw_request(server, b"GET /old HTTP/1.1\r\n" + UPGRADE + b"\r\n")
        assert redirect.startswith(b"HTTP/1.1 302 Found\r\n")
        assert b"Location: /new\r\n" in redirect
        async with ws_connect(url(server, "/new"), ping_interval=None) as ws:
            await ws.send("ok")
            assert await wait(ws.recv()) == "ok"


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_raising_process_request_gives_500_and_is_logged(
    asynchronous: bool, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ws: ServerWebSocketStream, request: Request) -> Response | None:
        raise RuntimeError("hook bug")

    async def broken_async(ws: ServerWebSocketStream, request: Request) -> Response | None:
        raise RuntimeError("hook bug")

    hook: Callable[..., Any] = broken_async if asynchronous else broken
    with caplog.at_level(logging.ERROR, logger="websocketstream.server"):
        async with running(process_request=hook) as server:
            assert (await refused(url(server))).response.status_code == 500
            # ... and the server serves on.
            assert (await refused(url(server))).response.status_code == 500
    assert any(r.exc_info and "hook bug" in str(r.exc_info[1]) for r in caplog.records)


async def test_process_request_sees_the_request_and_the_connection() -> None:
    seen: list[tuple[ServerWebSocketStream, Request]] = []

    def hook(ws: ServerWebSocketStream, request: Request) -> None:
        seen.append((ws, request))

    async with (
        running(process_request=hook) as server,
        ws_connect(
            url(server, "/room/1?user=ann&x=%20y&x=2"),
            additional_headers=[("X-Trace", "a"), ("x-trace", "b")],
            ping_interval=None,
        ),
    ):
        pass
    ws, request = seen[0]
    assert ws.request is request
    assert request.path == "/room/1"
    assert request.query == "user=ann&x=%20y&x=2"
    assert request.target == "/room/1?user=ann&x=%20y&x=2"
    assert request.query_params == {"user": ["ann"], "x": [" y", "2"]}
    assert request.headers.get("X-TRACE") == "a"
    assert request.headers.get_all("x-trace") == ["a", "b"]
    assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert "Upgrade" in request.headers
    assert request.headers.get("missing") is None
    address = request.remote_address  # a (str, int) tuple over TCP, never None
    assert isinstance(address, tuple)
    host, port = address
    assert host == "127.0.0.1"
    assert isinstance(port, int)


async def test_the_handler_sees_path_query_headers_and_remote_address() -> None:
    seen: list[Any] = []

    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        r = ws.request
        seen.append((r.path, r.query, r.headers.get("user-agent"), ws.remote_address))

    async with (
        running(handler) as server,
        ws_connect(url(server, "/a?b=c"), user_agent_header="probe/1", ping_interval=None) as c,
    ):
        await wait(c.wait_closed())
    path, query, agent, address = seen[0]
    assert (path, query, agent) == ("/a", "b=c", "probe/1")
    assert address[0] == "127.0.0.1"


async def test_process_response_adds_set_cookie() -> None:
    def cookie(ws: ServerWebSocketStream, request: Request, response: Response) -> None:
        assert response.status == 101
        response.headers.add("Set-Cookie", "session=abc; HttpOnly")
        response.headers.add("Set-Cookie", "theme=dark")

    async with (
        running(process_response=cookie) as server,
        ws_connect(url(server), ping_interval=None) as ws,
    ):
        assert ws.response is not None
        assert ws.response.headers.get_all("Set-Cookie") == [
            "session=abc; HttpOnly",
            "theme=dark",
        ]
        await ws.send("x")
        assert await wait(ws.recv()) == "x"


async def test_process_response_may_refuse_and_may_not_set_handshake_headers() -> None:
    def refuse(ws: ServerWebSocketStream, request: Request, response: Response) -> Response:
        return Response(403, body="late no\n")

    async with running(process_response=refuse) as server:
        error = await refused(url(server))
        assert (error.response.status_code, error.response.body) == (403, b"late no\n")

    def clobber(ws: ServerWebSocketStream, request: Request, response: Response) -> None:
        response.headers.add("Sec-WebSocket-Accept", "forged")

    async with running(process_response=clobber) as server:
        assert (await refused(url(server))).response.status_code == 500


async def test_origins_allow_list() -> None:
    async with running(origins=["https://app.example", None]) as server:
        async with ws_connect(url(server), origin="https://app.example", ping_interval=None):  # type: ignore[arg-type]
            pass
        async with ws_connect(url(server), ping_interval=None):  # no Origin: None allows it
            pass
        error = await refused(url(server), origin="https://evil.example")
        assert error.response.status_code == 403
        # Origins are compared exactly (scheme, host and port).
        error = await refused(url(server), origin="http://app.example")
        assert error.response.status_code == 403
    async with running(origins=["https://app.example"]) as server:
        assert (await refused(url(server))).response.status_code == 403


async def test_select_subprotocol_gets_the_connection_and_the_offer() -> None:
    offers: list[Sequence[str]] = []

    def select(ws: ServerWebSocketStream, offered: Sequence[str]) -> str | None:
        offers.append(tuple(offered))
        return "v2" if ws.request.path == "/new" else None

    async with running(select_subprotocol=select) as server:
        async with ws_connect(
            url(server, "/new"),
            subprotocols=["v1", "v2"],  # type: ignore[list-item]
            ping_interval=None,
        ) as ws:
            assert ws.subprotocol == "v2"
        async with ws_connect(
            url(server, "/old"),
            subprotocols=["v1"],  # type: ignore[list-item]
            ping_interval=None,
        ) as ws:
            assert ws.subprotocol is None
    assert offers == [("v1", "v2"), ("v1",)]


async def test_select_subprotocol_returning_an_unoffered_name_gives_500() -> None:
    async with running(select_subprotocol=lambda ws, offered: "never-offered") as server:
        assert (await refused(url(server))).response.status_code == 500


async def test_max_connections_gives_503() -> None:
    async with (
        running(max_connections=1) as server,
        ws_connect(url(server), ping_interval=None),
    ):
        error = await refused(url(server))
        assert error.response.status_code == 503
        assert error.response.headers["Retry-After"] == "1"


async def test_options_are_explicit_keywords() -> None:
    options: dict[str, Any] = {"proces_request": None}  # misspelled
    with pytest.raises(TypeError, match="proces_request"):
        await serve(echo_handler, **options)
    with pytest.raises(TypeError):
        await serve(echo_handler, "127.0.0.1", 0, None)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="origins"):
        await serve(echo_handler, origins="https://app.example")
    with pytest.raises(ValueError, match="compression"):
        await serve(echo_handler, compression="gzip")


def test_response_validates_its_status() -> None:
    for status in (100, 199, 600, 0):
        with pytest.raises(ValueError):
            Response(status)
    assert Response(204).body == b""


async def test_a_request_is_answered_once_when_the_client_leaves_during_an_async_hook() -> None:
    entered = asyncio.Event()
    release = asyncio.Event()

    async def slow(ws: ServerWebSocketStream, request: Request) -> Response | None:
        entered.set()
        await release.wait()
        return None

    hook: Callable[[ServerWebSocketStream, Request], Awaitable[Response | None]] = slow
    async with running(process_request=hook) as server:
        _reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\n" + UPGRADE + b"\r\n")
        await wait(entered.wait())
        writer.close()
        await wait(writer.wait_closed())
        while server._sessions:  # the server saw the client go
            await asyncio.sleep(0.01)
        release.set()  # the hook finishes after the client left: nothing to answer
        await asyncio.sleep(0)
        assert not server.connections
