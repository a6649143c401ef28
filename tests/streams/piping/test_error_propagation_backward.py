"""WPT streams/piping/error-propagation-backward.any.js."""

from __future__ import annotations

from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from websocketstream.streams.writable import WritableStream


async def test_errored_dest_cancels_source(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = WritableStream({"start": lambda c: c.error(error1)})
    await flush_callbacks()
    await assert_rejects(rs.pipe_to(ws), error1)
    assert rs.events_without_pulls == ["cancel", error1]


async def test_dest_write_rejection_cancels_source(error1: Exception) -> None:
    def write(chunk: Any, c: Any) -> None:
        raise error1

    rs = recording_readable_stream()
    ws = recording_writable_stream({"write": write})
    pipe = rs.pipe_to(ws)
    rs.controller.enqueue("a")
    await assert_rejects(pipe, error1)
    assert rs.events_without_pulls == ["cancel", error1]
    assert ws.events == ["write", "a"]


async def test_dest_becomes_errored_cancels_source(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    ws.controller.error(error1)
    await assert_rejects(pipe, error1)
    assert rs.events_without_pulls == ["cancel", error1]


async def test_prevent_cancel_keeps_source_readable(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws, prevent_cancel=True)
    await flush_callbacks()
    ws.controller.error(error1)
    await assert_rejects(pipe, error1)
    assert rs.events_without_pulls == []
    assert rs._state == "readable"
    assert not rs.locked


async def test_source_cancel_rejection_replaces_error(error1: Exception, error2: Exception) -> None:
    def cancel(reason: Any) -> None:
        raise error2

    rs = recording_readable_stream({"cancel": cancel})
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    ws.controller.error(error1)
    await assert_rejects(pipe, error2)


async def test_chunk_read_before_dest_error_is_not_lost_silently(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    rs.controller.enqueue("a")
    await flush_callbacks()
    ws.controller.error(error1)
    await assert_rejects(pipe, error1)
    assert ws.events == ["write", "a"]
