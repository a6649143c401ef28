"""WPT streams/writable-streams/close.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    pending,
    record_settlements,
    recording_writable_stream,
    then,
)
from websocketstream.streams.writable import WritableStream


async def test_close_fulfills_with_none_whatever_sink_returns() -> None:
    writer = WritableStream({"close": lambda: "Hello"}).get_writer()
    assert await writer.close() is None


async def test_async_error_during_in_flight_close_does_not_error(error1: Exception) -> None:
    close_future = pending()
    ws = recording_writable_stream({"close": lambda: close_future})
    writer = ws.get_writer()
    close_promise = writer.close()
    await flush_callbacks()
    ws.controller.error(error1)
    await flush_callbacks()
    close_future.set_result(None)
    await close_promise
    await writer.closed
    await flush_callbacks()
    await writer.closed


async def test_sync_error_while_closing_does_not_error() -> None:
    ws = recording_writable_stream({"close": lambda: ws.controller.error(Exception("error me"))})
    writer = ws.get_writer()
    await writer.close()
    await writer.closed


async def test_sink_close_throws_with_write_in_flight(error1: Exception) -> None:
    def close() -> None:
        raise error1

    writer = WritableStream({"close": close}).get_writer()
    write_promise = writer.write("y")
    close_promise = writer.close()
    await write_promise
    await assert_rejects(close_promise, error1)
    await assert_rejects(writer.closed, error1)


async def test_release_lock_with_pending_write_on_errored_stream(error1: Exception) -> None:
    def write(chunk: Any, controller: Any) -> Any:
        controller.error(error1)
        return pending()

    writer = WritableStream({"write": write}).get_writer()
    writer.write("a")
    await flush_callbacks()
    writer.release_lock()


async def test_release_lock_with_pending_close_after_controller_error(error1: Exception) -> None:
    def close() -> Any:
        ws.controller.error(error1)
        return pending()

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    writer.close()
    await flush_callbacks()
    writer.release_lock()


async def test_close_in_writable_state_ready_stays_fulfilled() -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    await then(writer.ready)
    assert writer.desired_size == 1
    writer.close()
    assert writer.desired_size == 1
    assert await then(writer.ready) is None
    assert ws.events == ["close"]


async def test_close_in_waiting_state_fulfills_ready() -> None:
    ws = recording_writable_stream({"write": lambda chunk, c: pending()})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.write("a")
    assert writer.desired_size == 0
    ready = writer.ready
    await flush_callbacks()
    assert not ready.done()
    writer.close()
    assert await ready is None
    assert ws.events == ["write", "a"]


async def test_close_in_waiting_state_fulfills_ready_before_slow_close() -> None:
    finished: list[bool] = []

    async def close() -> None:
        await flush_callbacks()
        finished.append(True)

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.write("a")
    writer.close()
    assert await then(writer.ready) is None
    assert not finished
    assert ws.events == ["write", "a", "close"]


async def test_close_returning_rejecting_awaitable() -> None:
    class Letter(Exception):
        pass

    reason = Letter()

    async def close() -> None:
        raise reason

    await assert_rejects(WritableStream({"close": close}).get_writer().close(), reason)


async def test_release_lock_does_not_change_sync_close_result() -> None:
    writer = WritableStream().get_writer()
    await then(writer.ready)
    close_promise = writer.close()
    closed = writer.closed
    writer.release_lock()
    await close_promise
    await assert_rejects(closed, TypeError)


async def test_release_lock_does_not_change_async_close_result() -> None:
    writer = WritableStream({"close": flush_callbacks}).get_writer()
    await then(writer.ready)
    close_promise = writer.close()
    closed = writer.closed
    writer.release_lock()
    await close_promise
    await assert_rejects(closed, TypeError)


async def test_close_sets_closed_even_if_writer_detached() -> None:
    close_future = pending()
    ws = WritableStream({"close": lambda: close_future})
    writer = ws.get_writer()
    close_promise = writer.close()
    writer.release_lock()
    await flush_callbacks()
    close_future.set_result(None)
    await close_promise
    assert ws.get_writer().desired_size == 0


async def test_async_abort_during_close_resolves() -> None:
    close_future = pending()
    ws = WritableStream({"close": lambda: close_future})
    writer = ws.get_writer()
    writer.close()
    writer.release_lock()
    await flush_callbacks()
    aborting_writer = ws.get_writer()
    abort_promise = aborting_writer.abort()
    aborting_writer.release_lock()
    close_future.set_result(None)
    await abort_promise


async def test_order_on_closure() -> None:
    writer = WritableStream({}).get_writer()
    events: list[str] = []
    record_settlements(events, closePromise=writer.close(), closed=writer.closed)
    await writer.closed
    await flush_callbacks()
    assert events == ["closePromise", "closed"]


async def test_order_on_aborted_closure(error1: Exception) -> None:
    ws = WritableStream({})
    await flush_callbacks()
    writer = ws.get_writer()
    events: list[str] = []
    close_promise = writer.close()
    abort_promise = writer.abort(error1)
    record_settlements(
        events, closePromise=close_promise, abortPromise=abort_promise, closed=writer.closed
    )
    await close_promise
    await abort_promise
    await writer.closed
    await flush_callbacks()
    assert events == ["closePromise", "abortPromise", "closed"]


async def test_order_on_aborted_and_errored_closure(error1: Exception, error2: Exception) -> None:
    async def close() -> None:
        raise error1

    ws = WritableStream({"close": close})
    await flush_callbacks()
    writer = ws.get_writer()
    events: list[str] = []
    close_promise = writer.close()
    abort_promise = writer.abort(error2)
    record_settlements(
        events, closePromise=close_promise, abortPromise=abort_promise, closed=writer.closed
    )
    await assert_rejects(close_promise, error1)
    await assert_rejects(abort_promise, error1)
    await assert_rejects(writer.closed, error2)
    await flush_callbacks()
    assert events == ["closePromise", "abortPromise", "closed"]


async def test_close_does_not_reject_while_sink_method_in_flight(error1: Exception) -> None:
    write_future = pending()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    writer = ws.get_writer()
    await then(writer.ready)
    write_promise = writer.write("c")
    ws.controller.error(error1)
    close_promise = writer.close()
    await flush_callbacks()
    assert not close_promise.done()
    write_future.set_result(None)
    await write_promise
    await assert_rejects(close_promise, error1)


async def test_ready_fulfilled_for_writer_on_closed_stream() -> None:
    ws = WritableStream()
    writer1 = ws.get_writer()
    await writer1.close()
    writer1.release_lock()
    writer2 = ws.get_writer()
    assert isinstance(writer2.ready, asyncio.Future)
    await writer2.ready


async def test_stream_close_works() -> None:
    ws = WritableStream()
    ws.close()
    await ws.get_writer().closed


async def test_close_on_locked_stream_rejects() -> None:
    ws = WritableStream()
    ws.get_writer()
    await assert_rejects(ws.close(), TypeError)


async def test_close_on_erroring_stream_rejects(error1: Exception) -> None:
    ws = WritableStream({"start": lambda c: c.error(error1)})
    await assert_rejects(ws.close(), error1)


async def test_close_on_errored_stream_rejects(error1: Exception) -> None:
    ws = WritableStream({"start": lambda c: c.error(error1)})
    writer = ws.get_writer()
    await assert_rejects(writer.closed, error1)
    writer.release_lock()
    await assert_rejects(ws.close(), TypeError)


async def test_close_on_closed_stream_rejects() -> None:
    ws = WritableStream()
    await ws.get_writer().close()
    await assert_rejects(ws.close(), TypeError)


async def test_close_with_pending_close_rejects() -> None:
    ws = WritableStream({"close": pending})
    writer = ws.get_writer()
    writer.close()
    writer.release_lock()
    await assert_rejects(ws.close(), TypeError)


async def test_writer_close_twice_rejects_second() -> None:
    writer = WritableStream().get_writer()
    first = writer.close()
    await assert_rejects(writer.close(), TypeError)
    await first


async def test_close_after_finished_abort_rejects_with_type_error(error1: Exception) -> None:
    ws = WritableStream()
    writer = ws.get_writer()
    await writer.abort(error1)
    await assert_rejects(writer.close(), TypeError)
