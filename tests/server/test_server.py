"""``websocketstream.server``: the project's server, driven by the independent ``websockets``
client, by raw sockets and by our own client."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus

from tests.client.conftest import TLS
from tests.client.helpers import connect, rejects, wait
from tests.client.servers import MiB, encode_frame, read_frame
from websocketstream import InvalidStateError, WebSocketCloseInfo, WebSocketError
from websocketstream.server import Response, Server, ServerWebSocketStream, echo_handler, serve


@contextlib.asynccontextmanager
async def running(handler: Any, **options: Any) -> AsyncIterator[Server]:
    server = await serve(handler, **options)
    try:
        yield server
    finally:
        server.close()
        await wait(server.wait_closed())


def url(server: Server, path: str = "/") -> str:
    return f"ws://127.0.0.1:{server.port}{path}"


async def test_echo_handler_with_the_websockets_client() -> None:
    async with (
        running(echo_handler) as server,
        ws_connect(url(server), ping_interval=None) as ws,
    ):
        assert ws.response is not None
        assert ws.response.headers["Sec-WebSocket-Extensions"].startswith("permessage-deflate")
        await ws.send("text")
        assert await wait(ws.recv()) == "text"
        await ws.send(b"\x00binary")
        assert await wait(ws.recv()) == b"\x00binary"
        big = "x" * (MiB - 10)
        await ws.send(big)
        assert await wait(ws.recv()) == big


async def test_async_with_await_serve() -> None:
    async with await serve(echo_handler) as server:
        wss, info = await connect(url(server))
        await wait(info.writable.get_writer().write("hi"))
        assert await wait(info.readable.get_reader().read()) == ("hi", False)
    # Leaving the block closed the connection with 1001 (going away); the client received
    # the Close frame and answered it: a clean close from its side.
    closed = await wait(wss.closed)
    assert closed.close_code == 1001


async def test_handler_returning_closes_with_1000() -> None:
    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        await info.writable.get_writer().write("bye")

    async with running(handler) as server, ws_connect(url(server), ping_interval=None) as ws:
        assert await wait(ws.recv()) == "bye"
        with pytest.raises(ConnectionClosedOK):
            await wait(ws.recv())
        assert ws.protocol.close_rcvd is not None
        assert ws.protocol.close_rcvd.code == 1000


async def test_handler_raising_closes_with_1011(caplog: pytest.LogCaptureFixture) -> None:
    class Boom(Exception):
        pass

    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        raise Boom

    async with running(handler) as server, ws_connect(url(server), ping_interval=None) as ws:
        with pytest.raises(ConnectionClosed):
            await wait(ws.recv())
        assert ws.protocol.close_rcvd is not None
        assert ws.protocol.close_rcvd.code == 1011
    # Logged once, at ERROR with the traceback, on websocketstream.server (not the loop's
    # exception handler, which would print even when the application configured nothing).
    [record] = [r for r in caplog.records if r.name == "websocketstream.server"]
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith("handler failed for / from ('127.0.0.1', ")
    assert record.exc_info is not None and record.exc_info[0] is Boom


async def test_process_request_refuses_the_handshake() -> None:
    async with running(echo_handler, process_request=lambda ws, request: Response(404)) as server:
        with pytest.raises(InvalidStatus) as info:
            await wait(ws_connect(url(server), ping_interval=None).__aenter__())
        assert info.value.response.status_code == 404
        wss = WebSocketStream_(url(server))
        assert (await rejects(wss.opened, WebSocketError)).close_code is None


def WebSocketStream_(target: str, **kwargs: Any) -> Any:
    from websocketstream import WebSocketStream

    return WebSocketStream(target, **kwargs)


async def test_request_and_subprotocol() -> None:
    seen: list[Any] = []

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        seen.append((ws.request, ws.remote_address, info.protocol))
        await info.writable.get_writer().write(info.protocol)

    async with running(handler, protocols=["chat", "superchat"]) as server:
        wss, info = await connect(url(server, "/room?x=1"), protocols=["superchat", "chat"])
        assert info.protocol == "superchat"
        assert await wait(info.readable.get_reader().read()) == ("superchat", False)
        await wait(wss.closed)
    request, address, protocol = seen[0]
    assert request.target == "/room?x=1"
    assert request.protocols == ("superchat", "chat")
    assert address[0] == "127.0.0.1"
    assert protocol == "superchat"


async def test_no_common_subprotocol() -> None:
    async with running(echo_handler, protocols=["chat"]) as server:
        # The server accepts without a subprotocol; the websockets client takes that ...
        async with ws_connect(url(server), subprotocols=["other"], ping_interval=None) as ws:  # type: ignore[list-item]
            assert ws.subprotocol is None
        # ... but a WHATWG client fails the connection (WebSockets "establish a WebSocket
        # connection": protocols requested and none in the response).
        wss = WebSocketStream_(url(server), protocols=["other"])
        assert (await rejects(wss.opened, WebSocketError)).close_code is None


async def test_server_sees_the_client_close_code_and_reason() -> None:
    results: list[Any] = []
    done = asyncio.Event()

    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        results.append(await ws.closed)
        done.set()

    async with running(handler) as server:
        wss, _ = await connect(url(server))
        wss.close(close_code=4321, reason="client says")
        # The server answers with the code only (RFC 6455 §5.5.1).
        # The server echoes the code and the reason (as Chromium does).
        assert await wait(wss.closed) == WebSocketCloseInfo(4321, "client says")
        await wait(done.wait())
    assert results == [WebSocketCloseInfo(4321, "client says")]


async def test_server_close_with_code_and_reason() -> None:
    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        ws.close(3001, "server says")
        await ws.closed

    async with running(handler) as server, ws_connect(url(server), ping_interval=None) as ws:
        with pytest.raises(ConnectionClosed):
            await wait(ws.recv())
        assert ws.protocol.close_rcvd is not None
        assert (ws.protocol.close_rcvd.code, ws.protocol.close_rcvd.reason) == (3001, "server says")


async def test_server_close_sends_1001_to_every_client() -> None:
    started = asyncio.Event()

    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        started.set()
        await asyncio.Event().wait()  # until cancelled by server.close()

    server = await serve(handler)
    wss, info = await connect(url(server))
    await wait(started.wait())
    server.close()
    await wait(server.wait_closed())
    # The server failed the connection with 1001 (and did not wait for our answer); the
    # client received that Close and answered it.
    assert (await wait(wss.closed)).close_code == 1001
    assert await wait(info.readable.get_reader().read()) == (None, True)


async def test_server_max_size() -> None:
    async with (
        running(echo_handler, max_size=1000) as server,
        ws_connect(url(server), ping_interval=None, compression=None) as ws,
    ):
        await ws.send(bytes(1000))
        assert await wait(ws.recv()) == bytes(1000)
        await ws.send(bytes(1001))
        with pytest.raises(ConnectionClosed):
            await wait(ws.recv())
        assert ws.protocol.close_rcvd is not None
        assert ws.protocol.close_rcvd.code == 1009


async def test_server_receive_backpressure() -> None:
    # A handler that does not read: the client's sends stall within bounded buffers.
    release = asyncio.Event()
    received: list[int] = []

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        await release.wait()
        async for message in info.readable:
            received.append(len(message))
            if len(received) == 64:
                break

    async with running(handler) as server:
        async with ws_connect(url(server), ping_interval=None, compression=None) as ws:
            sent = 0

            async def send_all() -> None:
                nonlocal sent
                for _ in range(64):
                    await ws.send(bytes(MiB))
                    sent += 1

            sending = asyncio.ensure_future(send_all())
            done, _ = await asyncio.wait([sending], timeout=0.5)
            assert not done
            assert sent < 16  # kernel buffers + one message in the server's readable
            release.set()
            await wait(sending)
        assert received == [MiB] * 64


async def test_malicious_client_unmasked_frame() -> None:
    async with running(echo_handler) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        head = await wait(reader.readuntil(b"\r\n\r\n"))
        assert head.startswith(b"HTTP/1.1 101")
        writer.write(encode_frame(1, b"unmasked"))
        frame = await wait(read_frame(reader))
        assert frame.opcode == 8
        assert frame.close[0] == 1002
        assert await wait(reader.read()) == b""  # the server closed TCP
        writer.close()


async def test_malicious_client_garbage_request() -> None:
    async with running(echo_handler) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        response = await wait(reader.read())
        assert response.startswith(b"HTTP/1.1 4")
        writer.close()


async def test_server_close_timeout_when_the_client_never_answers() -> None:
    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        ws.close(1000)
        with contextlib.suppress(Exception):
            await ws.closed

    async with running(handler, close_timeout=0.2) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        await wait(reader.readuntil(b"\r\n\r\n"))
        frame = await wait(read_frame(reader))
        assert frame.close == (1000, "")
        # We never answer: the server ends TCP after close_timeout.
        assert await wait(reader.read(), timeout=2) == b""
        writer.close()


async def test_tls_server_with_the_websockets_client(tls: TLS) -> None:
    async with (
        running(echo_handler, ssl=tls.server_context) as server,
        ws_connect(
            f"wss://localhost:{server.port}/", ssl=tls.client_context, ping_interval=None
        ) as ws,
    ):
        await ws.send("secure")
        assert await wait(ws.recv()) == "secure"


async def test_server_endpoint_writes_after_close_reject() -> None:
    outcome: list[Any] = []
    done = asyncio.Event()

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        writer = info.writable.get_writer()
        await ws.closed
        try:
            await writer.write("late")
        except InvalidStateError as exc:
            outcome.append(exc)
        done.set()

    async with running(handler) as server:
        wss, _ = await connect(url(server))
        wss.close()
        await wait(wss.closed)
        await wait(done.wait())
    assert isinstance(outcome[0], InvalidStateError)
