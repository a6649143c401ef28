"""WPT streams/readable-streams/from.any.js (``ReadableStream.from_``)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.readable import ReadableStream, ReadResult


def resolved(value: Any) -> asyncio.Future[Any]:
    f = asyncio.get_running_loop().create_future()
    f.set_result(value)
    return f


class SyncIterableOfValues:
    def __init__(self) -> None:
        self.chunks = ["a", "b"]

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if not self.chunks:
            raise StopIteration
        return self.chunks.pop(0)


class SyncIterableOfFutures(SyncIterableOfValues):
    def __next__(self) -> Any:
        return resolved(super().__next__())


class AsyncIterable:
    def __init__(self) -> None:
        self.chunks = ["a", "b"]

    def __aiter__(self) -> AsyncIterable:
        return self

    async def __anext__(self) -> Any:
        if not self.chunks:
            raise StopAsyncIteration
        return self.chunks.pop(0)


def sync_generator() -> Iterator[str]:
    yield "a"
    yield "b"


async def async_generator() -> AsyncIterator[str]:
    yield "a"
    await asyncio.sleep(0)
    yield "b"


def push_stream() -> ReadableStream:
    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")
        c.close()

    return ReadableStream({"start": start})


FACTORIES: dict[str, Callable[[], Any]] = {
    "a list of values": lambda: ["a", "b"],
    "a list of futures": lambda: [resolved("a"), resolved("b")],
    "a list iterator": lambda: iter(["a", "b"]),
    "a string": lambda: "ab",
    "a tuple": lambda: ("a", "b"),
    "a dict (its keys)": lambda: {"a": 1, "b": 2},
    "a sync generator": sync_generator,
    "an async generator": async_generator,
    "a sync iterable of values": SyncIterableOfValues,
    "a sync iterable of futures": SyncIterableOfFutures,
    "an async iterable": AsyncIterable,
    "a ReadableStream": push_stream,
    "a ReadableStream async iterator": lambda: aiter(push_stream()),
}


@pytest.mark.parametrize("label", list(FACTORIES))
async def test_from_accepts(label: str) -> None:
    rs = ReadableStream.from_(FACTORIES[label]())
    assert type(rs) is ReadableStream
    reader = rs.get_reader()
    assert await reader.read() == ReadResult("a", False)
    assert await reader.read() == ReadResult("b", False)
    assert await reader.read() == ReadResult(None, True)
    await reader.closed


class NotCallableAiter:
    __aiter__ = 42


class NotCallableIter:
    __iter__ = 42


@pytest.mark.parametrize(
    "bad",
    [None, 0, math.nan, True, object(), lambda: 42, NotCallableAiter(), NotCallableIter()],
    ids=["None", "0", "NaN", "True", "object", "function", "bad __aiter__", "bad __iter__"],
)
async def test_from_throws_on_invalid_iterables(bad: Any) -> None:
    with pytest.raises(TypeError):
        ReadableStream.from_(bad)


async def test_from_rethrows_errors_from_iter(error1: Exception) -> None:
    class Bad:
        def __iter__(self) -> Any:
            raise error1

    with pytest.raises(type(error1)) as info:
        ReadableStream.from_(Bad())
    assert info.value is error1


async def test_from_rethrows_errors_from_aiter(error1: Exception) -> None:
    class Bad:
        def __aiter__(self) -> Any:
            raise error1

    with pytest.raises(type(error1)) as info:
        ReadableStream.from_(Bad())
    assert info.value is error1


async def test_from_ignores_iter_when_aiter_exists(error1: Exception) -> None:
    class Both:
        def __iter__(self) -> Any:
            raise AssertionError("__iter__ should not be called")

        def __aiter__(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        ReadableStream.from_(Both())


async def test_from_accepts_an_empty_iterable() -> None:
    reader = ReadableStream.from_([]).get_reader()
    assert await reader.read() == ReadResult(None, True)
    await reader.closed


async def test_from_errors_when_next_rejects(error1: Exception) -> None:
    class Failing:
        def __aiter__(self) -> Failing:
            return self

        async def __anext__(self) -> Any:
            raise error1

    reader = ReadableStream.from_(Failing()).get_reader()
    await assert_rejects(reader.read(), error1)
    await assert_rejects(reader.closed, error1)


async def test_from_errors_when_sync_next_raises(error1: Exception) -> None:
    def gen() -> Iterator[int]:
        yield 1
        raise error1

    reader = ReadableStream.from_(gen()).get_reader()
    assert await reader.read() == ReadResult(1, False)
    await assert_rejects(reader.read(), error1)


async def test_from_stalls_when_next_never_settles() -> None:
    class Stalling:
        def __aiter__(self) -> Stalling:
            return self

        def __anext__(self) -> asyncio.Future[Any]:
            return asyncio.get_running_loop().create_future()

    reader = ReadableStream.from_(Stalling()).get_reader()
    read = reader.read()
    await flush_callbacks()
    assert not read.done()
    assert not reader.closed.done()


async def test_from_calls_next_only_after_the_first_read() -> None:
    calls: list[tuple[Any, ...]] = []

    class Counting:
        def __aiter__(self) -> Counting:
            return self

        async def __anext__(self, *args: Any) -> Any:
            calls.append(args)
            return "a"

    reader = ReadableStream.from_(Counting()).get_reader()
    await flush_callbacks()
    assert calls == [], "next() should not be called yet (high-water mark 0)"
    assert await reader.read() == ReadResult("a", False)
    assert calls == [()], "next() called once, with no arguments"


async def test_cancelling_calls_and_awaits_aclose(error1: Exception) -> None:
    loop = asyncio.get_running_loop()
    release = loop.create_future()
    closes: list[int] = []

    class Closable:
        def __aiter__(self) -> Closable:
            return self

        async def __anext__(self) -> Any:
            raise AssertionError("__anext__ should not be called")

        async def aclose(self) -> None:
            closes.append(1)
            await release

    reader = ReadableStream.from_(Closable()).get_reader()
    cancel = reader.cancel(error1)
    await flush_callbacks()
    assert closes == [1], "aclose() should be called"
    assert not cancel.done(), "cancel() waits for aclose()"
    release.set_result(None)
    assert await cancel is None
    await reader.closed


async def test_cancel_resolves_when_there_is_no_close_method() -> None:
    reader = ReadableStream.from_(AsyncIterable()).get_reader()
    assert await reader.cancel("r") is None


async def test_cancel_rejects_when_aclose_raises(error1: Exception) -> None:
    class Closable(AsyncIterable):
        async def aclose(self) -> None:
            raise error1

    reader = ReadableStream.from_(Closable()).get_reader()
    await assert_rejects(reader.cancel(), error1)


async def test_aclose_not_called_when_iterator_completes_normally() -> None:
    closes: list[int] = []

    class Closable:
        def __aiter__(self) -> Closable:
            return self

        async def __anext__(self) -> Any:
            raise StopAsyncIteration

        async def aclose(self) -> None:
            closes.append(1)

    reader = ReadableStream.from_(Closable()).get_reader()
    assert await reader.read() == ReadResult(None, True)
    await reader.closed
    assert closes == []


async def test_cancel_closes_an_async_generator_even_mid_next() -> None:
    loop = asyncio.get_running_loop()
    gate = loop.create_future()
    finalized: list[str] = []

    async def gen() -> AsyncIterator[str]:
        try:
            yield "a"
            await gate
            yield "b"
        finally:
            finalized.append("finally")

    reader = ReadableStream.from_(gen()).get_reader()
    assert await reader.read() == ReadResult("a", False)
    read = reader.read()  # the generator is now suspended in ``await gate``
    await flush_callbacks()
    cancel = reader.cancel()
    assert await read == ReadResult(None, True)
    gate.set_result(None)  # the pending __anext__ finishes first, then aclose() runs
    assert await cancel is None
    assert finalized == ["finally"]


async def test_cancel_closes_a_sync_generator() -> None:
    finalized: list[str] = []

    def gen() -> Iterator[int]:
        try:
            yield 1
            yield 2
        finally:
            finalized.append("finally")

    reader = ReadableStream.from_(gen()).get_reader()
    assert await reader.read() == ReadResult(1, False)
    await reader.cancel()
    assert finalized == ["finally"]


async def test_from_a_sync_iterable_of_rejected_futures(error1: Exception) -> None:
    f = asyncio.get_running_loop().create_future()
    f.set_exception(error1)
    reader = ReadableStream.from_([f]).get_reader()
    await assert_rejects(reader.read(), error1)


async def test_from_is_a_classmethod_spelled_with_underscore() -> None:
    assert not hasattr(ReadableStream, "from")
    rs = ReadableStream.from_(range(3))
    assert [c async for c in rs] == [0, 1, 2]
