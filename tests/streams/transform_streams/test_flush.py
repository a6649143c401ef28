"""WPT streams/transform-streams/flush.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.transform import TransformStream


async def test_flush_called_on_close() -> None:
    calls: list[str] = []
    ts = TransformStream({"flush": lambda c: calls.append("flush")})
    writer = ts.writable.get_writer()
    await writer.close()
    assert calls == ["flush"]


async def test_flush_not_called_until_writes_done() -> None:
    calls: list[Any] = []
    transform_future = asyncio.get_running_loop().create_future()

    def transform(chunk: Any, c: Any) -> Any:
        calls.append(chunk)
        return transform_future

    ts = TransformStream(
        {"transform": transform, "flush": lambda c: calls.append("flush")},
        None,
        {"high_water_mark": 1},
    )
    writer = ts.writable.get_writer()
    writer.write("a")
    writer.close()
    await flush_callbacks()
    assert calls == ["a"]
    transform_future.set_result(None)
    await flush_callbacks()
    assert calls == ["a", "flush"]


async def test_flush_can_enqueue() -> None:
    ts = TransformStream({"transform": lambda ch, c: None, "flush": lambda c: c.enqueue("x")})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    writer.write("a")
    writer.close()
    assert (await reader.read()).value == "x"
    assert (await reader.read()).done


async def test_async_flush_delays_readable_close() -> None:
    flush_future = asyncio.get_running_loop().create_future()

    def flush(c: Any) -> Any:
        c.enqueue("x")
        return flush_future

    ts = TransformStream({"flush": flush})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    close_promise = writer.close()
    assert (await reader.read()).value == "x"
    read = reader.read()
    await flush_callbacks()
    assert not read.done()
    flush_future.set_result(None)
    assert (await read).done
    await close_promise


async def test_flush_rejection_errors_readable(error1: Exception) -> None:
    async def flush(c: Any) -> None:
        raise error1

    ts = TransformStream({"flush": flush})
    writer = ts.writable.get_writer()
    await assert_rejects(writer.close(), error1)
    await assert_rejects(ts.readable.get_reader().closed, error1)


async def test_error_in_flush_rejects_close(error1: Exception) -> None:
    ts = TransformStream({"flush": lambda c: c.error(error1)})
    writer = ts.writable.get_writer()
    await assert_rejects(writer.close(), error1)


async def test_cancel_readable_during_flush_rejects_close() -> None:
    flush_future = asyncio.get_running_loop().create_future()
    cancel_calls: list[Any] = []
    ts = TransformStream({"flush": lambda c: flush_future, "cancel": cancel_calls.append})
    writer = ts.writable.get_writer()
    close_promise = writer.close()
    await flush_callbacks()
    cancel_promise = ts.readable.cancel("why")
    flush_future.set_result(None)
    await cancel_promise
    await close_promise
    assert cancel_calls == [], "cancel does not run once flush started"
