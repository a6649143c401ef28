"""WPT streams/piping/transform-streams.any.js: piping through identity transforms."""

from __future__ import annotations

from typing import Any

from tests.streams.helpers import assert_rejects, recording_writable_stream
from tests.streams.piping._util import errored_readable, readable_of
from websocketstream.streams.transform import TransformStream


async def test_pipe_through_three_identity_transforms() -> None:
    ws = recording_writable_stream()
    rs = readable_of("a", "b", "c")
    for _ in range(3):
        rs = rs.pipe_through(TransformStream())
    await rs.pipe_to(ws)
    assert ws.events == ["write", "a", "write", "b", "write", "c", "close"]


async def test_error_travels_through_transform(error1: Exception) -> None:
    ws = recording_writable_stream()
    rs = errored_readable(error1).pipe_through(TransformStream())
    await assert_rejects(rs.pipe_to(ws), error1)
    assert ws.events == ["abort", error1]


async def test_dest_error_cancels_through_transform(error1: Exception) -> None:
    cancelled: list[Any] = []

    def write(chunk: object, c: object) -> None:
        raise error1

    from tests.streams.helpers import recording_readable_stream

    source = recording_readable_stream({"cancel": cancelled.append})
    source.controller.enqueue("a")
    ws = recording_writable_stream({"write": write})
    await assert_rejects(source.pipe_through(TransformStream()).pipe_to(ws), error1)
    from tests.streams.helpers import flush_callbacks

    await flush_callbacks()
    assert cancelled == [error1]
