"""WPT streams/writable-streams/bad-strategies.any.js.

A strategy member that is not a number is a ``TypeError`` here (the project's convention:
Python does not turn ``"foo"`` or ``{}`` into NaN as JavaScript's ToNumber does); NaN and
negative high-water marks are a ``RangeError`` as in the spec.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, settle
from websocketstream.dom import RangeError
from websocketstream.streams.writable import WritableStream


async def test_throwing_strategy_size_getter(error1: Exception) -> None:
    class Strategy:
        high_water_mark = 5

        @property
        def size(self) -> Any:
            raise error1

    with pytest.raises(type(error1)) as info:
        WritableStream({}, Strategy())
    assert info.value is error1, "construction should re-raise the error"


async def test_reject_any_non_function_value_for_strategy_size() -> None:
    with pytest.raises(TypeError):
        WritableStream({}, {"size": "a string"})


async def test_throwing_strategy_high_water_mark_getter(error1: Exception) -> None:
    class Strategy:
        def size(self, chunk: Any) -> int:
            return 1

        @property
        def high_water_mark(self) -> Any:
            raise error1

    with pytest.raises(type(error1)) as info:
        WritableStream({}, Strategy())
    assert info.value is error1, "construction should re-raise the error"


@pytest.mark.parametrize("high_water_mark", [-1, -math.inf, math.nan])
async def test_invalid_strategy_high_water_mark(high_water_mark: float) -> None:
    with pytest.raises(RangeError):
        WritableStream({}, {"size": lambda chunk: 1, "high_water_mark": high_water_mark})


@pytest.mark.parametrize("high_water_mark", ["foo", {}], ids=["string", "dict"])
async def test_invalid_strategy_high_water_mark_not_a_number(high_water_mark: Any) -> None:
    # JavaScript converts these to NaN (RangeError); Python refuses the non-number (TypeError).
    with pytest.raises(TypeError):
        WritableStream({}, {"size": lambda chunk: 1, "high_water_mark": high_water_mark})


async def test_throwing_strategy_size_method(error1: Exception) -> None:
    def size(chunk: Any) -> int:
        raise error1

    writer = WritableStream({}, {"size": size, "high_water_mark": 5}).get_writer()
    await assert_rejects(writer.write("a"), error1, "write")
    await assert_rejects(writer.closed, error1, "closed")


@pytest.mark.parametrize("size", [math.nan, -math.inf, math.inf, -1])
async def test_invalid_strategy_size_return_value(size: float) -> None:
    ws = WritableStream({}, {"size": lambda chunk: size, "high_water_mark": 5})
    writer = ws.get_writer()
    write_error = await assert_rejects(writer.write("a"), RangeError, "write")
    outcome, closed_error = await settle(writer.closed)
    assert outcome == "rejected"
    assert closed_error is write_error, "closed should reject with the same error as write"


async def test_invalid_size_beats_invalid_high_water_mark() -> None:
    with pytest.raises(TypeError):
        WritableStream(None, {"size": "not a function", "high_water_mark": math.nan})
