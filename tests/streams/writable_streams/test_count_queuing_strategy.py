"""WPT streams/writable-streams/count-queuing-strategy.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import flush_callbacks, then
from websocketstream.streams.strategies import CountQueuingStrategy
from websocketstream.streams.writable import WritableStream


def stream_with_manual_writes(hwm: int) -> tuple[WritableStream, dict[Any, asyncio.Future[Any]]]:
    """A stream whose sink's write of ``chunk`` finishes when ``dones[chunk]`` is resolved."""
    dones: dict[Any, asyncio.Future[Any]] = {}

    def write(chunk: Any, controller: Any) -> asyncio.Future[Any]:
        dones[chunk] = asyncio.get_running_loop().create_future()
        return dones[chunk]

    return WritableStream({"write": write}, CountQueuingStrategy(high_water_mark=hwm)), dones


async def test_can_construct_with_a_valid_count_queuing_strategy() -> None:
    ws = WritableStream({}, CountQueuingStrategy(high_water_mark=4))
    assert ws.get_writer().desired_size == 4


async def test_correctly_governs_desired_size_hwm_0() -> None:
    ws, dones = stream_with_manual_writes(0)
    writer = ws.get_writer()
    await flush_callbacks()
    assert writer.desired_size == 0, "initially 0"

    write_a = writer.write("a")
    assert writer.desired_size == -1, "after the 1st write()"
    write_b = writer.write("b")
    assert writer.desired_size == -2, "after the 2nd write()"

    dones["a"].set_result(None)
    await then(write_a)
    assert writer.desired_size == -1, "after completing the 1st write()"

    dones["b"].set_result(None)
    await then(write_b)
    assert writer.desired_size == 0, "after completing the 2nd write()"

    write_c = writer.write("c")
    assert writer.desired_size == -1, "after the 3rd write()"
    dones["c"].set_result(None)
    await then(write_c)
    assert writer.desired_size == 0, "after completing the 3rd write()"


async def test_correctly_governs_desired_size_hwm_4() -> None:
    ws, dones = stream_with_manual_writes(4)
    writer = ws.get_writer()
    await flush_callbacks()
    assert writer.desired_size == 4, "initially 4"

    write_a = writer.write("a")
    assert writer.desired_size == 3
    write_b = writer.write("b")
    assert writer.desired_size == 2
    write_c = writer.write("c")
    assert writer.desired_size == 1
    write_d = writer.write("d")
    assert writer.desired_size == 0
    later = [writer.write("e")]
    assert writer.desired_size == -1
    later.append(writer.write("f"))
    assert writer.desired_size == -2
    later.append(writer.write("g"))
    assert writer.desired_size == -3, "after the 7th write()"

    dones["a"].set_result(None)
    await then(write_a)
    assert writer.desired_size == -2, "after completing the 1st write()"

    dones["b"].set_result(None)
    await then(write_b)
    assert writer.desired_size == -1, "after completing the 2nd write()"

    dones["c"].set_result(None)
    await then(write_c)
    assert writer.desired_size == 0, "after completing the 3rd write()"

    later.append(writer.write("h"))
    assert writer.desired_size == -1, "after the 8th write()"

    dones["d"].set_result(None)
    await then(write_d)
    assert writer.desired_size == 0, "after completing the 4th write()"

    later.append(writer.write("i"))
    assert writer.desired_size == -1, "after the 9th write()"
    for pending_write in later:
        assert not pending_write.done(), "the sink has not finished the later writes"
