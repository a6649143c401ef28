"""Endless or tiny continuation frames: a message's fragments are capped (count and bytes,
whichever first), so the attack ends with 1009 on both ends instead of costing memory and CPU
for as long as the peer likes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.client.helpers import connect, rejects, wait
from tests.client.servers import RawConnection, encode_frame
from websocketstream import WebSocketError
from websocketstream.protocol.connection import FRAGMENT_COST, MIN_FRAGMENTS, Connection
from websocketstream.server import echo_handler

from .peers import RawClient, running

MAX_SIZE = 2**20


async def _flood_server(client: RawClient, fragment: bytes) -> None:
    try:
        client.writer.write(client.frame(2, b"x", fin=False))
        chunk = client.frame(0, fragment, fin=False) * 1000
        while True:  # endless: only the server can end it
            client.writer.write(chunk)
            await client.writer.drain()
    except ConnectionError:
        pass


@pytest.mark.parametrize("fragment", [b"", b"x", b"xy"], ids=["empty", "1-byte", "2-byte"])
async def test_server_fails_endless_fragments_with_1009(fragment: bytes) -> None:
    async with running(echo_handler, max_size=MAX_SIZE) as server:
        client = await RawClient.connect(server.port)
        flood = asyncio.ensure_future(_flood_server(client, fragment))
        try:
            close = await wait(client.read_until_close(), 30)
        finally:
            flood.cancel()
            await asyncio.wait([flood])
            client.close()
        assert close is not None
        assert close.close[0] == 1009


@pytest.mark.parametrize("fragment", [b"", b"x"], ids=["empty", "1-byte"])
async def test_client_fails_endless_fragments_with_1009(raw_server: Any, fragment: bytes) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        conn.send(encode_frame(2, b"x", fin=False))

        async def flood() -> None:
            chunk = encode_frame(0, fragment, fin=False) * 1000
            try:
                while True:
                    conn.send(chunk)
                    await conn.writer.drain()
            except ConnectionError:
                pass

        sending = asyncio.ensure_future(flood())
        await conn.read_until_close()
        sending.cancel()
        await asyncio.wait([sending])
        conn.abort()

    server = await raw_server(script)
    _wss, info = await connect(server.url(), max_size=MAX_SIZE)
    reader = info.readable.get_reader()
    await rejects(reader.read(), WebSocketError)
    log = server.log.last
    await wait(log.done.wait())
    assert log.close_rcvd is not None
    assert log.close_rcvd[0] == 1009


def test_fragment_cap_in_numbers() -> None:
    # The cap: max_size // FRAGMENT_COST fragments (at least MIN_FRAGMENTS); a message within
    # max_size made of fragments of FRAGMENT_COST bytes or more is never refused by it.
    conn = Connection(client=True, max_size=MAX_SIZE)
    cap = MAX_SIZE // FRAGMENT_COST
    frames = [encode_frame(2, b"", fin=False)]
    frames += [encode_frame(0, b"", fin=False)] * (cap - 1)
    frames.append(encode_frame(0, b"", fin=True))
    conn.receive_data(b"".join(frames))
    assert conn.next_event() is None
    assert conn.failure is not None and conn.failure.code == 1009
    assert conn.failure.reason == "too many fragments"

    conn = Connection(client=True, max_size=MAX_SIZE)
    piece = b"y" * FRAGMENT_COST
    frames = [encode_frame(2, piece, fin=False)]
    frames += [encode_frame(0, piece, fin=False)] * (cap - 2)
    frames.append(encode_frame(0, piece, fin=True))
    conn.receive_data(b"".join(frames))
    assert conn.next_event() == (2, piece * cap)

    small = Connection(client=True, max_size=10)
    frames = [encode_frame(2, b"", fin=False)] + [encode_frame(0, b"", fin=False)] * (
        MIN_FRAGMENTS - 2
    )
    small.receive_data(b"".join([*frames, encode_frame(0, b"ok", fin=True)]))
    assert small.next_event() == (2, b"ok")
