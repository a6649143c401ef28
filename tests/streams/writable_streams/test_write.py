"""WPT streams/writable-streams/write.any.js (and backpressure.any.js's ready transitions)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    record_settlements,
    recording_writable_stream,
    then,
)
from websocketstream.dom import RangeError
from websocketstream.streams.strategies import CountQueuingStrategy
from websocketstream.streams.writable import WritableStream


def pending() -> asyncio.Future[Any]:
    return asyncio.get_running_loop().create_future()


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
