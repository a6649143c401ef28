"""WPT streams/transform-streams/terminate.any.js."""

from __future__ import annotations

from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.transform import TransformStream


async def test_terminate_closes_readable_and_errors_writable() -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    holder["c"].terminate()
    await reader.closed
    await assert_rejects(writer.closed, TypeError)
    await assert_rejects(writer.write("a"), TypeError)


async def test_terminate_in_transform_keeps_enqueued_chunks() -> None:
    def transform(chunk: Any, c: Any) -> None:
        c.enqueue(chunk)
        c.terminate()

    ts = TransformStream({"transform": transform}, None, {"high_water_mark": 1})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    writer.write("a")
    assert (await reader.read()) == ("a", False)
    assert (await reader.read()).done
    await assert_rejects(writer.closed, TypeError)


async def test_enqueue_after_terminate_raises() -> None:
    holder: dict[str, Any] = {}
    TransformStream({"start": lambda c: holder.setdefault("c", c)})
    holder["c"].terminate()
    with pytest.raises(TypeError):
        holder["c"].enqueue("a")


async def test_terminate_then_error_keeps_readable_closed(error1: Exception) -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    reader = ts.readable.get_reader()
    holder["c"].terminate()
    holder["c"].error(error1)
    await reader.closed


async def test_terminate_unblocks_pending_write() -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    writer = ts.writable.get_writer()
    await flush_callbacks()
    write_promise = writer.write("a")
    await flush_callbacks()
    assert not write_promise.done()
    holder["c"].terminate()
    await assert_rejects(write_promise, TypeError)


async def test_flush_not_called_after_terminate() -> None:
    calls: list[str] = []
    holder: dict[str, Any] = {}
    ts = TransformStream(
        {"start": lambda c: holder.setdefault("c", c), "flush": lambda c: calls.append("flush")}
    )
    holder["c"].terminate()
    await assert_rejects(ts.writable.get_writer().close(), TypeError)
    assert calls == []
