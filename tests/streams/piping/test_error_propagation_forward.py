"""WPT streams/piping/error-propagation-forward.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from tests.streams.piping._util import errored_readable


async def test_errored_source_aborts_dest(error1: Exception) -> None:
    ws = recording_writable_stream()
    await assert_rejects(errored_readable(error1).pipe_to(ws), error1)
    assert ws.events == ["abort", error1]


async def test_becomes_errored_aborts_dest(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    pipe = rs.pipe_to(ws)
    await flush_callbacks()
    rs.controller.error(error1)
    await assert_rejects(pipe, error1)
    assert ws.events == ["abort", error1]
    await assert_rejects(ws.get_writer().closed, error1)


async def test_prevent_abort_keeps_dest_writable(error1: Exception) -> None:
    ws = recording_writable_stream()
    await assert_rejects(errored_readable(error1).pipe_to(ws, prevent_abort=True), error1)
    assert ws.events == []
    assert ws._state == "writable"


async def test_dest_abort_rejection_replaces_error(error1: Exception, error2: Exception) -> None:
    def abort(reason: Any) -> None:
        raise error2

    ws = recording_writable_stream({"abort": abort})
    await assert_rejects(errored_readable(error1).pipe_to(ws), error2)


async def test_error_after_chunks_waits_for_in_flight_write(error1: Exception) -> None:
    write_future = asyncio.get_running_loop().create_future()
    rs = recording_readable_stream()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    pipe = rs.pipe_to(ws)
    rs.controller.enqueue("a")
    await flush_callbacks()
    assert ws.events == ["write", "a"]
    rs.controller.error(error1)
    await flush_callbacks()
    assert ws.events == ["write", "a"], "abort waits for the in-flight write"
    write_future.set_result(None)
    await assert_rejects(pipe, error1)
    assert ws.events == ["write", "a", "abort", error1]


async def test_error_with_prevent_abort_waits_for_writes(error1: Exception) -> None:
    write_future = asyncio.get_running_loop().create_future()
    rs = recording_readable_stream()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    pipe = rs.pipe_to(ws, prevent_abort=True)
    rs.controller.enqueue("a")
    await flush_callbacks()
    rs.controller.error(error1)
    await flush_callbacks()
    assert not pipe.done(), "shutdown waits for the pending write"
    write_future.set_result(None)
    await assert_rejects(pipe, error1)
    assert ws.events == ["write", "a"]
