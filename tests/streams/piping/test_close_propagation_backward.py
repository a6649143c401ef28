"""WPT streams/piping/close-propagation-backward.any.js."""

from __future__ import annotations

from tests.streams.helpers import assert_rejects, recording_readable_stream
from websocketstream.streams.writable import WritableStream


async def closed_writable() -> WritableStream:
    ws = WritableStream()
    writer = ws.get_writer()
    await writer.close()
    writer.release_lock()
    return ws


async def test_closed_dest_cancels_source() -> None:
    rs = recording_readable_stream()
    ws = await closed_writable()
    reason = await assert_rejects(rs.pipe_to(ws), TypeError)
    assert rs.events_without_pulls == ["cancel", reason]


async def test_closing_dest_cancels_source() -> None:
    rs = recording_readable_stream()
    ws = WritableStream()
    writer = ws.get_writer()
    writer.close()
    writer.release_lock()
    reason = await assert_rejects(rs.pipe_to(ws), TypeError)
    assert rs.events_without_pulls == ["cancel", reason]


async def test_closed_dest_with_prevent_cancel() -> None:
    rs = recording_readable_stream()
    ws = await closed_writable()
    await assert_rejects(rs.pipe_to(ws, prevent_cancel=True), TypeError)
    assert rs.events_without_pulls == []
    assert rs._state == "readable"
    assert not rs.locked


async def test_cancel_rejection_replaces_error(error1: Exception) -> None:
    def cancel(reason: object) -> None:
        raise error1

    rs = recording_readable_stream({"cancel": cancel})
    ws = await closed_writable()
    await assert_rejects(rs.pipe_to(ws), error1)
