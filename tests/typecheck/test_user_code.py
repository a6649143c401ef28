"""User-style code, type-checked by ``mypy --strict`` (``make typecheck``) and run by pytest.

Each ``assert_type`` pins what a user's checker infers; each ``# type: ignore[code]`` pins a
mistake the checker must catch (mypy's ``warn_unused_ignores``, part of ``--strict``, fails
the check if the mistake were to type-check).  The bodies also run, against a real server.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar, assert_type

from websocketstream import (
    ReadableStream,
    ReadableStreamBYOBReader,
    ReadableStreamDefaultController,
    ReadableStreamDefaultReader,
    ReadResult,
    TransformStream,
    TransformStreamDefaultController,
    WebSocketCloseInfo,
    WebSocketOpenInfo,
    WebSocketStream,
    WritableStream,
    WritableStreamDefaultWriter,
)
from websocketstream.server import ServerWebSocketStream, serve

T = TypeVar("T")


def result_of(future: asyncio.Future[T]) -> T:
    """For ``assert_type``: what ``future`` resolves with (it must be typed as a future of
    exactly that, not ``Any``).  Returns the result when there is one."""
    return future.result() if future.done() and not future.exception() else None  # type: ignore[return-value]


async def echo(ws: ServerWebSocketStream) -> None:
    info = await ws.opened
    await info.readable.pipe_to(info.writable)


async def test_a_websocketstream_is_typed_end_to_end() -> None:
    server = await serve(echo)
    try:
        wss = WebSocketStream(f"ws://127.0.0.1:{server.port}")
        assert_type(result_of(wss.opened), WebSocketOpenInfo)
        assert_type(result_of(wss.closed), WebSocketCloseInfo)
        info = await wss.opened
        assert_type(info, WebSocketOpenInfo)
        assert_type(info.readable, ReadableStream[str | bytes])
        writer = info.writable.get_writer()
        assert_type(writer, WritableStreamDefaultWriter[str | bytes | bytearray | memoryview])
        assert_type(result_of(writer.ready), None)
        for chunk in ("text", b"bytes", bytearray(b"ba"), memoryview(b"mv")):
            write = writer.write(chunk)
            assert_type(result_of(write), None)
            await write
        reader = info.readable.get_reader()
        assert_type(reader, ReadableStreamDefaultReader[str | bytes])
        read = reader.read()
        assert_type(result_of(read), ReadResult[str | bytes])
        value, done = await read
        assert_type(value, str | bytes)
        assert_type(done, bool)
        assert (value, done) == ("text", False)
        received = [(await reader.read()).value for _ in range(3)]
        assert received == [b"bytes", b"ba", b"mv"]
        wss.close(close_code=1000)
        end = await wss.closed
        assert_type(end, WebSocketCloseInfo)
        assert end.close_code == 1000
    finally:
        server.close()
        await server.wait_closed()


async def test_get_reader_is_overloaded_on_its_mode() -> None:
    chunks: ReadableStream[int] = ReadableStream.from_([1, 2])
    assert_type(ReadableStream.from_(["a"]), ReadableStream[str])
    assert_type(chunks.get_reader(), ReadableStreamDefaultReader[int]).release_lock()
    reader = chunks.get_reader(mode=None)
    assert_type(reader, ReadableStreamDefaultReader[int])
    first = await reader.read()
    assert_type(first, ReadResult[int])
    assert first == (1, False)
    reader.release_lock()

    def start(controller: Any) -> None:
        controller.enqueue(b"xy")
        controller.close()

    byte_stream: ReadableStream[bytes] = ReadableStream({"type": "bytes", "start": start})
    byob = byte_stream.get_reader(mode="byob")
    assert_type(byob, ReadableStreamBYOBReader)
    filled = await byob.read(bytearray(4))
    assert_type(filled, ReadResult[memoryview])
    assert bytes(filled.value) == b"xy"


async def test_chunk_types_flow_through_pipes_and_iteration() -> None:
    def upper(chunk: str, controller: TransformStreamDefaultController[str]) -> None:
        controller.enqueue(chunk.upper())

    shout: TransformStream[str, str] = TransformStream({"transform": upper})
    lengths: TransformStream[str, int] = TransformStream(
        {"transform": lambda chunk, controller: controller.enqueue(len(chunk))}
    )
    source: ReadableStream[str] = ReadableStream.from_(["ab", "cde"])
    piped = source.pipe_through(shout).pipe_through(lengths)
    assert_type(piped, ReadableStream[int])
    numbers = [n async for n in piped]
    assert_type(numbers, list[int])
    assert numbers == [2, 3]
    # A readable of str is a readable of str | bytes (covariant); a writable of str | bytes
    # takes str (contravariant); a transform of bytes does not take str.
    wider: ReadableStream[str | bytes] = ReadableStream.from_(["x"])
    texts: WritableStream[str] = WritableStream[str | bytes]()
    await wider.cancel()
    await texts.close()


async def test_controllers_and_tee_keep_the_chunk_type() -> None:
    def start(controller: ReadableStreamDefaultController[str]) -> None:
        controller.enqueue("one")
        controller.enqueue(1)  # type: ignore[arg-type]

    stream: ReadableStream[str] = ReadableStream({"start": start})
    left, right = stream.tee()
    assert_type(left, ReadableStream[str])
    assert_type(right, ReadableStream[str])
    assert await left.get_reader().read() == ("one", False)
    assert await right.get_reader().read() == ("one", False)


def mistakes_the_checker_catches(
    writer: WritableStreamDefaultWriter[str | bytes | bytearray | memoryview],
    reader: ReadableStreamDefaultReader[str | bytes],
    text_source: ReadableStream[str],
) -> None:
    """Never called: each line must be a type error (see the module docstring)."""
    writer.write(42)  # type: ignore[arg-type]
    writer.write(["list"])  # type: ignore[arg-type]
    number: int = reader.read().result().value  # type: ignore[assignment]
    text_only: ReadableStream[str] = ReadableStream[str | bytes]()  # type: ignore[assignment]
    text_source.pipe_through(TransformStream[bytes, bytes]())  # type: ignore[arg-type]
    print(number, text_only)
