"""WPT streams/readable-byte-streams/general.any.js (byte streams, BYOB readers, BYOB requests).

Python mapping (docs/deviations.md, "Streams: byte streams"): a view is a writable bytes-like
object; results are ``memoryview``s over the caller's memory; enqueued chunks are snapshots.
"""

from __future__ import annotations

import array
import asyncio
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks, rejection
from websocketstream.dom.exceptions import RangeError
from websocketstream.streams.byob_reader import ReadableStreamBYOBReader
from websocketstream.streams.byte_controller import (
    ReadableByteStreamController,
    ReadableStreamBYOBRequest,
)
from websocketstream.streams.readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadResult,
)


def byte_stream(extra: dict[str, Any] | None = None, strategy: Any = None) -> tuple[Any, Any]:
    holder: list[Any] = []
    source: dict[str, Any] = {"type": "bytes", **(extra or {})}
    user_start = source.pop("start", None)

    def start(c: Any) -> Any:
        holder.append(c)
        return None if user_start is None else user_start(c)

    source["start"] = start
    return ReadableStream(source, strategy), holder[0]


async def test_get_reader_byob_on_a_byte_stream() -> None:
    rs, _ = byte_stream()
    reader = rs.get_reader(mode="byob")
    assert isinstance(reader, ReadableStreamBYOBReader)
    assert rs.locked


async def test_byob_reader_needs_a_byte_stream() -> None:
    with pytest.raises(TypeError):
        ReadableStreamBYOBReader(ReadableStream())
    with pytest.raises(TypeError):
        ReadableStream().get_reader(mode="byob")
    rs, _ = byte_stream()
    rs.get_reader()
    with pytest.raises(TypeError):
        ReadableStreamBYOBReader(rs)


async def test_default_reader_on_a_byte_stream() -> None:
    rs, _ = byte_stream()
    assert isinstance(rs.get_reader(), ReadableStreamDefaultReader)


@pytest.mark.parametrize("bad", [0, -1, 1.5e300, "x", float("nan"), float("inf")])
async def test_auto_allocate_chunk_size_must_be_a_positive_integer(bad: Any) -> None:
    with pytest.raises(TypeError):
        ReadableStream({"type": "bytes", "auto_allocate_chunk_size": bad})


async def test_start_gets_a_byte_controller_with_no_byob_request() -> None:
    _, c = byte_stream()
    assert isinstance(c, ReadableByteStreamController)
    assert c.byob_request is None
    assert c.desired_size == 0, "the default high-water mark of a byte stream is 0"
    with pytest.raises(TypeError):
        ReadableByteStreamController()
    with pytest.raises(AttributeError, match="did you mean 'byob_request'"):
        c.byobRequest  # type: ignore[attr-defined]  # noqa: B018


async def test_no_pull_at_start_with_hwm_0_pull_on_read() -> None:
    pulls: list[Any] = []
    rs, c = byte_stream({"pull": pulls.append})
    await flush_callbacks()
    assert pulls == []
    reader = rs.get_reader()
    reader.read()
    await flush_callbacks()
    assert len(pulls) == 1
    assert c.byob_request is None, "no BYOB request for a default read without auto-allocation"


async def test_pull_at_start_with_positive_hwm() -> None:
    pulls: list[Any] = []
    byte_stream({"pull": pulls.append}, {"high_water_mark": 16})
    await flush_callbacks()
    assert len(pulls) == 1


async def test_enqueue_then_default_read() -> None:
    rs, c = byte_stream()
    c.enqueue(b"hello")
    assert c.desired_size == -5
    reader = rs.get_reader()
    read = reader.read()
    assert read.done(), "a queued chunk is read at once"
    value, done = read.result()
    assert isinstance(value, memoryview)
    assert bytes(value) == b"hello" and not done
    assert c.desired_size == 0


async def test_enqueue_fulfills_a_pending_default_read() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader()
    read = reader.read()
    c.enqueue(bytearray(b"abc"))
    assert read.done()
    assert bytes(read.result().value) == b"abc"


async def test_enqueue_takes_a_snapshot_of_mutable_chunks() -> None:
    rs, c = byte_stream()
    data = bytearray(b"abc")
    c.enqueue(data)
    data[0] = ord("z")
    c.enqueue(memoryview(data)[1:])
    data[1] = ord("y")
    reader = rs.get_reader()
    assert bytes((await reader.read()).value) == b"abc"
    assert bytes((await reader.read()).value) == b"bc"


@pytest.mark.parametrize("bad", [b"", bytearray(), "text", 42, None])
async def test_enqueue_rejects_empty_and_non_bytes(bad: Any) -> None:
    _, c = byte_stream()
    with pytest.raises(TypeError):
        c.enqueue(bad)


async def test_enqueue_and_close_after_close_throw() -> None:
    _, c = byte_stream()
    c.enqueue(b"a")
    c.close()
    with pytest.raises(TypeError):
        c.enqueue(b"b")
    with pytest.raises(TypeError):
        c.close()


async def test_auto_allocate_gives_a_byob_request_to_default_reads() -> None:
    requests: list[Any] = []

    def pull(c: Any) -> None:
        request = c.byob_request
        requests.append(request)
        view = request.view
        assert isinstance(view, memoryview) and view.nbytes == 16
        view[0:3] = b"xyz"
        request.respond(3)

    rs, _ = byte_stream({"pull": pull, "auto_allocate_chunk_size": 16})
    reader = rs.get_reader()
    value, done = await reader.read()
    assert not done
    assert bytes(value) == b"xyz"
    assert isinstance(requests[0], ReadableStreamBYOBRequest)
    assert requests[0].view is None, "a BYOB request is invalidated by respond()"
    with pytest.raises(TypeError):
        requests[0].respond(1)


async def test_byob_read_fills_the_callers_buffer() -> None:
    def pull(c: Any) -> None:
        view = c.byob_request.view
        assert view.nbytes == 8
        view[:4] = b"data"
        c.byob_request.respond(4)

    rs, _ = byte_stream({"pull": pull})
    reader = rs.get_reader(mode="byob")
    buffer = bytearray(8)
    value, done = await reader.read(buffer)
    assert not done
    assert bytes(value) == b"data"
    assert value.obj is buffer, "the result views the caller's buffer"
    assert buffer[:4] == b"data"


async def test_byob_read_from_queue_is_synchronous_and_partial_chunks_stay() -> None:
    rs, c = byte_stream()
    c.enqueue(b"0123456789")
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(4))
    assert read.done()
    assert bytes(read.result().value) == b"0123"
    assert c.desired_size == -6
    assert bytes((await reader.read(bytearray(100))).value) == b"456789"


async def test_byob_read_with_min_waits_for_enough_bytes() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(6), min=4)
    c.enqueue(b"ab")
    await flush_callbacks()
    assert not read.done(), "2 bytes are not enough for min=4"
    request = c.byob_request
    assert request is not None and request.view.nbytes == 4, "the rest of the view is asked"
    c.enqueue(b"cde")
    value, _done = await read
    assert bytes(value) == b"abcde"


async def test_byob_read_with_min_filled_by_respond() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(4), min=3)
    await flush_callbacks()
    c.byob_request.view[0] = 1
    c.byob_request.respond(1)
    assert not read.done()
    view = c.byob_request.view
    assert view.nbytes == 3
    view[:2] = b"\x02\x03"
    c.byob_request.respond(2)
    assert bytes((await read).value) == b"\x01\x02\x03"


async def test_byob_read_with_typed_view_keeps_partial_elements_queued() -> None:
    rs, c = byte_stream()
    c.enqueue(b"\x01\x00\x02\x00\x03")
    reader = rs.get_reader(mode="byob")
    target = array.array("H", [0, 0, 0])
    value, _done = await reader.read(target)
    assert value.format == "H" and value.tolist() == [1, 2]
    assert target.tolist()[:2] == [1, 2]
    rest = bytearray(4)
    value, _done = await reader.read(rest)
    assert bytes(value) == b"\x03"


async def test_close_with_partial_element_pending_errors_the_stream() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(array.array("H", [0, 0]))
    await flush_callbacks()
    c.byob_request.view[0] = 1
    c.byob_request.respond(1)
    with pytest.raises(TypeError):
        c.close()
    await assert_rejects(read, TypeError)
    await assert_rejects(reader.closed, TypeError)


async def test_close_with_pending_byob_read_then_respond_zero() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    buffer = bytearray(4)
    read = reader.read(buffer)
    await flush_callbacks()
    c.close()
    assert not read.done(), "a pending BYOB read waits for respond(0)"
    with pytest.raises(TypeError):
        c.byob_request.respond(1)
    c.byob_request.respond(0)
    value, done = await read
    assert done
    assert value.nbytes == 0 and value.obj is buffer


async def test_byob_read_on_closed_stream_returns_an_empty_view() -> None:
    rs, c = byte_stream()
    c.close()
    reader = rs.get_reader(mode="byob")
    buffer = bytearray(3)
    value, done = await reader.read(buffer)
    assert done and value.nbytes == 0 and value.obj is buffer


async def test_close_with_queued_bytes_drains_first() -> None:
    rs, c = byte_stream()
    c.enqueue(b"abc")
    c.close()
    reader = rs.get_reader(mode="byob")
    assert bytes((await reader.read(bytearray(2))).value) == b"ab"
    assert bytes((await reader.read(bytearray(2))).value) == b"c"
    value, done = await reader.read(bytearray(2))
    assert done and value.nbytes == 0
    await reader.closed


async def test_byob_read_close_requested_with_too_few_bytes_for_min_errors() -> None:
    rs, c = byte_stream()
    c.enqueue(b"ab")
    c.close()
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(bytearray(4), min=3), TypeError)
    await assert_rejects(reader.closed, TypeError)


@pytest.mark.parametrize(
    ("view", "kwargs", "error"),
    [
        (bytearray(0), {}, TypeError),
        (b"readonly", {}, TypeError),
        ("text", {}, TypeError),
        (bytearray(4), {"min": 0}, TypeError),
        (bytearray(4), {"min": 5}, RangeError),
        (bytearray(4), {"min": -1}, TypeError),
        (array.array("I", [0, 0]), {"min": 3}, RangeError),
    ],
)
async def test_byob_read_argument_errors(view: Any, kwargs: dict[str, Any], error: type) -> None:
    rs, _ = byte_stream()
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(view, **kwargs), error)
    assert rs.locked


async def test_byob_read_after_release_rejects() -> None:
    rs, _ = byte_stream()
    reader = rs.get_reader(mode="byob")
    reader.release_lock()
    await assert_rejects(reader.read(bytearray(1)), TypeError)
    await assert_rejects(reader.closed, TypeError)


async def test_respond_errors() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    reader.read(bytearray(4))
    await flush_callbacks()
    request = c.byob_request
    assert c.byob_request is request, "the same request until it is answered"
    with pytest.raises(TypeError):
        request.respond(0)
    with pytest.raises(RangeError):
        request.respond(5)
    with pytest.raises(TypeError):
        request.respond(-1)
    with pytest.raises(TypeError):
        request.respond("1")


async def test_respond_with_new_view() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    buffer = bytearray(8)
    read = reader.read(buffer)
    await flush_callbacks()
    request = c.byob_request
    with pytest.raises(RangeError):
        request.respond_with_new_view(bytearray(3))  # other memory
    with pytest.raises(RangeError):
        request.respond_with_new_view(request.view[1:4])  # does not start at the request
    with pytest.raises(TypeError):
        request.respond_with_new_view(request.view[0:0])  # empty on a readable stream
    with pytest.raises(TypeError):
        request.respond_with_new_view(b"ro")
    request.view[:3] = b"new"
    request.respond_with_new_view(request.view[:3])
    value, _ = await read
    assert bytes(value) == b"new" and value.obj is buffer


async def test_respond_with_new_view_on_closed_stream() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(8))
    await flush_callbacks()
    c.close()
    request = c.byob_request
    with pytest.raises(TypeError):
        request.respond_with_new_view(request.view[:1])
    request.respond_with_new_view(request.view[:0])
    assert (await read).done


async def test_enqueue_invalidates_the_byob_request() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(4))
    await flush_callbacks()
    request = c.byob_request
    c.enqueue(b"ab")
    assert request.view is None
    with pytest.raises(TypeError):
        request.respond(1)
    assert bytes((await read).value) == b"ab"


async def test_error_rejects_pending_byob_reads(error1: Exception) -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    reads = [reader.read(bytearray(1)), reader.read(bytearray(1))]
    c.error(error1)
    for read in reads:
        await assert_rejects(read, error1)
    assert c.desired_size is None
    assert c.byob_request is None


async def test_cancel_resolves_pending_byob_reads_with_no_value() -> None:
    cancelled: list[Any] = []
    rs, c = byte_stream({"cancel": cancelled.append})
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(2))
    await reader.cancel("why")
    assert read.result() == ReadResult(None, True)
    assert cancelled == ["why"]
    assert c.byob_request is None


async def test_release_with_pending_byob_read_moves_filled_bytes_to_the_queue() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(4))
    await flush_callbacks()
    request = c.byob_request
    reader.release_lock()
    await assert_rejects(read, TypeError)
    request.view[:2] = b"hi"
    request.respond(2)
    reader2 = rs.get_reader()
    assert bytes((await reader2.read()).value) == b"hi"


async def test_release_then_enqueue_discards_the_detached_pull_into() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    reader.read(bytearray(4))
    await flush_callbacks()
    reader.release_lock()
    c.enqueue(b"xy")
    assert c.byob_request is None
    reader2 = rs.get_reader(mode="byob")
    assert bytes((await reader2.read(bytearray(4))).value) == b"xy"


async def test_default_then_byob_reads() -> None:
    rs, c = byte_stream()
    c.enqueue(b"abcdef")
    reader = rs.get_reader()
    assert bytes((await reader.read()).value) == b"abcdef"
    reader.release_lock()
    c.enqueue(b"gh")
    byob = rs.get_reader(mode="byob")
    assert bytes((await byob.read(bytearray(1))).value) == b"g"
    byob.release_lock()
    assert bytes((await rs.get_reader().read()).value) == b"h"


async def test_pull_rejecting_errors_a_byte_stream(error1: Exception) -> None:
    async def pull(c: Any) -> None:
        raise error1

    rs, _ = byte_stream({"pull": pull})
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(bytearray(1)), error1)


async def test_desired_size_counts_bytes() -> None:
    _, c = byte_stream(strategy={"high_water_mark": 10})
    assert c.desired_size == 10
    c.enqueue(b"abcd")
    assert c.desired_size == 6


async def test_multiple_pending_byob_reads_fill_in_order() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    b1, b2 = bytearray(2), bytearray(3)
    r1, r2 = reader.read(b1), reader.read(b2)
    c.enqueue(b"12345")
    assert bytes((await r1).value) == b"12"
    assert bytes((await r2).value) == b"345"
    assert (b1, b2) == (bytearray(b"12"), bytearray(b"345"))


async def test_stream_async_iteration_of_byte_stream() -> None:
    rs, c = byte_stream()
    c.enqueue(b"a")
    c.enqueue(b"bc")
    c.close()
    assert [bytes(chunk) async for chunk in rs] == [b"a", b"bc"]


async def test_error_with_non_exception_value() -> None:
    rs, c = byte_stream()
    reader = rs.get_reader(mode="byob")
    c.error("reason")
    await flush_callbacks()
    assert rejection(reader.closed) == "reason"


async def test_start_returning_future_then_pull() -> None:
    loop = asyncio.get_running_loop()
    started = loop.create_future()
    pulls: list[Any] = []
    rs, _ = byte_stream({"start": lambda c: started, "pull": pulls.append})
    reader = rs.get_reader(mode="byob")
    reader.read(bytearray(1))
    await flush_callbacks()
    assert pulls == [], "pull waits for start"
    started.set_result(None)
    await flush_callbacks()
    assert len(pulls) == 1
