"""Failing a connection delivers its Close: the failing end keeps reading (and discarding)
until the peer's EOF, so TCP is never closed with unread input (the kernel would send RST and
the peer could lose the Close, and with it the code)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from tests.client.helpers import connect, rejects, wait
from tests.client.servers import MiB, RawConnection, encode_frame
from tests.websocket.helpers import open_socket
from websocketstream import WebSocketError, WebSocketStream
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


async def _flood(conn: RawConnection, count: int | None = 8) -> None:
    """Send 2 MiB messages (``count`` of them, or until the connection ends) and never read."""
    frame = encode_frame(2, bytes(2 * MiB))
    sent = 0
    with contextlib.suppress(ConnectionError):
        while count is None or sent < count:
            conn.send(frame)
            await conn.writer.drain()
            sent += 1


async def test_client_reports_its_failure_at_once_and_still_delivers_the_close(
    raw_server: Any,
) -> None:
    # The server floods and reads nothing until the client has reported its failure: the
    # client reports it without waiting for the server (as Chromium), yet its Close is not
    # destroyed by a reset (it keeps reading and discarding until the server's EOF).
    codes: list[int | None] = []
    reported = asyncio.Event()

    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await _flood(conn)
        await reported.wait()
        close = await conn.read_until_close()
        codes.append(None if close is None else close.close[0])

    server = await raw_server(script)
    for _ in range(CLIENTS):
        reported.clear()
        wss, _ = await connect(server.url(), max_size=MiB, compression=None)
        error = await rejects(wss.closed, WebSocketError)
        assert (error.close_code, error.reason) == (1009, "message too big")
        reported.set()
    await wait(server.log.last.done.wait())
    assert codes == [1009] * CLIENTS


async def test_classic_websocket_failing_delivers_1002(raw_server: Any) -> None:
    # A reserved opcode, then a flood: the WebSocket fires error and close at once, and the
    # server, reading only afterwards, finds the 1002.
    codes: list[int | None] = []
    reported = asyncio.Event()

    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(3, b"reserved"))
        await _flood(conn)
        await reported.wait()
        close = await conn.read_until_close()
        codes.append(None if close is None else close.close[0])

    server = await raw_server(script)
    _, trace = await open_socket(server.url())
    event = await trace.wait_closed()
    assert trace.types == ["open", "error", "close"]
    assert (event.was_clean, event.code) == (False, 1006)
    reported.set()
    await wait(server.log.last.done.wait())
    assert codes == [1002]


async def _endless_flooder(raw_server: Any) -> tuple[Any, asyncio.Event]:
    """A server that floods until the connection ends (then sets the event), never reading
    and never ending TCP itself."""
    ended = asyncio.Event()

    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await _flood(conn, None)
        ended.set()

    return await raw_server(script), ended


async def test_client_lingering_ends_at_close_timeout(raw_server: Any) -> None:
    # A server that never reads and never ends TCP: the failed client gives up after
    # close_timeout and resets the connection, which ends the server's endless flood.
    server, ended = await _endless_flooder(raw_server)
    wss, _ = await connect(server.url(), max_size=MiB, compression=None, close_timeout=0.2)
    await rejects(wss.closed, WebSocketError)
    await wait(ended.wait())


async def test_loop_shutdown_closes_a_lingering_client(raw_server: Any) -> None:
    # The application's loop ends while a failed client lingers: asyncio.run cancels the
    # lingering, which closes the transport (no unclosed-transport warning, the server sees
    # the connection end).
    server, ended = await _endless_flooder(raw_server)
    failed = threading.Event()

    async def application() -> None:
        wss = WebSocketStream(server.url(), max_size=MiB, compression=None)
        await wss.opened
        with contextlib.suppress(WebSocketError):
            await wss.closed
        failed.set()

    await asyncio.to_thread(asyncio.run, application())
    assert failed.is_set()
    await wait(ended.wait())
