"""WPT ``websockets/stream/tentative/constructor.any.js`` (8 tests), against real servers."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import (
    DOMSyntaxError,
    ReadableStream,
    WebSocketError,
    WebSocketStream,
    WritableStream,
)

from .helpers import connect, rejects, wait
from .servers import OwnServer, WptServer


async def test_constructing_with_no_URL_should_throw() -> None:
    with pytest.raises(TypeError):
        WebSocketStream()  # type: ignore[call-arg]


async def test_constructing_with_an_invalid_URL_should_throw() -> None:
    with pytest.raises(DOMSyntaxError) as info:
        WebSocketStream("invalid:")
    assert info.value.name == "SyntaxError"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((True,), {}), ((), {"no_such_option": 1}), ((), {"signal": True})],
    ids=["positional-true", "unknown-option", "signal-not-a-signal"],
)
async def test_constructing_with_invalid_options_should_throw(
    wpt: WptServer, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        WebSocketStream(wpt.url(), *args, **kwargs)
    assert wpt.log.tcp_connections == 0


async def test_protocols_should_be_required_to_be_a_list(wpt: WptServer) -> None:
    with pytest.raises(TypeError):
        WebSocketStream(wpt.url(), protocols="hi")
    assert wpt.log.tcp_connections == 0


async def test_constructing_with_a_valid_URL_should_work(server: WptServer | OwnServer) -> None:
    url = server.url("/echo")
    wss, _ = await connect(url)
    assert wss.url == url
    wss.close()
    await wait(wss.closed)


async def test_http_URL_is_serialized_as_ws(server: WptServer | OwnServer) -> None:
    wss, _ = await connect(f"http://127.0.0.1:{server.port}/echo")
    assert wss.url == server.url("/echo")
    wss.close()
    await wait(wss.closed)


async def test_setting_a_protocol_in_the_constructor_should_work(
    server: WptServer | OwnServer,
) -> None:
    wss, info = await connect(server.url("/protocol_array"), protocols=["alpha", "beta"])
    assert info.protocol == "alpha"
    value, done = await wait(info.readable.get_reader().read())
    assert (value, done) == ("alpha", False)
    wss.close()
    await wait(wss.closed)


async def test_connection_failure_should_reject_the_promises(
    server: WptServer | OwnServer,
) -> None:
    wss = WebSocketStream(server.url("/404"))
    opened_error = await rejects(wss.opened, WebSocketError)
    closed_error = await rejects(wss.closed, WebSocketError)
    # WHATWG "fail the WebSocket connection": ``closed`` has 1006 whatever the cause; the
    # connection never opened, so ``opened``'s WebSocketError has no code (as Chromium's).
    assert closed_error.close_code == 1006
    assert opened_error.close_code is None
    assert server.log.tcp_connections == 1


async def test_connection_refused_should_reject_the_promises(wpt: WptServer) -> None:
    port = wpt.port
    await wpt.stop()
    wss = WebSocketStream(f"ws://127.0.0.1:{port}/echo")
    await rejects(wss.opened, WebSocketError)
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006


async def test_wss_opened_should_resolve_to_the_right_types(
    server: WptServer | OwnServer,
) -> None:
    wss, info = await connect(server.url("/echo"))
    assert isinstance(info.readable, ReadableStream)
    assert isinstance(info.writable, WritableStream)
    assert type(info.protocol) is str
    assert type(info.extensions) is str
    assert wss.opened is wss.opened
    assert wss.closed is wss.closed
    wss.close()
    await wait(wss.closed)
