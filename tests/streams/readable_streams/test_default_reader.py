"""WPT streams/readable-streams/default-reader.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, rejection
from websocketstream.streams.readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadResult,
)

from .rs_utils import with_controller


async def test_constructor_rejects_non_streams() -> None:
    for bad in (None, object(), {}, 42):
        with pytest.raises(TypeError):
            ReadableStreamDefaultReader(bad)  # type: ignore[arg-type]


async def test_constructor_returns_a_reader_and_locks() -> None:
    rs = ReadableStream()
    reader = ReadableStreamDefaultReader(rs)
    assert isinstance(reader, ReadableStreamDefaultReader)
    assert rs.locked
    for name in ("read", "release_lock", "cancel", "closed"):
        assert hasattr(reader, name)


async def test_cannot_get_a_second_reader_on_a_locked_stream() -> None:
    rs = ReadableStream()
    ReadableStreamDefaultReader(rs)
    with pytest.raises(TypeError):
        ReadableStreamDefaultReader(rs)
    with pytest.raises(TypeError):
        rs.get_reader()


async def test_reader_on_closed_stream() -> None:
    rs = ReadableStream({"start": lambda c: c.close()})
    reader = rs.get_reader()
    assert await reader.read() == ReadResult(None, True)
    await reader.closed


async def test_reader_on_errored_stream(error1: Exception) -> None:
    rs = ReadableStream({"start": lambda c: c.error(error1)})
    reader = rs.get_reader()
    await assert_rejects(reader.closed, error1)
    await assert_rejects(reader.read(), error1)


async def test_closed_is_the_same_future_each_time() -> None:
    reader = ReadableStream().get_reader()
    assert reader.closed is reader.closed


async def test_release_with_pending_read_rejects_it_and_closed() -> None:
    rs = ReadableStream()
    reader = rs.get_reader()
    read = reader.read()
    closed_before = reader.closed
    reader.release_lock()
    await assert_rejects(read, TypeError)
    await assert_rejects(closed_before, TypeError)
    assert reader.closed is closed_before, "a readable stream's closed future is rejected"
    assert not rs.locked


async def test_release_after_close_gives_a_new_rejected_closed() -> None:
    rs = ReadableStream({"start": lambda c: c.close()})
    reader = rs.get_reader()
    closed_before = reader.closed
    await closed_before
    reader.release_lock()
    assert reader.closed is not closed_before
    await assert_rejects(reader.closed, TypeError)


async def test_read_and_cancel_after_release_reject() -> None:
    reader = ReadableStream().get_reader()
    reader.release_lock()
    await assert_rejects(reader.read(), TypeError)
    await assert_rejects(reader.cancel(), TypeError)
    reader.release_lock()  # a no-op


async def test_released_reader_cannot_unlock_again() -> None:
    rs = ReadableStream()
    reader1 = rs.get_reader()
    reader1.release_lock()
    reader2 = rs.get_reader()
    reader1.release_lock()
    assert rs.locked, "releasing a released reader does not unlock the new one"
    reader2.release_lock()
    assert not rs.locked


async def test_second_reader_reads_chunks_left_by_the_first() -> None:
    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")
        c.close()

    rs = ReadableStream({"start": start})
    reader1 = rs.get_reader()
    assert (await reader1.read()).value == "a"
    reader1.release_lock()
    reader2 = rs.get_reader()
    assert await reader2.read() == ReadResult("b", False)
    assert await reader2.read() == ReadResult(None, True)


async def test_reading_twice_on_a_stream_that_gets_closed() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    reads = [reader.read(), reader.read()]
    c.close()
    assert [await r for r in reads] == [ReadResult(None, True)] * 2
    await reader.closed


async def test_reading_twice_on_a_closed_stream() -> None:
    rs, c = with_controller()
    c.close()
    reader = rs.get_reader()
    assert await reader.read() == ReadResult(None, True)
    assert await reader.read() == ReadResult(None, True)


async def test_reading_twice_on_a_stream_that_gets_errored(error1: Exception) -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    reads = [reader.read(), reader.read()]
    c.error(error1)
    for r in reads:
        await assert_rejects(r, error1)
    await assert_rejects(reader.closed, error1)


async def test_erroring_after_checking_closed_rejects_closed(error1: Exception) -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    closed = reader.closed
    c.error(error1)
    await assert_rejects(closed, error1)


async def test_erroring_before_getting_reader_rejects_closed(error1: Exception) -> None:
    rs, c = with_controller()
    c.error(error1)
    await assert_rejects(rs.get_reader().closed, error1)


async def test_error_with_none_rejects_with_none() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    c.error()
    await flush_callbacks()
    assert rejection(reader.closed) is None


async def test_start_rejecting_with_no_reason_errors_with_none() -> None:
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    from websocketstream._promise import RejectionReason

    f.set_exception(RejectionReason(None))
    reader = ReadableStream({"start": lambda c: f}).get_reader()
    await flush_callbacks()
    assert rejection(reader.closed) is None


async def test_read_of_queued_chunk_is_already_resolved() -> None:
    rs, c = with_controller()
    c.enqueue("a")
    read = rs.get_reader().read()
    assert read.done(), "no event loop turn is needed for a queued chunk"
    assert read.result() == ReadResult("a", False)
    value, done = read.result()
    assert (value, done) == ("a", False)


async def test_pending_reads_settle_in_order() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    reads = [reader.read() for _ in range(3)]
    for i in range(3):
        c.enqueue(i)
        assert reads[i].done()
        assert all(not r.done() for r in reads[i + 1 :])
    assert [r.result().value for r in reads] == [0, 1, 2]


async def test_get_reader_after_release_sees_closed_stream() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    reader.release_lock()
    c.close()
    reader2 = rs.get_reader()
    await reader2.closed


async def test_closed_after_release_of_errored_stream(error1: Exception) -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    c.error(error1)
    reader.release_lock()
    await assert_rejects(reader.closed, TypeError)
    await assert_rejects(rs.get_reader().closed, error1)
