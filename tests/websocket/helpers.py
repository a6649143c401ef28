"""A recorder of a WebSocket's events, and helpers to await them with a bound."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.client.helpers import TIMEOUT, wait
from websocketstream import CloseEvent, Event, MessageEvent, WebSocket

__all__ = ["TIMEOUT", "Trace", "open_socket", "wait"]


@dataclass
class Seen:
    """One event as a listener saw it."""

    type: str
    ready_state: int
    event: Event
    buffered_amount: int


@dataclass
class Trace:
    """Records every ``open``/``message``/``error``/``close`` event of ``ws``, in order."""

    ws: WebSocket
    seen: list[Seen] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    message_count: int = 0
    got_message: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        for kind in ("open", "message", "error", "close"):
            self.ws.add_event_listener(kind, self._record)

    def _record(self, event: Event) -> None:
        ws = self.ws
        self.seen.append(Seen(event.type, ws.ready_state, event, ws.buffered_amount))
        if event.type == "open":
            self.opened.set()
        elif event.type == "message":
            self.message_count += 1
            self.got_message.set()
        elif event.type == "close":
            self.closed.set()

    @property
    def types(self) -> list[str]:
        return [s.type for s in self.seen]

    @property
    def messages(self) -> list[Any]:
        return [s.event.data for s in self.seen if isinstance(s.event, MessageEvent)]

    @property
    def close_event(self) -> CloseEvent:
        events = [s.event for s in self.seen if s.type == "close"]
        assert len(events) == 1, f"expected one close event, saw {self.types}"
        event = events[0]
        assert isinstance(event, CloseEvent)
        return event

    async def wait_open(self) -> None:
        await wait(self.opened.wait())

    async def wait_closed(self) -> CloseEvent:
        await wait(self.closed.wait())
        return self.close_event

    async def wait_messages(self, count: int) -> list[Any]:
        while self.message_count < count:
            self.got_message.clear()
            await wait(self.got_message.wait())
        return self.messages


async def open_socket(url: str, *args: Any, **kwargs: Any) -> tuple[WebSocket, Trace]:
    """Construct a WebSocket, record its events and wait for ``open``."""
    ws = WebSocket(url, *args, **kwargs)
    trace = Trace(ws)
    await trace.wait_open()
    return ws, trace
