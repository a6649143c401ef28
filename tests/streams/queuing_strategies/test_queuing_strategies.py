"""WPT streams/queuing-strategies.any.js (and the count/byte-length strategy integration with
writable streams)."""

from __future__ import annotations

import pytest

from websocketstream.streams.strategies import ByteLengthQueuingStrategy, CountQueuingStrategy
from websocketstream.streams.writable import WritableStream

STRATEGIES = [CountQueuingStrategy, ByteLengthQueuingStrategy]


@pytest.mark.parametrize("cls", STRATEGIES)
def test_high_water_mark_is_required_keyword(cls: type) -> None:
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        cls(4)


@pytest.mark.parametrize("cls", STRATEGIES)
@pytest.mark.parametrize("hwm", [-1, 0, 4.5, float("inf")])
def test_high_water_mark_kept_as_given(cls: type, hwm: float) -> None:
    # The strategy does not validate: the stream constructor does.
    assert cls(high_water_mark=hwm).high_water_mark == hwm


@pytest.mark.parametrize("cls", STRATEGIES)
def test_non_number_high_water_mark_raises(cls: type) -> None:
    with pytest.raises(TypeError):
        cls(high_water_mark=object())


@pytest.mark.parametrize("cls", STRATEGIES)
def test_size_is_the_same_function_every_time(cls: type) -> None:
    a, b = cls(high_water_mark=1), cls(high_water_mark=2)
    assert a.size is b.size


def test_count_size_is_one() -> None:
    size = CountQueuingStrategy(high_water_mark=1).size
    assert size(b"abcdef") == 1
    assert size(None) == 1


def test_byte_length_size() -> None:
    size = ByteLengthQueuingStrategy(high_water_mark=1).size
    assert size(b"abc") == 3
    assert size(bytearray(5)) == 5
    assert size(memoryview(b"abcd").cast("B")) == 4
    assert size(memoryview(bytes(8)).cast("I")) == 8


@pytest.mark.parametrize("cls", STRATEGIES)
def test_camel_case_member_hint(cls: type) -> None:
    with pytest.raises(AttributeError, match="high_water_mark"):
        cls(high_water_mark=1).highWaterMark  # noqa: B018


async def test_count_strategy_with_writable_stream() -> None:
    ws = WritableStream({}, CountQueuingStrategy(high_water_mark=4))
    writer = ws.get_writer()
    assert writer.desired_size == 4
    writer.write("a")
    writer.write("b")
    assert writer.desired_size == 2


async def test_negative_hwm_strategy_rejected_by_stream() -> None:
    from websocketstream.dom import RangeError

    with pytest.raises(RangeError):
        WritableStream({}, CountQueuingStrategy(high_water_mark=-1))


async def test_byte_length_strategy_with_writable_stream() -> None:
    ws = WritableStream({}, ByteLengthQueuingStrategy(high_water_mark=8))
    writer = ws.get_writer()
    writer.write(b"12345")
    assert writer.desired_size == 3
