"""WPT ``websockets/stream/tentative/close.any.js`` (27 tests), against real servers.

The WPT ``/echo`` handler answers the client's Close with the same code and reason; on
``websockets`` that is what happens.  This project's server answers with the code only (RFC
6455 §5.5.1), so there the reason reported back is ``""``; what the server *received* is
checked on both.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from websocketstream import (
    DataCloneError,
    DOMSyntaxError,
    InvalidAccessError,
    WebSocketCloseInfo,
    WebSocketError,
    WebSocketStream,
)

from .helpers import connect, rejects, wait
from .servers import OwnServer, WptServer

AnyServer = WptServer | OwnServer


def echoed(server: AnyServer, code: int, reason: str) -> WebSocketCloseInfo:
    """What ``closed`` resolves to after ``server`` answered a Close(code, reason): both
    servers echo the code and the reason (as Chromium does)."""
    return WebSocketCloseInfo(code, reason)


async def server_saw(server: AnyServer) -> tuple[int, str] | None:
    log = server.log.last
    await wait(log.close_received.wait())
    return log.close_rcvd


# 1-5: close(...) sends the code and reason, and the echo is reported.


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({"close_code": 3456, "reason": "pizza"}, (3456, "pizza")),
        ({}, (1005, "")),
        ({"close_code": None}, (1005, "")),
        ({"reason": ""}, (1005, "")),
        ({"reason": "non-empty"}, (1000, "non-empty")),
    ],
    ids=[
        "close code should be sent to server and reflected back",
        "no close argument should send empty Close frame",
        "unspecified close code should send empty Close frame",
        "unspecified close code with empty reason should send empty Close frame",
        "unspecified close code with non-empty reason should set code to 1000",
    ],
)
async def test_close_sends_code_and_reason(
    server: AnyServer, kwargs: dict[str, Any], sent: tuple[int, str]
) -> None:
    wss, _ = await connect(server.url("/echo"))
    wss.close(**kwargs)
    assert await wait(wss.closed) == echoed(server, *sent)
    assert await server_saw(server) == sent
    if sent[0] == 1005:
        assert server.log.last.close_body == b""


async def test_close_true_should_throw_a_TypeError(wpt: WptServer) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    with pytest.raises(TypeError):
        wss.close(True)
    with pytest.raises(TypeError):
        wss.close(close_code=1000.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wss.close(reason=b"bytes")  # type: ignore[arg-type]
    # Nothing was sent: the connection still works.
    wss.close(close_code=1000)
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "")


async def test_close_with_an_overlong_reason_should_throw(wpt: WptServer) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    with pytest.raises(DOMSyntaxError) as info:
        wss.close(reason="." * 124)
    assert info.value.name == "SyntaxError"
    with pytest.raises(DOMSyntaxError):
        wss.close(close_code=1000, reason="é" * 62)  # 124 UTF-8 bytes
    wss.close(close_code=1000, reason="." * 123)
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "." * 123)


async def test_close_during_handshake_should_work(server: AnyServer) -> None:
    wss = WebSocketStream(server.url("/echo"))
    wss.close()
    await rejects(wss.opened, WebSocketError)
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006


async def test_close_during_handshake_after_TCP_is_up(wpt: WptServer) -> None:
    # The server sleeps in the handshake: the TCP connection exists, then close() fails it.
    wss = WebSocketStream(wpt.url("/handshake_sleep"))
    await wpt.log.wait_connection()
    wss.close(close_code=3000, reason="ignored")
    await rejects(wss.opened, WebSocketError)
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006


@pytest.mark.parametrize("code", [999, 1001, 2999, 5000])
async def test_close_with_invalid_code_should_throw(wpt: WptServer, code: int) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    with pytest.raises(InvalidAccessError) as info:
        wss.close(close_code=code)
    assert info.value.name == "InvalidAccessError"
    wss.close()
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")


async def test_closing_the_writable_should_result_in_a_clean_close(server: AnyServer) -> None:
    wss, info = await connect(server.url("/echo"))
    await wait(info.writable.get_writer().close())
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")
    assert await server_saw(server) == (1005, "")


async def test_writer_close_promise_should_not_resolve_until_handshake_completes(
    wpt: WptServer,
) -> None:
    wss, info = await connect(wpt.url("/delayed-passive-close"))
    writer = info.writable.get_writer()
    start = time.monotonic()
    await wait(writer.close())
    elapsed = time.monotonic() - start
    assert elapsed >= 0.9 * wpt.close_delay
    assert wss.closed.done()
    assert await wss.closed == WebSocketCloseInfo(1005, "")


async def test_incomplete_closing_handshake_should_be_considered_unclean_close(
    wpt: WptServer,
) -> None:
    wss, _ = await connect(wpt.url("/passive-close-abort"))
    wss.close(close_code=4000, reason="because")
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006
    assert wpt.log.last.close_rcvd == (4000, "because")


async def test_incomplete_closing_handshake_rejects_writer_close(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/passive-close-abort"))
    error = await rejects(info.writable.get_writer().close(), WebSocketError)
    assert error.close_code == 1006
    assert await rejects(wss.closed, WebSocketError) is error


# 16-27: writable.abort(reason) and readable.cancel(reason): only a WebSocketError counts.

REASONS: list[tuple[str, Any, tuple[int, str]]] = [
    ("result in a clean close", None, (1005, "")),
    (
        "with attributes not wrapped in a WebSocketError should be ignored",
        SimpleNamespace(close_code=3333, reason="obsolete"),
        (1005, ""),
    ),
    ("with a code should send that code", WebSocketError("", close_code=3333), (3333, "")),
    (
        "with a code and reason should use them",
        WebSocketError("", close_code=3456, reason="set"),
        (3456, "set"),
    ),
    (
        "with a reason but no code should default the close code",
        WebSocketError("", reason="specified"),
        (1000, "specified"),
    ),
]


def _dom_exception_with_attributes() -> DataCloneError:
    error = DataCloneError("yes")
    error.close_code = 1000  # type: ignore[attr-defined]
    error.reason = "should be ignored"  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("reason", "sent"),
    [(r, s) for _, r, s in REASONS]
    + [(_dom_exception_with_attributes(), (1005, "")), ({"close_code": 3333}, (1005, ""))],
    ids=[name for name, _, _ in REASONS] + ["with a DOMException not set code or reason", "dict"],
)
async def test_aborting_the_writable(server: AnyServer, reason: Any, sent: tuple[int, str]) -> None:
    wss, info = await connect(server.url("/echo"))
    await wait(info.writable.abort(reason))
    assert await wait(wss.closed) == echoed(server, *sent)
    assert await server_saw(server) == sent


@pytest.mark.parametrize(
    ("reason", "sent"),
    [(r, s) for _, r, s in REASONS]
    + [(_dom_exception_with_attributes(), (1005, "")), ({"close_code": 3333}, (1005, ""))],
    ids=[name for name, _, _ in REASONS] + ["with a DOMException not set code or reason", "dict"],
)
async def test_canceling_the_readable(
    server: AnyServer, reason: Any, sent: tuple[int, str]
) -> None:
    wss, info = await connect(server.url("/echo"))
    await wait(info.readable.cancel(reason))
    assert await wait(wss.closed) == echoed(server, *sent)
    assert await server_saw(server) == sent


async def test_closed_reports_received_code_not_sent_one(wpt: WptServer) -> None:
    # After a clean close, the streams are settled: readable done, writable errored.
    wss, info = await connect(wpt.url("/echo"))
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    wss.close(close_code=3001, reason="x")
    assert await wait(wss.closed) == WebSocketCloseInfo(3001, "x")
    assert await wait(reader.read()) == (None, True)
    from websocketstream import InvalidStateError

    await rejects(writer.ready, InvalidStateError)
    await rejects(writer.write("late"), InvalidStateError)
    # close() after the close is a no-op (but still validates).
    wss.close()
    with pytest.raises(InvalidAccessError):
        wss.close(close_code=1)
