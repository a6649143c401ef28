"""Property tests: BYOB reads with random view sizes (and default reads) reassemble exactly
the enqueued bytes."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from websocketstream.streams.readable import ReadableStream

CHUNKS = st.lists(st.binary(min_size=1, max_size=20), max_size=12)
SIZES = st.lists(st.integers(min_value=1, max_value=25), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(chunks=CHUNKS, sizes=SIZES, mins=st.lists(st.integers(1, 25), min_size=1, max_size=8))
def test_byob_reads_reassemble_the_enqueued_bytes(
    chunks: list[bytes], sizes: list[int], mins: list[int]
) -> None:
    async def scenario() -> None:
        holder: list[Any] = []
        rs = ReadableStream({"type": "bytes", "start": holder.append})
        c = holder[0]
        reader = rs.get_reader(mode="byob")
        received = bytearray()
        feed = list(chunks)
        i = 0
        while True:
            size = sizes[i % len(sizes)]
            minimum = min(mins[i % len(mins)], size)
            i += 1
            read = reader.read(bytearray(size), min=minimum)
            while not read.done():
                if feed:
                    c.enqueue(feed.pop(0))
                else:
                    c.close()
                    if c.byob_request is not None:
                        c.byob_request.respond(0)
                await asyncio.sleep(0)
            if read.exception() is not None:
                # close() with fewer than ``min`` bytes pending: the spec errors the stream.
                assert isinstance(read.exception(), TypeError)
                return
            value, done = read.result()
            received += bytes(value)
            assert value.nbytes <= size
            if done:
                break
            assert value.nbytes >= minimum or not feed
        assert bytes(received) == b"".join(chunks)

    asyncio.run(scenario())


@settings(max_examples=60, deadline=None)
@given(chunks=CHUNKS, sizes=SIZES)
def test_source_responding_into_byob_requests(chunks: list[bytes], sizes: list[int]) -> None:
    data = b"".join(chunks)

    async def scenario() -> None:
        position = [0]

        def pull(c: Any) -> None:
            request = c.byob_request
            if position[0] >= len(data):
                c.close()
                if request is not None:
                    request.respond(0)
                return
            if request is None:  # a default read: enqueue a chunk
                end = position[0] + 7
                c.enqueue(data[position[0] : end])
                position[0] = min(end, len(data))
                return
            n = min(request.view.nbytes, len(data) - position[0])
            request.view[:n] = data[position[0] : position[0] + n]
            position[0] += n
            request.respond(n)

        rs = ReadableStream({"type": "bytes", "pull": pull})
        reader = rs.get_reader(mode="byob")
        received = bytearray()
        i = 0
        while True:
            value, done = await reader.read(bytearray(sizes[i % len(sizes)]))
            i += 1
            received += bytes(value)
            if done:
                break
        assert bytes(received) == data

    asyncio.run(scenario())
