"""WPT streams/writable-streams/start.any.js."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    pending,
    record_settlements,
    recording_writable_stream,
)
from websocketstream.streams.writable import WritableStream


async def test_sink_write_not_called_until_start_finishes() -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    writer = ws.get_writer()
    assert writer.desired_size == 1
    writer.write("a")
    assert writer.desired_size == 0, "after writer.write()"
    await flush_callbacks()
    assert ws.events == [], "write is not called until the start promise resolves"
    start_future.set_result(None)
    await writer.ready
    assert ws.events == ["write", "a"]


async def test_sink_close_not_called_until_start_finishes() -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    writer = ws.get_writer()
    writer.close()
    assert writer.desired_size == 1
    await flush_callbacks()
    assert ws.events == [], "close is not called until the start promise resolves"
    start_future.set_result(None)
    await writer.closed
    assert ws.events == ["close"]


async def test_sink_write_or_close_not_called_if_start_throws() -> None:
    passed_error = Exception("horrible things")
    called: list[str] = []

    def start(c: Any) -> None:
        raise passed_error

    with pytest.raises(Exception) as info:
        WritableStream(
            {
                "start": start,
                "write": lambda chunk, c: called.append("write"),
                "close": lambda: called.append("close"),
            }
        )
    assert info.value is passed_error
    await flush_callbacks()
    assert called == []


async def test_sink_write_or_close_not_called_if_start_promise_rejects(
    error1: Exception,
) -> None:
    async def start(c: Any) -> None:
        raise error1

    ws = recording_writable_stream({"start": start})
    await flush_callbacks()
    assert ws.events == [], "write and close are not called"


async def test_returning_an_awaitable_from_start_works(error1: Exception) -> None:
    # JavaScript's thenable whose then() calls onRejected: an awaitable that raises.
    class Thenable:
        def __await__(self) -> Generator[Any, None, None]:
            raise error1
            yield  # pragma: no cover -- makes this a generator

    ws = WritableStream({"start": lambda c: Thenable()})
    await assert_rejects(ws.get_writer().closed, error1, "closed")


async def test_controller_error_during_start_causes_writes_to_fail(error1: Exception) -> None:
    ws = recording_writable_stream({"start": lambda c: c.error(error1)})
    await assert_rejects(ws.get_writer().write("a"), error1, "write()")
    assert ws.events == [], "the sink's write is not called"


async def test_controller_error_during_async_start_fails_existing_writes(
    error1: Exception,
) -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    writer = ws.get_writer()
    write_promise = writer.write("a")
    close_promise = writer.close()
    ws.controller.error(error1)
    start_future.set_result(None)
    await assert_rejects(write_promise, error1, "write()")
    await assert_rejects(close_promise, error1, "close()")
    assert ws.events == [], "the sink's write and close are not called"


async def test_when_start_rejects_writer_promises_reject_in_standard_order(
    error1: Exception,
) -> None:
    async def start(c: Any) -> None:
        raise error1

    ws = WritableStream({"start": start}, {"high_water_mark": 0})
    writer = ws.get_writer()
    events: list[str] = []
    ready, closed, write = writer.ready, writer.closed, writer.write()
    record_settlements(events, ready=ready, closed=closed, write=write)
    for name, promise in (("ready", ready), ("closed", closed), ("write", write)):
        await assert_rejects(promise, error1, name)
    await flush_callbacks()
    assert events == ["ready", "write", "closed"], "the promises reject in the standard order"
