"""WPT ``websockets/eventhandlers.any.js``, ``interfaces/WebSocket/events/*`` and
``interfaces/WebSocket/readyState/*``: the ``on*`` attributes, listener order, what a listener
sees, and the ready state in each event."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.client.servers import OwnServer, WptServer
from websocketstream import Event, EventTarget, MessageEvent, WebSocket

from .helpers import Trace, open_socket

AnyServer = WptServer | OwnServer
HANDLERS = ("onopen", "onmessage", "onerror", "onclose")


async def test_handlers_start_as_none_and_non_callables_become_none(server: AnyServer) -> None:
    # eventhandlers.any.js ([LegacyTreatNonObjectAsNull]), events/011-014.
    ws = WebSocket(server.url("/echo"))
    for name in HANDLERS:
        assert getattr(ws, name) is None
        setattr(ws, name, 2)
        assert getattr(ws, name) is None
        handler = lambda event: None  # noqa: E731
        setattr(ws, name, handler)
        assert getattr(ws, name) is handler
        setattr(ws, name, None)
        assert getattr(ws, name) is None
    ws.close()
    await Trace(ws).wait_closed()


async def test_event_target_members(server: AnyServer) -> None:
    # events/004.html, 006.html.
    ws = WebSocket(server.url("/echo"))
    assert isinstance(ws, EventTarget)
    for member in ("add_event_listener", "remove_event_listener", "dispatch_event"):
        assert callable(getattr(ws, member))
    ws.close()
    await Trace(ws).wait_closed()


@pytest.mark.parametrize("kind", ["open", "message", "close"])
async def test_handler_keeps_the_position_of_its_first_assignment(
    server: AnyServer, kind: str
) -> None:
    # events/016.html: add_event_listener, on<kind>, add_event_listener -> 1, 2, 3.
    ws = WebSocket(server.url("/echo"))
    order: list[int] = []
    ws.add_event_listener(kind, lambda event: order.append(1))
    setattr(ws, "on" + kind, lambda event: order.append(0))
    ws.add_event_listener(kind, lambda event: order.append(3))
    setattr(ws, "on" + kind, lambda event: order.append(2))  # reassigned: same slot
    trace = Trace(ws)
    await trace.wait_open()
    ws.send("x")
    await trace.wait_messages(1)
    ws.close()
    await trace.wait_closed()
    assert order == [1, 2, 3]


async def test_handler_set_to_none_then_again_moves_to_the_end(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    order: list[str] = []
    ws.onopen = lambda event: order.append("handler")
    ws.add_event_listener("open", lambda event: order.append("listener"))
    ws.onopen = None
    ws.onopen = lambda event: order.append("handler again")
    trace = Trace(ws)
    await trace.wait_open()
    assert order == ["listener", "handler again"]
    ws.close()
    await trace.wait_closed()


async def test_this_target_and_current_target(server: AnyServer) -> None:
    # events/017.html: target and current_target are the socket, event_phase AT_TARGET.
    ws = WebSocket(server.url("/echo"))
    seen: list[tuple[Any, Any, int]] = []

    def record(event: Event) -> None:
        seen.append((event.target, event.current_target, event.event_phase))

    for kind in ("open", "message", "close"):
        ws.add_event_listener(kind, record)
    trace = Trace(ws)
    await trace.wait_open()
    ws.send("x")
    await trace.wait_messages(1)
    ws.close()
    await trace.wait_closed()
    assert seen == [(ws, ws, Event.AT_TARGET)] * 3


async def test_once_and_remove_event_listener(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    once: list[str] = []
    removed: list[str] = []

    def never(event: MessageEvent) -> None:
        removed.append(event.data)

    ws.add_event_listener("message", lambda event: once.append(event.data), once=True)
    ws.add_event_listener("message", never)
    ws.remove_event_listener("message", never)
    for text in ("a", "b"):
        ws.send(text)
    await trace.wait_messages(2)
    assert once == ["a"]
    assert removed == []
    ws.close()
    await trace.wait_closed()


async def test_async_def_handlers_run_as_tasks(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    got: list[str] = []
    done = asyncio.Event()

    async def onmessage(event: MessageEvent) -> None:
        await asyncio.sleep(0)
        got.append(event.data)
        done.set()

    ws.onopen = lambda event: ws.send("async")
    ws.onmessage = onmessage
    trace = Trace(ws)
    await asyncio.wait_for(done.wait(), 5)
    assert got == ["async"]
    ws.close()
    await trace.wait_closed()


async def test_handle_event_objects(server: AnyServer) -> None:
    class Listener:
        def __init__(self) -> None:
            self.types: list[str] = []

        def handle_event(self, event: Event) -> None:
            self.types.append(event.type)

    listener = Listener()
    ws = WebSocket(server.url("/echo"))
    for kind in ("open", "close"):
        ws.add_event_listener(kind, listener)
    ws.add_event_listener("open", listener)  # the same listener again: no-op
    trace = Trace(ws)
    await trace.wait_open()
    ws.close()
    await trace.wait_closed()
    assert listener.types == ["open", "close"]


async def test_ready_state_in_each_event(server: AnyServer) -> None:
    # readyState/001-008, events/015.html.
    ws = WebSocket(server.url("/echo"))
    assert ws.ready_state == WebSocket.CONNECTING
    trace = Trace(ws)
    await trace.wait_open()
    ws.send("x")
    await trace.wait_messages(1)
    ws.close()
    assert ws.ready_state == WebSocket.CLOSING
    await trace.wait_closed()
    assert [(s.type, s.ready_state) for s in trace.seen] == [
        ("open", WebSocket.OPEN),
        ("message", WebSocket.OPEN),
        ("close", WebSocket.CLOSED),
    ]


async def test_ready_state_is_read_only(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    with pytest.raises(AttributeError):
        ws.ready_state = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ws.buffered_amount = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ws.url = "ws://elsewhere/"  # type: ignore[misc]
    ws.close()
    await Trace(ws).wait_closed()


async def test_dispatch_event_reaches_the_handlers(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    got: list[Any] = []
    ws.onmessage = lambda event: got.append((event.data, event.is_trusted))
    assert ws.dispatch_event(MessageEvent("message", data="synthetic"))
    assert got == [("synthetic", False)]
    ws.close()
    await Trace(ws).wait_closed()
