"""WPT streams/readable-streams/count-queuing-strategy-integration.any.js."""

from __future__ import annotations

from websocketstream.streams.readable import ReadableStream, ReadResult
from websocketstream.streams.strategies import CountQueuingStrategy

from .rs_utils import with_controller


async def test_can_construct_with_a_count_strategy() -> None:
    ReadableStream({}, CountQueuingStrategy(high_water_mark=4))


async def test_hwm_0() -> None:
    rs, c = with_controller(strategy=CountQueuingStrategy(high_water_mark=0))
    reader = rs.get_reader()
    assert c.desired_size == 0
    c.enqueue("a")
    assert c.desired_size == -1
    c.enqueue("b")
    assert c.desired_size == -2
    c.enqueue("c")
    assert c.desired_size == -3
    c.enqueue("d")
    assert c.desired_size == -4
    assert await reader.read() == ReadResult("a", False)
    assert await reader.read() == ReadResult("b", False)
    assert await reader.read() == ReadResult("c", False)
    assert await reader.read() == ReadResult("d", False)
    assert c.desired_size == 0
    c.enqueue("e")
    assert c.desired_size == -1
    assert (await reader.read()).value == "e"
    assert c.desired_size == 0


async def test_hwm_1() -> None:
    rs, c = with_controller(strategy=CountQueuingStrategy(high_water_mark=1))
    reader = rs.get_reader()
    assert c.desired_size == 1
    c.enqueue("a")
    assert c.desired_size == 0
    c.enqueue("b")
    assert c.desired_size == -1
    c.enqueue("c")
    assert c.desired_size == -2
    c.enqueue("d")
    assert c.desired_size == -3
    for chunk in "abcd":
        assert (await reader.read()).value == chunk
    assert c.desired_size == 1
    c.enqueue("e")
    assert c.desired_size == 0
    assert (await reader.read()).value == "e"
    assert c.desired_size == 1


async def test_hwm_4() -> None:
    rs, c = with_controller(strategy=CountQueuingStrategy(high_water_mark=4))
    reader = rs.get_reader()
    assert c.desired_size == 4
    sizes = []
    for chunk in "abcdef":
        c.enqueue(chunk)
        sizes.append(c.desired_size)
    assert sizes == [3, 2, 1, 0, -1, -2]
    assert (await reader.read()).value == "a"
    assert (await reader.read()).value == "b"
    assert c.desired_size == 0
    for chunk in "cdef":
        assert (await reader.read()).value == chunk
    assert c.desired_size == 4
    c.enqueue("g")
    assert c.desired_size == 3
    assert (await reader.read()).value == "g"
    assert c.desired_size == 4
