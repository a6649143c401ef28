"""WPT streams/transform-streams/strategies.any.js: the strategies reach the readable and
writable sides (the sides' own strategy handling is tested with ReadableStream and
WritableStream)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.dom import RangeError
from websocketstream.streams.transform import TransformStream


class ConvertsTo42:
    """JavaScript's ``{ toString() { return '42'; } }``: a number only by conversion."""

    def __float__(self) -> float:
        return 42.0


async def test_writable_strategy_high_water_mark_works() -> None:
    ts = TransformStream({}, {"high_water_mark": 17})
    assert ts.writable.get_writer().desired_size == 17


async def test_readable_strategy_high_water_mark_works() -> None:
    events: list[Any] = []

    def transform(chunk: Any, controller: Any) -> None:
        events.extend(["transform", chunk])
        controller.enqueue(chunk)

    ts = TransformStream({"transform": transform}, None, {"high_water_mark": 9})
    writer = ts.writable.get_writer()
    writes = [writer.write(i) for i in range(10)]
    await flush_callbacks()
    assert events == [x for i in range(9) for x in ("transform", i)], "9 transform() calls"
    assert [w.done() for w in writes] == [True] * 9 + [False]


async def test_writable_has_the_correct_size_function() -> None:
    calls: list[str] = []

    def transform(chunk: Any, controller: Any) -> None:
        calls.append("transform")
        assert calls == ["writable size", "transform"], "only the writable size() has run"
        controller.enqueue(chunk)
        assert calls[-1] == "readable size", "enqueue() calls the readable size()"

    def writable_size(chunk: Any) -> int:
        calls.append("writable size")
        return 1

    def readable_size(chunk: Any) -> int:
        calls.append("readable size")
        return 1

    ts = TransformStream(
        {"transform": transform},
        {"size": writable_size},
        {"size": readable_size, "high_water_mark": math.inf},
    )
    await ts.writable.get_writer().write()
    assert calls == ["writable size", "transform", "readable size"], "transform() was called"


async def test_default_writable_strategy_is_high_water_mark_1() -> None:
    writer = TransformStream().writable.get_writer()
    assert writer.desired_size == 1, "the default writable HWM is 1"
    writer.write(None)
    assert writer.desired_size == 0, "the default chunk size is 1"


async def test_default_readable_strategy_is_high_water_mark_0() -> None:
    desired_sizes: list[Any] = []

    def transform(chunk: Any, controller: Any) -> None:
        desired_sizes.append(controller.desired_size)
        controller.enqueue(None)
        # The first chunk enqueued is consumed by the pending read().
        desired_sizes.append(controller.desired_size)
        controller.enqueue(None)
        desired_sizes.append(controller.desired_size)

    ts = TransformStream({"transform": transform})
    write_promise = ts.writable.get_writer().write()
    await ts.readable.get_reader().read()
    await write_promise
    assert desired_sizes == [0, 0, -1]


@pytest.mark.parametrize("high_water_mark", [-1, math.nan])
@pytest.mark.parametrize("side", ["writable", "readable"])
async def test_range_error_for_an_invalid_high_water_mark(
    side: str, high_water_mark: float
) -> None:
    strategy = {"high_water_mark": high_water_mark}
    with pytest.raises(RangeError):
        if side == "writable":
            TransformStream(None, strategy)
        else:
            TransformStream(None, None, strategy)


async def test_writable_strategy_high_water_mark_converted_to_a_number() -> None:
    ts = TransformStream(None, {"high_water_mark": ConvertsTo42()})
    assert ts.writable.get_writer().desired_size == 42


async def test_readable_strategy_high_water_mark_converted_to_a_number() -> None:
    desired_sizes: list[Any] = []
    TransformStream(
        {"start": lambda c: desired_sizes.append(c.desired_size)},
        None,
        {"high_water_mark": ConvertsTo42()},
    )
    assert desired_sizes == [42]


async def test_bad_readable_size_function_rejects_write_on_an_identity_transform() -> None:
    ts = TransformStream(None, None, {"size": lambda chunk: math.nan, "high_water_mark": 1})
    await assert_rejects(ts.writable.get_writer().write(), RangeError, "write()")


async def test_bad_readable_size_errors_stream_on_enqueue_even_when_transform_catches() -> None:
    raised: list[BaseException] = []

    def transform(chunk: Any, controller: Any) -> None:
        # Catching the error is the point: transform() itself does not raise.
        with pytest.raises(RangeError) as info:
            controller.enqueue(chunk)
        raised.append(info.value)

    ts = TransformStream(
        {"transform": transform}, None, {"size": lambda chunk: -1, "high_water_mark": 1}
    )
    writer = ts.writable.get_writer()
    await writer.write()
    assert len(raised) == 1
    await assert_rejects(writer.ready, RangeError, "ready")
    await assert_rejects(writer.closed, RangeError, "closed")
    await assert_rejects(ts.readable.get_reader().closed, RangeError, "the readable's closed")
