"""Streams constructed outside a running event loop bind to the loop that first uses them (as
asyncio.Queue does since Python 3.10); a stream used under a second loop says so instead of
hanging.  Every test here is synchronous: it makes its streams with no loop running."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from websocketstream import (
    ByteLengthQueuingStrategy,
    CompressionStream,
    CountQueuingStrategy,
    DecompressionStream,
    ReadableStream,
    TextDecoderStream,
    TextEncoderStream,
    TransformStream,
    WritableStream,
)

BOUND_ELSEWHERE = "bound to a different event loop"


def test_a_readable_stream_made_in_sync_code_is_read_under_asyncio_run() -> None:
    events: list[str] = []

    def start(controller: Any) -> None:
        events.append("start")  # start() runs in the constructor, as the spec says
        controller.enqueue("a")

    def pull(controller: Any) -> None:
        events.append("pull")
        controller.enqueue("b")
        controller.close()

    stream: ReadableStream[str] = ReadableStream({"start": start, "pull": pull})
    assert events == ["start"]
    assert not stream.locked

    async def main() -> list[str]:
        return [chunk async for chunk in stream]

    assert asyncio.run(main()) == ["a", "b"]
    assert events == ["start", "pull"]


def test_an_async_start_runs_once_bound() -> None:
    async def start(controller: Any) -> None:
        controller.enqueue(1)
        controller.close()

    stream: ReadableStream[int] = ReadableStream({"start": start})

    async def main() -> list[int]:
        return [chunk async for chunk in stream]

    assert asyncio.run(main()) == [1]


def test_a_failing_start_errors_the_stream_once_bound() -> None:
    class Boom(Exception):
        pass

    async def start(controller: Any) -> None:
        raise Boom

    stream: ReadableStream[Any] = ReadableStream({"start": start})

    async def main() -> None:
        with pytest.raises(Boom):
            await stream.get_reader().read()

    asyncio.run(main())


def test_a_writable_stream_made_in_sync_code_is_written_under_asyncio_run() -> None:
    written: list[str] = []
    stream: WritableStream[str] = WritableStream(
        {"write": lambda chunk, controller: written.append(chunk)},
        CountQueuingStrategy(high_water_mark=2),
    )

    async def main() -> None:
        writer = stream.get_writer()
        await writer.ready
        await writer.write("x")
        await writer.close()

    asyncio.run(main())
    assert written == ["x"]


def test_a_pipe_through_a_transform_made_in_sync_code() -> None:
    source: ReadableStream[int] = ReadableStream.from_([1, 2, 3])
    double: TransformStream[int, int] = TransformStream(
        {"transform": lambda chunk, controller: controller.enqueue(chunk * 2)},
        CountQueuingStrategy(high_water_mark=4),
    )
    sink_chunks: list[int] = []
    sink: WritableStream[int] = WritableStream({"write": lambda c, _: sink_chunks.append(c)})

    async def main() -> None:
        await source.pipe_through(double).pipe_to(sink)

    asyncio.run(main())
    assert sink_chunks == [2, 4, 6]


def test_a_transform_whose_start_enqueues() -> None:
    stream: TransformStream[str, str] = TransformStream(
        {"start": lambda controller: controller.enqueue("first")}
    )

    async def main() -> Any:
        return await stream.readable.get_reader().read()

    assert asyncio.run(main()) == ("first", False)


def test_the_encoding_and_compression_streams() -> None:
    encoder = TextEncoderStream()
    compressor = CompressionStream("gzip")
    decompressor = DecompressionStream("gzip")
    decoder = TextDecoderStream()
    source: ReadableStream[str] = ReadableStream.from_(["h\u00e9llo ", "w\u00f6rld"])

    async def main() -> str:
        text = (
            source.pipe_through(encoder)
            .pipe_through(compressor)
            .pipe_through(decompressor)
            .pipe_through(decoder)
        )
        return "".join([chunk async for chunk in text])

    assert asyncio.run(main()) == "h\u00e9llo w\u00f6rld"


def test_cancel_abort_and_close_bind_too() -> None:
    cancelled: list[Any] = []
    readable: ReadableStream[Any] = ReadableStream({"cancel": cancelled.append})
    aborted: list[Any] = []
    to_abort: WritableStream[Any] = WritableStream({"abort": aborted.append})
    closed: list[str] = []
    to_close: WritableStream[Any] = WritableStream({"close": lambda: closed.append("close")})

    async def main() -> None:
        await readable.cancel("r")
        await to_abort.abort("a")
        await to_close.close()

    asyncio.run(main())
    assert (cancelled, aborted, closed) == (["r"], ["a"], ["close"])


def test_a_stream_bound_to_one_loop_is_refused_by_another() -> None:
    readable: ReadableStream[int] = ReadableStream.from_([1])
    writable: WritableStream[int] = WritableStream()

    async def first() -> None:
        readable.get_reader().release_lock()
        writable.get_writer().release_lock()

    async def second() -> None:
        with pytest.raises(RuntimeError, match=BOUND_ELSEWHERE):
            readable.get_reader()
        with pytest.raises(RuntimeError, match=BOUND_ELSEWHERE):
            writable.get_writer()
        with pytest.raises(RuntimeError, match=BOUND_ELSEWHERE):
            readable.cancel()
        with pytest.raises(RuntimeError, match=BOUND_ELSEWHERE):
            writable.close()

    asyncio.run(first())
    asyncio.run(second())


def test_a_stream_made_inside_one_run_is_refused_by_the_next() -> None:
    async def make() -> ReadableStream[int]:
        return ReadableStream.from_([1, 2])

    stream = asyncio.run(make())

    async def use() -> None:
        with pytest.raises(RuntimeError, match=BOUND_ELSEWHERE):
            [chunk async for chunk in stream]

    asyncio.run(use())


def test_without_a_loop_first_use_says_a_loop_is_needed() -> None:
    stream: ReadableStream[Any] = ReadableStream()
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        stream.get_reader()
    writable: WritableStream[Any] = WritableStream()
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        writable.get_writer()
    # The failed attempts left both usable.
    assert not stream.locked and not writable.locked


def test_constructor_errors_still_raise_at_once() -> None:
    with pytest.raises(TypeError):
        ReadableStream({"type": "nope"})
    with pytest.raises(TypeError):
        CompressionStream("nope")
    with pytest.raises(TypeError):
        WritableStream({"write": 1})


def test_strategies_need_no_loop() -> None:
    assert CountQueuingStrategy(high_water_mark=3).high_water_mark == 3
    assert ByteLengthQueuingStrategy(high_water_mark=8).size(b"abc") == 3
