"""WPT streams/readable-streams/async-iterator.any.js.

The Web IDL iterator's ``next()`` is ``__anext__`` (it raises ``StopAsyncIteration`` at the end
instead of resolving ``{done: true}``) and ``return(value)`` is ``return_(value)`` /
``aclose()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, cast

import pytest

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    settle,
)
from websocketstream.streams.iteration import ReadableStreamAsyncIterator
from websocketstream.streams.readable import ReadableStream, ReadResult
from websocketstream.streams.strategies import CountQueuingStrategy


def push_source(*chunks: Any) -> ReadableStream:
    def start(c: Any) -> None:
        for chunk in chunks:
            c.enqueue(chunk)
        c.close()

    return ReadableStream({"start": start})


def pull_source(n: int, value: Any = "index") -> ReadableStream:
    i = [1]

    def pull(c: Any) -> None:
        c.enqueue(i[0] if value == "index" else value)
        if i[0] >= n:
            c.close()
        i[0] += 1

    return ReadableStream({"pull": pull})


def erroring_after_one(error: Exception) -> ReadableStream:
    pulled = [0]

    def pull(c: Any) -> None:
        if pulled[0] == 0:
            c.enqueue(0)
            pulled[0] += 1
        else:
            c.error(error)

    return ReadableStream({"pull": pull})


async def test_aiter_returns_an_iterator_and_values_too() -> None:
    it = aiter(ReadableStream())
    assert isinstance(it, ReadableStreamAsyncIterator)
    assert aiter(it) is it
    assert isinstance(ReadableStream().values(), ReadableStreamAsyncIterator)


async def test_async_iterating_a_push_source() -> None:
    assert [c async for c in push_source(1, 2, 3)] == [1, 2, 3]


async def test_async_iterating_a_pull_source() -> None:
    assert [c async for c in pull_source(3)] == [1, 2, 3]


async def test_async_iterating_none_values() -> None:
    assert [c async for c in push_source(None, None, None)] == [None, None, None]
    assert [c async for c in pull_source(3, value=None)] == [None, None, None]


async def test_async_iterating_a_pull_source_manually() -> None:
    i = [1]

    def pull(c: Any) -> None:
        c.enqueue(i[0])
        if i[0] >= 3:
            c.close()
        i[0] += 1

    s = recording_readable_stream({"pull": pull}, CountQueuingStrategy(high_water_mark=0))
    it = s.values()
    assert s.events == []
    assert await it.__anext__() == 1
    assert s.events == ["pull"]
    assert await it.__anext__() == 2
    assert s.events == ["pull", "pull"]
    assert await it.__anext__() == 3
    assert s.events == ["pull", "pull", "pull"]
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()
    assert s.events == ["pull", "pull", "pull"]


async def test_async_iterating_an_errored_stream_throws() -> None:
    s = ReadableStream({"start": lambda c: c.error(KeyError("e"))})
    with pytest.raises(KeyError):
        async for _ in s:
            raise AssertionError("unreachable")


async def test_async_iterating_a_closed_stream_never_runs_the_body() -> None:
    async for _ in ReadableStream({"start": lambda c: c.close()}):
        raise AssertionError("unreachable")


async def test_async_iterating_an_empty_stream_stalls() -> None:
    s = ReadableStream()

    async def loop() -> None:
        async for _ in s:
            raise AssertionError("unreachable")
        raise AssertionError("unreachable")

    task = asyncio.ensure_future(loop())
    await flush_callbacks()
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_async_iterating_a_partially_consumed_stream() -> None:
    s = push_source(1, 2, 3)
    reader = s.get_reader()
    assert await reader.read() == ReadResult(1, False)
    reader.release_lock()
    assert [c async for c in s] == [2, 3]


@pytest.mark.parametrize("kind", ["throw", "break", "return"])
@pytest.mark.parametrize("prevent_cancel", [False, True])
async def test_cancellation_when_leaving_the_loop_body(kind: str, prevent_cancel: bool) -> None:
    s = recording_readable_stream({"start": lambda c: c.enqueue(0)})
    # In JavaScript, awaiting next() always yields, so start() finishes before the loop body
    # runs; a queued chunk needs no loop turn here: let start() finish first.
    await flush_callbacks()

    async def loop() -> None:
        async for _ in s.values(prevent_cancel=prevent_cancel):
            if kind == "throw":
                raise RuntimeError("boom")
            if kind == "break":
                break
            if kind == "return":
                return

    with contextlib.suppress(RuntimeError):
        await loop()
    if prevent_cancel:
        assert s.events == ["pull"], "cancel() should not be called"
        assert not s.locked, "the lock is released"
    else:
        assert s.events == ["pull", "cancel", None], "cancel() should be called"


@pytest.mark.parametrize("prevent_cancel", [False, True])
async def test_cancellation_when_calling_return_manually(prevent_cancel: bool) -> None:
    s = recording_readable_stream({"start": lambda c: c.enqueue(0)})
    it = s.values(prevent_cancel=prevent_cancel)
    assert await it.return_() == ReadResult(None, True)
    if prevent_cancel:
        assert s.events == []
    else:
        assert s.events == ["cancel", None]


async def test_aclose_cancels_with_no_reason() -> None:
    s = recording_readable_stream()
    it = s.values()
    assert await it.aclose() is None
    assert s.events == ["cancel", None]
    assert not s.locked


async def test_next_rejects_if_the_stream_errors(error1: Exception) -> None:
    it = aiter(erroring_after_one(error1))
    assert await it.__anext__() == 0
    await assert_rejects(it.__anext__(), error1)


async def test_return_does_not_reject_if_not_errored_yet(error1: Exception) -> None:
    it = erroring_after_one(error1).values()
    assert await it.return_("return value") == ReadResult("return value", True)


async def test_return_rejects_if_the_stream_has_errored(error1: Exception) -> None:
    s = ReadableStream({"pull": lambda c: c.error(error1)})
    it = aiter(s)
    await flush_callbacks()
    await assert_rejects(it.return_("return value"), error1)


async def test_next_succeeds_next_errors_next_is_done(error1: Exception) -> None:
    it = aiter(erroring_after_one(error1))
    assert await it.__anext__() == 0
    await assert_rejects(it.__anext__(), error1)
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()


async def test_next_next_next_without_awaiting(error1: Exception) -> None:
    it = aiter(erroring_after_one(error1))
    results = await asyncio.gather(
        it.__anext__(), it.__anext__(), it.__anext__(), return_exceptions=True
    )
    assert results[0] == 0
    assert results[1] is error1
    assert isinstance(results[2], StopAsyncIteration)


async def test_next_next_return_with_and_without_awaiting(error1: Exception) -> None:
    it = aiter(erroring_after_one(error1))
    assert await it.__anext__() == 0
    await assert_rejects(it.__anext__(), error1)
    assert await it.return_("return value") == ReadResult("return value", True)

    it2 = aiter(erroring_after_one(error1))
    results = await asyncio.gather(
        it2.__anext__(), it2.__anext__(), it2.return_("return value"), return_exceptions=True
    )
    assert results[0] == 0
    assert results[1] is error1
    assert results[2] == ReadResult("return value", True)


async def test_next_then_return_pulls_twice() -> None:
    times = [0]

    def pull(c: Any) -> None:
        c.enqueue(times[0])
        times[0] += 1

    s = ReadableStream({"pull": pull})
    it = aiter(s)
    assert await it.__anext__() == 0
    await flush_callbacks()  # JavaScript's next() takes extra reaction hops; the re-pull is due
    assert await it.return_("return value") == ReadResult("return value", True)
    assert times[0] == 2

    times2 = [0]

    def pull2(c: Any) -> None:
        c.enqueue(times2[0])
        times2[0] += 1

    it2 = aiter(ReadableStream({"pull": pull2}))
    results = await asyncio.gather(it2.__anext__(), it2.return_("return value"))
    assert results == [0, ReadResult("return value", True)]
    assert times2[0] == 2


async def test_return_then_next() -> None:
    it = ReadableStream().values()
    assert await it.return_("return value") == ReadResult("return value", True)
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()


async def test_return_then_next_without_awaiting_resolves_in_order() -> None:
    it = ReadableStream().values()
    order: list[str] = []
    ret = it.return_("return value")
    nxt = cast("asyncio.Future[Any]", it.__anext__())  # a read that waits: a future
    ret.add_done_callback(lambda f: order.append("return"))
    nxt.add_done_callback(lambda f: order.append("next"))
    assert await ret == ReadResult("return value", True)
    outcome, reason = await settle(nxt)
    assert outcome == "rejected" and isinstance(reason, StopAsyncIteration)
    await flush_callbacks()
    assert order == ["return", "next"]


async def test_return_then_return() -> None:
    it = ReadableStream().values()
    assert await it.return_("1") == ReadResult("1", True)
    assert await it.return_("2") == ReadResult("2", True)
    it2 = ReadableStream().values()
    order: list[str] = []
    r1, r2 = it2.return_("1"), it2.return_("2")
    r1.add_done_callback(lambda f: order.append("return 1"))
    r2.add_done_callback(lambda f: order.append("return 2"))
    assert await asyncio.gather(r1, r2) == [ReadResult("1", True), ReadResult("2", True)]
    await flush_callbacks()
    assert order == ["return 1", "return 2"]


async def test_values_throws_if_locked() -> None:
    s = push_source(0)
    it = s.values()
    with pytest.raises(TypeError):
        s.values()
    with pytest.raises(TypeError):
        aiter(s)
    assert it is not None


async def test_unstarted_iterator_dropped_keeps_the_lock() -> None:
    s = push_source(0)
    s.values()  # never iterated: as in JavaScript, the lock stays
    assert s.locked


async def test_reader_after_exhaustive_iteration() -> None:
    s = push_source(1, 2, 3)
    assert [c async for c in s] == [1, 2, 3]
    await s.get_reader().closed


async def test_reader_after_return_from_an_errored_stream(error1: Exception) -> None:
    s = erroring_after_one(error1)
    it = s.values(prevent_cancel=True)
    assert await it.__anext__() == 0
    await assert_rejects(it.__anext__(), error1)
    assert await it.return_("return value") == ReadResult("return value", True)
    await assert_rejects(s.get_reader().closed, error1)


async def test_reader_after_partial_iteration_with_break_sees_a_cancelled_stream() -> None:
    s = push_source(1, 2, 3)
    chunks = []
    async for c in s:
        chunks.append(c)
        if c >= 2:
            break
    assert chunks == [1, 2]
    await s.get_reader().closed


async def test_reader_reads_the_rest_after_break_with_prevent_cancel() -> None:
    s = push_source(1, 2, 3)
    chunks = []
    async for c in s.values(prevent_cancel=True):
        chunks.append(c)
        if c >= 2:
            break
    assert chunks == [1, 2]
    reader = s.get_reader()
    assert await reader.read() == ReadResult(3, False)
    await reader.closed


@pytest.mark.parametrize("prevent_cancel", [False, True])
async def test_return_unlocks_synchronously(prevent_cancel: bool) -> None:
    rs = ReadableStream()
    rs.values(prevent_cancel=prevent_cancel).return_()
    rs.get_reader()


async def test_close_while_next_is_pending() -> None:
    holder: list[Any] = []
    rs = ReadableStream({"start": holder.append})
    it = aiter(rs)
    pending = cast("asyncio.Future[Any]", it.__anext__())  # a read that waits: a future
    await flush_callbacks()
    assert not pending.done()
    holder[0].enqueue("a")
    assert await pending == "a"
    pending2 = it.__anext__()
    holder[0].close()
    with pytest.raises(StopAsyncIteration):
        await pending2
    assert not rs.locked


async def test_queued_chunk_next_needs_no_loop_turn() -> None:
    it = aiter(push_source("a", "b"))
    first = it.__anext__()
    assert not isinstance(first, asyncio.Future), "a queued chunk needs no future"
    second = it.__anext__()  # the read starts at the call, in order
    assert await second == "b"
    assert await first == "a"
    loop_turns = [0]
    asyncio.get_running_loop().call_soon(lambda: loop_turns.__setitem__(0, 1))
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()
    assert loop_turns == [0], "no event loop turn was taken"


async def test_break_finalizes_at_once_even_after_many_reads() -> None:
    s = recording_readable_stream({"start": lambda c: [c.enqueue(i) for i in range(5)]})
    await flush_callbacks()
    async for chunk in s:
        if chunk == 3:
            break
    assert "cancel" in s.events
    assert not s.locked


async def test_error_after_break_does_not_leak_an_unhandled_error() -> None:
    # Breaking out of a loop over a stream whose cancel fails: the failure is not reported.
    async def cancel(reason: Any) -> None:
        raise KeyError("cancel failed")

    s = ReadableStream({"start": lambda c: c.enqueue(1), "cancel": cancel})
    async for _ in s:
        break
    await flush_callbacks()
    assert not s.locked
