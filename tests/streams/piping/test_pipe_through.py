"""WPT streams/piping/pipe-through.any.js."""

from __future__ import annotations

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, recording_writable_stream
from tests.streams.piping._util import readable_of
from websocketstream.dom import AbortController
from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.transform import TransformStream
from websocketstream.streams.writable import WritableStream


async def test_returns_the_readable_side() -> None:
    ts = TransformStream()
    rs = readable_of("a")
    result = rs.pipe_through(ts)
    assert result is ts.readable
    assert rs.locked
    assert ts.writable.locked


async def test_pipe_through_accepts_pair_mapping() -> None:
    readable = ReadableStream()
    writable = WritableStream()
    result = readable_of("a").pipe_through({"readable": readable, "writable": writable})
    assert result is readable


async def test_locked_source_raises() -> None:
    rs = readable_of("a")
    rs.get_reader()
    with pytest.raises(TypeError):
        rs.pipe_through(TransformStream())


async def test_locked_writable_raises() -> None:
    ts = TransformStream()
    ts.writable.get_writer()
    with pytest.raises(TypeError):
        readable_of("a").pipe_through(ts)


async def test_chunks_flow_through_chain() -> None:
    ws = recording_writable_stream()
    upper = TransformStream({"transform": lambda ch, c: c.enqueue(ch.upper())})
    await readable_of("a", "b").pipe_through(upper).pipe_to(ws)
    assert ws.events == ["write", "A", "write", "B", "close"]


async def test_pipe_through_signal_aborts_writable_side() -> None:
    controller = AbortController()
    ts = TransformStream()
    rs = readable_of("a", close=False)
    readable = rs.pipe_through(ts, signal=controller.signal)
    controller.abort("stop")
    await assert_rejects(readable.get_reader().closed, "stop")


async def test_prevent_close_through_transform() -> None:
    ts = TransformStream()
    readable = readable_of("a").pipe_through(ts, prevent_close=True)
    reader = readable.get_reader()
    assert (await reader.read()).value == "a"
    await flush_callbacks()
    assert ts.writable._state == "writable"
