"""WPT streams/writable-streams/constructor.any.js, plus constructor-time validation and
start/error checks beyond the WPT files (start.any.js, error.any.js, properties.any.js,
bad-underlying-sinks.any.js and bad-strategies.any.js have their own ports: test_start.py,
test_error.py, ...)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    pending,
    recording_writable_stream,
    then,
)
from websocketstream.dom import RangeError
from websocketstream.streams.writable import (
    WritableStream,
    WritableStreamDefaultController,
    WritableStreamDefaultWriter,
    acquire_writable_stream_default_writer,
    is_writable_stream_locked,
    writable_stream_default_writer_write,
)

# -- constructor.any.js -------------------------------------------------------------------------


async def test_controller_argument_given_to_start() -> None:
    seen: list[Any] = []
    WritableStream({"start": seen.append})
    assert isinstance(seen[0], WritableStreamDefaultController)


async def test_start_exception_raises_from_constructor(error1: Exception) -> None:
    def start(c: Any) -> None:
        raise error1

    with pytest.raises(type(error1)) as info:
        WritableStream({"start": start})
    assert info.value is error1


async def test_controller_error_in_start_errors_stream(error1: Exception) -> None:
    writer = WritableStream({"start": lambda c: c.error(error1)}).get_writer()
    await assert_rejects(writer.closed, error1)


async def test_rejected_start_errors_stream(error1: Exception) -> None:
    async def start(c: Any) -> None:
        raise error1

    writer = WritableStream({"start": start}).get_writer()
    await assert_rejects(writer.closed, error1)
    await assert_rejects(writer.write("a"), error1)


async def test_constructible_with_no_arguments_and_empty_objects() -> None:
    WritableStream()
    WritableStream(None)
    WritableStream({})
    WritableStream({}, {})
    WritableStream(object())


async def test_default_hwm_is_one() -> None:
    assert WritableStream().get_writer().desired_size == 1


async def test_custom_hwm_and_size() -> None:
    writer = WritableStream({}, {"high_water_mark": 5, "size": lambda c: 2}).get_writer()
    assert writer.desired_size == 5


async def test_controller_cannot_be_constructed() -> None:
    with pytest.raises(TypeError):
        WritableStreamDefaultController()


async def test_writer_on_locked_stream_raises() -> None:
    ws = WritableStream()
    ws.get_writer()
    with pytest.raises(TypeError):
        ws.get_writer()
    with pytest.raises(TypeError):
        WritableStreamDefaultWriter(ws)


async def test_abstract_ops_exported() -> None:
    ws = WritableStream()
    assert not is_writable_stream_locked(ws)
    writer = acquire_writable_stream_default_writer(ws)
    assert is_writable_stream_locked(ws)
    await writable_stream_default_writer_write(writer, "x")


async def test_no_running_loop_is_clear() -> None:
    # Made without a loop, it needs one when first used (tests/streams/test_loop_binding.py).
    def build() -> None:
        WritableStream().get_writer()

    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        await asyncio.to_thread(build)


# -- bad-underlying-sinks.any.js ----------------------------------------------------------------


@pytest.mark.parametrize("member", ["start", "write", "close", "abort"])
async def test_non_callable_sink_member_raises(member: str) -> None:
    with pytest.raises(TypeError, match=member):
        WritableStream({member: "not a function"})


async def test_sink_type_must_be_none() -> None:
    with pytest.raises(RangeError):
        WritableStream({"type": "bytes"})


async def test_camel_case_strategy_member_raises() -> None:
    with pytest.raises(TypeError, match="high_water_mark"):
        WritableStream({}, {"highWaterMark": 2})


async def test_sink_getter_that_raises_propagates(error1: Exception) -> None:
    class Sink:
        @property
        def write(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        WritableStream(Sink())


async def test_sink_write_throws_sync(error1: Exception) -> None:
    def write(chunk: Any, c: Any) -> None:
        raise error1

    writer = WritableStream({"write": write}).get_writer()
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.closed, error1)


async def test_sink_close_throws_sync(error1: Exception) -> None:
    def close() -> None:
        raise error1

    writer = WritableStream({"close": close}).get_writer()
    await assert_rejects(writer.close(), error1)
    await assert_rejects(writer.closed, error1)


async def test_sink_abort_rejects(error1: Exception) -> None:
    async def abort(reason: Any) -> None:
        raise error1

    writer = WritableStream({"abort": abort}).get_writer()
    await assert_rejects(writer.abort("r"), error1)
    await assert_rejects(writer.closed, "r")


# -- bad-strategies.any.js ----------------------------------------------------------------------


@pytest.mark.parametrize("hwm", [-1, -math.inf, math.nan])
async def test_invalid_hwm_raises_range_error(hwm: float) -> None:
    with pytest.raises(RangeError):
        WritableStream({}, {"high_water_mark": hwm})


async def test_non_number_hwm_raises_type_error() -> None:
    with pytest.raises(TypeError):
        WritableStream({}, {"high_water_mark": object()})


async def test_non_callable_size_raises_type_error() -> None:
    with pytest.raises(TypeError):
        WritableStream({}, {"size": "not a function"})


async def test_infinite_hwm_is_allowed() -> None:
    writer = WritableStream({}, {"high_water_mark": math.inf}).get_writer()
    assert writer.desired_size == math.inf


async def test_hwm_string_number_is_converted() -> None:
    writer = WritableStream({}, {"high_water_mark": "4"}).get_writer()
    assert writer.desired_size == 4


# -- start.any.js -------------------------------------------------------------------------------


async def test_writes_queued_until_async_start_finishes() -> None:
    start_future = pending()
    ws = recording_writable_stream({"start": lambda c: start_future})
    writer = ws.get_writer()
    assert writer.desired_size == 1
    w = writer.write("a")
    assert writer.desired_size == 0
    await flush_callbacks()
    assert ws.events == []
    start_future.set_result(None)
    await w
    assert ws.events == ["write", "a"]


async def test_ready_waits_for_start_when_backpressure() -> None:
    start_future = pending()
    ws = WritableStream({"start": lambda c: start_future}, {"high_water_mark": 0})
    writer = ws.get_writer()
    await flush_callbacks()
    assert not writer.ready.done()
    start_future.set_result(None)
    await flush_callbacks()
    assert not writer.ready.done(), "desired size 0 keeps backpressure"


async def test_start_return_value_can_be_awaitable() -> None:
    order: list[str] = []

    async def start(c: Any) -> None:
        await flush_callbacks(3)
        order.append("started")

    ws = recording_writable_stream({"start": start})
    await ws.get_writer().write("a")
    assert order == ["started"]
    assert ws.events == ["write", "a"]


async def test_controller_error_after_start_rejection_is_ignored(
    error1: Exception, error2: Exception
) -> None:
    holder: dict[str, Any] = {}

    async def start(c: Any) -> None:
        holder["c"] = c
        raise error1

    writer = WritableStream({"start": start}).get_writer()
    await assert_rejects(writer.closed, error1)
    holder["c"].error(error2)
    await assert_rejects(writer.closed, error1)


# -- error.any.js -------------------------------------------------------------------------------


async def test_controller_error_while_writable_rejects_ready_and_closed(
    error1: Exception,
) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    await then(writer.ready)
    ws.controller.error(error1)
    await assert_rejects(writer.ready, error1)
    await assert_rejects(writer.closed, error1)
    assert writer.desired_size is None


async def test_controller_error_twice_keeps_first(error1: Exception, error2: Exception) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    ws.controller.error(error1)
    ws.controller.error(error2)
    await assert_rejects(writer.closed, error1)


async def test_controller_error_after_close_is_noop(error1: Exception) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    await writer.close()
    ws.controller.error(error1)
    await writer.closed


async def test_controller_error_with_no_argument() -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    ws.controller.error()
    await assert_rejects(writer.closed, None)


async def test_controller_error_does_not_call_sink_abort(error1: Exception) -> None:
    ws = recording_writable_stream()
    writer = ws.get_writer()
    ws.controller.error(error1)
    await assert_rejects(writer.closed, error1)
    assert ws.events == []


# -- properties.any.js --------------------------------------------------------------------------


def test_public_members_have_docstrings() -> None:
    for cls, names in {
        WritableStream: ["locked", "abort", "close", "get_writer"],
        WritableStreamDefaultWriter: [
            "closed",
            "desired_size",
            "ready",
            "abort",
            "close",
            "release_lock",
            "write",
        ],
        WritableStreamDefaultController: ["signal", "error"],
    }.items():
        assert cls.__doc__
        for name in names:
            member = getattr(cls, name)
            assert member.__doc__, f"{cls.__name__}.{name} needs a docstring"


async def test_method_results_are_futures() -> None:
    ws = WritableStream()
    assert isinstance(ws.abort(), asyncio.Future)
    ws2 = WritableStream()
    assert isinstance(ws2.close(), asyncio.Future)
    writer = WritableStream().get_writer()
    for result in (writer.write("a"), writer.close(), writer.abort()):
        assert isinstance(result, asyncio.Future)
    assert writer.closed is writer.closed
    assert writer.ready is writer.ready
