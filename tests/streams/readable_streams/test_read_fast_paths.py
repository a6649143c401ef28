"""The orderings the fast paths of a default stream's reads and enqueues rely on.

``reader.read()`` and ``async for`` inline [[PullSteps]] for a queued chunk, ``enqueue()``
inlines the fulfilment of a waiting ``read()`` and, with the default size, the pull decision;
the pull reaction is a bound method, and a source with no ``pull`` reacts to its pulls at once.
None of that may change what a caller can observe: these tests pin it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from websocketstream._promise import (
    Promise,
    new_promise,
    queue_microtask,
    resolve_promise,
    upon_fulfillment,
)
from websocketstream.streams import CountQueuingStrategy, ReadableStream
from websocketstream.streams.readable import ReadResult

from ..helpers import flush_callbacks


async def test_read_of_a_queued_chunk_pulls_before_it_settles() -> None:
    # [[PullSteps]]: DequeueValue, CallPullIfNeeded (the pull sees the smaller queue), then the
    # chunk steps; the read's promise is already fulfilled with a ReadResult when read() returns.
    log: list[Any] = []
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c
        c.enqueue("a")
        c.enqueue("b")

    def pull(c: Any) -> None:
        log.append(("pull", c.desired_size))

    stream = ReadableStream({"start": start, "pull": pull}, {"high_water_mark": 2})
    reader = stream.get_reader()
    await flush_callbacks()
    assert log == []  # the queue is full: no pull yet
    p = reader.read()
    assert log == [("pull", 1)]
    assert p.done()
    result = p.result()
    assert type(result) is ReadResult
    assert (result.value, result.done) == ("a", False)
    assert result == ("a", False)
    assert controller.desired_size == 1


async def test_a_read_inside_pull_gets_the_next_chunk() -> None:
    # The outer read's chunk is dequeued before the pull runs: a read made by the pull gets the
    # chunk after it, and settles first.
    reader: Any = None
    inner: list[Promise[Any]] = []
    settled: list[str] = []

    def pull(c: Any) -> None:
        if not inner:
            p = reader.read()
            inner.append(p)
            upon_fulfillment(p, lambda r: settled.append(r.value))

    def start(c: Any) -> None:
        for chunk in "abc":
            c.enqueue(chunk)

    stream = ReadableStream({"start": start, "pull": pull}, {"high_water_mark": 3})
    reader = stream.get_reader()
    await flush_callbacks()
    outer = reader.read()
    upon_fulfillment(outer, lambda r: settled.append(r.value))
    assert outer.result() == ("a", False)
    assert inner[0].result() == ("b", False)
    await flush_callbacks()
    assert settled == ["b", "a"]


async def test_reading_the_last_chunk_of_a_closing_stream_closes_it_first() -> None:
    # The stream closes (the reader's closed promise resolves) inside the read that empties the
    # queue, before that read's own promise is handed back.
    log: list[str] = []

    def start(c: Any) -> None:
        c.enqueue("a")
        c.close()

    stream = ReadableStream({"start": start})
    reader = stream.get_reader()
    upon_fulfillment(reader.closed, lambda _: log.append("closed"))
    p = reader.read()
    upon_fulfillment(p, lambda _: log.append("read"))
    assert p.result() == ("a", False)
    assert reader.closed.done()
    assert log == []
    await flush_callbacks()
    assert log == ["closed", "read"]
    assert (await reader.read()) == (None, True)


async def test_enqueue_fulfils_a_waiting_read_and_its_reactions_in_order() -> None:
    log: list[Any] = []
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start}, {"high_water_mark": 0})
    reader = stream.get_reader()
    await flush_callbacks()
    first = reader.read()
    second = reader.read()
    upon_fulfillment(second, lambda r: log.append(("second", r)))
    upon_fulfillment(first, lambda r: log.append(("first", r)))
    queue_microtask(lambda: log.append("queued before the enqueues"))
    controller.enqueue(1)
    controller.enqueue(2)
    assert first.done()
    assert second.done()
    assert type(first.result()) is ReadResult
    await flush_callbacks()
    assert log == ["queued before the enqueues", ("first", (1, False)), ("second", (2, False))]


async def test_enqueue_into_a_cancelled_read_goes_to_the_next_one() -> None:
    # asyncio can cancel a read's future (wait_for on timeout, a cancelled task); the read
    # then takes no chunk: the next chunk goes to the next waiting read, and the one after
    # stays queued for a later read.  Nothing is lost.
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start}, {"high_water_mark": 0})
    reader = stream.get_reader()
    await flush_callbacks()
    first = reader.read()
    second = reader.read()
    assert first.cancel()
    controller.enqueue("a")
    controller.enqueue("b")
    assert first.cancelled()
    assert second.result() == ("a", False)
    assert (await reader.read()) == ("b", False)


async def test_a_read_cancelled_by_wait_for_loses_nothing() -> None:
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start})
    reader = stream.get_reader()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.read(), 0.01)
    controller.enqueue("kept")
    assert (await reader.read()) == ("kept", False)


async def test_a_cancelled_async_for_step_loses_nothing() -> None:
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start})
    iterator = aiter(stream)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(iterator), 0.01)
    controller.enqueue("kept")
    controller.close()
    assert [chunk async for chunk in iterator] == ["kept"]


async def test_a_pending_pull_reacts_after_the_pulls_own_reactions() -> None:
    # The stream reacts to the pull promise once pull() has returned: after the reactions pull
    # registered itself, before those registered later; a read made meanwhile pulls again.
    log: list[str] = []
    pulled: Promise[None] = new_promise()
    pulls = 0

    def pull(c: Any) -> Any:
        nonlocal pulls
        pulls += 1
        log.append(f"pull {pulls}")
        if pulls == 1:
            upon_fulfillment(pulled, lambda _: log.append("registered in pull"))
            return pulled
        return None

    stream = ReadableStream({"pull": pull}, {"high_water_mark": 0})
    reader = stream.get_reader()
    await flush_callbacks()
    reader.read()
    reader.read()  # [[pullAgain]]
    upon_fulfillment(pulled, lambda _: log.append("registered after"))
    assert log == ["pull 1"]
    resolve_promise(pulled, None)
    await flush_callbacks()
    assert log == ["pull 1", "registered in pull", "pull 2", "registered after"]


async def test_a_rejected_pull_errors_the_stream_with_its_reason() -> None:
    failed: Promise[None] = new_promise()

    def pull(c: Any) -> Any:
        return failed

    stream = ReadableStream({"pull": pull}, {"high_water_mark": 0})
    reader = stream.get_reader()
    read = reader.read()
    await flush_callbacks()
    error = ValueError("pull failed")
    failed.set_exception(error)
    await flush_callbacks()
    assert read.exception() is error
    assert reader.closed.exception() is error


async def test_a_cancelled_pull_promise_errors_the_stream_with_cancelled_error() -> None:
    # asyncio can cancel the promise a pull returned: the stream reacts as to a rejection.
    pending: Promise[None] = new_promise()

    def pull(c: Any) -> Any:
        return pending

    stream = ReadableStream({"pull": pull}, {"high_water_mark": 0})
    reader = stream.get_reader()
    read = reader.read()
    await flush_callbacks()
    pending.cancel()
    await flush_callbacks()
    assert isinstance(read.exception(), asyncio.CancelledError)
    assert isinstance(reader.closed.exception(), asyncio.CancelledError)


async def test_a_source_without_pull_delivers_in_order() -> None:
    # No pull: its pulls do nothing, so the stream reacts to them at once; reads and enqueues
    # in any interleaving still meet in order.
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start}, {"high_water_mark": 2})
    reader = stream.get_reader()
    await flush_callbacks()
    reads = [reader.read(), reader.read()]
    for i in range(5):
        controller.enqueue(i)
        if i == 2:
            reads.append(reader.read())
    assert controller.desired_size == 0
    reads.extend(reader.read() for _ in range(2))
    assert [r.result().value for r in reads] == [0, 1, 2, 3, 4]
    assert controller.desired_size == 2
    controller.close()
    assert (await reader.read()) == (None, True)


async def test_a_source_without_pull_and_a_pending_start() -> None:
    # Nothing is pulled (nothing happens) until start settles; then reads are served in order.
    started: Promise[None] = new_promise()
    controller: Any = None

    def start(c: Any) -> Any:
        nonlocal controller
        controller = c
        return started

    stream = ReadableStream({"start": start})
    reader = stream.get_reader()
    first = reader.read()
    controller.enqueue("a")
    assert first.result() == ("a", False)
    second = reader.read()
    resolve_promise(started, None)
    await flush_callbacks()
    controller.enqueue("b")
    assert second.result() == ("b", False)


async def test_the_default_size_pulls_only_while_the_queue_wants_more() -> None:
    for strategy in ({"high_water_mark": 2}, CountQueuingStrategy(high_water_mark=2)):
        pulls = 0
        controller: Any = None

        def start(c: Any) -> None:
            nonlocal controller
            controller = c

        def pull(c: Any) -> None:
            nonlocal pulls
            pulls += 1

        stream = ReadableStream({"start": start, "pull": pull}, strategy)
        await flush_callbacks()
        assert pulls == 1  # after start: the queue is empty
        controller.enqueue("a")  # desired size 1: pull again
        await flush_callbacks()
        assert pulls == 2
        controller.enqueue("b")  # desired size 0: no pull
        controller.enqueue("c")
        await flush_callbacks()
        assert pulls == 2
        assert controller.desired_size == -1
        reader = stream.get_reader()
        assert (await reader.read()) == ("a", False)
        await flush_callbacks()
        assert pulls == 2  # desired size 0 again
        assert (await reader.read()) == ("b", False)
        await flush_callbacks()
        assert pulls == 3


async def test_async_for_of_a_queued_chunk_pulls_and_keeps_the_lock_until_the_end() -> None:
    log: list[Any] = []

    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")

    def pull(c: Any) -> None:
        log.append(("pull", c.desired_size))
        if len(log) == 1:
            c.close()

    stream = ReadableStream({"start": start, "pull": pull}, {"high_water_mark": 2})
    await flush_callbacks()
    iterator = aiter(stream)
    assert await anext(iterator) == "a"
    assert log == [("pull", 1)]
    assert await anext(iterator) == "b"  # empties the closing queue: the stream closes
    assert log == [("pull", 1)]
    assert stream.locked
    try:
        await anext(iterator)
    except StopAsyncIteration:
        pass
    else:
        raise AssertionError("the iteration did not end")
    assert not stream.locked


async def test_async_for_after_a_pending_read_gets_chunks_in_order() -> None:
    controller: Any = None

    def start(c: Any) -> None:
        nonlocal controller
        controller = c

    stream = ReadableStream({"start": start})
    await flush_callbacks()
    iterator = aiter(stream)
    pending = anext(iterator)  # nothing queued: a future, settled by the enqueue
    controller.enqueue(1)
    controller.enqueue(2)
    controller.close()
    assert await pending == 1
    assert await anext(iterator) == 2
    assert [chunk async for chunk in iterator] == []
