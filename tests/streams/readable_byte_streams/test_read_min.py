"""WPT streams/readable-byte-streams/read-min.any.js (``read(view, min=...)``)."""

from __future__ import annotations

import array
import ctypes
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects
from websocketstream.dom.exceptions import RangeError
from websocketstream.streams.readable import ReadableStream, ReadResult


def address(view: memoryview) -> int:
    return ctypes.addressof(ctypes.c_char.from_buffer(view))


def unreached(*args: Any) -> None:
    raise AssertionError("pull() should not be called")


@pytest.mark.parametrize(
    ("view", "minimum", "error"),
    [
        (bytearray(1), 0, TypeError),
        (bytearray(1), 2, RangeError),
        (array.array("H", [0]), 2, RangeError),
    ],
    ids=["min 0", "min > length (bytes)", "min > length (uint16)"],
)
async def test_min_argument_errors(view: Any, minimum: int, error: type) -> None:
    rs = ReadableStream({"type": "bytes", "pull": unreached})
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(view, min=minimum), error)


async def test_read_min_then_read() -> None:
    requests: list[tuple[int, int]] = []  # (offset into the caller's buffer, length)
    buffers: list[bytearray] = []
    pulls = [0]

    def pull(c: Any) -> None:
        request = c.byob_request
        view = request.view
        requests.append((address(view) - address(memoryview(buffers[0])), view.nbytes))
        if pulls[0] == 0:
            view[0:2] = b"\x01\x02"
            request.respond(2)
        elif pulls[0] == 1:
            view[0] = 3
            request.respond(1)
        elif pulls[0] == 2:
            view[0] = 4
            request.respond(1)
        pulls[0] += 1

    rs = ReadableStream({"type": "bytes", "pull": pull})
    reader = rs.get_reader(mode="byob")
    first, second = bytearray(3), bytearray(1)
    buffers.append(first)
    read1 = reader.read(first, min=3)
    read2 = reader.read(second)
    result1 = await read1
    assert (bytes(result1.value), result1.done) == (b"\x01\x02\x03", False)
    buffers[0] = second
    result2 = await read2
    assert (bytes(result2.value), result2.done) == (b"\x04", False)
    assert pulls[0] == 3
    assert requests[0] == (0, 3)
    assert requests[1] == (2, 1), "the second request continues the first view at offset 2"
    assert requests[2][1] == 1


async def test_enqueue_then_read_min() -> None:
    seen: list[int] = []

    def start(c: Any) -> None:
        c.enqueue(b"\x01")

    def pull(c: Any) -> None:
        view = c.byob_request.view
        seen.append(view.nbytes)
        view[0:2] = b"\x02\x03"
        c.byob_request.respond(2)

    rs = ReadableStream({"type": "bytes", "start": start, "pull": pull})
    result = await rs.get_reader(mode="byob").read(bytearray(3), min=3)
    assert (bytes(result.value), result.done) == (b"\x01\x02\x03", False)
    assert seen == [2], "pull() is called once, for the 2 missing bytes"


async def test_read_min_then_multiple_enqueues() -> None:
    sizes: list[int] = []

    def pull(c: Any) -> None:
        sizes.append(c.byob_request.view.nbytes)
        c.enqueue(b"\x01\x02" if len(sizes) == 1 else b"\x03")

    rs = ReadableStream({"type": "bytes", "pull": pull})
    result = await rs.get_reader(mode="byob").read(bytearray(3), min=3)
    assert bytes(result.value) == b"\x01\x02\x03"
    assert sizes == [3, 1]


async def test_enqueue_read_min_partially_then_default_read() -> None:
    def start(c: Any) -> None:
        view = bytearray(16)
        view[0] = 1
        view[8] = 2
        c.enqueue(view)

    rs = ReadableStream({"type": "bytes", "start": start, "pull": unreached})
    byob = rs.get_reader(mode="byob")
    result1 = await byob.read(bytearray(8), min=8)
    assert not result1.done and result1.value.nbytes == 8 and result1.value[0] == 1
    byob.release_lock()
    result2 = await rs.get_reader().read()
    assert not result2.done and result2.value.nbytes == 8 and result2.value[0] == 2


async def test_read_min_respond_with_new_view_invalidates_the_request() -> None:
    state: dict[str, Any] = {}

    def pull(c: Any) -> None:
        request = c.byob_request
        state["before"] = request is not None
        view = request.view
        view[0] = 1
        request.respond_with_new_view(view[:1])
        state["after"] = c.byob_request is not None
        state["view_after"] = request.view is not None

    rs = ReadableStream({"type": "bytes", "pull": pull})
    result = await rs.get_reader(mode="byob").read(bytearray(1), min=1)
    assert bytes(result.value) == b"\x01"
    assert state == {"before": True, "after": False, "view_after": False}


async def test_read_min_on_a_closed_stream() -> None:
    rs = ReadableStream({"type": "bytes", "start": lambda c: c.close(), "pull": unreached})
    reader = rs.get_reader(mode="byob")
    result = await reader.read(bytearray(b"\x01"), min=1)
    assert result.done and result.value.nbytes == 0
    await reader.closed


async def test_read_min_when_closed_before_the_view_is_filled() -> None:
    pulls = [0]

    def pull(c: Any) -> None:
        if pulls[0] == 0:
            c.byob_request.view[0] = 1
            c.byob_request.respond(1)
        else:
            c.close()
            c.byob_request.respond(0)
        pulls[0] += 1

    rs = ReadableStream({"type": "bytes", "pull": pull})
    reader = rs.get_reader(mode="byob")
    result = await reader.read(bytearray(3), min=3)
    assert result.done, "the partially filled view comes back with done"
    assert bytes(result.value) == b"\x01"
    assert pulls[0] == 2
    await reader.closed


async def test_read_min_when_closed_immediately_after_the_view_is_filled() -> None:
    pulls = [0]

    def pull(c: Any) -> None:
        if pulls[0] == 0:
            c.byob_request.view[0:2] = b"\x01\x02"
            c.byob_request.respond(2)
        else:
            c.byob_request.view[0] = 3
            c.byob_request.respond(1)
            c.close()
        pulls[0] += 1

    rs = ReadableStream({"type": "bytes", "pull": pull})
    reader = rs.get_reader(mode="byob")
    result = await reader.read(bytearray(3), min=3)
    assert (bytes(result.value), result.done) == (b"\x01\x02\x03", False)
    await reader.closed


async def test_read_min_on_an_errored_stream(error1: Exception) -> None:
    rs = ReadableStream({"type": "bytes", "start": lambda c: c.error(error1), "pull": unreached})
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(bytearray(1), min=1), error1)
    await assert_rejects(reader.closed, error1)


async def test_read_min_then_error(error1: Exception) -> None:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(1), min=1)
    holder[0].error(error1)
    await assert_rejects(read, error1)
    await assert_rejects(reader.closed, error1)


async def test_read_min_then_cancel() -> None:
    reasons: list[Any] = []

    def cancel(reason: Any) -> str:
        reasons.append(reason)
        return "bar"

    rs = ReadableStream({"type": "bytes", "pull": unreached, "cancel": cancel})
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(1), min=1)
    passed = TypeError("foo")
    assert await reader.cancel(passed) is None
    assert await read == ReadResult(None, True)
    assert reasons == [passed]


async def test_read_min_with_uint16_elements() -> None:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    reader = rs.get_reader(mode="byob")
    read = reader.read(array.array("H", [0, 0, 0]), min=2)
    holder[0].enqueue(b"\x01\x00\x02")
    assert not read.done(), "1.5 elements are not enough"
    holder[0].enqueue(b"\x00\x03")
    value, done = await read
    assert value.tolist() == [1, 2] and not done
    rest = await reader.read(bytearray(2))
    assert bytes(rest.value) == b"\x03"
