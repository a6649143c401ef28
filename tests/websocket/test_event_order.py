"""The order of a WebSocket's events on every path (WebSockets §"Feedback from the protocol").

``open``, then ``message`` events while OPEN, then -- for a failed connection only -- ``error``,
then ``close``; each dispatched in its own event-loop callback, never during the call that
caused it.  Real servers on loopback: ``websockets``' and ours (the ``server`` fixture), and raw
scripts for the misbehaving ones.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import hashlib
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.client.servers import (
    GUID,
    OwnServer,
    RawConnection,
    RawServer,
    Script,
    WptServer,
    close_body,
    encode_frame,
    silent_script,
)
from websocketstream import CloseEvent, Event, MessageEvent, WebSocket
from websocketstream import websocket as websocket_module

from .helpers import Trace, open_socket, wait

AnyServer = WptServer | OwnServer
StartRaw = Callable[[Script], Awaitable[RawServer]]


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


async def answer_close(conn: RawConnection) -> None:
    """Read until the client's Close, answer it with the same body, then end TCP."""
    frame = await conn.read_until_close()
    if frame is not None:
        await conn.send_frame(8, frame.payload)


# --- normal close, both ways ---------------------------------------------------------------------


async def test_client_close_open_message_close(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("hello")
    await trace.wait_messages(1)
    ws.close(3000, "done")
    assert ws.ready_state == WebSocket.CLOSING
    event = await trace.wait_closed()
    assert trace.types == ["open", "message", "close"]
    assert [s.ready_state for s in trace.seen] == [1, 1, 3]
    assert (event.was_clean, event.code) == (True, 3000)
    assert event.reason == "done"  # both servers echo the reason (as Chromium does)
    assert server.log.last.close_rcvd == (3000, "done")


async def test_server_close_gives_the_peers_code_and_reason(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/remote-close?code=4321&reason=server%20says"))
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert (event.was_clean, event.code, event.reason) == (True, 4321, "server says")
    assert ws.ready_state == WebSocket.CLOSED


async def test_server_close_without_code_is_1005(server: AnyServer) -> None:
    _, trace = await open_socket(server.url("/remote-close"))
    event = await trace.wait_closed()
    assert (event.was_clean, event.code, event.reason) == (True, 1005, "")


async def test_the_closing_handshake_started_task_sets_closing(raw_server: StartRaw) -> None:
    # The peer's Close: ready_state is OPEN for the messages before it, CLOSING after them
    # (a task of its own), CLOSED in the close event.
    seen_after: list[int] = []

    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(1, b"one") + encode_frame(8, close_body(1000, "bye")))
        await answer_close(conn)

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    trace = Trace(ws)
    ws.onmessage = lambda event: asyncio.get_running_loop().call_soon(
        lambda: seen_after.append(ws.ready_state)
    )
    event = await trace.wait_closed()
    assert trace.types == ["open", "message", "close"]
    assert trace.seen[1].ready_state == WebSocket.OPEN
    assert seen_after == [WebSocket.CLOSING]
    assert (event.was_clean, event.code, event.reason) == (True, 1000, "bye")


# --- abrupt TCP close ----------------------------------------------------------------------------


async def test_abrupt_tcp_close_is_an_unclean_close_without_error(wpt: WptServer) -> None:
    # RFC 6455 §7.1.5: no Close frame, code 1006; not a failure, so no error event (Chromium
    # and Firefox agree with the Standard here).
    _, trace = await open_socket(wpt.url("/remote-close?abrupt=1"))
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert (event.was_clean, event.code, event.reason) == (False, 1006, "")


async def test_abrupt_tcp_close_after_messages_delivers_them_first(raw_server: StartRaw) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake(b"".join(encode_frame(1, b"m%d" % i) for i in range(5)))
        conn.abort()

    srv = await raw_server(script)
    _, trace = await open_socket(srv.url())
    event = await trace.wait_closed()
    assert trace.types == ["open"] + ["message"] * 5 + ["close"]
    assert trace.messages == [f"m{i}" for i in range(5)]
    assert (event.was_clean, event.code) == (False, 1006)


async def test_close_timeout_is_unclean_without_error(wpt: WptServer) -> None:
    # Our Close is never answered (the server drops TCP on it): unclean, no error event.
    ws, trace = await open_socket(wpt.url("/passive-close-abort"))
    ws.close()
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert (event.was_clean, event.code) == (False, 1006)


# --- handshake failures --------------------------------------------------------------------------


def assert_failed_before_open(trace: Trace) -> None:
    assert trace.types == ["error", "close"]
    assert [s.ready_state for s in trace.seen] == [3, 3]
    assert type(trace.seen[0].event) is Event
    event = trace.close_event
    assert (event.was_clean, event.code, event.reason) == (False, 1006, "")
    assert trace.ws.protocol == ""
    assert trace.ws.extensions == ""


async def test_handshake_404_fires_error_then_close(server: AnyServer) -> None:
    ws = WebSocket(server.url("/404"))
    trace = Trace(ws)
    await trace.wait_closed()
    assert_failed_before_open(trace)


async def test_handshake_bad_accept_fires_error_then_close(raw_server: StartRaw) -> None:
    async def script(conn: RawConnection) -> None:
        headers = await conn.read_request()
        wrong = accept_key(headers["sec-websocket-key"] + "x")
        conn.send(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + wrong.encode() + b"\r\n\r\n"
        )
        await conn.wait_eof()

    srv = await raw_server(script)
    trace = Trace(WebSocket(srv.url()))
    await trace.wait_closed()
    assert_failed_before_open(trace)


@pytest.mark.parametrize("selected", ["other", None], ids=["unrequested", "none selected"])
async def test_handshake_wrong_subprotocol_fires_error_then_close(
    raw_server: StartRaw, selected: str | None
) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake(protocol=selected)
        await conn.wait_eof()

    srv = await raw_server(script)
    trace = Trace(WebSocket(srv.url(), ["echo"]))
    await trace.wait_closed()
    assert_failed_before_open(trace)


async def test_connection_refused_fires_error_then_close(raw_server: StartRaw) -> None:
    srv = await raw_server(silent_script)
    url = srv.url()
    await srv.stop()
    trace = Trace(WebSocket(url))
    await trace.wait_closed()
    assert_failed_before_open(trace)


async def test_open_timeout_fires_error_then_close(raw_server: StartRaw) -> None:
    srv = await raw_server(silent_script)
    trace = Trace(WebSocket(srv.url(), open_timeout=0.2))
    await trace.wait_closed()
    assert_failed_before_open(trace)


# --- protocol error from the server after some messages ------------------------------------------


async def test_protocol_error_after_messages(raw_server: StartRaw) -> None:
    # WPT events/018.html with /echo_raw: a frame with the reserved opcode 3.
    async def script(conn: RawConnection) -> None:
        await conn.handshake(
            encode_frame(1, b"first") + encode_frame(2, b"\x00\x01") + encode_frame(3, b"?")
        )
        await conn.read_until_close()
        await conn.wait_eof()

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    ws.binary_type = "arraybuffer"
    trace = Trace(ws)
    event = await trace.wait_closed()
    assert trace.types == ["open", "message", "message", "error", "close"]
    assert trace.messages == ["first", b"\x00\x01"]
    # "handle connection close" sets CLOSED before firing error (WPT events/015.html).
    assert [s.ready_state for s in trace.seen] == [1, 1, 1, 3, 3]
    assert (event.was_clean, event.code, event.reason) == (False, 1006, "")
    assert srv.log.last.close_rcvd is not None and srv.log.last.close_rcvd[0] == 1002


async def test_message_over_max_size_fails_the_connection(raw_server: StartRaw) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(2, b"small") + encode_frame(2, bytes(2000)))
        await conn.read_until_close()

    srv = await raw_server(script)
    _, trace = await open_socket(srv.url(), max_size=1000)
    event = await trace.wait_closed()
    assert trace.types == ["open", "message", "error", "close"]
    assert (event.was_clean, event.code) == (False, 1006)
    assert srv.log.last.close_rcvd is not None and srv.log.last.close_rcvd[0] == 1009


# --- close() during CONNECTING -------------------------------------------------------------------


async def test_close_while_connecting_fires_error_then_close_after_returning(
    raw_server: StartRaw,
) -> None:
    # WPT close-connecting-async.any.js, close-basic.html, close-connecting.html.
    async def script(conn: RawConnection) -> None:
        await conn.read_request()  # and never answer it
        await conn.wait_eof()

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    trace = Trace(ws)
    await wait(srv.log.new_connection.wait())
    ws.close(3000, "ignored")
    assert ws.ready_state == WebSocket.CLOSING
    assert trace.types == []
    event = await trace.wait_closed()
    assert trace.types == ["error", "close"]
    assert [s.ready_state for s in trace.seen] == [3, 3]
    assert (event.was_clean, event.code, event.reason) == (False, 1006, "")
    for _ in range(3):
        await asyncio.sleep(0)
    assert trace.types == ["error", "close"]  # each exactly once


async def test_close_right_after_the_constructor(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    trace = Trace(ws)
    ws.close()
    await trace.wait_closed()
    assert trace.types == ["error", "close"]
    assert not server.log.connections  # the connect task was cancelled before it began


async def test_close_after_the_handshake_but_before_the_open_task(
    raw_server: StartRaw, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session has opened but the open task has not run: ready_state is still CONNECTING,
    # so close() fails the connection (as Chromium): no open event.
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.wait_eof()

    sockets: list[WebSocket] = []
    original = websocket_module._ProtocolFeedback.session_opened

    def session_opened(self: Any) -> None:
        original(self)
        assert sockets[0].ready_state == WebSocket.CONNECTING
        sockets[0].close()

    monkeypatch.setattr(websocket_module._ProtocolFeedback, "session_opened", session_opened)
    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    sockets.append(ws)
    trace = Trace(ws)
    event = await trace.wait_closed()
    assert trace.types == ["error", "close"]
    assert (event.was_clean, event.code) == (False, 1006)


# --- close from inside onmessage -----------------------------------------------------------------


async def test_close_from_inside_onmessage(raw_server: StartRaw) -> None:
    # The messages already received behind the first are not dispatched: the ready state is
    # CLOSING ("handle a WebSocket message" returns unless OPEN).
    async def script(conn: RawConnection) -> None:
        await conn.handshake(b"".join(encode_frame(1, b"%d" % i) for i in range(3)))
        await answer_close(conn)

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    ws.onmessage = lambda event: ws.close(1000, "enough")
    trace = Trace(ws)
    event = await trace.wait_closed()
    assert trace.types == ["open", "message", "close"]
    assert trace.messages == ["0"]
    assert (event.was_clean, event.code, event.reason) == (True, 1000, "enough")
    assert srv.log.last.close_rcvd == (1000, "enough")


async def test_close_from_inside_onclose_is_a_no_op(server: AnyServer) -> None:
    # WPT close-nested.html.
    ws, trace = await open_socket(server.url("/echo"))
    calls: list[int] = []

    def again(event: Event) -> None:
        ws.close()
        calls.append(ws.ready_state)

    ws.onclose = again
    ws.close()
    await trace.wait_closed()
    for _ in range(3):
        await asyncio.sleep(0)
    assert calls == [WebSocket.CLOSED]
    assert trace.types == ["open", "close"]


# --- no silent loss ------------------------------------------------------------------------------


async def test_every_message_before_the_peers_close_is_dispatched(raw_server: StartRaw) -> None:
    count = 300

    async def script(conn: RawConnection) -> None:
        burst = b"".join(encode_frame(1, b"%d" % i) for i in range(count))
        await conn.handshake(burst + encode_frame(8, close_body(1000)))
        await answer_close(conn)

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    trace = Trace(ws)
    event = await trace.wait_closed()
    assert trace.messages == [str(i) for i in range(count)]
    assert trace.types[-1] == "close"
    assert (event.was_clean, event.code) == (True, 1000)


async def test_slow_async_listeners_do_not_hold_back_the_socket(raw_server: StartRaw) -> None:
    # No receive backpressure: the close arrives while every async listener still waits.
    release = asyncio.Event()
    finished: list[str] = []

    async def script(conn: RawConnection) -> None:
        await conn.handshake(b"".join(encode_frame(1, b"%d" % i) for i in range(10)))
        await conn.send_frame(8, close_body(1000))
        await answer_close(conn)

    async def slow(event: MessageEvent) -> None:
        await release.wait()
        finished.append(event.data)

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    ws.onmessage = slow
    trace = Trace(ws)
    await trace.wait_closed()
    assert finished == []
    release.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert sorted(finished, key=int) == [str(i) for i in range(10)]


# --- listeners that raise ------------------------------------------------------------------------


async def test_a_raising_listener_never_breaks_the_connection(
    server: AnyServer, loop_exceptions: list[dict[str, Any]]
) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    boom = RuntimeError("listener bug")

    def bad(event: Event) -> None:
        raise boom

    async def bad_async(event: Event) -> None:
        raise boom

    ws.onmessage = bad
    ws.add_event_listener("message", bad_async)
    ws.add_event_listener("close", bad)
    for text in ("a", "b", "c"):
        ws.send(text)
    await trace.wait_messages(3)
    ws.close()
    event = await trace.wait_closed()
    await asyncio.sleep(0)
    assert trace.messages == ["a", "b", "c"]
    assert event.was_clean
    assert len(loop_exceptions) == 7  # 3 x 2 message listeners, 1 close listener
    assert all(c["exception"] is boom for c in loop_exceptions)
    loop_exceptions.clear()


async def test_events_are_trusted_and_target_the_socket(server: AnyServer) -> None:
    # WPT events/017.html and 018.html.
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("x")
    await trace.wait_messages(1)
    ws.close()
    await trace.wait_closed()
    kinds = [type(s.event) for s in trace.seen]
    assert kinds == [Event, MessageEvent, CloseEvent]
    for seen in trace.seen:
        event = seen.event
        assert event.is_trusted
        assert event.target is ws
        assert not event.bubbles and not event.cancelable


# --- the other failures: keepalive, a bug while connecting ---------------------------------------


async def test_keepalive_timeout_fails_the_connection(raw_server: StartRaw) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.read_until_close()  # never answers the Ping

    srv = await raw_server(script)
    _, trace = await open_socket(srv.url(), ping_interval=0.05, ping_timeout=0.05)
    event = await trace.wait_closed()
    assert trace.types == ["open", "error", "close"]
    assert (event.was_clean, event.code) == (False, 1006)
    assert srv.log.last.close_rcvd is not None and srv.log.last.close_rcvd[0] == 1011


async def test_unexpected_error_while_connecting_fails_the_connection(
    wpt: WptServer, monkeypatch: pytest.MonkeyPatch, loop_exceptions: list[dict[str, Any]]
) -> None:
    import websocketstream.client as module

    class Unexpected(Exception):
        pass

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise Unexpected

    monkeypatch.setattr(module, "open_transport", broken)
    trace = Trace(WebSocket(wpt.url("/echo")))
    await trace.wait_closed()
    assert_failed_before_open(trace)
    assert [type(c["exception"]) for c in loop_exceptions] == [Unexpected]
    loop_exceptions.clear()


async def test_a_flood_is_read_and_dispatched_in_full(wpt: WptServer) -> None:
    # No receive backpressure: 64 x 256 KiB arrive as fast as the server sends them.
    ws = WebSocket(wpt.url("/send?size=262144&count=64"), compression=None)
    ws.binary_type = "arraybuffer"
    sizes: list[int] = []
    ws.onmessage = lambda event: sizes.append(len(event.data))
    trace = Trace(ws)
    await trace.wait_messages(64)
    assert sizes == [262144] * 64
    ws.close()
    await trace.wait_closed()


@pytest.mark.parametrize("path", ["/echo", "/404"])
async def test_no_reference_cycle_outlives_the_close(server: AnyServer, path: str) -> None:
    closed = asyncio.Event()
    ws = WebSocket(server.url(path))
    ws.onopen = lambda event: event.target.close()
    ws.onclose = lambda event: closed.set()
    await wait(closed.wait())
    for _ in range(3):
        await asyncio.sleep(0)
    ref = weakref.ref(ws)
    gc.disable()
    try:
        del ws
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()
