"""The argument and lock checks of ``ReadableStream.pipe_to`` / ``pipe_through`` (the readable
side's part of WPT piping/general.any.js, pipe-through.any.js and then-interception); the pipe
algorithm itself is tested in tests/streams/piping."""

from __future__ import annotations

from typing import Any

import pytest

from tests.streams.helpers import assert_rejects
from websocketstream.dom.abort import AbortController
from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.transform import TransformStream
from websocketstream.streams.writable import WritableStream


async def test_pipe_to_needs_a_writable_stream() -> None:
    for bad in (None, object(), {}, ReadableStream()):
        rs = ReadableStream()
        await assert_rejects(rs.pipe_to(bad), TypeError)  # type: ignore[arg-type]
        assert not rs.locked


async def test_pipe_to_rejects_a_bad_signal() -> None:
    rs = ReadableStream()
    await assert_rejects(rs.pipe_to(WritableStream(), signal="potato"), TypeError)
    assert not rs.locked


async def test_pipe_to_rejects_when_either_side_is_locked() -> None:
    rs = ReadableStream()
    rs.get_reader()
    await assert_rejects(rs.pipe_to(WritableStream()), TypeError)
    ws = WritableStream()
    ws.get_writer()
    rs2 = ReadableStream()
    await assert_rejects(rs2.pipe_to(ws), TypeError)
    assert not rs2.locked


async def test_pipe_to_locks_and_delivers() -> None:
    written: list[Any] = []
    rs = ReadableStream.from_([1, 2, 3])
    ws = WritableStream({"write": lambda chunk, c: written.append(chunk)})
    done = rs.pipe_to(ws)
    assert rs.locked and ws.locked
    assert await done is None
    assert written == [1, 2, 3]


async def test_pipe_to_with_an_aborted_signal() -> None:
    controller = AbortController()
    controller.abort()
    rs = ReadableStream()
    await assert_rejects(rs.pipe_to(WritableStream(), signal=controller.signal), Exception)


async def test_pipe_through_returns_the_readable_side() -> None:
    ts = TransformStream()
    rs = ReadableStream.from_("ab")
    out = rs.pipe_through(ts)
    assert out is ts.readable
    assert [c async for c in out] == ["a", "b"]


async def test_pipe_through_accepts_a_mapping_pair() -> None:
    ts = TransformStream()
    out = ReadableStream.from_("x").pipe_through({"readable": ts.readable, "writable": ts.writable})
    assert [c async for c in out] == ["x"]


@pytest.mark.parametrize(
    "make_pair",
    [
        lambda: None,
        lambda: {},
        lambda: {"readable": ReadableStream()},
        lambda: {"writable": WritableStream()},
        lambda: {"readable": WritableStream(), "writable": WritableStream()},
        lambda: 42,
    ],
    ids=["None", "empty", "no writable", "no readable", "readable not a ReadableStream", "int"],
)
async def test_pipe_through_checks_the_pair(make_pair: Any) -> None:
    rs = ReadableStream()
    with pytest.raises(TypeError):
        rs.pipe_through(make_pair())
    assert not rs.locked


async def test_pipe_through_throws_when_locked() -> None:
    ts = TransformStream()
    rs = ReadableStream()
    rs.get_reader()
    with pytest.raises(TypeError):
        rs.pipe_through(ts)
    ts2 = TransformStream()
    ts2.writable.get_writer()
    rs2 = ReadableStream()
    with pytest.raises(TypeError):
        rs2.pipe_through(ts2)
    assert not rs2.locked


async def test_pipe_through_throws_on_a_bad_signal() -> None:
    with pytest.raises(TypeError):
        ReadableStream().pipe_through(TransformStream(), signal=object())
