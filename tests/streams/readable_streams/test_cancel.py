"""WPT streams/readable-streams/cancel.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    rejection,
)
from websocketstream.streams.readable import ReadableStream, ReadResult

from .rs_utils import with_controller


async def test_cancel_after_reading_some_chunks_stops_the_source() -> None:
    loop = asyncio.get_running_loop()
    cancelled: list[Any] = []
    handles: list[asyncio.TimerHandle] = []

    def start(c: Any) -> None:
        def push(i: int) -> None:
            c.enqueue(i)
            handles.append(loop.call_later(0.0005, push, i + 1))

        push(0)

    def cancel(reason: Any) -> None:
        cancelled.append(reason)
        for h in handles:
            h.cancel()

    rs = ReadableStream({"start": start, "cancel": cancel})
    reader = rs.get_reader()
    chunks = [(await reader.read()).value for _ in range(3)]
    assert chunks == [0, 1, 2]
    await reader.cancel("stop")
    assert cancelled == ["stop"]
    assert await reader.read() == ReadResult(None, True)
    await reader.closed


async def test_cancel_reason_is_passed_to_the_source() -> None:
    rs = recording_readable_stream()
    reason = ValueError("reason")
    await rs.cancel(reason)
    assert rs.events_without_pulls == ["cancel", reason]


async def test_cancel_reason_none_is_passed() -> None:
    rs = recording_readable_stream()
    await rs.cancel()
    assert rs.events_without_pulls == ["cancel", None]


async def test_cancel_fulfills_with_none_whatever_the_source_returns() -> None:
    rs = ReadableStream({"cancel": lambda reason: "hello"})
    assert await rs.cancel() is None

    async def acancel(reason: Any) -> str:
        return "hello"

    assert await ReadableStream({"cancel": acancel}).cancel() is None


async def test_cancel_rejects_when_source_cancel_throws(error1: Exception) -> None:
    def cancel(reason: Any) -> None:
        raise error1

    rs = ReadableStream({"cancel": cancel})
    await assert_rejects(rs.cancel("x"), error1)


async def test_cancel_rejects_when_source_cancel_future_rejects(error1: Exception) -> None:
    async def cancel(reason: Any) -> None:
        await asyncio.sleep(0)
        raise error1

    rs = ReadableStream({"cancel": cancel})
    reader = rs.get_reader()
    await assert_rejects(reader.cancel(), error1)
    await reader.closed  # the stream is closed even so


async def test_cancel_waits_for_the_source_cancel_future() -> None:
    loop = asyncio.get_running_loop()
    source_done = loop.create_future()
    rs = ReadableStream({"cancel": lambda reason: source_done})
    cancel = rs.cancel()
    await flush_callbacks()
    assert not cancel.done(), "cancel() waits for the source's cancel future"
    source_done.set_result("ignored")
    assert await cancel is None


async def test_cancel_closes_pending_reads_and_resolves_closed() -> None:
    rs = ReadableStream()
    reader = rs.get_reader()
    read = reader.read()
    cancel = reader.cancel()
    assert read.result() == ReadResult(None, True), "pending reads resolve done at once"
    await cancel
    await reader.closed


async def test_cancel_on_closed_stream_resolves_without_calling_source() -> None:
    rs = recording_readable_stream({"start": lambda c: c.close()})
    assert await rs.cancel("r") is None
    assert rs.events_without_pulls == []


async def test_cancel_on_errored_stream_rejects_with_stored_error(error1: Exception) -> None:
    rs = recording_readable_stream({"start": lambda c: c.error(error1)})
    await assert_rejects(rs.cancel("r"), error1)
    assert rs.events_without_pulls == []


async def test_cancel_twice_calls_source_cancel_once() -> None:
    rs = recording_readable_stream()
    reader = rs.get_reader()
    await reader.cancel("a")
    await reader.cancel("b")
    assert rs.events_without_pulls == ["cancel", "a"]


async def test_cancelling_before_start_finishes_prevents_pull() -> None:
    loop = asyncio.get_running_loop()
    started = loop.create_future()
    rs = recording_readable_stream({"start": lambda c: started})
    await rs.cancel()
    started.set_result(None)
    await flush_callbacks()
    assert rs.events == ["cancel", None]


async def test_cancel_discards_queued_chunks() -> None:
    rs, c = with_controller()
    c.enqueue("a")
    c.enqueue("b")
    reader = rs.get_reader()
    await reader.cancel()
    assert await reader.read() == ReadResult(None, True)
    assert c.desired_size == 0


async def test_cancel_during_pull_and_enqueue_after_cancel_throws() -> None:
    loop = asyncio.get_running_loop()
    controllers: list[Any] = []
    pull_done = loop.create_future()

    def pull(c: Any) -> asyncio.Future[None]:
        controllers.append(c)
        return pull_done

    rs = ReadableStream({"pull": pull})
    reader = rs.get_reader()
    read = reader.read()
    await flush_callbacks()
    assert controllers, "pull was called for the pending read"
    await reader.cancel()
    assert read.result() == ReadResult(None, True)
    pull_done.set_result(None)
    await flush_callbacks()
    try:
        controllers[0].enqueue("late")
    except TypeError:
        pass
    else:
        raise AssertionError("enqueue() after cancel must throw")


async def test_released_reader_cancel_rejects() -> None:
    rs = recording_readable_stream()
    reader = rs.get_reader()
    reader.release_lock()
    await assert_rejects(reader.cancel(), TypeError)
    assert rs.events_without_pulls == []


async def test_cancel_with_non_exception_reason_and_failing_source() -> None:
    async def cancel(reason: Any) -> None:
        raise KeyError(reason)

    rs = ReadableStream({"cancel": cancel})
    p = rs.cancel("why")
    await flush_callbacks()
    err = rejection(p)
    assert isinstance(err, KeyError)
    assert err.args == ("why",)
