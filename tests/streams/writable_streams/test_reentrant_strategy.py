"""WPT streams/writable-streams/reentrant-strategy.any.js: WritableStream methods called from
inside ``strategy.size()`` (pathological, but deviations here show subtle spec departures)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    record_settlements,
    recording_writable_stream,
)
from websocketstream.streams.writable import WritableStream


async def test_writes_are_written_in_the_standard_order() -> None:
    holder: dict[str, Any] = {}

    def size(chunk: int) -> int:
        if chunk > 0:
            holder["writer"].write(chunk - 1)
        return chunk

    ws = recording_writable_stream(strategy={"size": size})
    writer = holder["writer"] = ws.get_writer()
    await writer.write(2)
    assert ws.events == ["write", 0, "write", 1, "write", 2], "writes appear in order"


async def test_writer_write_promises_resolve_in_the_standard_order() -> None:
    holder: dict[str, Any] = {}
    events: list[Any] = []

    def note_done(chunk: int) -> Any:
        return lambda future: events.extend(["writer.write done", chunk])

    def size(chunk: int) -> int:
        events.extend(["size", chunk])
        if chunk > 0:
            holder["writer"].write(chunk - 1).add_done_callback(note_done(chunk - 1))
        return chunk

    ws = WritableStream(
        {"write": lambda chunk, c: events.extend(["sink.write", chunk])}, {"size": size}
    )
    writer = holder["writer"] = ws.get_writer()
    outer = writer.write(2)
    outer.add_done_callback(note_done(2))
    await outer
    await flush_callbacks()
    assert events == [
        "size", 2, "size", 1, "size", 0,
        "sink.write", 0, "sink.write", 1, "writer.write done", 0,
        "sink.write", 2, "writer.write done", 1,
        "writer.write done", 2,
    ], "events happen in the standard order"  # fmt: skip


async def test_controller_error_works_from_within_strategy_size(error1: Exception) -> None:
    holder: dict[str, Any] = {}

    def size(chunk: Any) -> int:
        holder["controller"].error(error1)
        return 1

    ws = recording_writable_stream({"start": lambda c: holder.update(controller=c)}, {"size": size})
    writer = ws.get_writer()
    resolved: list[str] = []
    ready1 = writer.ready
    record_settlements(resolved, ready1=ready1)
    write = writer.write()
    record_settlements(resolved, write=write)
    ready2 = writer.ready
    record_settlements(resolved, ready2=ready2)
    record_settlements(resolved, closed=writer.closed)
    await ready1
    await assert_rejects(write, error1, "write()")
    await assert_rejects(ready2, error1, "ready")
    await assert_rejects(writer.closed, error1, "closed")
    await flush_callbacks()
    assert resolved == ["ready1", "write", "ready2", "closed"], "the standard order"
    assert ws.events == [], "the sink's write is not called"


async def test_close_works_from_within_strategy_size() -> None:
    holder: dict[str, Any] = {}

    def size(chunk: Any) -> int:
        holder["writer"].close()
        return 1

    ws = recording_writable_stream(strategy={"size": size})
    writer = holder["writer"] = ws.get_writer()
    await assert_rejects(writer.write("a"), TypeError, "write()")
    await writer.closed
    assert ws.events == ["close"], "the sink's write is not called"


async def test_abort_works_from_within_strategy_size(error1: Exception) -> None:
    holder: dict[str, Any] = {}

    def size(chunk: Any) -> int:
        holder["abort"] = holder["writer"].abort(error1)
        return 1

    ws = recording_writable_stream(strategy={"size": size})
    writer = holder["writer"] = ws.get_writer()
    await assert_rejects(writer.write("a"), error1, "write()")
    await holder["abort"]
    assert ws.events == ["abort", error1], "the sink's write is not called"


async def test_release_lock_aborts_the_write_when_called_within_strategy_size() -> None:
    holder: dict[str, Any] = {}

    def size(chunk: Any) -> int:
        holder["writer"].release_lock()
        return 1

    ws = recording_writable_stream(strategy={"size": size})
    writer = holder["writer"] = ws.get_writer()
    await assert_rejects(writer.write("a"), TypeError, "write()")
    await assert_rejects(writer.ready, TypeError, "ready")
    await assert_rejects(writer.closed, TypeError, "closed")
    await flush_callbacks()
    assert ws.events == [], "the sink's write is not called"


async def test_original_writer_errors_when_new_writer_created_within_strategy_size() -> None:
    holder: dict[str, Any] = {}

    def size(chunk: int) -> int:
        if chunk > 0:
            holder["writer1"].release_lock()
            writer2 = holder["ws"].get_writer()
            holder["write2"] = writer2.write(0)
            holder["close"] = writer2.close()
            holder["closed2"] = writer2.closed
        return 1

    ws = holder["ws"] = recording_writable_stream(strategy={"size": size})
    writer1 = holder["writer1"] = ws.get_writer()
    await assert_rejects(writer1.write(1), TypeError, "write()")
    await assert_rejects(writer1.ready, TypeError, "ready")
    await assert_rejects(writer1.closed, TypeError, "closed")
    await asyncio.gather(holder["write2"], holder["close"], holder["closed2"])
    assert ws.events == ["write", 0, "close"], "the sink's write is called only once"
