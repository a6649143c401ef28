"""``server.connections`` and ``broadcast()`` (issue #11 item 3): a live set of open
connections, and a broadcast that never waits for a slow client and never lets its buffer
grow past the write limit (skip, or close with 1013)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from tests.client.helpers import wait
from tests.client.servers import read_frame
from websocketstream.server import (
    Server,
    ServerWebSocketStream,
    broadcast,
    serve,
)
from websocketstream.session import DEFAULT_WRITE_LIMIT

UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


async def hold(ws: ServerWebSocketStream) -> None:
    """Keep the connection open until the client closes it."""
    await ws.opened
    with contextlib.suppress(Exception):
        await ws.closed


@contextlib.asynccontextmanager
async def running(**options: Any) -> AsyncIterator[Server]:
    server = await serve(hold, compression=None, **options)
    try:
        yield server
    finally:
        await wait(server.close())


def url(server: Server) -> str:
    return f"ws://127.0.0.1:{server.port}/"


async def until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.005)


async def test_connections_is_a_live_set_of_open_connections() -> None:
    async with running() as server:
        assert len(server.connections) == 0
        async with ws_connect(url(server), ping_interval=None):
            await wait(until(lambda: len(server.connections) == 1))
            (ws,) = server.connections
            assert isinstance(ws, ServerWebSocketStream)
            async with ws_connect(url(server), ping_interval=None):
                await wait(until(lambda: len(server.connections) == 2))
            await wait(until(lambda: len(server.connections) == 1))
            assert ws in server.connections
        await wait(until(lambda: len(server.connections) == 0))


async def test_broadcast_reaches_every_open_connection_with_the_type_kept() -> None:
    async with running() as server:
        clients = [await ws_connect(url(server), ping_interval=None) for _ in range(5)]
        await wait(until(lambda: len(server.connections) == 5))
        assert broadcast(server.connections, "hello").sent == 5
        assert broadcast(server.connections, b"\x00\x01").sent == 5
        for client in clients:
            assert await wait(client.recv()) == "hello"
            assert await wait(client.recv()) == b"\x00\x01"
            await client.close()
        # Closed connections are left out (neither sent nor counted as slow).
        result = broadcast(server.connections, "late")
        assert (result.sent, result.skipped, result.closed) == (0, 0, 0)


async def slow_client(server: Server) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A client that completes the handshake and then does not read (small receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", server.port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(UPGRADE)
    assert (await wait(reader.readuntil(b"\r\n\r\n"))).startswith(b"HTTP/1.1 101")
    return reader, writer


async def fill(
    server: Server, fast: ClientConnection, slow_ws: ServerWebSocketStream, mode: Any
) -> int:
    """Broadcast 16 KiB messages, the fast client reading each, until the slow one misses one.
    Returns the number of messages broadcast."""
    for i in range(100_000):
        message = f"{i:08d}" + "x" * (16 * 1024 - 8)
        result = broadcast(server.connections, message, slow=mode)
        assert result.sent >= 1
        assert await wait(fast.recv()) == message  # the fast client is never held up
        session = slow_ws._session
        assert session is not None
        # The slow connection's buffer never grows past the write limit plus one message.
        assert session.buffered_amount <= DEFAULT_WRITE_LIMIT + 2 * len(message)
        if result.skipped or result.closed:
            return i + 1
    raise AssertionError("the slow client never filled up")


async def test_broadcast_skips_a_slow_client_and_counts_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running() as server:
        _reader, writer = await slow_client(server)
        await wait(until(lambda: len(server.connections) == 1))
        (slow_ws,) = server.connections
        async with ws_connect(url(server), ping_interval=None, max_size=None) as fast:
            await wait(until(lambda: len(server.connections) == 2))
            with caplog.at_level(logging.DEBUG, logger="websocketstream.server"):
                await fill(server, fast, slow_ws, "skip")
                for _ in range(3):
                    result = broadcast(server.connections, "more", slow="skip")
                    assert (result.sent, result.skipped) == (1, 1)
                    assert await wait(fast.recv()) == "more"
            assert slow_ws.broadcast_skipped == 4
            assert slow_ws in server.connections  # skipped, not closed
            assert any("skipped" in r.getMessage() for r in caplog.records)
        writer.close()


async def test_broadcast_closes_a_slow_client_with_1013() -> None:
    async with running() as server:
        reader, writer = await slow_client(server)
        await wait(until(lambda: len(server.connections) == 1))
        (slow_ws,) = server.connections
        async with ws_connect(url(server), ping_interval=None, max_size=None) as fast:
            await wait(until(lambda: len(server.connections) == 2))
            await fill(server, fast, slow_ws, "close")
            await wait(until(lambda: slow_ws not in server.connections))
            # The slow client, reading at last, finds the messages it was sent, then 1013.
            while True:
                frame = await wait(read_frame(reader))
                if frame.opcode == 8:
                    break
            assert frame.close[0] == 1013
        writer.close()


def test_broadcast_checks_its_arguments() -> None:
    with pytest.raises(ValueError):
        broadcast([], "x", slow="drop")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        broadcast([], 42)  # type: ignore[arg-type]
