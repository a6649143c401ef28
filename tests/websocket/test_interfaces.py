"""WPT ``websockets/interfaces/WebSocket/constants/*``, ``interfaces/CloseEvent/*`` and the IDL
shape of ``WebSocket``, ``MessageEvent`` and ``CloseEvent`` (Python spelling, API.md)."""

from __future__ import annotations

import pytest

import websocketstream
from tests.client.servers import OwnServer, WptServer
from websocketstream import CloseEvent, Event, MessageEvent, WebSocket

from .helpers import Trace

AnyServer = WptServer | OwnServer


def test_constants_on_the_class() -> None:
    assert (WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED) == (
        0,
        1,
        2,
        3,
    )


async def test_constants_on_the_instance(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    assert (ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED) == (0, 1, 2, 3)
    ws.close()
    await Trace(ws).wait_closed()


def test_package_exports() -> None:
    for name in ("WebSocket", "Event", "MessageEvent", "CloseEvent", "EventTarget", "Blob"):
        assert name in websocketstream.__all__
        assert getattr(websocketstream, name) is not None


async def test_camel_case_members_name_their_snake_case_spelling(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    for camel, snake in (
        ("readyState", "ready_state"),
        ("bufferedAmount", "buffered_amount"),
        ("binaryType", "binary_type"),
        ("addEventListener", "add_event_listener"),
    ):
        with pytest.raises(AttributeError, match=f"did you mean '{snake}'"):
            getattr(ws, camel)
    ws.close()
    await Trace(ws).wait_closed()


def test_close_event_constructor_defaults() -> None:
    # interfaces/CloseEvent/constructor.html.
    event = CloseEvent("foo")
    assert isinstance(event, Event)
    assert (event.type, event.bubbles, event.cancelable) == ("foo", False, False)
    assert (event.was_clean, event.code, event.reason) == (False, 0, "")


def test_close_event_constructor_with_init() -> None:
    event = CloseEvent(
        "foo", bubbles=True, cancelable=True, was_clean=True, code=1000, reason="reason"
    )
    assert (event.bubbles, event.cancelable) == (True, True)
    assert (event.was_clean, event.code, event.reason) == (True, 1000, "reason")


def test_message_event_members() -> None:
    event = MessageEvent("message", data=b"x", origin="ws://h", last_event_id="7")
    assert (event.data, event.origin, event.last_event_id) == (b"x", "ws://h", "7")
    assert event.source is None
    assert event.ports == ()
    assert MessageEvent("message").data is None


def test_event_members() -> None:
    event = Event("open", cancelable=True)
    assert event.target is None and event.current_target is None
    assert event.time_stamp > 0
    assert not event.default_prevented
    event.prevent_default()
    assert event.default_prevented


async def test_message_event_origin_is_the_urls_origin(server: AnyServer) -> None:
    # opening-handshake/003.html: the serialized origin of the socket's URL.
    ws = WebSocket(f"ws://localhost:{server.port}/echo?query")
    trace = Trace(ws)
    await trace.wait_open()
    ws.send("x")
    await trace.wait_messages(1)
    event = trace.seen[1].event
    assert isinstance(event, MessageEvent)
    assert event.origin == f"ws://localhost:{server.port}"
    assert (event.last_event_id, event.source, event.ports) == ("", None, ())
    ws.close()
    await trace.wait_closed()


async def test_repr(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    assert repr(ws) == f"WebSocket({ws.url!r}, ready_state=0)"
    ws.close()
    await Trace(ws).wait_closed()
