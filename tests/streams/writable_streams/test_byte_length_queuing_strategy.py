"""WPT streams/writable-streams/byte-length-queuing-strategy.any.js."""

from __future__ import annotations

import asyncio

from tests.streams.helpers import flush_callbacks
from websocketstream.streams.strategies import ByteLengthQueuingStrategy
from websocketstream.streams.writable import WritableStream


async def test_closing_with_in_flight_writes_below_hwm_delays_the_close_call() -> None:
    write_done = asyncio.get_running_loop().create_future()
    close_calls: list[bool] = []

    def close() -> None:
        close_calls.append(write_done.done())
        assert write_done.done(), "close is only called once the write's promise has resolved"

    ws = WritableStream(
        {"write": lambda chunk, c: write_done, "close": close},
        ByteLengthQueuingStrategy(high_water_mark=1024 * 16),
    )
    writer = ws.get_writer()
    writer.write(bytes(1024))
    closed = writer.close()
    await flush_callbacks()
    assert close_calls == [], "the sink's close waits for the in-flight write"
    assert writer.desired_size == 1024 * 16 - 1024, "the in-flight chunk still counts"
    write_done.set_result(None)
    await closed
    assert close_calls == [True]
