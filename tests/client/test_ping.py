"""``ping()`` on both ends (round-trip time), and keepalive on by default."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect

from websocketstream import InvalidStateError, WebSocket, WebSocketStream
from websocketstream.server import ServerWebSocketStream, serve
from websocketstream.session import DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT

from .helpers import connect, rejects, wait
from .servers import RawConnection, RawServer, WptServer, encode_frame, silent_script


@pytest.mark.parametrize("client", [WebSocketStream, WebSocket])
def test_keepalive_is_on_by_default(client: type) -> None:
    parameters = inspect.signature(client).parameters
    assert (DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT) == (20.0, 20.0)
    assert parameters["ping_interval"].default == DEFAULT_PING_INTERVAL
    assert parameters["ping_timeout"].default == DEFAULT_PING_TIMEOUT


async def test_client_ping_resolves_with_the_round_trip_time(wpt: WptServer) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    rtt = await wait(wss.ping())
    assert isinstance(rtt, float)
    assert rtt >= 0
    # Several at once: each resolves with its own time.
    times = await wait(asyncio.gather(*(wss.ping() for _ in range(3))))
    assert all(isinstance(t, float) and t >= 0 for t in times)
    wss.close()
    await wait(wss.closed)


async def test_server_ping_resolves_with_the_round_trip_time() -> None:
    times: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerWebSocketStream) -> None:
        await ws.opened
        times.set_result(await ws.ping())
        ws.close()

    server = await serve(handler)
    try:
        async with ws_connect(f"ws://127.0.0.1:{server.port}/", ping_interval=None) as ws:
            rtt = await wait(times)
            assert isinstance(rtt, float) and rtt >= 0
            await wait(ws.wait_closed())
    finally:
        server.close()
        await wait(server.wait_closed())


async def test_ping_needs_an_open_connection() -> None:
    async with RawServer(silent_script) as srv:
        wss = WebSocketStream(srv.url("/"))
        try:
            wss.ping()
        except InvalidStateError as error:
            assert "open" in error.message
        else:
            raise AssertionError("ping() while connecting did not raise")
        wss.close()
        await rejects(wss.closed)


async def test_ping_after_close_raises(wpt: WptServer) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    wss.close()
    try:
        wss.ping()
    except InvalidStateError:
        pass
    else:
        raise AssertionError("ping() while closing did not raise")
    await wait(wss.closed)


async def _pings_then(conn: RawConnection, answer: Any) -> None:
    await conn.handshake()
    payloads = []
    while True:
        frame = await conn.read_frame()
        if frame.opcode == 9:
            payloads.append(frame.payload)
            await answer(conn, payloads)
        elif frame.opcode == 8:
            break
    # The client's Close: answer it (a second Close once ours went out is harmless), end TCP.
    await conn.send_frame(8, frame.payload)
    conn.writer.close()


async def test_a_pong_for_a_later_ping_answers_earlier_ones() -> None:
    async def answer(conn: RawConnection, payloads: list[bytes]) -> None:
        if len(payloads) == 2:  # answer only the latest, as RFC 6455 allows
            conn.send(encode_frame(10, b"unsolicited"))
            await conn.send_frame(10, payloads[1])

    async def script(conn: RawConnection) -> None:
        await _pings_then(conn, answer)

    async with RawServer(script) as srv:
        wss, _ = await connect(srv.url("/"), ping_interval=None)
        first = wss.ping()
        second = wss.ping()
        assert isinstance(await wait(first), float)
        assert isinstance(await wait(second), float)
        wss.close()
        await wait(wss.closed)


async def test_pending_ping_rejects_when_the_connection_closes() -> None:
    async def answer(conn: RawConnection, payloads: list[bytes]) -> None:
        if len(payloads) == 2:
            await conn.send_frame(8, (1000).to_bytes(2, "big"))

    async def script(conn: RawConnection) -> None:
        await _pings_then(conn, answer)

    async with RawServer(script) as srv:
        wss, _ = await connect(srv.url("/"), ping_interval=None)
        awaited = wss.ping()
        wss.ping()  # never awaited: its rejection must not be reported to the loop
        await rejects(awaited, InvalidStateError)
        await wait(wss.closed)
