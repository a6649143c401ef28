"""WPT streams/readable-streams/bad-strategies.any.js."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects
from websocketstream.dom.exceptions import RangeError
from websocketstream.streams.readable import ReadableStream

from .rs_utils import with_controller


async def test_size_that_throws_errors_stream_and_enqueue(error1: Exception) -> None:
    def size(chunk: Any) -> int:
        raise error1

    rs, c = with_controller(strategy={"size": size, "high_water_mark": 5})
    with pytest.raises(type(error1)) as info:
        c.enqueue("a")
    assert info.value is error1
    await assert_rejects(rs.get_reader().closed, error1)


async def test_size_getter_that_throws(error1: Exception) -> None:
    class Strategy:
        @property
        def size(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        ReadableStream({}, Strategy())


async def test_size_not_callable() -> None:
    with pytest.raises(TypeError):
        ReadableStream({}, {"size": "potato", "high_water_mark": 1})


@pytest.mark.parametrize("bad_size", [-1, math.nan, math.inf, -math.inf, "1", None])
async def test_invalid_size_return_value(bad_size: Any) -> None:
    rs, c = with_controller(strategy={"size": lambda chunk: bad_size, "high_water_mark": 5})
    with pytest.raises(RangeError):
        c.enqueue("hi")
    await assert_rejects(rs.get_reader().closed, RangeError)


async def test_high_water_mark_getter_that_throws(error1: Exception) -> None:
    class Strategy:
        size = None

        @property
        def high_water_mark(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        ReadableStream({}, Strategy())


@pytest.mark.parametrize("hwm", [-1, -math.inf, math.nan])
async def test_invalid_high_water_mark_is_range_error(hwm: float) -> None:
    with pytest.raises(RangeError):
        ReadableStream({}, {"high_water_mark": hwm})


async def test_non_numeric_high_water_mark_is_type_error() -> None:
    with pytest.raises(TypeError):
        ReadableStream({}, {"high_water_mark": "abc"})
    with pytest.raises(TypeError):
        ReadableStream({}, {"high_water_mark": object()})


async def test_numeric_string_high_water_mark_converts() -> None:
    _, c = with_controller(strategy={"high_water_mark": "4"})
    assert c.desired_size == 4


async def test_size_for_byte_stream_is_range_error() -> None:
    with pytest.raises(RangeError):
        ReadableStream({"type": "bytes"}, {"size": lambda c: 1})
