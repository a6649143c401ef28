"""Listening and stopping (issue #11 item 4): Unix sockets (server and client), reuse_port,
a TLS server, graceful ``close()`` and ``serve_forever()`` returning after it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import tempfile
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.client import unix_connect as ws_unix_connect

from tests.client.conftest import TLS
from tests.client.helpers import connect, rejects, wait
from tests.client.servers import encode_frame, read_frame
from websocketstream import WebSocketError, WebSocketStream
from websocketstream.server import ServerWebSocketStream, echo_handler, serve, unix_serve

UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@pytest.fixture
def socket_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield os.path.join(directory, "ws.sock")


async def test_unix_serve_with_our_client_and_the_websockets_client(socket_path: str) -> None:
    seen: list[object] = []

    async def handler(ws: ServerWebSocketStream) -> None:
        seen.append(ws.remote_address)
        await echo_handler(ws)

    server = await unix_serve(handler, socket_path)
    assert os.path.exists(socket_path)
    wss, info = await connect("ws://localhost/chat", unix_socket=socket_path)
    await wait(info.writable.get_writer().write("over unix"))
    assert await wait(info.readable.get_reader().read()) == ("over unix", False)
    async with ws_unix_connect(socket_path, "ws://localhost/", ping_interval=None) as ws:
        await ws.send(b"\x01")
        assert await wait(ws.recv()) == b"\x01"
    await wait(server.close())
    assert (await wait(wss.closed)).close_code == 1001
    assert not os.path.exists(socket_path)  # close() removed the socket file
    assert isinstance(seen[0], str)  # a path, never None
    assert server.port == 0


async def test_client_unix_socket_that_does_not_exist_fails_with_1006(socket_path: str) -> None:
    wss = WebSocketStream("ws://localhost/", unix_socket=socket_path)
    with pytest.raises(Exception) as info:
        await wait(wss.opened)
    # Never opened: opened's WebSocketError has no close code (closed's has 1006), as Chromium.
    assert getattr(info.value, "close_code", 0) is None
    assert (await rejects(wss.closed, WebSocketError)).close_code == 1006


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")
async def test_reuse_port_lets_two_servers_share_a_port() -> None:
    first = await serve(echo_handler, reuse_port=True)
    second = await serve(echo_handler, port=first.port, reuse_port=True)
    try:
        assert second.port == first.port
        for _ in range(4):
            async with ws_connect(f"ws://127.0.0.1:{first.port}/", ping_interval=None) as ws:
                await ws.send("shared")
                assert await wait(ws.recv()) == "shared"
    finally:
        await wait(first.close())
        await wait(second.close())
    with pytest.raises(OSError):
        # Without reuse_port the port is taken.
        holder = await serve(echo_handler, reuse_port=True)
        try:
            await serve(echo_handler, port=holder.port)
        finally:
            await wait(holder.close())


async def test_tls_server_with_our_client(tls: TLS) -> None:
    async with await serve(echo_handler, ssl=tls.server_context) as server:
        wss, info = await connect(f"wss://localhost:{server.port}/", ssl=tls.client_context)
        await wait(info.writable.get_writer().write("secret"))
        assert await wait(info.readable.get_reader().read()) == ("secret", False)
        wss.close()
        await wait(wss.closed)
        # A client that does not trust the certificate fails (opened: no code; closed: 1006).
        untrusting = WebSocketStream(
            f"wss://localhost:{server.port}/", ssl=ssl.create_default_context()
        )
        with pytest.raises(Exception) as info_error:
            await wait(untrusting.opened)
        assert getattr(info_error.value, "close_code", 0) is None
        assert (await rejects(untrusting.closed, WebSocketError)).close_code == 1006


async def test_graceful_close_sends_1001_waits_then_aborts_the_rest() -> None:
    handler_ended: list[str] = []

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        try:
            async for _ in info.readable:
                pass
        except Exception:
            pass
        finally:
            handler_ended.append(ws.request.path)

    server = await serve(handler, close_timeout=5)
    # A polite client (answers the Close) and a rude one (a raw socket that never answers).
    wss, _ = await connect(f"ws://127.0.0.1:{server.port}/polite")
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(UPGRADE.replace(b"GET / ", b"GET /rude "))
    await wait(reader.readuntil(b"\r\n\r\n"))
    while len(server.connections) < 2:
        await asyncio.sleep(0.005)
    serving = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0)
    closing = server.close(timeout=0.3)
    assert server.close() is closing  # idempotent
    # Stopped accepting at once.
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", server.port)
    # Both got 1001.
    assert (await wait(wss.closed)).close_code == 1001
    frame = await wait(read_frame(reader))
    assert frame.close[0] == 1001
    # The rude one never answers: after the timeout it is aborted, and close() returns.
    await wait(closing)
    assert await wait(reader.read()) == b""
    await wait(serving)  # serve_forever() returned after close()
    assert sorted(handler_ended) == ["/polite", "/rude"]
    assert not server.connections
    writer.close()


async def test_graceful_close_lets_a_client_that_answers_finish_cleanly() -> None:
    server = await serve(echo_handler)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(UPGRADE)
    await wait(reader.readuntil(b"\r\n\r\n"))
    while not server.connections:
        await asyncio.sleep(0.005)
    closing = server.close(1012, "restarting")
    frame = await wait(read_frame_from_server(reader))
    assert frame == (1012, "restarting")
    writer.write(encode_frame(8, (1012).to_bytes(2, "big"), mask=b"abcd"))
    assert await wait(reader.read()) == b""  # the server ends TCP after the handshake
    await wait(closing)
    writer.close()


async def read_frame_from_server(reader: asyncio.StreamReader) -> tuple[int, str]:
    frame = await read_frame(reader)
    assert frame.opcode == 8
    return frame.close


async def test_serve_forever_cancelled_closes_the_server() -> None:
    server = await serve(echo_handler)
    wss, _ = await connect(f"ws://127.0.0.1:{server.port}/")
    serving = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0)
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await wait(serving)
    assert (await wait(wss.closed)).close_code == 1001
    await wait(server.wait_closed())
