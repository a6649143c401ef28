"""WPT ``websockets/stream/tentative/abort.any.js`` (5 tests), against real servers.

The spec rejects both promises with the signal's abort reason (Chromium uses its own
``AbortError``); the default reason of ``AbortController.abort()`` is an ``AbortError``.
"""

from __future__ import annotations

import pytest

from websocketstream import AbortController, AbortError, AbortSignal, WebSocketStream

from .helpers import connect, rejects, wait
from .servers import OwnServer, WptServer


class Reason(Exception):
    pass


async def _no_connection_was_attempted(server: WptServer | OwnServer) -> None:
    # A connection attempted by an earlier WebSocketStream would reach the server first.
    wss, _ = await connect(server.url("/echo"))
    wss.close()
    await wait(wss.closed)
    assert server.log.tcp_connections == 1
    assert len(server.log.connections) == 1


async def test_abort_before_constructing_should_prevent_connection(
    server: WptServer | OwnServer,
) -> None:
    wss = WebSocketStream(server.url("/echo"), signal=AbortSignal.abort())
    error = await rejects(wss.opened, AbortError)
    assert error.name == "AbortError"
    assert await rejects(wss.closed, AbortError) is error
    await _no_connection_was_attempted(server)


async def test_abort_before_constructing_rejects_with_the_signal_reason(wpt: WptServer) -> None:
    reason = Reason("mine")
    wss = WebSocketStream(wpt.url("/echo"), signal=AbortSignal.abort(reason))
    assert await rejects(wss.opened, Reason) is reason
    assert await rejects(wss.closed, Reason) is reason
    await _no_connection_was_attempted(wpt)


async def test_close_after_abort_before_constructing_should_do_nothing(wpt: WptServer) -> None:
    wss = WebSocketStream(wpt.url("/echo"), signal=AbortSignal.abort())
    wss.close()
    wss.close(close_code=1000, reason="still validated")
    await rejects(wss.opened, AbortError)
    await rejects(wss.closed, AbortError)
    await _no_connection_was_attempted(wpt)


@pytest.mark.parametrize("when", ["before TCP", "during handshake"])
async def test_abort_during_handshake_should_work(wpt: WptServer, when: str) -> None:
    controller = AbortController()
    wss = WebSocketStream(wpt.url("/handshake_sleep"), signal=controller.signal)
    if when == "during handshake":
        log = await wpt.log.wait_connection()
    reason = Reason("stop")
    controller.abort(reason)
    assert await rejects(wss.opened, Reason) is reason
    assert await rejects(wss.closed, Reason) is reason
    if when == "during handshake":
        # The handshake was failed: the server's TCP connection ends without a handshake.
        await wait(log.done.wait(), timeout=wpt.handshake_sleep + 2)
    # Aborting again or closing later changes nothing.
    controller.abort()
    wss.close()


async def test_abort_during_handshake_with_default_reason(wpt: WptServer) -> None:
    controller = AbortController()
    wss = WebSocketStream(wpt.url("/handshake_sleep"), signal=controller.signal)
    await wpt.log.wait_connection()
    controller.abort()
    error = await rejects(wss.opened, AbortError)
    assert error is controller.signal.reason
    assert await rejects(wss.closed, AbortError) is error


async def test_close_after_abort_during_handshake_should_do_nothing(wpt: WptServer) -> None:
    controller = AbortController()
    wss = WebSocketStream(wpt.url("/handshake_sleep"), signal=controller.signal)
    await wpt.log.wait_connection()
    controller.abort()
    wss.close()
    await rejects(wss.opened, AbortError)
    await rejects(wss.closed, AbortError)


async def test_abort_after_connect_should_do_nothing(server: WptServer | OwnServer) -> None:
    controller = AbortController()
    wss, info = await connect(server.url("/echo"), signal=controller.signal)
    controller.abort()
    writer = info.writable.get_writer()
    await wait(writer.write("connected"))
    assert await wait(info.readable.get_reader().read()) == ("connected", False)
    wss.close()
    await wait(wss.closed)
