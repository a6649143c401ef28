"""The server's opening handshake is bounded (issue #8 item 1): ``open_timeout`` disconnects
clients that do not finish it (slowloris), an oversized request head gets 431 and garbage
400, whatever the TCP segmentation, and the connection is then closed."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.client.helpers import wait
from websocketstream.protocol.handshake import MAX_REQUEST_HEAD, MAX_REQUEST_HEADERS
from websocketstream.server import Server, echo_handler, serve

UPGRADE = (
    b"Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
)
VALID = b"GET / HTTP/1.1\r\n" + UPGRADE + b"\r\n"


@contextlib.asynccontextmanager
async def running(**options: Any) -> AsyncIterator[Server]:
    server = await serve(echo_handler, **options)
    try:
        yield server
    finally:
        server.close()
        await wait(server.wait_closed())


async def send_in_chunks(request: bytes, server: Server, chunk: int) -> bytes:
    """Send ``request`` in writes of ``chunk`` bytes (each drained, so TCP sees them apart)
    and return everything the server answers until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        for start in range(0, len(request), chunk):
            writer.write(request[start : start + chunk])
            try:
                await writer.drain()
            except ConnectionError:
                break  # the server answered and closed before the whole request was sent
        try:
            return await wait(reader.read())
        except ConnectionResetError:
            return b""
    finally:
        writer.close()


@pytest.mark.parametrize("chunk", [1 << 20, 4096, 1000])
async def test_a_64_kib_header_line_gets_431(chunk: int) -> None:
    request = b"GET / HTTP/1.1\r\n" + UPGRADE + b"X-Big: " + b"a" * 65536 + b"\r\n\r\n"
    async with running() as server:
        response = await send_in_chunks(request, server, chunk)
    assert response.startswith(b"HTTP/1.1 431 ")
    assert b"Connection: close" in response


@pytest.mark.parametrize("chunk", [1 << 20, 1000])
async def test_a_thousand_headers_get_431(chunk: int) -> None:
    headers = b"".join(b"X-%d: v\r\n" % i for i in range(1000))
    request = b"GET / HTTP/1.1\r\n" + UPGRADE + headers + b"\r\n"
    assert len(request) < MAX_REQUEST_HEAD  # refused for the count alone
    async with running() as server:
        response = await send_in_chunks(request, server, chunk)
    assert response.startswith(b"HTTP/1.1 431 ")


async def test_the_largest_accepted_header_count_and_head_size() -> None:
    # Edge: exactly MAX_REQUEST_HEADERS fields, and a head just under MAX_REQUEST_HEAD.
    count = MAX_REQUEST_HEADERS - UPGRADE.count(b"\r\n") - 1
    filler = b"".join(b"X-%d: v\r\n" % i for i in range(count))
    request = b"GET / HTTP/1.1\r\n" + UPGRADE + filler
    request += b"X-Pad: " + b"p" * (MAX_REQUEST_HEAD - len(request) - 11) + b"\r\n\r\n"
    assert len(request) == MAX_REQUEST_HEAD
    async with running() as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(request)
        head = await wait(reader.readuntil(b"\r\n\r\n"))
        writer.close()
    assert head.startswith(b"HTTP/1.1 101 ")


@pytest.mark.parametrize(
    "garbage",
    [os.urandom(4096), b"A" * 4096, b"GET /" + b"\x00" * 4091, b"\x16\x03\x01\x02\x00" * 800],
    ids=["random", "no-space", "control-characters", "tls-client-hello"],
)
async def test_garbage_gets_400_at_once(garbage: bytes) -> None:
    async with running(open_timeout=None) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(garbage)  # then nothing more: the answer must not wait for more bytes
        try:
            response = await wait(reader.read())
        except ConnectionResetError:
            response = b"HTTP/1.1 400 (reset after the answer)"
        writer.close()
    assert response.startswith(b"HTTP/1.1 400 ")


async def test_a_valid_request_sent_one_byte_at_a_time_is_accepted() -> None:
    async with running() as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        for i in range(len(VALID)):
            writer.write(VALID[i : i + 1])
            await writer.drain()
        head = await wait(reader.readuntil(b"\r\n\r\n"))
        writer.close()
    assert head.startswith(b"HTTP/1.1 101 ")


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
async def test_open_timeout_disconnects_a_slow_handshake(sent: bytes) -> None:
    async with running(open_timeout=0.1) as server:
        clients = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(20)]
        for _, writer in clients:
            writer.write(sent)  # and never the rest (slowloris)
        for reader, writer in clients:
            # The server closes each connection without an answer.
            assert await wait(reader.read()) == b""
            writer.close()
        assert len(server._sessions) == 0


async def test_open_timeout_does_not_touch_open_connections() -> None:
    async with running(open_timeout=0.05) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(VALID)
        await wait(reader.readuntil(b"\r\n\r\n"))
        await asyncio.sleep(0.2)  # well past open_timeout
        writer.write(b"\x81\x82abcd" + bytes(a ^ b for a, b in zip(b"hi", b"ab", strict=True)))
        assert await wait(reader.readexactly(4)) == b"\x81\x02hi"
        writer.close()


async def test_open_timeout_is_a_keyword_with_a_10_second_default() -> None:
    async with running() as server:
        assert server._open_timeout == 10.0
