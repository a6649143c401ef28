"""Connection lifetime beyond the WPT: open and close timeouts, closing while connecting,
``async with``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from websocketstream import (
    AbortController,
    AbortError,
    InvalidStateError,
    WebSocketCloseInfo,
    WebSocketError,
    WebSocketStream,
)

from .conftest import TLS
from .helpers import connect, rejects, wait
from .servers import OwnServer, RawConnection, RawServer, WptServer, close_body, encode_frame


class SilentServer:
    """Accepts TCP and never answers; ``eof`` is set when the client closes TCP."""

    def __init__(self) -> None:
        self.eof = asyncio.Event()
        self.got_data = asyncio.Event()

    async def __call__(self, conn: RawConnection) -> None:
        try:
            while await conn.reader.read(65536):
                self.got_data.set()
        finally:
            self.eof.set()


async def test_open_timeout_against_a_server_that_never_answers(raw_server: Any) -> None:
    silent = SilentServer()
    server: RawServer = await raw_server(silent)
    start = time.monotonic()
    wss = WebSocketStream(server.url(), open_timeout=0.3)
    error = await rejects(wss.opened, WebSocketError)
    elapsed = time.monotonic() - start
    assert 0.27 <= elapsed < 2
    assert error.close_code is None  # never opened: no close code (the Standard, Chromium)
    assert (await rejects(wss.closed, WebSocketError)).close_code == 1006
    await wait(silent.eof.wait())  # the TCP connection was closed
    assert server.log.tcp_connections == 1


async def test_open_timeout_during_the_tls_handshake(raw_server: Any, tls: TLS) -> None:
    silent = SilentServer()
    server: RawServer = await raw_server(silent)
    url = f"wss://127.0.0.1:{server.port}/"
    wss = WebSocketStream(url, ssl=tls.client_context, open_timeout=0.3)
    assert (await rejects(wss.opened, WebSocketError)).close_code is None
    await rejects(wss.closed, WebSocketError)
    await wait(silent.eof.wait())


@pytest.mark.parametrize("how", ["close", "abort"])
async def test_closing_during_the_tls_handshake_ends_tcp_at_once(
    raw_server: Any, tls: TLS, how: str
) -> None:
    # The server never answers the ClientHello: close() (or the signal) must end the TCP
    # connection now, not after the TLS handshake or the open timeout.
    silent = SilentServer()
    server: RawServer = await raw_server(silent)
    controller = AbortController()
    wss = WebSocketStream(
        f"wss://127.0.0.1:{server.port}/",
        ssl=tls.client_context,
        signal=controller.signal,
        open_timeout=30,
    )
    await wait(silent.got_data.wait())  # the ClientHello: the TLS handshake is under way
    if how == "close":
        wss.close()
        await rejects(wss.opened, WebSocketError)
        await rejects(wss.closed, WebSocketError)
    else:
        reason = AbortError("stop")
        controller.abort(reason)
        assert await rejects(wss.opened, AbortError) is reason
        assert await rejects(wss.closed, AbortError) is reason
    await wait(silent.eof.wait(), timeout=2)


async def test_close_timeout_against_a_server_that_never_answers_the_close(
    raw_server: Any,
) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.read_until_close()  # ... and never answer it
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url(), close_timeout=0.3)
    start = time.monotonic()
    wss.close(close_code=3000, reason="bye")
    error = await rejects(wss.closed, WebSocketError)
    elapsed = time.monotonic() - start
    assert 0.27 <= elapsed < 2
    assert error.close_code == 1006
    assert await rejects(info.readable.get_reader().read(), WebSocketError) is error
    assert server.log.last.close_rcvd == (3000, "bye")


async def test_close_timeout_when_the_server_answers_but_keeps_tcp_open(
    raw_server: Any,
) -> None:
    # The closing handshake completed: after close_timeout the client ends TCP itself, and
    # the close is clean (as Chromium: the Close frame was received).
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        frame = await conn.read_until_close()
        assert frame is not None
        await conn.send_frame(8, frame.payload)
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    wss, _ = await connect(server.url(), close_timeout=0.3)
    start = time.monotonic()
    wss.close(close_code=3000)
    assert await wait(wss.closed) == WebSocketCloseInfo(3000, "")
    assert time.monotonic() - start >= 0.27


async def test_close_timeout_after_the_server_close(raw_server: Any) -> None:
    # The server sends Close and then ignores our reply and keeps TCP open.
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(8, close_body(4001, "server")))
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    wss, _ = await connect(server.url(), close_timeout=0.3)
    assert await wait(wss.closed) == WebSocketCloseInfo(4001, "server")


# async with


async def test_async_with_opens_and_closes(server: WptServer | OwnServer) -> None:
    async with WebSocketStream(server.url("/echo")) as wss:
        assert wss.opened.done()
        info = wss.opened.result()
        await wait(info.writable.get_writer().write("in the block"))
        assert await wait(info.readable.get_reader().read()) == ("in the block", False)
        assert not wss.closed.done()
    assert wss.closed.done()
    assert wss.closed.result() == WebSocketCloseInfo(1005, "")
    log = server.log.last
    await wait(log.close_received.wait())
    assert log.close_rcvd == (1005, "")


async def test_async_with_closes_when_the_body_raises(wpt: WptServer) -> None:
    class BodyError(Exception):
        pass

    with pytest.raises(BodyError):
        async with WebSocketStream(wpt.url("/echo")) as wss:
            raise BodyError
    assert wss.closed.done()
    assert wpt.log.last.close_rcvd == (1005, "")


async def test_async_with_body_error_wins_over_an_unclean_close(wpt: WptServer) -> None:
    class BodyError(Exception):
        pass

    with pytest.raises(BodyError):
        async with WebSocketStream(wpt.url("/passive-close-abort")) as wss:
            raise BodyError
    assert wss.closed.done()


async def test_async_with_raises_on_an_unclean_close(wpt: WptServer) -> None:
    with pytest.raises(WebSocketError) as info:
        async with WebSocketStream(wpt.url("/passive-close-abort")):
            pass
    assert info.value.close_code == 1006


async def test_async_with_raises_when_the_connection_fails(wpt: WptServer) -> None:
    with pytest.raises(WebSocketError) as info:
        async with WebSocketStream(wpt.url("/404")):
            pytest.fail("the body must not run")
    assert info.value.close_code is None  # never opened: no close code (the Standard, Chromium)


async def test_async_with_after_the_server_closed(wpt: WptServer) -> None:
    async with WebSocketStream(wpt.url("/remote-close?code=4000&reason=x")) as wss:
        assert await wait(wss.closed) == WebSocketCloseInfo(4000, "x")
    assert wss.closed.result() == WebSocketCloseInfo(4000, "x")


async def test_constructor_needs_a_running_loop() -> None:
    def construct() -> None:
        WebSocketStream("ws://127.0.0.1:1/")

    loop = asyncio.get_running_loop()
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        await loop.run_in_executor(None, construct)


async def test_writes_before_opened_are_impossible(wpt: WptServer) -> None:
    # The streams only exist once opened: a close right after opened settles them.
    wss, info = await connect(wpt.url("/echo"))
    wss.close()
    writer = info.writable.get_writer()
    await rejects(writer.write("too late"), InvalidStateError)
    await wait(wss.closed)


# keepalive


async def test_keepalive_pings_are_answered(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/echo"), ping_interval=0.05, ping_timeout=0.5)
    writer = info.writable.get_writer()
    reader = info.readable.get_reader()
    for i in range(4):  # ~0.2 s: several pings went out and were answered
        await asyncio.sleep(0.05)
        await wait(writer.write(str(i)))
        assert await wait(reader.read()) == (str(i), False)
    wss.close()
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")


async def test_keepalive_timeout_fails_the_connection(raw_server: Any) -> None:
    pings = 0

    async def script(conn: RawConnection) -> None:
        nonlocal pings
        await conn.handshake()
        while True:  # never answer a Ping
            frame = await conn.read_frame()
            if frame.opcode == 9:
                pings += 1
            elif frame.opcode == 8:
                break
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    start = time.monotonic()
    wss, _ = await connect(server.url(), ping_interval=0.05, ping_timeout=0.1)
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006
    assert time.monotonic() - start >= 0.14
    assert pings == 1
    await wait(server.log.last.done.wait())
    assert server.log.last.close_rcvd == (1011, "keepalive ping timeout")


async def test_close_timeout_with_unflushed_data_and_a_server_that_stopped_reading(
    raw_server: Any,
) -> None:
    # The server sends its Close while our big write is stuck in the transport (it stopped
    # reading) and never ends TCP.  Our Close answer is queued behind that data, so "the
    # closing handshake is done" on paper only: after close_timeout the connection must be
    # dropped (a graceful close would wait forever for the buffer to drain).
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.reader.readexactly(2)  # our big message is on its way
        await conn.send_frame(8, close_body(4000))
        await asyncio.Event().wait()  # never read, never close

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url(), close_timeout=0.3, compression=None)
    write = info.writable.get_writer().write(bytes(32 * 1024 * 1024))
    await rejects(write, InvalidStateError)
    start = time.monotonic()
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 4000
    assert time.monotonic() - start < 2


async def test_unexpected_error_while_connecting_fails_the_connection(
    wpt: WptServer, monkeypatch: pytest.MonkeyPatch, loop_exceptions: list[dict[str, Any]]
) -> None:
    import websocketstream.client as module

    class Unexpected(Exception):
        pass

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise Unexpected

    monkeypatch.setattr(module, "open_transport", broken)
    wss = WebSocketStream(wpt.url("/echo"))
    assert (await rejects(wss.opened, WebSocketError)).close_code is None
    await rejects(wss.closed, WebSocketError)
    assert [type(c["exception"]) for c in loop_exceptions] == [Unexpected]
    loop_exceptions.clear()
