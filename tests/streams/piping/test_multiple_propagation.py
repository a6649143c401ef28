"""WPT streams/piping/multiple-propagation.any.js: both streams errored or closed at once."""

from __future__ import annotations

from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)


def errored_source(error: Exception) -> Any:
    return recording_readable_stream({"start": lambda c: c.error(error)})


async def errored_writable(error: Exception) -> Any:
    ws = recording_writable_stream({"start": lambda c: c.error(error)})
    writer = ws.get_writer()
    await assert_rejects(writer.closed, error)
    writer.release_lock()
    assert ws.events == []
    return ws


async def test_errored_source_to_erroring_dest(error1: Exception, error2: Exception) -> None:
    rs = errored_source(error1)
    ws = recording_writable_stream({"start": lambda c: c.error(error2)})
    # Aborting a stream that is erroring gives the writable's error.
    await assert_rejects(rs.pipe_to(ws), error2)
    assert rs.events == []
    assert ws.events == []
    await assert_rejects(rs.get_reader().closed, error1)
    await assert_rejects(ws.get_writer().closed, error2)


async def test_errored_source_to_errored_dest(error1: Exception, error2: Exception) -> None:
    rs = errored_source(error1)
    ws = await errored_writable(error2)
    await assert_rejects(rs.pipe_to(ws), error1)
    assert rs.events == []


async def test_errored_source_to_erroring_dest_prevent_abort(
    error1: Exception, error2: Exception
) -> None:
    rs = errored_source(error1)
    ws = recording_writable_stream({"start": lambda c: c.error(error2)})
    await assert_rejects(rs.pipe_to(ws, prevent_abort=True), error1)
    assert ws.events == []
    await assert_rejects(ws.get_writer().closed, error2)


async def test_errored_source_to_errored_dest_prevent_abort(
    error1: Exception, error2: Exception
) -> None:
    rs = errored_source(error1)
    ws = await errored_writable(error2)
    await assert_rejects(rs.pipe_to(ws, prevent_abort=True), error1)


async def test_errored_source_to_closing_dest(error1: Exception) -> None:
    rs = errored_source(error1)
    ws = recording_writable_stream()
    writer = ws.get_writer()
    close_promise = writer.close()
    writer.release_lock()
    await assert_rejects(rs.pipe_to(ws), error1)
    assert ws.events == ["abort", error1]
    await assert_rejects(ws.get_writer().closed, error1)
    await assert_rejects(close_promise, error1)


async def test_errored_source_to_closed_dest(error1: Exception) -> None:
    rs = errored_source(error1)
    ws = recording_writable_stream()
    writer = ws.get_writer()
    close_promise = writer.close()
    writer.release_lock()
    await flush_callbacks()
    await assert_rejects(rs.pipe_to(ws), error1)
    assert ws.events == ["close"]
    await ws.get_writer().closed
    await close_promise


async def test_closed_source_to_erroring_dest(error1: Exception) -> None:
    rs = recording_readable_stream({"start": lambda c: c.close()})
    ws = recording_writable_stream({"start": lambda c: c.error(error1)})
    await assert_rejects(rs.pipe_to(ws), error1)
    assert rs.events == []
    assert ws.events == []
    await rs.get_reader().closed


async def test_closed_source_to_errored_dest(error2: Exception) -> None:
    rs = recording_readable_stream({"start": lambda c: c.close()})
    ws = await errored_writable(error2)
    await assert_rejects(rs.pipe_to(ws), error2)
    await rs.get_reader().closed


async def test_closed_source_to_closed_dest() -> None:
    rs = recording_readable_stream({"start": lambda c: c.close()})
    ws = recording_writable_stream()
    writer = ws.get_writer()
    writer.close()
    writer.release_lock()
    await rs.pipe_to(ws)
    assert rs.events == []
    assert ws.events == ["close"]
    await rs.get_reader().closed
    await ws.get_writer().closed
