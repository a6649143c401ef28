"""WPT streams/piping/flow-control.any.js: the pipe respects the destination's backpressure."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from tests.streams.piping._util import readable_of
from websocketstream.streams.strategies import CountQueuingStrategy


def slow_sink() -> tuple[Any, list[asyncio.Future[Any]]]:
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, c: Any) -> Any:
        f = asyncio.get_running_loop().create_future()
        futures.append(f)
        return f

    return write, futures


async def test_no_read_while_dest_has_backpressure() -> None:
    write, futures = slow_sink()
    rs = recording_readable_stream(strategy=CountQueuingStrategy(high_water_mark=0))
    ws = recording_writable_stream({"write": write}, CountQueuingStrategy(high_water_mark=1))
    rs.pipe_to(ws)
    await flush_callbacks()
    assert rs.events == ["pull"], "one read is issued while the destination wants data"
    rs.controller.enqueue("a")
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    assert rs.events == ["pull"], "desired size 0: no further read"
    futures[0].set_result(None)
    await flush_callbacks()
    assert rs.events == ["pull", "pull"]


async def test_dest_queue_fills_to_hwm_then_stops() -> None:
    write, futures = slow_sink()
    rs = readable_of(*range(10), close=False)
    ws = recording_writable_stream({"write": write}, CountQueuingStrategy(high_water_mark=3))
    rs.pipe_to(ws)
    await flush_callbacks()
    # One chunk in flight at the sink; the writer queue holds it plus two more (HWM 3).
    assert ws.events == ["write", 0]
    writer_queue = ws._controller._queue_total_size
    assert writer_queue == 3
    assert rs._controller._queue_total_size == 7
    for f in futures[:1]:
        f.set_result(None)
    await flush_callbacks()
    assert ws._controller._queue_total_size == 3
    assert rs._controller._queue_total_size == 6


async def test_pipe_is_not_one_chunk_at_a_time() -> None:
    # Reads are not delayed until writes complete: the destination's queue is used.
    write, futures = slow_sink()
    rs = readable_of("a", "b", "c")
    ws = recording_writable_stream({"write": write}, CountQueuingStrategy(high_water_mark=5))
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    assert ws._controller._queue_total_size == 3, "all three chunks queued before any write ends"
    while not pipe.done():
        for f in futures:
            if not f.done():
                f.set_result(None)
        await flush_callbacks(2)
    assert ws.events == ["write", "a", "write", "b", "write", "c", "close"]


async def test_hwm_zero_dest_still_gets_chunks() -> None:
    ws = recording_writable_stream(strategy=CountQueuingStrategy(high_water_mark=0))
    rs = readable_of("a", "b")
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    assert ws.events == [], "desired size 0 means no read at all"
    assert not pipe.done()
