"""WPT streams/piping/general.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from tests.streams.piping._util import readable_of
from websocketstream.dom import AbortController
from websocketstream.streams.pipe import readable_stream_pipe_to
from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.writable import WritableStream


async def test_pipe_to_locks_both_streams_and_releases_after() -> None:
    rs = ReadableStream({"start": lambda c: None})
    ws = WritableStream()
    rs.pipe_to(ws)
    assert rs.locked
    assert ws.locked
    rs2 = readable_of()
    ws2 = WritableStream()
    await rs2.pipe_to(ws2)
    assert not rs2.locked
    assert not ws2.locked


async def test_pipe_to_locked_source_rejects() -> None:
    rs = ReadableStream()
    rs.get_reader()
    await assert_rejects(rs.pipe_to(WritableStream()), TypeError)


async def test_pipe_to_locked_destination_rejects() -> None:
    ws = WritableStream()
    ws.get_writer()
    rs = ReadableStream()
    await assert_rejects(rs.pipe_to(ws), TypeError)
    assert not rs.locked


async def test_pipe_to_non_writable_rejects() -> None:
    await assert_rejects(ReadableStream().pipe_to(object()), TypeError)  # type: ignore[arg-type]


async def test_pipe_to_bad_signal_rejects() -> None:
    await assert_rejects(ReadableStream().pipe_to(WritableStream(), signal="x"), TypeError)


async def test_pipe_marks_source_disturbed() -> None:
    rs = readable_of("a")
    await rs.pipe_to(WritableStream())
    assert rs._disturbed


async def test_chunks_arrive_in_order() -> None:
    ws = recording_writable_stream()
    await readable_of("a", "b", "c").pipe_to(ws)
    assert ws.events == ["write", "a", "write", "b", "write", "c", "close"]


async def test_pipe_resolves_with_none() -> None:
    assert await readable_of("a").pipe_to(WritableStream()) is None


async def test_chunks_enqueued_later_are_piped() -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    rs.controller.enqueue("a")
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    rs.controller.enqueue("b")
    rs.controller.close()
    await pipe
    assert ws.events == ["write", "a", "write", "b", "close"]


async def test_pipe_through_sync_sink_with_large_stream() -> None:
    written: list[int] = []
    ws = WritableStream({"write": lambda chunk, c: written.append(chunk)})
    await readable_of(*range(1000)).pipe_to(ws)
    assert written == list(range(1000))


async def test_pipe_with_async_sink() -> None:
    written: list[int] = []

    async def write(chunk: Any, c: Any) -> None:
        await asyncio.sleep(0)
        written.append(chunk)

    await readable_of(*range(50)).pipe_to(WritableStream({"write": write}))
    assert written == list(range(50))


async def test_pipe_options_passed_as_keywords() -> None:
    ws = recording_writable_stream()
    await readable_of("a").pipe_to(
        ws, prevent_close=True, prevent_abort=False, prevent_cancel=False, signal=None
    )
    assert ws.events == ["write", "a"]
    assert ws._state == "writable"


async def test_pipe_to_positional_options_rejected() -> None:
    with pytest.raises(TypeError):
        ReadableStream().pipe_to(WritableStream(), True)  # type: ignore[call-arg]


async def test_abstract_op_callable_directly() -> None:
    ws = recording_writable_stream()
    await readable_stream_pipe_to(readable_of("x"), ws, False, False, False, None)
    assert ws.events == ["write", "x", "close"]


async def test_pipe_with_unaborted_signal_completes() -> None:
    controller = AbortController()
    ws = recording_writable_stream()
    await readable_of("a").pipe_to(ws, signal=controller.signal)
    assert ws.events == ["write", "a", "close"]
    assert controller.signal._algorithms == [], "finalize removes the abort algorithm"


async def test_pipe_does_not_read_before_dest_started() -> None:
    start = asyncio.get_running_loop().create_future()
    rs = recording_readable_stream(strategy={"high_water_mark": 0})
    ws = recording_writable_stream({"start": lambda c: start}, {"high_water_mark": 0})
    rs.pipe_to(ws)
    await flush_callbacks()
    assert rs.events == [], "no pull while the destination has backpressure"
    start.set_result(None)
    await flush_callbacks()
    assert rs.events == []
