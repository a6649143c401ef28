"""Failing a connection delivers its Close: the failing end keeps reading (and discarding)
until the peer's EOF, so TCP is never closed with unread input (the kernel would send RST and
the peer could lose the Close, and with it the code)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.client.helpers import connect, rejects, wait
from tests.client.servers import MiB, RawConnection, encode_frame
from websocketstream import WebSocketError
from websocketstream.server import echo_handler

from .peers import KEY, RawClient, running

CLIENTS = 10


async def _send_big_messages(client: RawClient) -> int | None:
    frame = encode_frame(2, bytes(2 * MiB), mask=KEY)

    async def send() -> None:
        try:
            for _ in range(8):
                client.writer.write(frame)
                await client.writer.drain()
        except ConnectionError:
            pass

    sending = asyncio.ensure_future(send())
    try:
        close = await wait(client.read_until_close(), 30)
        if close is None:
            return None  # reset or EOF without a Close
        await wait(sending, 30)
        client.writer.write_eof()
        await wait(client.wait_eof(), 30)  # then the server ends TCP, no reset
        return close.close[0]
    finally:
        sending.cancel()
        client.close()


async def test_server_failing_a_sending_client_delivers_1009() -> None:
    # Clients send 8 x 2 MiB back to back (max_size 1 MiB): the server fails each connection
    # with 1009 while input is still arriving; every client sees the Close and its code.
    async with running(echo_handler, max_size=MiB) as server:
        clients = [await RawClient.connect(server.port) for _ in range(CLIENTS)]
        codes = await asyncio.gather(*(_send_big_messages(c) for c in clients))
    assert codes == [1009] * CLIENTS


async def test_client_failing_a_sending_server_delivers_1009(raw_server: Any) -> None:
    codes: list[int | None] = []

    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        frame = encode_frame(2, bytes(2 * MiB))

        async def send() -> None:
            try:
                for _ in range(8):
                    conn.send(frame)
                    await conn.writer.drain()
            except ConnectionError:
                pass

        sending = asyncio.ensure_future(send())
        close = await conn.read_until_close()
        codes.append(None if close is None else close.close[0])
        await asyncio.wait([sending])
        conn.writer.write_eof()
        await conn.wait_eof()

    server = await raw_server(script)
    for _ in range(CLIENTS):
        wss, info = await connect(server.url(), max_size=MiB, compression=None)
        error = await rejects(info.readable.get_reader().read(), WebSocketError)
        # Failed by this end for its own max_size: the error reports the 1009 it sent.
        assert (error.close_code, error.reason) == (1009, "message too big")
        await rejects(wss.closed, WebSocketError)
    await wait(server.log.last.done.wait())
    assert codes == [1009] * CLIENTS
