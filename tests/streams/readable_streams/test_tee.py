"""WPT streams/readable-streams/tee.any.js (default streams)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    rejection,
)
from websocketstream.streams.readable import ReadableStream, ReadResult
from websocketstream.streams.strategies import CountQueuingStrategy

from .rs_utils import read_all, with_controller


def abc_stream() -> ReadableStream:
    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")
        c.close()

    return ReadableStream({"start": start})


async def test_tee_returns_two_streams_and_locks() -> None:
    rs = ReadableStream()
    branches = rs.tee()
    assert isinstance(branches, tuple)
    assert len(branches) == 2
    assert all(isinstance(b, ReadableStream) for b in branches)
    assert rs.locked
    assert not branches[0].locked and not branches[1].locked


async def test_tee_of_locked_stream_throws() -> None:
    rs = ReadableStream()
    rs.get_reader()
    try:
        rs.tee()
    except TypeError:
        return
    raise AssertionError("tee() of a locked stream must throw TypeError")


async def test_read_one_branch_to_the_end_without_affecting_the_other() -> None:
    b1, b2 = abc_stream().tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    assert await r1.read() == ReadResult("a", False)
    assert await r1.read() == ReadResult("b", False)
    assert await r1.read() == ReadResult(None, True)
    await r1.closed
    assert await r2.read() == ReadResult("a", False)
    assert await r2.read() == ReadResult("b", False)
    assert await r2.read() == ReadResult(None, True)


async def test_values_are_the_same_objects_across_branches() -> None:
    the_object = {"the": "test object"}
    b1, b2 = ReadableStream({"start": lambda c: c.enqueue(the_object)}).tee()
    v1 = (await b1.get_reader().read()).value
    v2 = (await b2.get_reader().read()).value
    assert v1 is the_object and v2 is the_object


async def test_errors_in_source_propagate_to_both_branches(error1: Exception) -> None:
    def pull(c: Any) -> None:
        raise error1  # errors the source one callback later: "b" still reaches the branches

    def start(c: Any) -> None:
        c.enqueue("a")
        c.enqueue("b")

    b1, b2 = ReadableStream({"start": start, "pull": pull}).tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    reads = [r1.read(), r1.read(), r1.read(), r2.read(), r2.read(), r2.read()]
    assert (await reads[0]).value == "a"
    assert (await reads[1]).value == "b"
    await assert_rejects(reads[2], error1)
    assert (await reads[3]).value == "a"
    assert (await reads[4]).value == "b"
    await assert_rejects(reads[5], error1)
    await assert_rejects(r1.closed, error1)
    await assert_rejects(r2.closed, error1)


async def test_canceling_branch1_does_not_impact_branch2() -> None:
    b1, b2 = abc_stream().tee()
    cancel1 = b1.cancel()  # settles once the source closes (or branch 2 is canceled too)
    assert await read_all(b2) == ["a", "b"]
    assert await cancel1 is None


async def test_canceling_branch2_does_not_impact_branch1() -> None:
    b1, b2 = abc_stream().tee()
    cancel2 = b2.cancel()
    assert await read_all(b1) == ["a", "b"]
    assert await cancel2 is None


async def test_canceling_both_branches_aggregates_reasons() -> None:
    rs = recording_readable_stream()
    b1, b2 = rs.tee()
    reason1, reason2 = ValueError("1"), ValueError("2")
    c1 = b1.cancel(reason1)
    await flush_callbacks()
    assert not c1.done(), "a branch's cancel waits for the other branch"
    c2 = b2.cancel(reason2)
    await asyncio.gather(c1, c2)
    assert rs.events_without_pulls == ["cancel", [reason1, reason2]]


async def test_canceling_both_branches_in_reverse_order_keeps_branch_order() -> None:
    rs = recording_readable_stream()
    b1, b2 = rs.tee()
    await asyncio.gather(b2.cancel("two"), b1.cancel("one"))
    assert rs.events_without_pulls == ["cancel", ["one", "two"]]


async def test_failing_to_cancel_the_original_rejects_both_cancels(error1: Exception) -> None:
    def cancel(reason: Any) -> None:
        raise error1

    b1, b2 = ReadableStream({"cancel": cancel}).tee()
    cancel1 = b1.cancel()
    cancel2 = b2.cancel()
    await assert_rejects(cancel1, error1)
    await assert_rejects(cancel2, error1)


async def test_erroring_properly_handles_canceled_branches(error1: Exception) -> None:
    rs, c = with_controller()
    b1, b2 = rs.tee()
    cancel1 = b1.cancel()
    c.error(error1)
    reader2 = b2.get_reader()
    await assert_rejects(reader2.closed, error1)
    assert await cancel1 is None, "a canceled branch's cancel resolves when the source errors"
    await assert_rejects(reader2.cancel(), error1)


async def test_erroring_a_teed_stream_errors_both_branches(error1: Exception) -> None:
    rs, c = with_controller()
    b1, b2 = rs.tee()
    c.enqueue(None)
    c.enqueue(None)
    await flush_callbacks()
    c.error(error1)  # detected through the tee reader's closed future
    await assert_rejects(b1.get_reader().closed, error1)
    await assert_rejects(b2.get_reader().closed, error1)


async def test_closing_the_original_closes_the_branches() -> None:
    rs, c = with_controller()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    c.close()
    await asyncio.gather(r1.closed, r2.closed)


async def test_erroring_the_original_errors_the_branches() -> None:
    rs, c = with_controller()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    the_error = {"name": "boo!"}
    c.error(the_error)
    await flush_callbacks()
    assert rejection(r1.closed) is the_error
    assert rejection(r2.closed) is the_error


async def test_canceling_one_branch_finishes_when_other_reads_to_end() -> None:
    rs, c = with_controller()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    cancel = r2.cancel()
    c.enqueue("a")
    assert await r1.read() == ReadResult("a", False)
    c.close()
    assert await r1.read() == ReadResult(None, True)
    await asyncio.gather(r1.closed, cancel)


async def test_canceling_one_branch_finishes_when_original_errors() -> None:
    rs, c = with_controller()
    r1, r2 = (b.get_reader() for b in rs.tee())
    cancel = r2.cancel()
    the_error = KeyError("boo!")
    c.error(the_error)
    await assert_rejects(r1.read(), the_error)
    assert await cancel is None


async def test_canceling_both_branches_in_sequence_with_delay() -> None:
    b1, b2 = ReadableStream({}).tee()
    cancel1 = b1.cancel()
    await flush_callbacks()
    cancel2 = b2.cancel()
    await asyncio.gather(cancel1, cancel2)


async def test_does_not_pull_more_than_fits_in_the_branch_queues() -> None:
    rs = recording_readable_stream({}, CountQueuingStrategy(high_water_mark=0))
    rs.tee()
    await flush_callbacks()
    assert rs.events == ["pull"], "two branches with HWM 1 pull one chunk, not two"


async def test_only_pulls_enough_to_fill_the_emptiest_queue() -> None:
    rs = recording_readable_stream(
        {"pull": lambda c: c.enqueue("a")}, CountQueuingStrategy(high_water_mark=0)
    )
    r1, r2 = (b.get_reader() for b in rs.tee())
    await asyncio.gather(r1.read(), r2.read())
    assert rs.events == ["pull", "pull"]


async def test_does_not_pull_when_original_already_errored() -> None:
    rs = recording_readable_stream({}, CountQueuingStrategy(high_water_mark=0))
    the_error = KeyError("boo!")
    rs.controller.error(the_error)
    r1, r2 = (b.get_reader() for b in rs.tee())
    await flush_callbacks()
    assert rs.events == []
    await assert_rejects(r1.closed, the_error)
    await assert_rejects(r2.closed, the_error)


async def _stops_pulling_when_errored(readers_that_read: tuple[int, ...]) -> None:
    rs = recording_readable_stream({}, CountQueuingStrategy(high_water_mark=0))
    the_error = KeyError("boo!")
    readers = [b.get_reader() for b in rs.tee()]
    await flush_callbacks()
    assert rs.events == ["pull"]
    rs.controller.enqueue("a")
    await asyncio.gather(*(readers[i].read() for i in readers_that_read))
    await flush_callbacks()
    assert rs.events == ["pull", "pull"]
    rs.controller.error(the_error)
    await assert_rejects(readers[0].closed, the_error)
    await assert_rejects(readers[1].closed, the_error)
    await flush_callbacks()
    assert rs.events == ["pull", "pull"]


async def test_stops_pulling_when_original_errors_while_branch1_reads() -> None:
    await _stops_pulling_when_errored((0,))


async def test_stops_pulling_when_original_errors_while_branch2_reads() -> None:
    await _stops_pulling_when_errored((1,))


async def test_stops_pulling_when_original_errors_while_both_read() -> None:
    await _stops_pulling_when_errored((0, 1))


async def test_chunks_are_delivered_after_one_callback_so_errors_win() -> None:
    # A chunk read synchronously is handed to the branches one loop callback later (the
    # spec's microtask), so an error raised in the same turn reaches both branches first.
    rs, c = with_controller()
    b1, _b2 = rs.tee()
    r1 = b1.get_reader()
    read = r1.read()
    c.enqueue("a")
    assert not read.done(), "the chunk reaches the branch after a loop callback"
    await flush_callbacks()
    assert read.result() == ReadResult("a", False)


async def test_tee_of_a_tee() -> None:
    b1, b2 = abc_stream().tee()
    b11, b12 = b1.tee()
    results = await asyncio.gather(read_all(b11), read_all(b12), read_all(b2))
    assert results == [["a", "b"]] * 3


async def test_branch_cancel_reason_not_exception() -> None:
    cancelled: list[Any] = []
    b1, b2 = ReadableStream({"cancel": cancelled.append}).tee()
    await asyncio.gather(b1.cancel(1), b2.cancel(None))
    assert cancelled == [[1, None]]
