"""WPT streams/writable-streams/general.any.js."""

from __future__ import annotations

from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, rejection, then
from websocketstream.streams.writable import WritableStream, WritableStreamDefaultWriter


async def test_desired_size_on_released_writer_raises() -> None:
    writer = WritableStream({}).get_writer()
    writer.release_lock()
    with pytest.raises(TypeError):
        writer.desired_size  # noqa: B018


async def test_desired_size_initial_value() -> None:
    assert WritableStream({}).get_writer().desired_size == 1


async def test_desired_size_on_closed_stream() -> None:
    writer = WritableStream({}).get_writer()
    writer.close()
    await writer.closed
    assert writer.desired_size == 0


async def test_desired_size_on_errored_stream() -> None:
    writer = WritableStream({"start": lambda c: c.error()}).get_writer()
    assert writer.desired_size is None


async def test_get_writer_on_closing_stream() -> None:
    ws = WritableStream({})
    writer = ws.get_writer()
    writer.close()
    writer.release_lock()
    ws.get_writer()


async def test_get_writer_on_closed_stream() -> None:
    ws = WritableStream({})
    writer = ws.get_writer()
    await writer.close()
    writer.release_lock()
    ws.get_writer()


async def test_get_writer_on_aborted_stream() -> None:
    ws = WritableStream({})
    writer = ws.get_writer()
    writer.abort()
    writer.release_lock()
    ws.get_writer()


async def test_get_writer_on_errored_stream() -> None:
    ws = WritableStream({"start": lambda c: c.error()})
    writer = ws.get_writer()
    await assert_rejects(writer.closed, None)
    writer.release_lock()
    ws.get_writer()


async def test_closed_and_ready_on_released_writer() -> None:
    writer = WritableStream({}).get_writer()
    writer.release_lock()
    closed_error = await assert_rejects(writer.closed, TypeError)
    ready_error = await assert_rejects(writer.ready, TypeError)
    assert ready_error is closed_error, "ready should reject with the same error"


async def test_sink_methods_called_as_methods() -> None:
    seen: list[tuple[str, Any]] = []

    class Sink:
        def start(self, controller: Any) -> None:
            seen.append(("start", self))

        def write(self, chunk: Any, controller: Any) -> None:
            seen.append(("write", self))

        def close(self) -> None:
            seen.append(("close", self))

        def abort(self, reason: Any) -> None:
            seen.append(("abort", self))

    sink = Sink()
    writer = WritableStream(sink).get_writer()
    writer.write("a")
    close_promise = writer.close()
    writer2 = WritableStream(sink).get_writer()
    abort_promise = writer2.abort()
    await close_promise
    await abort_promise
    assert {name for name, _ in seen} == {"start", "write", "close", "abort"}
    assert all(obj is sink for _, obj in seen)


async def test_strategy_size_called_as_plain_function() -> None:
    calls: list[Any] = []
    ws = WritableStream({}, {"size": lambda chunk: calls.append(chunk) or 1})
    await ws.get_writer().write("a")
    assert calls == ["a"]


async def test_redundant_release_lock_is_noop() -> None:
    ws = WritableStream()
    writer1 = ws.get_writer()
    assert writer1.release_lock() is None
    writer2 = ws.get_writer()
    assert writer1.release_lock() is None
    await writer2.ready


async def test_ready_rejects_before_closed_on_release_lock() -> None:
    ws = WritableStream()
    writer = ws.get_writer()
    await then(writer.ready)
    write_promise = writer.write("dummy")
    events: list[str] = []
    writer.ready.add_done_callback(lambda f: (f.exception(), events.append("ready")))
    writer.closed.add_done_callback(lambda f: (f.exception(), events.append("closed")))
    writer.release_lock()
    await flush_callbacks()
    assert events == ["ready", "closed"]
    await write_promise
    await ws.abort()


async def test_writer_constructor_checks_stream() -> None:
    with pytest.raises(TypeError):
        WritableStreamDefaultWriter("not a stream")  # type: ignore[arg-type]
    ws = WritableStream()
    writer = WritableStreamDefaultWriter(ws)
    assert ws.locked
    with pytest.raises(TypeError):
        WritableStreamDefaultWriter(ws)
    writer.release_lock()
    assert not ws.locked


async def test_write_returns_running_future_without_await() -> None:
    written: list[Any] = []
    writer = WritableStream({"write": lambda chunk, c: written.append(chunk)}).get_writer()
    writer.write("x")  # not awaited: still written
    await flush_callbacks()
    assert written == ["x"]


async def test_camel_case_member_hint() -> None:
    writer = WritableStream().get_writer()
    with pytest.raises(AttributeError, match="desired_size"):
        writer.desiredSize  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="get_writer"):
        WritableStream().getWriter  # type: ignore[attr-defined]  # noqa: B018


async def test_unawaited_rejected_abort_reason_is_raw() -> None:
    ws = WritableStream()
    await ws.abort(42)
    closed = ws.get_writer().closed
    await flush_callbacks()
    assert rejection(closed) == 42
