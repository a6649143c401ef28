"""WPT streams/writable-streams/write.any.js (and backpressure.any.js's ready transitions); the
write.any.js tests that were missing follow under "-- write.any.js (rest) --"."""

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
from websocketstream.dom import RangeError
from websocketstream.streams.strategies import CountQueuingStrategy
from websocketstream.streams.writable import WritableStream, WritableStreamDefaultWriter


def writable_with_write_futures() -> tuple[Any, list[asyncio.Future[Any]]]:
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, c: Any) -> Any:
        f = pending()
        futures.append(f)
        return f

    return recording_writable_stream({"write": write}), futures


async def test_write_fulfills_with_none_whatever_sink_returns() -> None:
    writer = WritableStream({"write": lambda chunk, c: "Hello"}).get_writer()
    assert await writer.write("a") is None


async def test_desired_size_reflects_queue_with_and_without_hwm() -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    await then(writer.ready)
    assert writer.desired_size == 1
    writer.write("a")
    assert writer.desired_size == 0
    writer.write("b")
    assert writer.desired_size == -1
    futures[0].set_result(None)
    await flush_callbacks()
    assert writer.desired_size == 0
    futures[1].set_result(None)
    await flush_callbacks()
    assert writer.desired_size == 1


async def test_ready_transitions_on_backpressure() -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    await then(writer.ready)
    first_ready = writer.ready
    writer.write("a")
    assert writer.ready is not first_ready, "backpressure makes a new pending ready promise"
    assert not writer.ready.done()
    waiting_ready = writer.ready
    futures[0].set_result(None)
    await waiting_ready
    assert writer.ready is waiting_ready


async def test_hwm_zero_applies_backpressure_at_once() -> None:
    ws = WritableStream({}, CountQueuingStrategy(high_water_mark=0))
    writer = ws.get_writer()
    assert writer.desired_size == 0
    assert not writer.ready.done()
    await flush_callbacks()
    assert not writer.ready.done()


async def test_write_order_and_settlement_order() -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    events: list[str] = []
    record_settlements(events, a=writer.write("a"), b=writer.write("b"), c=writer.write("c"))
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    for i in range(3):
        futures[i].set_result(None)
        await flush_callbacks()
    assert ws.events == ["write", "a", "write", "b", "write", "c"]
    assert events == ["a", "b", "c"]


async def test_write_rejection_errors_stream(error1: Exception) -> None:
    async def write(chunk: Any, c: Any) -> None:
        raise error1

    writer = WritableStream({"write": write}).get_writer()
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.closed, error1)
    await assert_rejects(writer.write("b"), error1)


async def test_queued_writes_rejected_when_in_flight_write_fails(error1: Exception) -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    await then(writer.ready)
    w1, w2, w3 = writer.write("a"), writer.write("b"), writer.write("c")
    futures[0].set_exception(error1)
    for w in (w1, w2, w3):
        await assert_rejects(w, error1)
    assert ws.events == ["write", "a"]


async def test_write_on_released_writer_rejects() -> None:
    writer = WritableStream().get_writer()
    writer.release_lock()
    await assert_rejects(writer.write("a"), TypeError)


async def test_write_after_close_rejects() -> None:
    writer = WritableStream().get_writer()
    writer.close()
    await assert_rejects(writer.write("a"), TypeError)


async def test_size_returning_negative_rejects_write_and_errors_stream() -> None:
    ws = WritableStream({}, {"size": lambda chunk: -1})
    writer = ws.get_writer()
    await assert_rejects(writer.write("a"), RangeError)
    await assert_rejects(writer.closed, RangeError)


async def test_size_throwing_rejects_write_with_that_error(error1: Exception) -> None:
    def size(chunk: Any) -> float:
        raise error1

    writer = WritableStream({}, {"size": size}).get_writer()
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.closed, error1)


async def test_size_infinite_rejects_write() -> None:
    writer = WritableStream({}, {"size": lambda chunk: float("inf")}).get_writer()
    await assert_rejects(writer.write("a"), RangeError)


async def test_write_default_chunk_is_none() -> None:
    ws = recording_writable_stream()
    await ws.get_writer().write()
    assert ws.events == ["write", None]


async def test_many_writes_without_await_are_all_written() -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    promises = [writer.write(i) for i in range(100)]
    await promises[-1]
    assert ws.events == [x for i in range(100) for x in ("write", i)]


async def test_write_waits_for_start() -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    writer = ws.get_writer()
    w = writer.write("a")
    await flush_callbacks()
    assert ws.events == []
    start_future.set_result(None)
    await w
    assert ws.events == ["write", "a"]


async def test_byte_length_strategy_desired_size() -> None:
    from websocketstream.streams.strategies import ByteLengthQueuingStrategy

    ws, _futures = writable_with_write_futures()
    ws = WritableStream(
        {"write": lambda chunk, c: pending()}, ByteLengthQueuingStrategy(high_water_mark=10)
    )
    writer = ws.get_writer()
    writer.write(b"abcd")
    assert writer.desired_size == 6
    writer.write(b"123456")
    assert writer.desired_size == 0
    assert not writer.ready.done()


async def test_floating_point_total_queue_size() -> None:
    ws = WritableStream({"write": lambda chunk, c: pending()}, {"size": lambda chunk: chunk})
    writer = ws.get_writer()
    await flush_callbacks()
    writer.write(2)
    writer.write(1e-16)
    assert writer.desired_size == 1 - 2 - 1e-16


async def test_reentrant_strategy_write_from_size() -> None:
    # The size function is called before the write is queued; a write from inside it goes first.
    holder: dict[str, Any] = {}
    calls = []

    def size(chunk: Any) -> int:
        calls.append(chunk)
        if chunk == "a":
            holder["inner"] = holder["writer"].write("b")
        return 1

    ws = recording_writable_stream(strategy={"size": size, "high_water_mark": 4})
    writer = holder["writer"] = ws.get_writer()
    outer = writer.write("a")
    await outer
    await holder["inner"]
    assert ws.events == ["write", "b", "write", "a"]
    assert calls == ["a", "b"]


# -- write.any.js (rest) ------------------------------------------------------------------------


async def write_array_to_stream(array: list[Any], writer: Any) -> None:
    for chunk in array:
        writer.write(chunk)
    await writer.close()


async def test_complete_asynchronous_writes_before_close_resolves() -> None:
    storage: list[Any] = []

    async def write(chunk: Any, c: Any) -> None:
        await flush_callbacks(1)
        storage.append(chunk)

    async def close() -> None:
        await flush_callbacks(1)

    writer = WritableStream({"write": write, "close": close}).get_writer()
    await write_array_to_stream([1, 2, 3, 4, 5], writer)
    assert storage == [1, 2, 3, 4, 5], "the data is relayed to the sink before close resolves"


async def test_complete_synchronous_writes_before_close_resolves() -> None:
    ws = recording_writable_stream()
    await write_array_to_stream([1, 2, 3, 4, 5], ws.get_writer())
    assert ws.events == [x for i in range(1, 6) for x in ("write", i)] + ["close"]


async def test_transition_to_waiting_until_write_is_acknowledged() -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    assert writer.desired_size == 1
    await then(writer.ready)
    write_promise = writer.write("a")
    assert len(futures) == 1, "the sink's write has been called"
    assert writer.desired_size == 0, "after writer.write()"
    order: list[str] = []
    record_settlements(order, write=write_promise, ready=writer.ready)
    await flush_callbacks()
    assert order == [], "nothing settles before the sink acknowledges the write"
    futures[0].set_result(None)
    assert await write_promise is None
    assert await writer.ready is None
    await flush_callbacks()
    assert order == ["write", "ready"], "the write promise settles before ready"
    assert writer.desired_size == 1, "desired_size is 1 again"


async def test_rejected_sink_write_clears_queued_writes_and_close(error1: Exception) -> None:
    ws, futures = writable_with_write_futures()
    writer = ws.get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    assert len(futures) == 1
    assert writer.desired_size == 0
    write_promise2 = writer.write("b")
    assert len(futures) == 1, "the second write waits for the first"
    assert writer.desired_size == -1
    close_promise = writer.close()
    assert writer.desired_size == -1, "close() does not change desired_size"
    await flush_callbacks()
    futures[0].set_exception(error1)
    await assert_rejects(close_promise, error1, "close()")
    await assert_rejects(write_promise, error1, "the first write()")
    await assert_rejects(write_promise2, error1, "the second write()")
    assert ws.events == ["write", "a"], "the queued write never reaches the sink"


async def test_sink_write_throwing_errors_stream_and_rejects_write(error1: Exception) -> None:
    def write(chunk: Any, c: Any) -> None:
        raise error1

    writer = WritableStream({"write": write}).get_writer()
    await assert_rejects(writer.write("a"), error1, "write()")
    await assert_rejects(writer.close(), TypeError, "close() on the errored stream")


async def test_ready_and_closed_reject_with_controller_error_made_before_sink_write_rejection(
    error1: Exception, error2: Exception
) -> None:
    def write(chunk: Any, controller: Any) -> None:
        controller.error(error1)
        raise error2

    writer = WritableStream({"write": write}).get_writer()
    await assert_rejects(writer.write("a"), error2, "write() rejects with the sink's error")
    await assert_rejects(writer.ready, error1, "ready rejects with the controller's error")
    await assert_rejects(writer.closed, error1, "closed rejects with the controller's error")


async def test_a_large_queue_of_writes_is_processed_completely() -> None:
    number_of_writes = 1000
    write_count = [0]
    first_write = pending()

    def write(chunk: Any, c: Any) -> Any:
        write_count[0] += 1
        return first_write if write_count[0] == 1 else None

    writer = WritableStream({"write": write}).get_writer()
    await then(writer.ready)
    for _ in range(number_of_writes - 1):
        writer.write("a")
    write_promise = writer.write("a")
    assert write_count[0] == 1, "the sink's write has been called once"
    first_write.set_result(None)
    await write_promise
    assert write_count[0] == number_of_writes


async def test_writer_works_when_manually_constructed() -> None:
    stream = recording_writable_stream()
    stream.get_writer().release_lock()
    writer = WritableStreamDefaultWriter(stream)
    await then(writer.ready)
    writer.write("a")
    assert stream.events == ["write", "a"], "write() is passed to the sink"


async def test_returning_an_awaitable_from_write_works() -> None:
    awaited: list[bool] = []

    class Thenable:
        def __await__(self) -> Any:
            awaited.append(True)
            return None
            yield  # pragma: no cover -- makes this a generator

    writer = WritableStream({"write": lambda chunk, c: Thenable()}).get_writer()
    await writer.write("a")
    assert awaited == [True], "the awaitable was awaited"
