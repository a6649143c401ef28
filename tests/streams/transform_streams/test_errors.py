"""WPT streams/transform-streams/errors.any.js."""

from __future__ import annotations

from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, then
from websocketstream.streams.transform import TransformStream


async def test_transform_throwing_errors_both_sides(error1: Exception) -> None:
    def transform(chunk: Any, c: Any) -> None:
        raise error1

    ts = TransformStream({"transform": transform})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    read = reader.read()  # readable HWM 0: transform() runs once a read pulls
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(read, error1)
    await assert_rejects(reader.closed, error1)
    await assert_rejects(writer.closed, error1)


async def test_async_transform_rejecting_errors_both_sides(error1: Exception) -> None:
    async def transform(chunk: Any, c: Any) -> None:
        await flush_callbacks(2)
        raise error1

    ts = TransformStream({"transform": transform})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    read = reader.read()
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(read, error1)
    await assert_rejects(reader.closed, error1)


async def test_flush_throwing_errors_both_sides(error1: Exception) -> None:
    def flush(c: Any) -> None:
        raise error1

    ts = TransformStream({"flush": flush})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    await assert_rejects(writer.close(), error1)
    await assert_rejects(reader.closed, error1)
    await assert_rejects(writer.closed, error1)


async def test_controller_error_in_transform(error1: Exception) -> None:
    ts = TransformStream({"transform": lambda chunk, c: c.error(error1)})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    read = reader.read()
    writer.write("a")
    await assert_rejects(read, error1)
    await assert_rejects(reader.closed, error1)
    await assert_rejects(writer.closed, error1)


async def test_controller_error_in_start(error1: Exception) -> None:
    ts = TransformStream({"start": lambda c: c.error(error1)})
    await assert_rejects(ts.writable.get_writer().closed, error1)
    await assert_rejects(ts.readable.get_reader().closed, error1)


async def test_error_after_error_is_noop(error1: Exception, error2: Exception) -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    holder["c"].error(error1)
    holder["c"].error(error2)
    await assert_rejects(ts.readable.get_reader().closed, error1)
    await assert_rejects(ts.writable.get_writer().closed, error1)


async def test_enqueue_after_error_raises(error1: Exception) -> None:
    holder: dict[str, Any] = {}
    TransformStream({"start": lambda c: holder.setdefault("c", c)})
    holder["c"].error(error1)
    with pytest.raises(TypeError):
        holder["c"].enqueue("a")


async def test_writable_abort_errors_readable(error1: Exception) -> None:
    ts = TransformStream()
    reader = ts.readable.get_reader()
    await ts.writable.abort(error1)
    await assert_rejects(reader.closed, error1)


async def test_readable_cancel_errors_writable(error1: Exception) -> None:
    ts = TransformStream()
    writer = ts.writable.get_writer()
    await ts.readable.cancel(error1)
    await assert_rejects(writer.closed, error1)


async def test_error_while_write_blocked_on_backpressure(error1: Exception) -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    writer = ts.writable.get_writer()
    await then(writer.ready)
    write_promise = writer.write("a")
    await flush_callbacks()
    assert not write_promise.done(), "the write waits for a pull"
    holder["c"].error(error1)
    await assert_rejects(write_promise, error1)
    await assert_rejects(writer.closed, error1)


async def test_abort_while_write_blocked_on_backpressure_waits_for_a_read(
    error1: Exception,
) -> None:
    # The blocked write is in flight, so the sink's abort waits for it; a read releases it.
    ts = TransformStream()
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    await then(writer.ready)
    write_promise = writer.write("a")
    await flush_callbacks()
    abort_promise = writer.abort(error1)
    await flush_callbacks()
    assert not write_promise.done()
    assert not abort_promise.done()
    read = reader.read()
    await assert_rejects(write_promise, error1)
    await abort_promise
    await assert_rejects(read, error1)
    await assert_rejects(reader.closed, error1)


async def test_readable_size_error_rethrown_from_enqueue(error1: Exception) -> None:
    def size(chunk: Any) -> int:
        raise error1

    raised: list[BaseException] = []

    def start(c: Any) -> None:
        try:
            c.enqueue("a")
        except Exception as exc:
            raised.append(exc)

    ts = TransformStream({"start": start}, None, {"size": size})
    assert raised == [error1]
    await assert_rejects(ts.writable.get_writer().closed, error1)
