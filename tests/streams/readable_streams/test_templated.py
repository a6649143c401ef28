"""WPT streams/readable-streams/templated.any.js (with resources/rs-test-templates.js): the
same checks run against streams in each state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.readable import ReadableStream, ReadResult

from .rs_utils import make_error, with_controller

THE_ERROR = make_error("boo!")
CHUNKS = ("a", "b")


# --- factories --------------------------------------------------------------------------------


def empty() -> ReadableStream:
    return ReadableStream()


def closed_in_start() -> ReadableStream:
    return ReadableStream({"start": lambda c: c.close()})


def closed_via_cancel() -> ReadableStream:
    rs = ReadableStream()
    rs.cancel()
    return rs


def errored_in_start() -> ReadableStream:
    return ReadableStream({"start": lambda c: c.error(THE_ERROR)})


def errored_via_rejected_start() -> ReadableStream:
    async def start(c: Any) -> None:
        raise THE_ERROR

    return ReadableStream({"start": start})


# --- ReadableStream templates ------------------------------------------------------------------


@pytest.mark.parametrize("factory", [empty, closed_in_start, errored_in_start])
async def test_stream_basics(factory: Callable[[], ReadableStream]) -> None:
    rs = factory()
    assert not rs.locked
    reader = rs.get_reader()
    assert rs.locked
    reader.release_lock()
    assert not rs.locked
    with pytest.raises(TypeError):
        rs.get_reader(mode="potato")


async def test_empty_stream_read_stays_pending_and_cancel_settles_it() -> None:
    reader = empty().get_reader()
    read = reader.read()
    await flush_callbacks()
    assert not read.done()
    assert not reader.closed.done()
    await reader.cancel()
    assert read.result() == ReadResult(None, True)


async def test_empty_stream_two_readers_fail() -> None:
    rs = empty()
    rs.get_reader()
    with pytest.raises(TypeError):
        rs.get_reader()


async def test_empty_stream_release_rejects_pending_reads() -> None:
    reader = empty().get_reader()
    reads = [reader.read(), reader.read()]
    reader.release_lock()
    for read in reads:
        await assert_rejects(read, TypeError)
    await assert_rejects(reader.closed, TypeError)


@pytest.mark.parametrize("factory", [closed_in_start, closed_via_cancel])
async def test_closed_stream_templates(factory: Callable[[], ReadableStream]) -> None:
    rs = factory()
    assert await rs.cancel() is None, "cancel() of a closed stream fulfills"
    reader = rs.get_reader()
    assert await reader.read() == ReadResult(None, True)
    assert await reader.read() == ReadResult(None, True), "read() can be called again"
    await reader.closed
    closed = reader.closed
    reader.release_lock()
    assert reader.closed is not closed, "a released reader gets a new closed future"
    await assert_rejects(reader.closed, TypeError)
    await assert_rejects(reader.read(), TypeError)


async def test_closed_after_getting_reader() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    read = reader.read()
    c.close()
    assert await read == ReadResult(None, True)
    await reader.closed


async def test_closed_via_cancel_after_getting_reader() -> None:
    reader = empty().get_reader()
    read = reader.read()
    await reader.cancel()
    assert read.result() == ReadResult(None, True)
    await reader.closed


@pytest.mark.parametrize("factory", [errored_in_start, errored_via_rejected_start])
async def test_errored_stream_templates(factory: Callable[[], ReadableStream]) -> None:
    rs = factory()
    await flush_callbacks()
    await assert_rejects(rs.cancel(), THE_ERROR)
    reader = rs.get_reader()
    await assert_rejects(reader.closed, THE_ERROR)
    await assert_rejects(reader.read(), THE_ERROR)
    await assert_rejects(reader.read(), THE_ERROR)
    reader.release_lock()
    await assert_rejects(reader.closed, TypeError)
    reader2 = rs.get_reader()
    await assert_rejects(reader2.closed, THE_ERROR)


async def test_errored_after_getting_reader() -> None:
    rs, c = with_controller()
    reader = rs.get_reader()
    read = reader.read()
    c.error(THE_ERROR)
    await assert_rejects(read, THE_ERROR)
    await assert_rejects(reader.closed, THE_ERROR)


@pytest.mark.parametrize("then", ["open", "closed", "errored"])
async def test_two_chunks_enqueued(then: str) -> None:
    rs, c = with_controller()
    for chunk in CHUNKS:
        c.enqueue(chunk)
    if then == "closed":
        c.close()
    elif then == "errored":
        c.error(THE_ERROR)
    reader = rs.get_reader()
    if then == "errored":
        await assert_rejects(reader.read(), THE_ERROR, "queued chunks are dropped by error()")
        await assert_rejects(reader.closed, THE_ERROR)
        return
    reads = [reader.read(), reader.read()]
    assert all(r.done() for r in reads), "queued chunks are read at once"
    assert [r.result() for r in reads] == [ReadResult(c_, False) for c_ in CHUNKS]
    third = reader.read()
    if then == "closed":
        assert third.result() == ReadResult(None, True)
        await reader.closed
    else:
        await flush_callbacks()
        assert not third.done(), "the third read waits for a chunk"
        assert not reader.closed.done()
        reader.release_lock()
        await assert_rejects(third, TypeError)


async def test_two_chunks_then_closed_cancel_drops_them() -> None:
    rs, c = with_controller()
    for chunk in CHUNKS:
        c.enqueue(chunk)
    c.close()
    reader = rs.get_reader()
    assert await reader.cancel() is None
    assert await reader.read() == ReadResult(None, True)


async def test_two_chunks_closed_reader_released_second_reader_reads_rest() -> None:
    rs, c = with_controller()
    for chunk in CHUNKS:
        c.enqueue(chunk)
    c.close()
    reader = rs.get_reader()
    assert (await reader.read()).value == "a"
    reader.release_lock()
    reader2 = rs.get_reader()
    assert (await reader2.read()).value == "b"
    assert (await reader2.read()).done
    await asyncio.gather(reader2.closed)
