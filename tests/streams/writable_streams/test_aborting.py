"""WPT streams/writable-streams/aborting.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_pending,
    assert_rejects,
    flush_callbacks,
    pending,
    recording_writable_stream,
    rejection,
    then,
)
from websocketstream.dom import AbortError, AbortSignal, RangeError
from websocketstream.streams.strategies import CountQueuingStrategy
from websocketstream.streams.writable import WritableStream


def on_settle(future: asyncio.Future[Any], events: list[str], name: str) -> None:
    def note(f: asyncio.Future[Any]) -> None:
        if not f.cancelled():
            f.exception()
        events.append(name)

    future.add_done_callback(note)


async def test_abort_before_start_rejects_unsettled_ready(error1: Exception) -> None:
    def write(chunk: Any, c: Any) -> None:
        raise AssertionError("write() should not be called")

    ws = WritableStream({"write": write})
    writer = ws.get_writer()
    write_promise = writer.write("a")
    ready = writer.ready
    writer.abort(error1)
    assert writer.ready is ready, "the ready promise property should not change"
    await assert_rejects(ready, error1)
    await assert_rejects(write_promise, error1)


async def test_abort_resets_fulfilled_ready(error1: Exception) -> None:
    ws = WritableStream()
    writer = ws.get_writer()
    writer.write("a")
    ready = writer.ready
    await ready
    writer.abort(error1)
    assert writer.ready is not ready
    await assert_rejects(writer.ready, error1)


async def test_abort_on_released_writer_rejects() -> None:
    writer = WritableStream().get_writer()
    writer.release_lock()
    await assert_rejects(writer.abort(), TypeError)


async def test_abort_immediately_prevents_future_writes(error1: Exception) -> None:
    ws = recording_writable_stream()
    await flush_callbacks()
    writer = ws.get_writer()
    abort_promise = writer.abort(error1)
    await assert_rejects(writer.write(1), error1)
    await assert_rejects(writer.write(2), error1)
    await abort_promise
    assert ws.events == ["abort", error1]


async def test_abort_prevents_writes_after_in_progress(error1: Exception) -> None:
    ws = recording_writable_stream()
    await flush_callbacks()
    writer = ws.get_writer()
    w1, w2, w3 = writer.write(1), writer.write(2), writer.write(3)
    abort_promise = writer.abort(error1)
    w4, w5 = writer.write(4), writer.write(5)
    await abort_promise
    assert ws.events == ["write", 1, "abort", error1]
    await w1
    for w in (w2, w3, w4, w5):
        await assert_rejects(w, error1)


async def test_abort_fulfills_with_none_whatever_sink_returns() -> None:
    ws = WritableStream({"abort": lambda reason: "Hello"})
    assert await ws.get_writer().abort("a") is None


async def test_sink_abort_throws_rejects_writer_abort(error1: Exception) -> None:
    def abort(reason: Any) -> None:
        raise error1

    writer = WritableStream({"abort": abort}).get_writer()
    await assert_rejects(writer.abort(None), error1)


async def test_sink_abort_throws_multiple_aborts_same_promise(error1: Exception) -> None:
    def abort(reason: Any) -> None:
        raise error1

    writer = WritableStream({"abort": abort}).get_writer()
    p1 = writer.abort(None)
    p2 = writer.abort(None)
    assert p1 is p2
    await assert_rejects(p1, error1)


async def test_sink_abort_throws_rejects_stream_abort(error1: Exception) -> None:
    def abort(reason: Any) -> None:
        raise error1

    await assert_rejects(WritableStream({"abort": abort}).abort(None), error1)


async def test_sink_abort_throws_during_write(error1: Exception) -> None:
    write_future = pending()

    def abort(reason: Any) -> None:
        raise error1

    ws = WritableStream({"write": lambda chunk, c: write_future, "abort": abort})
    writer = ws.get_writer()
    writer.write()
    await flush_callbacks()
    abort_promise = writer.abort(None)
    write_future.set_result(None)
    await assert_rejects(abort_promise, error1)


async def test_abort_passes_reason(error1: Exception) -> None:
    ws = recording_writable_stream()
    await ws.get_writer().abort(error1)
    assert ws.events == ["abort", error1]


async def test_abort_puts_stream_in_errored_state(error1: Exception) -> None:
    writer = WritableStream().get_writer()
    abort_promise = writer.abort(error1)
    events: list[str] = []
    on_settle(writer.ready, events, "ready")
    on_settle(writer.closed, events, "closed")
    write_promise, close_promise = writer.write(), writer.close()
    await abort_promise
    await assert_rejects(write_promise, error1)
    await assert_rejects(close_promise, error1)
    await assert_rejects(writer.ready, error1)
    await assert_rejects(writer.closed, error1)
    await flush_callbacks()
    assert events == ["ready", "closed"], "ready should reject before closed"


async def test_abort_rejects_outstanding_writes(error1: Exception) -> None:
    writer = WritableStream().get_writer()
    write_promise = writer.write("a")
    writer.abort(error1)
    await assert_rejects(write_promise, error1)


async def test_close_then_immediately_abort_errors_stream(error1: Exception) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    close_promise = writer.close()
    abort_promise = writer.abort(error1)
    await assert_rejects(writer.closed, error1)
    await assert_rejects(close_promise, error1)
    await abort_promise
    assert ws.events == ["abort", error1]


async def test_abort_while_closing_is_ignored(error1: Exception) -> None:
    close_future = pending()
    writer = WritableStream({"close": lambda: close_future}).get_writer()
    close_promise = writer.close()
    await flush_callbacks()
    abort_promise = writer.abort(error1)
    close_future.set_result(None)
    await writer.closed
    await abort_promise
    await close_promise


async def test_abort_after_close_is_noop() -> None:
    writer = WritableStream().get_writer()
    writer.close()
    await flush_callbacks()
    assert await writer.abort() is None


async def test_no_close_fallback_without_sink_abort(error1: Exception) -> None:
    called = []
    writer = WritableStream({"close": lambda: called.append(True)}).get_writer()
    writer.abort(error1)
    await assert_rejects(writer.closed, error1)
    assert not called, "close must not have been called"


async def test_abort_returning_awaitable_works() -> None:
    awaited = []

    class Awaitable:
        def __await__(self) -> Any:
            awaited.append(True)
            yield from asyncio.sleep(0).__await__()

    writer = WritableStream({"abort": lambda reason: Awaitable()}).get_writer()
    await writer.abort()
    assert awaited == [True]


async def test_closed_does_not_settle_before_fulfilled_write(error1: Exception) -> None:
    writer = WritableStream({"write": lambda chunk, c: flush_callbacks()}).get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    writer.abort(error1)
    order: list[str] = []
    on_settle(write_promise, order, "write")
    on_settle(writer.closed, order, "closed")
    await write_promise
    await assert_rejects(writer.closed, error1)
    await flush_callbacks()
    assert order == ["write", "closed"]


async def test_write_error_does_not_overwrite_abort_error(
    error1: Exception, error2: Exception
) -> None:
    def write(chunk: Any, c: Any) -> Any:
        return asyncio.get_running_loop().create_future()

    futures: list[asyncio.Future[Any]] = []

    def failing_write(chunk: Any, c: Any) -> Any:
        f = pending()
        f.set_exception(error1)
        futures.append(f)
        return f

    writer = WritableStream({"write": failing_write}).get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    abort_promise = writer.abort(error2)
    order: list[str] = []
    on_settle(write_promise, order, "write")
    on_settle(writer.closed, order, "closed")
    await assert_rejects(write_promise, error1)
    await assert_rejects(writer.closed, error2)
    await abort_promise
    await flush_callbacks()
    assert order == ["write", "closed"]


async def test_writes_satisfied_in_order_when_aborting(error1: Exception) -> None:
    ws = WritableStream(
        {"write": lambda chunk, c: flush_callbacks()}, CountQueuingStrategy(high_water_mark=4)
    )
    writer = ws.get_writer()
    await then(writer.ready)
    order: list[str] = []
    writes = [writer.write(str(i)) for i in (1, 2, 3)]
    for i, w in enumerate(writes, 1):
        on_settle(w, order, str(i))
    await writer.abort(error1)
    await writes[0]
    await assert_rejects(writes[1], error1)
    await assert_rejects(writes[2], error1)
    await flush_callbacks()
    assert order == ["1", "2", "3"]


async def test_writes_satisfied_in_order_after_rejected_write(
    error1: Exception, error2: Exception
) -> None:
    async def write(chunk: Any, c: Any) -> None:
        raise error1

    ws = WritableStream({"write": write}, CountQueuingStrategy(high_water_mark=4))
    writer = ws.get_writer()
    await then(writer.ready)
    order: list[str] = []
    writes = [writer.write(str(i)) for i in (1, 2, 3)]
    for i, w in enumerate(writes, 1):
        on_settle(w, order, str(i))
    await writer.abort(error2)
    await assert_rejects(writes[0], error1)
    await assert_rejects(writes[1], error2)
    await assert_rejects(writes[2], error2)
    await flush_callbacks()
    assert order == ["1", "2", "3"]


async def test_close_rejects_with_abort_reason_when_abort_is_first_error(
    error1: Exception, error2: Exception
) -> None:
    async def write(chunk: Any, c: Any) -> None:
        raise error1

    writer = WritableStream({"write": write}).get_writer()
    await then(writer.ready)
    w = writer.write("a")
    close_promise = writer.close()
    await writer.abort(error2)
    await assert_rejects(w, error1)
    await assert_rejects(close_promise, error2)


async def test_sink_abort_waits_for_in_flight_write() -> None:
    write_future = pending()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.write("a")
    abort_promise = writer.abort("b")
    await flush_callbacks()
    assert ws.events == ["write", "a"], "abort should not be called while write is in-flight"
    write_future.set_result(None)
    await abort_promise
    assert ws.events == ["write", "a", "abort", "b"]


async def test_sink_abort_not_called_once_close_started() -> None:
    close_future = pending()
    ws = recording_writable_stream({"close": lambda: close_future})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.close()
    abort_promise = writer.abort()
    await flush_callbacks()
    assert ws.events == ["close"]
    close_future.set_result(None)
    await abort_promise
    assert ws.events == ["close"]


async def test_close_rejection_rejects_abort_and_close(error1: Exception) -> None:
    close_future = pending()
    abort_called: list[Any] = []
    ws = WritableStream({"close": lambda: close_future, "abort": abort_called.append})
    writer = ws.get_writer()
    await then(writer.ready)
    close_promise = writer.close()
    abort_promise = writer.abort()
    await flush_callbacks()
    assert not abort_called
    close_future.set_exception(error1)
    await assert_rejects(abort_promise, error1)
    await assert_rejects(close_promise, error1)
    assert not abort_called


async def test_abort_during_write_with_close_queued(error1: Exception) -> None:
    write_future = pending()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.write("a")
    close_promise = writer.close()
    abort_promise = writer.abort(error1)
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    write_future.set_result(None)
    await abort_promise
    assert ws.events == ["write", "a", "abort", error1]
    await assert_rejects(close_promise, error1)


async def test_new_writer_on_pending_abort_has_rejected_ready(error1: Exception) -> None:
    ws = WritableStream({"write": lambda chunk, c: pending()})
    writer = ws.get_writer()
    await then(writer.ready)
    writer.write("a")
    writer.abort(error1)
    writer.release_lock()
    await assert_rejects(ws.get_writer().ready, error1)


async def test_close_promise_resolves_before_abort_promise() -> None:
    writer = WritableStream().get_writer()
    await then(writer.ready)
    events: list[str] = []
    on_settle(writer.close(), events, "close")
    abort_promise = writer.abort()
    on_settle(abort_promise, events, "abort")
    await abort_promise
    await flush_callbacks()
    assert events == ["close", "abort"]


async def test_ready_rejects_on_controller_error_without_waiting(error1: Exception) -> None:
    def write(chunk: Any, controller: Any) -> Any:
        controller.error(error1)
        return pending()

    writer = WritableStream({"write": write}).get_writer()
    await then(writer.ready)
    writer.write("a")
    await assert_rejects(writer.ready, error1)


async def test_abort_with_in_flight_write_that_rejects(
    error1: Exception, error2: Exception
) -> None:
    write_future = pending()
    writer = WritableStream({"write": lambda chunk, c: write_future}).get_writer()
    events: list[str] = []
    on_settle(writer.closed, events, "closed")
    await flush_callbacks()
    write_promise = writer.write("a")
    on_settle(write_promise, events, "writePromise")
    abort_promise = writer.abort(error1)
    on_settle(abort_promise, events, "abortPromise")
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.ready, error1)
    await flush_callbacks()
    assert events == []
    write_future.set_exception(error2)
    await assert_rejects(write_promise, error2)
    await abort_promise
    await assert_rejects(writer.closed, error1)
    await flush_callbacks()
    assert events == ["writePromise", "abortPromise", "closed"]
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.ready, error1)
    writer.release_lock()
    await assert_rejects(writer.ready, TypeError)
    await assert_rejects(writer.closed, TypeError)


async def test_abort_then_controller_error_during_in_flight_write(
    error1: Exception, error2: Exception
) -> None:
    write_future = pending()
    controllers: list[Any] = []

    def write(chunk: Any, c: Any) -> Any:
        controllers.append(c)
        return write_future

    writer = WritableStream({"write": write}).get_writer()
    events: list[str] = []
    on_settle(writer.closed, events, "closed")
    await flush_callbacks()
    write_promise = writer.write("a")
    on_settle(write_promise, events, "writePromise")
    abort_promise = writer.abort(error1)
    on_settle(abort_promise, events, "abortPromise")
    await assert_rejects(writer.write("a"), error1)
    await flush_callbacks()
    assert events == []
    controllers[0].error(error2)  # too late: the stream is already erroring
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.ready, error1)
    await flush_callbacks()
    assert events == []
    write_future.set_result(None)
    await write_promise
    await abort_promise
    await assert_rejects(writer.closed, error1)
    await flush_callbacks()
    assert events == ["writePromise", "abortPromise", "closed"]


async def test_abort_then_controller_error_during_in_flight_close(
    error1: Exception, error2: Exception
) -> None:
    close_future = pending()
    holder: dict[str, Any] = {}
    ws = WritableStream(
        {"start": lambda c: holder.setdefault("c", c), "close": lambda: close_future}
    )
    writer = ws.get_writer()
    events: list[str] = []
    on_settle(writer.closed, events, "closed")
    await flush_callbacks()
    close_promise = writer.close()
    on_settle(close_promise, events, "closePromise")
    abort_promise = writer.abort(error1)
    on_settle(abort_promise, events, "abortPromise")
    await assert_rejects(writer.close(), TypeError)
    await assert_rejects(writer.ready, error1)
    await flush_callbacks()
    assert events == []
    holder["c"].error(error2)
    await assert_rejects(writer.close(), TypeError)
    await flush_callbacks()
    assert events == []
    close_future.set_result(None)
    await close_promise
    await abort_promise
    await writer.closed
    await flush_callbacks()
    assert events == ["closePromise", "abortPromise", "closed"]
    await assert_rejects(writer.close(), TypeError)
    await assert_rejects(writer.ready, error1)
    writer.release_lock()
    await assert_rejects(writer.close(), TypeError)
    await assert_rejects(writer.ready, TypeError)
    await assert_rejects(writer.closed, TypeError)


async def test_controller_error_then_abort_during_in_flight_write(
    error1: Exception, error2: Exception
) -> None:
    write_future = pending()
    controllers: list[Any] = []

    def write(chunk: Any, c: Any) -> Any:
        controllers.append(c)
        return write_future

    ws = recording_writable_stream({"write": write})
    writer = ws.get_writer()
    events: list[str] = []
    on_settle(writer.closed, events, "closed")
    await flush_callbacks()
    write_promise = writer.write("a")
    on_settle(write_promise, events, "writePromise")
    controllers[0].error(error2)
    await assert_rejects(writer.write("a"), error2)
    await assert_rejects(writer.ready, error2)
    await flush_callbacks()
    assert events == []
    abort_promise = writer.abort(error1)
    on_settle(abort_promise, events, "abortPromise")
    await assert_rejects(writer.write("a"), error2)
    await flush_callbacks()
    assert events == []
    write_future.set_result(None)
    await assert_rejects(abort_promise, error2)
    await assert_rejects(writer.closed, error2)
    await flush_callbacks()
    assert events == ["writePromise", "abortPromise", "closed"]
    assert ws.events == ["write", "a"], "sink abort() should not be called"


async def test_controller_error_then_abort_during_in_flight_close(
    error1: Exception, error2: Exception
) -> None:
    close_future = pending()
    holder: dict[str, Any] = {}
    ws = WritableStream(
        {"start": lambda c: holder.setdefault("c", c), "close": lambda: close_future}
    )
    writer = ws.get_writer()
    events: list[str] = []
    on_settle(writer.closed, events, "closed")
    await flush_callbacks()
    close_promise = writer.close()
    on_settle(close_promise, events, "closePromise")
    holder["c"].error(error2)
    await flush_callbacks()
    assert events == []
    abort_promise = writer.abort(error1)
    on_settle(abort_promise, events, "abortPromise")
    await assert_rejects(writer.ready, error2)
    await flush_callbacks()
    assert events == []
    close_future.set_result(None)
    await close_promise
    await writer.closed
    await flush_callbacks()
    assert events == ["closePromise", "abortPromise", "closed"]


async def test_release_lock_while_aborting_rejects_original_closed() -> None:
    write_future = pending()
    writer = WritableStream({"write": lambda chunk, c: write_future}).get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    closed = writer.closed
    abort_promise = writer.abort()
    writer.release_lock()
    write_future.set_result(None)
    await write_promise
    await abort_promise
    await assert_rejects(closed, TypeError)


async def test_release_lock_during_delayed_abort_rejects_closed() -> None:
    write_future = pending()
    abort_future = pending()
    abort_started = pending()

    def abort(reason: Any) -> Any:
        abort_started.set_result(None)
        return abort_future

    writer = WritableStream({"write": lambda chunk, c: write_future, "abort": abort}).get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    closed = writer.closed
    abort_promise = writer.abort()
    write_future.set_result(None)
    await abort_started
    writer.release_lock()
    assert writer.closed is closed, "closed promise should not have changed"
    abort_future.set_result(None)
    await write_promise
    await abort_promise
    await assert_rejects(closed, TypeError)


async def test_sink_abort_waits_for_start() -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    abort_promise = ws.abort("done")
    await flush_callbacks()
    assert ws.events == [], "abort() should not be called during start()"
    start_future.set_result(None)
    await abort_promise
    assert ws.events == ["abort", "done"]


async def test_start_erroring_controller_after_abort_loses(error1: Exception) -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    abort_promise = ws.abort("done")
    ws.controller.error(error1)
    start_future.set_result(None)
    await abort_promise
    assert ws.events == ["abort", "done"]


async def test_abort_resolves_if_start_rejects(error1: Exception, error2: Exception) -> None:
    async def start(c: Any) -> None:
        raise error1

    ws = recording_writable_stream({"start": start})
    await ws.abort(error2)
    assert ws.events == ["abort", error2]


async def test_writer_abort_during_start_replaces_ready_synchronously(error1: Exception) -> None:
    writer = WritableStream().get_writer()
    ready1 = writer.ready
    writer.abort(error1)
    ready2 = writer.ready
    assert ready1 is not ready2
    await ready1
    await assert_rejects(ready2, error1)


async def test_promises_rejected_in_standard_order_when_abort_during_start(
    error1: Exception,
) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    events: list[str] = []
    write1 = writer.write(1)
    abort_promise = writer.abort(error1)
    write2 = writer.write(2)
    close_promise = writer.close()
    on_settle(write1, events, "write1")
    on_settle(abort_promise, events, "abort")
    on_settle(write2, events, "write2")
    on_settle(close_promise, events, "close")
    await assert_rejects(write1, error1)
    await abort_promise
    await assert_rejects(write2, error1)
    await assert_rejects(close_promise, error1)
    await flush_callbacks()
    assert events == ["write2", "write1", "abort", "close"]
    assert ws.events == ["abort", error1]


async def test_abort_succeeds_despite_write_rejection(error1: Exception, error2: Exception) -> None:
    write_future = pending()
    controllers: list[Any] = []

    def write(chunk: Any, c: Any) -> Any:
        controllers.append(c)
        return write_future

    writer = WritableStream({"write": write}).get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    abort_promise = writer.abort()
    controllers[0].error(error1)
    write_future.set_exception(error2)
    await assert_rejects(write_promise, error2)
    await abort_promise


async def test_abort_rejected_with_close_rejection(error1: Exception, error2: Exception) -> None:
    close_future = pending()
    holder: dict[str, Any] = {}
    ws = WritableStream(
        {"start": lambda c: holder.setdefault("c", c), "close": lambda: close_future}
    )
    writer = ws.get_writer()
    await then(writer.ready)
    close_promise = writer.close()
    abort_promise = writer.abort()
    holder["c"].error(error1)
    close_future.set_exception(error2)
    await assert_rejects(close_promise, error2)
    await assert_rejects(abort_promise, error2)


async def test_rejecting_sink_write_does_not_prevent_sink_abort(
    error1: Exception, error2: Exception
) -> None:
    write_future = pending()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    writer = ws.get_writer()
    await then(writer.ready)
    write_promise = writer.write("1")
    abort_promise = writer.abort(error2)
    write_future.set_exception(error1)
    await assert_rejects(write_promise, error1)
    await abort_promise
    await assert_rejects(writer.closed, error2)
    assert ws.events == ["write", "1", "abort", error2]


async def test_abort_twice_gives_same_promise() -> None:
    ws = WritableStream()
    p1 = ws.abort()
    p2 = ws.abort()
    assert p1 is p2
    assert await p1 is None


async def test_abort_twice_sequentially_both_fulfill() -> None:
    ws = WritableStream()
    p1 = ws.abort()
    assert await p1 is None
    p2 = ws.abort()
    assert p2 is not p1
    assert await p2 is None


async def test_abort_on_errored_stream_fulfills(error1: Exception) -> None:
    ws = WritableStream({"start": lambda c: c.error(error1)})
    writer = ws.get_writer()
    await assert_rejects(writer.closed, error1)
    assert await writer.abort() is None


async def test_sink_abort_not_called_when_erroring_from_controller_error(
    error1: Exception, error2: Exception
) -> None:
    write_future = pending()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    writer = ws.get_writer()
    await then(writer.ready)
    write_promise = writer.write("chunk")
    ws.controller.error(error1)
    abort_promise = writer.abort(error2)
    write_future.set_result(None)
    await write_promise
    await assert_rejects(abort_promise, error1)
    assert ws.events == ["write", "chunk"]


async def test_sink_abort_not_called_when_erroring_from_bad_strategy(error2: Exception) -> None:
    write_future = pending()
    size = [1.0]
    ws = recording_writable_stream(
        {"write": lambda chunk, c: write_future},
        {"size": lambda chunk: size[0], "high_water_mark": 1},
    )
    writer = ws.get_writer()
    await then(writer.ready)
    w1 = writer.write("chunk1")
    size[0] = float("nan")
    w2 = writer.write("chunk2")
    abort_promise = writer.abort(error2)
    write_future.set_result(None)
    await w1
    await assert_rejects(w2, RangeError)
    await assert_rejects(abort_promise, RangeError)
    assert ws.events == ["write", "chunk1"]


async def test_abort_without_argument_stores_none() -> None:
    ws = WritableStream()
    await ws.abort()
    closed = ws.get_writer().closed
    await flush_callbacks()
    assert rejection(closed) is None


async def test_abort_with_string_stores_it() -> None:
    ws = WritableStream()
    await ws.abort("string argument")
    closed = ws.get_writer().closed
    await flush_callbacks()
    assert rejection(closed) == "string argument"


async def test_abort_on_locked_stream_rejects() -> None:
    ws = WritableStream()
    writer = ws.get_writer()
    await assert_rejects(ws.abort(), TypeError)
    await then(writer.ready)


async def test_controller_signal(error1: Exception) -> None:
    ws = recording_writable_stream()
    signal = ws.controller.signal
    assert isinstance(signal, AbortSignal)
    assert not signal.aborted
    assert signal.reason is None
    ws.abort(error1)
    assert signal.aborted
    assert signal.reason is error1


async def test_abort_signal_signalled_synchronously_during_write() -> None:
    called = pending()

    def write(chunk: Any, c: Any) -> Any:
        called.set_result(None)
        return pending()

    ws = recording_writable_stream({"write": write})
    writer = ws.get_writer()
    writer.write(99)
    await called
    signal = ws.controller.signal
    assert not signal.aborted
    writer.abort()
    assert signal.aborted
    assert isinstance(signal.reason, AbortError)
    assert signal.reason.name == "AbortError"


async def test_abort_signal_signalled_synchronously_during_close() -> None:
    called = pending()

    def close() -> Any:
        called.set_result(None)
        return pending()

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    writer.close()
    await called
    assert not ws.controller.signal.aborted
    writer.abort()
    assert ws.controller.signal.aborted


async def test_abort_signal_not_signalled_on_error() -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    e = TypeError()
    ws.controller.error(e)
    await assert_rejects(writer.closed, e)
    assert not ws.controller.signal.aborted


async def test_abort_signal_not_signalled_on_write_failure() -> None:
    e = TypeError()

    async def write(chunk: Any, c: Any) -> None:
        raise e

    ws = recording_writable_stream({"write": write})
    writer = ws.get_writer()
    await assert_rejects(writer.write("hello"), e)
    await assert_rejects(writer.closed, e)
    assert not ws.controller.signal.aborted


async def test_abort_signal_not_signalled_on_close_failure() -> None:
    e = TypeError()

    async def close() -> None:
        raise e

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    await assert_rejects(writer.close(), e)
    await assert_rejects(writer.closed, e)
    assert not ws.controller.signal.aborted


async def test_recursive_abort_from_signal_listener() -> None:
    e1, e2 = SyntaxError(), TypeError()
    ws = recording_writable_stream()
    writer = ws.get_writer()
    ws.controller.signal.add_event_listener("abort", lambda event: writer.abort(e2))
    writer.abort(e1)
    assert ws.controller.signal.aborted
    await assert_rejects(writer.closed, e2)


async def test_pending_write_future_is_not_the_ready_future(error1: Exception) -> None:
    # A write that waits on the sink leaves ready pending (HWM 1), and abort rejects both.
    ws = WritableStream({"write": lambda chunk, c: pending()})
    writer = ws.get_writer()
    await then(writer.ready)
    w = writer.write("a")
    assert_pending(writer.ready)
    writer.abort(error1)
    await assert_rejects(writer.ready, error1)
    assert_pending(w)
