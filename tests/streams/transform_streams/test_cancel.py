"""WPT streams/transform-streams/cancel.any.js (the transformer's cancel algorithm)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.transform import TransformStream


async def test_readable_cancel_calls_transformer_cancel() -> None:
    calls: list[Any] = []
    ts = TransformStream({"cancel": calls.append})
    await ts.readable.cancel("reason")
    assert calls == ["reason"]
    await assert_rejects(ts.writable.get_writer().closed, "reason")


async def test_writable_abort_calls_transformer_cancel() -> None:
    calls: list[Any] = []
    ts = TransformStream({"cancel": calls.append})
    await ts.writable.abort("reason")
    assert calls == ["reason"]
    await assert_rejects(ts.readable.get_reader().closed, "reason")


async def test_cancel_rejection_propagates(error1: Exception) -> None:
    async def cancel(reason: Any) -> None:
        raise error1

    ts = TransformStream({"cancel": cancel})
    writer = ts.writable.get_writer()
    await assert_rejects(ts.readable.cancel("x"), error1)
    await assert_rejects(writer.closed, error1)


async def test_abort_cancel_rejection_errors_readable(error1: Exception) -> None:
    async def cancel(reason: Any) -> None:
        raise error1

    ts = TransformStream({"cancel": cancel})
    reader = ts.readable.get_reader()
    await assert_rejects(ts.writable.abort("x"), error1)
    await assert_rejects(reader.closed, error1)


async def test_cancel_called_once_for_cancel_then_abort() -> None:
    calls: list[Any] = []
    cancel_future = asyncio.get_running_loop().create_future()

    def cancel(reason: Any) -> Any:
        calls.append(reason)
        return cancel_future

    ts = TransformStream({"cancel": cancel})
    cancel_promise = ts.readable.cancel("a")
    abort_promise = ts.writable.abort("b")
    cancel_future.set_result(None)
    # The abort errored the writable side first, so both report its stored error.
    await assert_rejects(cancel_promise, "b")
    await assert_rejects(abort_promise, "b")
    assert calls == ["a"]


async def test_readable_errored_during_cancel_rejects_abort(error1: Exception) -> None:
    holder: dict[str, Any] = {}
    cancel_future = asyncio.get_running_loop().create_future()
    ts = TransformStream(
        {"start": lambda c: holder.setdefault("c", c), "cancel": lambda r: cancel_future}
    )
    await flush_callbacks()
    abort_promise = ts.writable.abort("x")
    holder["c"].error(error1)
    cancel_future.set_result(None)
    await assert_rejects(abort_promise, error1)


async def test_writable_errored_during_cancel_rejects_cancel(error1: Exception) -> None:
    holder: dict[str, Any] = {}
    cancel_future = asyncio.get_running_loop().create_future()
    ts = TransformStream(
        {"start": lambda c: holder.setdefault("c", c), "cancel": lambda r: cancel_future}
    )
    await flush_callbacks()
    cancel_promise = ts.readable.cancel("x")
    holder["c"].error(error1)
    cancel_future.set_result(None)
    await assert_rejects(cancel_promise, error1)


async def test_cancel_unblocks_write_waiting_on_backpressure() -> None:
    ts = TransformStream()
    writer = ts.writable.get_writer()
    await flush_callbacks()
    write_promise = writer.write("a")
    await flush_callbacks()
    assert not write_promise.done()
    await ts.readable.cancel("gone")
    await assert_rejects(write_promise, "gone")
