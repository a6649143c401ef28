"""WPT streams/writable-streams/floating-point-total-queue-size.any.js.

JavaScript numbers are doubles, so the chunks (which are their own sizes here) are written as
Python floats: the queue total must then follow double-precision arithmetic exactly.
"""

from __future__ import annotations

import asyncio

from websocketstream.streams.writable import WritableStream, WritableStreamDefaultWriter

MAX_SAFE_INTEGER = float(2**53 - 1)  # JavaScript's Number.MAX_SAFE_INTEGER


def setup_test_stream() -> WritableStreamDefaultWriter:
    ws = WritableStream({}, {"size": lambda chunk: chunk, "high_water_mark": 0})
    return ws.get_writer()


async def test_floating_point_arithmetic_must_manifest_near_max_safe_integer() -> None:
    writer = setup_test_stream()
    writes = [writer.write(2.0), writer.write(MAX_SAFE_INTEGER)]
    assert writer.desired_size == 0 - 2.0 - MAX_SAFE_INTEGER, "double arithmetic (two chunks)"
    await asyncio.gather(*writes)
    assert writer.desired_size == 0, "queue_total_size must clamp to 0 if it becomes negative"


async def test_floating_point_arithmetic_near_zero_total_positive_but_clamped() -> None:
    writer = setup_test_stream()
    writes = [writer.write(1e-16), writer.write(1.0)]
    assert writer.desired_size == 0 - 1e-16 - 1.0, "double arithmetic (two chunks)"
    await asyncio.gather(*writes)
    assert writer.desired_size == 0, "queue_total_size must clamp to 0 if it becomes negative"


async def test_floating_point_arithmetic_near_zero_total_positive_not_clamped() -> None:
    writer = setup_test_stream()
    writes = [writer.write(1e-16), writer.write(1.0), writer.write(2e-16)]
    assert writer.desired_size == 0 - 1e-16 - 1.0 - 2e-16, "double arithmetic (three chunks)"
    await asyncio.gather(*writes)
    expected = 0 - 1e-16 - 1.0 - 2e-16 + 1e-16 + 1.0 + 2e-16
    assert expected != 0, "the rounding error is what this test is about"
    assert writer.desired_size == expected, "double arithmetic (after the three writes)"


async def test_floating_point_arithmetic_near_zero_total_ends_up_zero() -> None:
    writer = setup_test_stream()
    writes = [writer.write(2e-16), writer.write(1.0)]
    assert writer.desired_size == 0 - 2e-16 - 1.0, "double arithmetic (two chunks)"
    await asyncio.gather(*writes)
    assert writer.desired_size == 0 - 2e-16 - 1.0 + 2e-16 + 1.0
