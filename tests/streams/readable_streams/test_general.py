"""WPT streams/readable-streams/general.any.js (and constructor.any.js)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, rejection, then
from websocketstream.dom.exceptions import RangeError
from websocketstream.streams.default_controller import ReadableStreamDefaultController
from websocketstream.streams.readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadResult,
)
from websocketstream.streams.strategies import CountQueuingStrategy

from .rs_utils import read_all, sequential_pull_source, with_controller


async def test_constructed_with_no_errors() -> None:
    ReadableStream()
    ReadableStream({})
    ReadableStream({"type": None})
    ReadableStream(None)
    ReadableStream(object())


@pytest.mark.parametrize("bad_type", ["", "asdf", "potato", "BYTES", 0])
async def test_invalid_type_throws_type_error(bad_type: Any) -> None:
    with pytest.raises(TypeError):
        ReadableStream({"type": bad_type})


@pytest.mark.parametrize("member", ["start", "pull", "cancel"])
@pytest.mark.parametrize("garbage", ["potato", "2", {}, 42])
async def test_non_callable_source_methods_throw(member: str, garbage: Any) -> None:
    with pytest.raises(TypeError):
        ReadableStream({member: garbage})


async def test_camel_case_source_key_is_rejected() -> None:
    with pytest.raises(TypeError, match="auto_allocate_chunk_size"):
        ReadableStream({"type": "bytes", "autoAllocateChunkSize": 8})
    with pytest.raises(TypeError, match="high_water_mark"):
        ReadableStream({}, {"highWaterMark": 3})


async def test_public_members_and_camel_case_hint() -> None:
    rs = ReadableStream()
    for name in ("cancel", "get_reader", "pipe_through", "pipe_to", "tee", "values", "locked"):
        assert hasattr(rs, name)
    with pytest.raises(AttributeError, match="did you mean 'get_reader'"):
        rs.getReader  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="did you mean 'pipe_to'"):
        rs.pipeTo  # type: ignore[attr-defined]  # noqa: B018
    reader = rs.get_reader()
    with pytest.raises(AttributeError, match="did you mean 'release_lock'"):
        reader.releaseLock  # type: ignore[attr-defined]  # noqa: B018


async def test_start_called_with_controller_and_source_as_self() -> None:
    seen: list[Any] = []

    class Source:
        def start(self, controller: Any) -> None:
            seen.append((self, controller))

    source = Source()
    ReadableStream(source)
    assert len(seen) == 1
    assert seen[0][0] is source
    controller = seen[0][1]
    assert isinstance(controller, ReadableStreamDefaultController)
    for name in ("close", "enqueue", "error", "desired_size"):
        assert hasattr(controller, name)
    with pytest.raises(AttributeError, match="did you mean 'desired_size'"):
        controller.desiredSize  # type: ignore[attr-defined]  # noqa: B018


async def test_controller_is_extensible() -> None:
    _, controller = with_controller()
    controller.test = ""
    assert controller.test == ""


async def test_controller_cannot_be_constructed() -> None:
    with pytest.raises(TypeError):
        ReadableStreamDefaultController()


async def test_start_found_on_the_class_of_the_source() -> None:
    called = []

    class Base:
        def start(self, c: Any) -> None:
            called.append(c)

    class Derived(Base):
        pass

    ReadableStream(Derived())
    assert len(called) == 1


async def test_get_reader_only_accepts_mode_none_or_byob() -> None:
    ReadableStream().get_reader()
    ReadableStream().get_reader(mode=None)
    with pytest.raises(TypeError):
        ReadableStream().get_reader(mode="potato")
    with pytest.raises(TypeError):
        ReadableStream().get_reader(mode="byob")  # not a byte stream


async def test_start_can_return_a_future() -> None:
    async def start(c: Any) -> None:
        await asyncio.sleep(0.001)
        c.enqueue("a")
        c.close()

    reader = ReadableStream({"start": start}).get_reader()
    assert await reader.read() == ReadResult("a", False)
    await reader.closed


async def test_start_can_return_a_future_that_rejects() -> None:
    the_error = ValueError("rejected!")

    async def start(c: Any) -> None:
        await asyncio.sleep(0.001)
        raise the_error

    reader = ReadableStream({"start": start}).get_reader()
    await assert_rejects(reader.closed, the_error)


async def test_start_exception_is_rethrown() -> None:
    the_error = ValueError("start")

    def start(c: Any) -> None:
        raise the_error

    with pytest.raises(ValueError) as info:
        ReadableStream({"start": start})
    assert info.value is the_error


async def test_can_enqueue_different_objects() -> None:
    objects = [{"potato": "Give me more!"}, "test", 1]

    def start(c: Any) -> None:
        for o in objects:
            c.enqueue(o)
        c.close()

    reader = ReadableStream({"start": start}).get_reader()
    results = [await reader.read() for _ in objects]
    assert results == [ReadResult(o, False) for o in objects]
    assert all(r.value is o for r, o in zip(results, objects, strict=True))
    await reader.closed


async def test_pull_rejecting_errors_the_stream_closed_rejects_before_read() -> None:
    error = ValueError("pull failure")

    async def pull(c: Any) -> None:
        raise error

    reader = ReadableStream({"pull": pull}).get_reader()
    order: list[str] = []
    read = reader.read()
    read.add_done_callback(lambda f: order.append("read"))
    reader.closed.add_done_callback(lambda f: order.append("closed"))
    await assert_rejects(read, error)
    await assert_rejects(reader.closed, error)
    assert order == ["closed", "read"], "ReadableStreamError rejects closed, then the reads"


async def test_pull_throwing_errors_the_stream(error1: Exception) -> None:
    def pull(c: Any) -> None:
        raise error1

    reader = ReadableStream({"pull": pull}).get_reader()
    await assert_rejects(reader.closed, error1)
    await assert_rejects(reader.read(), error1)


async def test_only_calls_pull_once_upon_starting() -> None:
    pulls = []
    start_future = asyncio.get_running_loop().create_future()
    start_future.set_result(None)
    ReadableStream({"start": lambda c: start_future, "pull": lambda c: pulls.append(1)})
    assert pulls == []
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert len(pulls) == 1, "pull should be called once start finishes"
    await flush_callbacks()
    assert len(pulls) == 1, "pull should be called exactly once"


async def test_calls_pull_when_reading_from_started_empty_stream() -> None:
    count = [0]

    def pull(c: Any) -> None:
        if count[0] > 0:
            c.enqueue(count[0])
        count[0] += 1

    rs = ReadableStream({"pull": pull})
    await flush_callbacks()
    assert count[0] == 1, "pull should be called once start finishes"
    reader = rs.get_reader()
    read = reader.read()
    assert count[0] == 2, "pull should be called when read is called"
    assert await read == ReadResult(1, False)
    await flush_callbacks()
    assert count[0] == 3, "pull should be called again in reaction to calling read"


async def test_only_one_pull_for_non_empty_stream_read_before_start_fulfills() -> None:
    pulls = [0]

    def start(c: Any) -> None:
        c.enqueue("a")

    def pull(c: Any) -> None:
        pulls[0] += 1

    read = ReadableStream({"start": start, "pull": pull}).get_reader().read()
    assert pulls[0] == 0, "calling read() should not cause pull to be called yet"
    assert await read == ReadResult("a", False)
    await flush_callbacks()
    assert pulls[0] == 1, "pull should be called exactly once"


async def test_only_one_pull_for_non_empty_stream_read_after_start_fulfills() -> None:
    pulls = [0]

    def start(c: Any) -> None:
        c.enqueue("a")

    def pull(c: Any) -> None:
        pulls[0] += 1

    rs = ReadableStream({"start": start, "pull": pull})
    await flush_callbacks()
    assert pulls[0] == 0, "pull should not be called once start finishes: the queue is full"
    read = rs.get_reader().read()
    assert read.done(), "a queued chunk is read at once"
    assert pulls[0] == 1, "calling read() should cause pull to be called immediately"
    assert read.result() == ReadResult("a", False)
    await flush_callbacks()
    assert pulls[0] == 1, "pull should be called exactly once"


async def test_pull_in_reaction_to_reading_last_chunk_if_not_draining() -> None:
    pulls = [0]
    rs, controller = with_controller({"pull": lambda c: pulls.__setitem__(0, pulls[0] + 1)})
    reader = rs.get_reader()
    await flush_callbacks()
    assert pulls[0] == 1
    controller.enqueue("a")
    assert pulls[0] == 1, "pull should not have been called again after enqueue"
    await reader.read()
    await flush_callbacks()
    assert pulls[0] == 2, "pull should have been called again after read"
    await flush_callbacks()
    assert pulls[0] == 2


async def test_no_pull_in_reaction_to_reading_last_chunk_if_draining() -> None:
    pulls = [0]
    rs, controller = with_controller({"pull": lambda c: pulls.__setitem__(0, pulls[0] + 1)})
    reader = rs.get_reader()
    await flush_callbacks()
    assert pulls[0] == 1
    controller.enqueue("a")
    controller.close()
    await reader.read()
    await flush_callbacks()
    assert pulls[0] == 1, "pull should not have been called a second time after read"


async def test_no_pull_until_previous_pull_future_fulfills() -> None:
    loop = asyncio.get_running_loop()
    times = [0]
    pending: list[asyncio.Future[None]] = []

    def pull(c: Any) -> asyncio.Future[None]:
        times[0] += 1
        c.enqueue(times[0])
        f = loop.create_future()
        pending.append(f)
        return f

    reader = ReadableStream({"pull": pull}).get_reader()
    await flush_callbacks()
    assert times[0] == 1
    assert await reader.read() == ReadResult(1, False)
    await flush_callbacks()
    assert times[0] == 1, "pull must not be called while its previous future is pending"
    pending[0].set_result(None)
    await flush_callbacks()
    assert times[0] == 2, "pull is called once the previous pull resolved"
    assert await reader.read() == ReadResult(2, False)
    await flush_callbacks()
    assert times[0] == 2
    pending[1].set_result(None)
    await flush_callbacks()
    assert times[0] == 3


async def test_pull_after_start_and_after_every_read() -> None:
    pulls = [0]

    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")
        c.enqueue("c")

    def pull(c: Any) -> None:
        pulls[0] += 1

    rs = ReadableStream({"start": start, "pull": pull}, CountQueuingStrategy(high_water_mark=4))
    reader = rs.get_reader()
    await flush_callbacks()
    assert pulls[0] == 1, "pull is called after start: desired size 1"
    assert (await reader.read()).value == "a"
    await flush_callbacks()
    assert pulls[0] == 2
    assert (await reader.read()).value == "b"
    await flush_callbacks()
    assert pulls[0] == 3
    assert (await reader.read()).value == "c"
    await flush_callbacks()
    assert pulls[0] == 4


async def test_no_pull_after_start_if_stream_now_closed() -> None:
    pulls = [0]

    def start(c: Any) -> None:
        c.enqueue("a")
        c.close()

    rs = ReadableStream(
        {"start": start, "pull": lambda c: pulls.__setitem__(0, pulls[0] + 1)},
        CountQueuingStrategy(high_water_mark=4),
    )
    await flush_callbacks()
    assert pulls[0] == 0
    assert await read_all(rs) == ["a"]
    assert pulls[0] == 0


async def test_pull_again_after_enqueue_inside_pull_if_strategy_allows() -> None:
    pulls = [0]

    def pull(c: Any) -> None:
        pulls[0] += 1
        c.enqueue(pulls[0])

    rs = ReadableStream({"pull": pull}, CountQueuingStrategy(high_water_mark=4))
    await flush_callbacks()
    assert pulls[0] == 4, "pull is called until the queue reaches the high-water mark"
    assert rs._controller.desired_size == 0


async def test_pull_can_close_the_stream() -> None:
    rs = ReadableStream({"pull": lambda c: c.close()})
    reader = rs.get_reader()
    await reader.closed
    assert await reader.read() == ReadResult(None, True)


async def test_pull_can_error_the_stream(error1: Exception) -> None:
    rs = ReadableStream({"pull": lambda c: c.error(error1)})
    await assert_rejects(rs.get_reader().closed, error1)


async def test_enqueue_throws_when_draining() -> None:
    rs, c = with_controller()
    c.enqueue("a")
    c.close()
    with pytest.raises(TypeError):
        c.enqueue("b")
    assert await read_all(rs) == ["a"]


async def test_enqueue_throws_when_closed() -> None:
    _, c = with_controller()
    c.close()
    with pytest.raises(TypeError):
        c.enqueue("a")


async def test_enqueue_throws_when_errored(error1: Exception) -> None:
    _, c = with_controller()
    c.error(error1)
    with pytest.raises(TypeError):
        c.enqueue("a")


async def test_close_twice_throws() -> None:
    _, c = with_controller()
    c.close()
    with pytest.raises(TypeError):
        c.close()


async def test_error_after_close_and_error_after_error_are_noops(error1: Exception) -> None:
    rs, c = with_controller()
    c.close()
    c.error(error1)
    await rs.get_reader().closed
    rs2, c2 = with_controller()
    c2.error(error1)
    c2.error(ValueError("other"))
    await assert_rejects(rs2.get_reader().closed, error1)


async def test_desired_size_default_strategy_decreases_per_enqueue() -> None:
    _, c = with_controller()
    assert c.desired_size == 1
    c.enqueue("a")
    assert c.desired_size == 0
    c.enqueue("b")
    assert c.desired_size == -1
    c.enqueue("c")
    assert c.desired_size == -2


async def test_desired_size_stays_one_when_chunks_read_immediately() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    assert c.desired_size == 1
    for chunk in ("a", "b", "c"):
        c.enqueue(chunk)
        assert c.desired_size == 0
        assert (await reader.read()).value == chunk
        assert c.desired_size == 1


async def test_desired_size_with_pending_read_stays_at_hwm() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    read = reader.read()
    c.enqueue("a")  # goes straight to the pending read
    assert c.desired_size == 1
    assert read.result() == ReadResult("a", False)


async def test_desired_size_closed_is_zero_errored_is_none(error1: Exception) -> None:
    _, c = with_controller()
    c.close()
    assert c.desired_size == 0
    _, c2 = with_controller()
    c2.error(error1)
    assert c2.desired_size is None


async def test_source_methods_are_called_as_methods() -> None:
    calls: list[str] = []

    class Source:
        def start(self, c: Any) -> None:
            assert self is source
            calls.append("start")

        def pull(self, c: Any) -> None:
            assert self is source
            calls.append("pull")

        def cancel(self, reason: Any) -> None:
            assert self is source
            calls.append("cancel")

    source = Source()
    rs = ReadableStream(source, CountQueuingStrategy(high_water_mark=1))
    await flush_callbacks()
    await rs.get_reader().cancel()
    assert calls == ["start", "pull", "cancel"]


async def test_enqueue_reads_in_order_and_locked_flag() -> None:
    rs, _c = with_controller()
    assert not rs.locked
    reader = rs.get_reader()
    assert rs.locked
    reader.release_lock()
    assert not rs.locked


async def test_integration_random_push_source() -> None:
    data = list(range(10))

    def start(c: Any) -> None:
        loop = asyncio.get_running_loop()
        for i, chunk in enumerate(data):
            loop.call_later(0.0005 * i, c.enqueue, chunk)
        loop.call_later(0.0005 * len(data), c.close)

    assert await read_all(ReadableStream({"start": start})) == data


async def test_integration_sync_pull_source() -> None:
    assert await read_all(ReadableStream(sequential_pull_source(10))) == list(range(1, 11))


async def test_integration_async_pull_source() -> None:
    rs = ReadableStream(sequential_pull_source(10, async_=True))
    assert await read_all(rs) == list(range(1, 11))


async def test_reads_settle_in_order_after_close() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    reads = [reader.read() for _ in range(3)]
    order: list[int] = []
    for i, r in enumerate(reads):
        r.add_done_callback(lambda f, i=i: order.append(i))  # type: ignore[misc]
    c.enqueue("a")
    c.close()
    results = [await r for r in reads]
    assert results == [ReadResult("a", False), ReadResult(None, True), ReadResult(None, True)]
    await flush_callbacks()
    assert order == [0, 1, 2]


async def test_cancel_on_locked_stream_rejects() -> None:
    cancelled: list[Any] = []
    rs = ReadableStream({"cancel": cancelled.append})
    rs.get_reader()
    await assert_rejects(rs.cancel(), TypeError)
    assert cancelled == []


async def test_error_with_non_exception_reason() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    c.error("e")
    await flush_callbacks()
    assert rejection(reader.closed) == "e"


async def test_infinite_high_water_mark() -> None:
    rs, c = with_controller(strategy={"high_water_mark": math.inf})
    for i in range(100):
        c.enqueue(i)
    assert c.desired_size == math.inf
    c.close()
    assert await read_all(rs) == list(range(100))


async def test_negative_high_water_mark_is_range_error() -> None:
    with pytest.raises(RangeError):
        ReadableStream({}, {"high_water_mark": -1})


async def test_reader_constructor_requires_stream() -> None:
    with pytest.raises(TypeError):
        ReadableStreamDefaultReader(object())  # type: ignore[arg-type]
    rs = ReadableStream()
    reader = ReadableStreamDefaultReader(rs)
    assert rs.locked
    await then(asyncio.sleep(0))
    reader.release_lock()
    assert not rs.locked


async def test_is_made_without_a_loop_but_used_with_one() -> None:
    # (tests/streams/test_loop_binding.py has the rest.)
    def construct() -> None:
        ReadableStream().get_reader()

    loop = asyncio.get_running_loop()
    with pytest.raises(RuntimeError, match="event loop"):
        await loop.run_in_executor(None, construct)
