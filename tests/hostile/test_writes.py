"""Write bookkeeping: a write is either rejected and its message not sent, or resolved and
sent; never rejected after its bytes reached the socket (an application retrying rejected
writes would send duplicates).  Closed from each side while writes queue behind a server
that does not read yet."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from tests.client.helpers import connect, wait
from tests.client.servers import MiB, RawConnection
from websocketstream import WebSocketCloseInfo, WebSocketError
from websocketstream.server import ServerWebSocketStream

from .peers import running

COUNT = 6


@pytest.mark.parametrize("closer", ["client", "server"])
async def test_a_write_is_rejected_and_unsent_or_resolved_and_sent(closer: str) -> None:
    received: list[int] = []
    start_reading = asyncio.Event()
    handler_done = asyncio.Event()

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        await start_reading.wait()
        if closer == "server":
            ws.close(1000)
        reader = info.readable.get_reader()
        with contextlib.suppress(Exception):
            while True:
                value, done = await reader.read()
                if done:
                    break
                assert isinstance(value, bytes)
                received.append(value[0])
        handler_done.set()

    async with running(handler, max_size=2 * MiB, compression=None) as server:
        wss, info = await connect(f"ws://127.0.0.1:{server.port}/", compression=None)
        writer = info.writable.get_writer()
        writes = [writer.write(bytes([i]) * MiB) for i in range(COUNT)]
        # The server does not read: the first write waits for buffer space, the others queue
        # in the writable.  Now close (from this side, or the server's).
        await asyncio.sleep(0)
        if closer == "client":
            wss.close(1000)
        start_reading.set()
        results = await wait(asyncio.gather(*writes, return_exceptions=True), 30)
        await wait(handler_done.wait(), 30)
        resolved = [i for i, result in enumerate(results) if not isinstance(result, Exception)]
        assert resolved == received, (results, received)
        assert resolved, "at least the first message went out"
        if closer == "client":
            assert await wait(wss.closed, 30) == WebSocketCloseInfo(1000, "")
        else:
            with contextlib.suppress(Exception):
                await wait(wss.closed, 30)


async def test_an_aborted_connection_rejects_the_unsent_write(raw_server: Any) -> None:
    # The server never reads and the client aborts (close_timeout expires with our data stuck
    # in the transport): the waiting write rejects, and the close is unclean.
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await asyncio.sleep(30)  # never reads: cancelled when the server stops

    server = await raw_server(script)
    wss, info = await connect(server.url(), close_timeout=0.2, compression=None)
    writer = info.writable.get_writer()
    writes = [writer.write(bytes(8 * MiB)) for _ in range(3)]
    await asyncio.sleep(0)
    wss.close(1000)
    results = await wait(asyncio.gather(*writes, return_exceptions=True), 30)
    assert all(isinstance(result, Exception) for result in results[1:])
    assert isinstance(results[0], Exception)  # 8 MiB cannot all be in the kernel's buffers
    with pytest.raises(WebSocketError):
        await wait(wss.closed, 30)
