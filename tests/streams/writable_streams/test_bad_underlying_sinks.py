"""WPT streams/writable-streams/bad-underlying-sinks.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, recording_writable_stream
from websocketstream.streams.writable import WritableStream


class NotCallableWithApply:
    """JavaScript's ``{ apply() {} }``: has an ``apply`` method but cannot be called."""

    def apply(self, *args: Any) -> None:
        return None


def throwing_getter_sink(member: str, error: Exception) -> Any:
    """A sink object whose ``member`` property raises ``error`` when read."""

    def getter(self: Any) -> Any:
        raise error

    return type("Sink", (), {member: property(getter)})()


async def test_start_errors_in_start_cause_constructor_to_raise(error1: Exception) -> None:
    with pytest.raises(type(error1)) as info:
        WritableStream(throwing_getter_sink("start", error1))
    assert info.value is error1, "the same error as the throwing start getter"

    def start(c: Any) -> None:
        raise error1

    with pytest.raises(type(error1)) as info:
        WritableStream({"start": start})
    assert info.value is error1, "the same error as the throwing start method"

    with pytest.raises(TypeError):
        WritableStream({"start": "not a function or None"})
    with pytest.raises(TypeError):
        WritableStream({"start": NotCallableWithApply()})


async def test_close_throwing_method_rejects_close_and_ready(error1: Exception) -> None:
    def close() -> None:
        raise error1

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    await assert_rejects(writer.close(), error1, "close()")
    await assert_rejects(writer.ready, error1, "ready")
    await assert_rejects(writer.closed, error1, "closed")
    assert ws.events == ["close"]


async def test_close_returning_rejected_promise_rejects_close_and_ready(
    error1: Exception,
) -> None:
    async def close() -> None:
        raise error1

    ws = recording_writable_stream({"close": close})
    writer = ws.get_writer()
    await assert_rejects(writer.close(), error1, "close()")
    await assert_rejects(writer.ready, error1, "ready")
    assert ws.events == ["close"]


async def test_close_throwing_getter_causes_constructor_to_raise(error1: Exception) -> None:
    with pytest.raises(type(error1)) as info:
        WritableStream(throwing_getter_sink("close", error1))
    assert info.value is error1


async def test_write_throwing_getter_causes_constructor_to_raise(error1: Exception) -> None:
    # (The WPT title says "should cause write() and closed to reject"; its body checks that the
    # constructor throws, which is what the spec's dictionary conversion does.)
    with pytest.raises(type(error1)) as info:
        WritableStream(throwing_getter_sink("write", error1))
    assert info.value is error1


async def test_write_throwing_method_rejects_write_and_closed(error1: Exception) -> None:
    def write(chunk: Any, c: Any) -> None:
        raise error1

    writer = WritableStream({"write": write}).get_writer()
    await assert_rejects(writer.write("a"), error1, "write()")
    await assert_rejects(writer.closed, error1, "closed")


async def test_write_promise_rejected_after_writer_write_rejects_write_and_ready(
    error1: Exception,
) -> None:
    loop = asyncio.get_running_loop()
    start_future = loop.create_future()
    start_future.set_result(None)
    sink_writes: list[asyncio.Future[Any]] = []

    def write(chunk: Any, c: Any) -> asyncio.Future[Any]:
        sink_writes.append(loop.create_future())
        return sink_writes[-1]

    ws = recording_writable_stream({"start": lambda c: start_future, "write": write})
    await start_future
    await flush_callbacks()  # the stream's own reaction to start_future has run
    writer = ws.get_writer()
    write_promise = writer.write("a")
    sink_writes[0].set_exception(error1)
    await assert_rejects(write_promise, error1, "writer.write()")
    await assert_rejects(writer.ready, error1, "ready")
    assert ws.events == ["write", "a"]


async def test_write_returning_rejected_promise_second_write_rejects_write_and_ready(
    error1: Exception,
) -> None:
    holder: dict[str, Any] = {}

    async def write(chunk: Any, c: Any) -> None:
        if len(holder["ws"].events) == 2:
            return  # the first write succeeds (asynchronously)
        raise error1

    ws = holder["ws"] = recording_writable_stream({"write": write})
    writer = ws.get_writer()
    # Not awaited: the queue must be "full" (desired_size 0) when ready is read.
    writer.write("a")
    ready_promise = writer.ready
    await assert_rejects(writer.write("b"), error1, "the second write()")
    assert writer.ready is ready_promise, (
        "the queue was full after the first write: the pending ready promise simply settled"
    )
    await assert_rejects(writer.ready, error1, "ready")
    assert ws.events == ["write", "a", "write", "b"]


async def test_abort_non_function_abort_method_with_apply() -> None:
    with pytest.raises(TypeError):
        WritableStream({"abort": NotCallableWithApply()})


async def test_abort_throwing_getter_causes_constructor_to_raise(error1: Exception) -> None:
    with pytest.raises(type(error1)) as info:
        WritableStream(throwing_getter_sink("abort", error1))
    assert info.value is error1


async def test_abort_throwing_method_rejects_abort_and_closed(error1: Exception) -> None:
    abort_reason = Exception("different string")

    def abort(reason: Any) -> None:
        raise error1

    writer = WritableStream({"abort": abort}).get_writer()
    await assert_rejects(writer.abort(abort_reason), error1, "abort()")
    await assert_rejects(writer.closed, abort_reason, "closed")
