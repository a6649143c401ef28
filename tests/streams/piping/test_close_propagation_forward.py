"""WPT streams/piping/close-propagation-forward.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from tests.streams.piping._util import readable_of


async def test_closed_source_closes_dest() -> None:
    ws = recording_writable_stream()
    rs = readable_of()
    await rs.pipe_to(ws)
    assert ws.events == ["close"]
    await ws.get_writer().closed


async def test_becomes_closed_closes_dest() -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    assert ws.events == []
    rs.controller.close()
    await pipe
    assert ws.events == ["close"]


async def test_prevent_close_keeps_dest_open() -> None:
    ws = recording_writable_stream()
    await readable_of("a").pipe_to(ws, prevent_close=True)
    assert ws.events == ["write", "a"]
    assert ws._state == "writable"
    assert not ws.locked


async def test_becomes_closed_with_prevent_close() -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws, prevent_close=True)
    await flush_callbacks()
    rs.controller.close()
    await pipe
    assert ws.events == []


async def test_dest_close_rejecting_rejects_pipe(error1: Exception) -> None:
    def close() -> None:
        raise error1

    ws = recording_writable_stream({"close": close})
    await assert_rejects(readable_of().pipe_to(ws), error1)
    assert ws.events == ["close"]


async def test_dest_close_rejecting_later_rejects_pipe(error1: Exception) -> None:
    async def close() -> None:
        await flush_callbacks(3)
        raise error1

    ws = recording_writable_stream({"close": close})
    await assert_rejects(readable_of("a").pipe_to(ws), error1)


async def test_pipe_waits_for_dest_close() -> None:
    close_future = asyncio.get_running_loop().create_future()
    ws = recording_writable_stream({"close": lambda: close_future})
    pipe = readable_of().pipe_to(ws)
    await flush_callbacks()
    assert ws.events == ["close"]
    assert not pipe.done()
    close_future.set_result(None)
    await pipe


async def test_close_waits_for_pending_writes() -> None:
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, c: Any) -> Any:
        f = asyncio.get_running_loop().create_future()
        futures.append(f)
        return f

    ws = recording_writable_stream({"write": write}, {"high_water_mark": 4})
    pipe = readable_of("a", "b").pipe_to(ws)
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    futures[0].set_result(None)
    await flush_callbacks()
    assert ws.events == ["write", "a", "write", "b"]
    futures[1].set_result(None)
    await pipe
    assert ws.events == ["write", "a", "write", "b", "close"]


async def test_dest_already_closing_resolves_when_source_closes() -> None:
    # WritableStreamDefaultWriterCloseWithErrorPropagation: closing is fine if already closed.
    ws = recording_writable_stream()
    rs = recording_readable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    rs.controller.close()
    await pipe
    assert ws._state == "closed"
