"""WPT ``websockets/Close-*.any.js``, ``close-invalid.any.js``, ``interfaces/WebSocket/close/*``,
``closing-handshake/*`` and ``opening-handshake/005``: ``close()``'s validation and the close
event it leads to.

The WPT ``/echo`` handler answers a Close with the same code and reason; ``websockets`` does.
This project's server answers with the code only (RFC 6455 §5.5.1), so there the reason
reported back is ``""``; what the server received is checked on both.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.client.servers import (
    OwnServer,
    RawConnection,
    WptServer,
    close_body,
    encode_frame,
)
from websocketstream import DOMSyntaxError, InvalidAccessError, WebSocket

from .helpers import Trace, open_socket, wait

AnyServer = WptServer | OwnServer


def echoed_reason(server: AnyServer, reason: str) -> str:
    return reason  # both servers echo the code and the reason (as Chromium does)


# --- close-invalid, Close-1005, Close-2999-reason, Close-onlyReason, Close-Reason-124Bytes -------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0,), InvalidAccessError),
        ((500,), InvalidAccessError),
        ((999,), InvalidAccessError),
        ((1001,), InvalidAccessError),
        ((1005, "1005 - reserved code"), InvalidAccessError),
        ((1006,), InvalidAccessError),
        ((2999, "Close not in range 3000-4999"), InvalidAccessError),
        ((5000,), InvalidAccessError),
        ((2**16 + 1000,), InvalidAccessError),
        ((-1,), InvalidAccessError),
        ((1000, "x" * 124), DOMSyntaxError),
        ((1000, "\U0001f50c" * 31), DOMSyntaxError),  # 124 UTF-8 bytes: bytes, not characters
        ((None, "y" * 124), DOMSyntaxError),
        # Python does not convert: a non-int code is a TypeError (docs/deviations.md; JS turns
        # NaN, null and "string" into 0, an InvalidAccessError).
        (("Close with only reason",), TypeError),
        ((float("nan"),), TypeError),
        ((1000.0,), TypeError),
        ((True,), TypeError),
        ((1000, b"bytes reason"), TypeError),
    ],
    ids=repr,
)
async def test_invalid_close_raises_and_sends_nothing(
    server: AnyServer, args: tuple[Any, ...], error: type
) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    with pytest.raises(error):
        ws.close(*args)
    assert ws.ready_state == WebSocket.OPEN
    ws.send("still open")
    await trace.wait_messages(1)
    assert "close" not in trace.types
    ws.close(3000, "after")
    await trace.wait_closed()
    assert server.log.last.close_rcvd == (3000, "after")


async def test_validation_comes_before_the_state_check(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.close()
    await trace.wait_closed()
    with pytest.raises(InvalidAccessError):
        ws.close(1)
    with pytest.raises(DOMSyntaxError):
        ws.close(1000, "z" * 200)


async def test_invalid_close_while_connecting_does_not_fail(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    trace = Trace(ws)
    with pytest.raises(InvalidAccessError):
        ws.close(2000)
    assert ws.ready_state == WebSocket.CONNECTING
    await trace.wait_open()
    ws.close()
    await trace.wait_closed()
    assert trace.types == ["open", "close"]


# --- Close-1000*, Close-3000-*, Close-4999-reason, Close-1005-verify-code, Close-undefined -------


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        ((1000,), 1000, ""),
        ((1000, "Clean Close with code - 1000"), 1000, "Clean Close with code - 1000"),
        ((3000,), 3000, ""),
        ((3000, "Clean Close"), 3000, "Clean Close"),
        ((4999, "Close with code 4999"), 4999, "Close with code 4999"),
        ((), 1005, ""),
        ((None,), 1005, ""),
        ((None, None), 1005, ""),
        ((None, ""), 1005, ""),
        ((None, "only a reason"), 1000, "only a reason"),
        ((1000, "x" * 123), 1000, "x" * 123),
        ((3000, "\U0001f50c" * 30), 3000, "\U0001f50c" * 30),
    ],
    ids=repr,
)
async def test_clean_close_reports_the_echoed_code_and_reason(
    server: AnyServer, args: tuple[Any, ...], code: int, reason: str
) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.close(*args)
    assert ws.ready_state == WebSocket.CLOSING  # Close-readyState-Closing
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert trace.seen[-1].ready_state == WebSocket.CLOSED
    assert event.was_clean
    assert event.code == code
    assert event.reason == (echoed_reason(server, reason) if code != 1005 else "")
    assert server.log.last.close_rcvd == (code, reason)
    if code == 1005:
        assert server.log.last.close_body == b""  # no code, no body


async def test_close_keyword_arguments(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.close(code=3001, reason="kw")
    await trace.wait_closed()
    assert server.log.last.close_rcvd == (3001, "kw")


async def test_close_reason_unpaired_surrogates(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/echo"))
    ws.close(1000, "\ud807")
    event = await trace.wait_closed()
    assert event.reason == "\ufffd"
    assert wpt.log.last.close_rcvd == (1000, "\ufffd")


async def test_close_readystate_closing_in_onopen(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    states: list[int] = []

    def onopen(event: Any) -> None:
        ws.close()
        states.append(ws.ready_state)

    ws.onopen = onopen
    trace = Trace(ws)
    await trace.wait_closed()
    assert states == [WebSocket.CLOSING]


# --- Close-server-initiated-close, closing-handshake/002, 003, 004 -------------------------------


async def test_server_initiated_close_after_goodbye(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("Goodbye")
    event = await trace.wait_closed()
    assert ws.ready_state == WebSocket.CLOSED
    assert event.was_clean and event.code == 1000
    assert "error" not in trace.types
    assert trace.messages == ["Goodbye"]


async def test_data_after_the_peers_close_is_ignored(raw_server: Any) -> None:
    # closing-handshake/004: a frame after the Close frame is never dispatched.
    async def script(conn: RawConnection) -> None:
        await conn.handshake(
            encode_frame(8, close_body(1000, "done")) + encode_frame(1, b"after close")
        )
        frame = await conn.read_until_close()
        assert frame is not None
        await conn.send_frame(8, frame.payload)

    srv = await raw_server(script)
    _, trace = await open_socket(srv.url())
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert (event.was_clean, event.code, event.reason) == (True, 1000, "done")


async def test_open_and_close_in_one_packet(raw_server: Any) -> None:
    # opening-handshake/005: the 101 response and Close(1001, "PASS") arrive together.
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(8, close_body(1001, "PASS")))
        await conn.read_until_close()

    srv = await raw_server(script)
    trace = Trace(WebSocket(srv.url()))
    event = await trace.wait_closed()
    assert trace.types == ["open", "close"]
    assert (event.was_clean, event.code, event.reason) == (True, 1001, "PASS")


# --- Close-delayed, close-multiple, close-return -------------------------------------------------


async def test_close_delayed_waits_for_the_peers_close(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/delayed-passive-close"))
    ws.close()
    await wait(wpt.log.last.close_received.wait())
    await asyncio.sleep(0)
    assert ws.ready_state == WebSocket.CLOSING  # the server holds its answer back
    assert trace.types == ["open"]
    event = await trace.wait_closed()
    assert event.was_clean


async def test_close_multiple_times_fires_one_close_event(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    results = [ws.close(), ws.close(3000), ws.close(3001, "x")]
    assert results == [None, None, None]  # close-return.html
    await trace.wait_closed()
    for _ in range(3):
        await asyncio.sleep(0)
    assert trace.types == ["open", "close"]
    assert server.log.last.close_rcvd == (1005, "")


async def test_close_multiple_times_while_connecting(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    trace = Trace(ws)
    ws.close()
    ws.close()
    await trace.wait_closed()
    for _ in range(3):
        await asyncio.sleep(0)
    assert trace.types == ["error", "close"]


async def test_close_event_was_clean_after_messages(server: AnyServer) -> None:
    # interfaces/CloseEvent/clean-close.html: send, receive, close() -> was_clean.
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("Test")
    await trace.wait_messages(1)
    ws.close()
    event = await trace.wait_closed()
    assert event.was_clean is True
