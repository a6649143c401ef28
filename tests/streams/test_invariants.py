"""Property tests: whatever the chain of transform streams, strategies and delays, every chunk
comes out of a pipe chain exactly once and in order (duplicating transforms duplicate in place).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.transform import TransformStream
from websocketstream.streams.writable import WritableStream

stage = st.fixed_dictionaries(
    {
        "duplicate": st.booleans(),
        "async_transform": st.booleans(),
        # A pipe never writes into a writable side whose high-water mark is 0 (its desired
        # size never becomes positive), so the writable sides get at least 1.
        "writable_hwm": st.integers(min_value=1, max_value=4),
        "readable_hwm": st.integers(min_value=0, max_value=4),
    }
)


async def _yield(rng: random.Random, most: int) -> None:
    for _ in range(rng.randint(0, most)):
        await asyncio.sleep(0)


def _make_stage(config: dict[str, Any], rng: random.Random) -> TransformStream:
    copies = 2 if config["duplicate"] else 1

    transform: Callable[[Any, Any], Any]
    if config["async_transform"]:

        async def transform_async(chunk: Any, controller: Any) -> None:
            await _yield(rng, 3)
            for _ in range(copies):
                controller.enqueue(chunk)

        transform = transform_async
    else:

        def transform_sync(chunk: Any, controller: Any) -> None:
            for _ in range(copies):
                controller.enqueue(chunk)

        transform = transform_sync

    # A readable high-water mark of 0 still makes progress: reads pull the stage.
    return TransformStream(
        {"transform": transform},
        {"high_water_mark": config["writable_hwm"]},
        {"high_water_mark": config["readable_hwm"]},
    )


async def _run(chunks: list[int], stages: list[dict[str, Any]], sink_hwm: int, seed: int) -> None:
    rng = random.Random(seed)
    written: list[int] = []

    async def pull(controller: Any) -> None:
        await _yield(rng, 3)
        if source_chunks:
            controller.enqueue(source_chunks.pop(0))
        else:
            controller.close()

    source_chunks = list(chunks)
    readable = ReadableStream({"pull": pull}, {"high_water_mark": rng.randint(0, 3)})

    async def write(chunk: int, controller: Any) -> None:
        await _yield(rng, 3)
        written.append(chunk)

    sink = WritableStream({"write": write}, {"high_water_mark": sink_hwm})
    for config in stages:
        readable = readable.pipe_through(_make_stage(config, rng))
    await asyncio.wait_for(readable.pipe_to(sink), 10)
    factor = 2 ** sum(1 for config in stages if config["duplicate"])
    expected = [chunk for chunk in chunks for _ in range(factor)]
    assert written == expected
    assert sink._state == "closed"


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(st.integers(), max_size=20),
    stages=st.lists(stage, max_size=4),
    sink_hwm=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_pipe_chain_delivers_every_chunk_once_in_order(
    chunks: list[int], stages: list[dict[str, Any]], sink_hwm: int, seed: int
) -> None:
    asyncio.run(_run(chunks, stages, sink_hwm, seed))


@settings(max_examples=40, deadline=None)
@given(
    chunks=st.lists(st.integers(), min_size=1, max_size=15),
    writes_before_read=st.integers(min_value=0, max_value=5),
    hwm=st.integers(min_value=0, max_value=4),
)
def test_transform_stream_writer_reader_round_trip(
    chunks: list[int], writes_before_read: int, hwm: int
) -> None:
    async def run() -> None:
        ts = TransformStream(None, {"high_water_mark": hwm}, {"high_water_mark": hwm})
        writer = ts.writable.get_writer()
        reader = ts.readable.get_reader()
        writes = [writer.write(chunk) for chunk in chunks]
        close = writer.close()
        got = []
        for _ in range(writes_before_read):
            await asyncio.sleep(0)
        while True:
            value, done = await reader.read()
            if done:
                break
            got.append(value)
        await asyncio.gather(*writes, close)
        assert got == chunks

    asyncio.run(run())
