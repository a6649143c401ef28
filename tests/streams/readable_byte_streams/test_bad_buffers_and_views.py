"""WPT streams/readable-byte-streams/bad-buffers-and-views.any.js, for Python buffers (the
detached-buffer cases have no Python counterpart: buffers cannot be detached)."""

from __future__ import annotations

import array
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.dom.exceptions import RangeError
from websocketstream.streams.readable import ReadableStream


async def pending_request(size: int = 16, *, close: bool = False) -> tuple[Any, Any, Any]:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    reader = rs.get_reader(mode="byob")
    read = reader.read(bytearray(size))
    await flush_callbacks()
    c = holder[0]
    if close:
        c.close()
    return c, c.byob_request, read


async def test_respond_too_many_bytes_in_readable_state() -> None:
    _, request, _ = await pending_request(16)
    with pytest.raises(RangeError):
        request.respond(17)


async def test_respond_bytes_in_closed_state() -> None:
    _, request, read = await pending_request(16, close=True)
    with pytest.raises(TypeError):
        request.respond(1)
    request.respond(0)
    assert (await read).done


async def test_respond_with_new_view_other_memory_same_length() -> None:
    _, request, _ = await pending_request(16)
    with pytest.raises(RangeError):
        request.respond_with_new_view(bytearray(16))


async def test_respond_with_new_view_different_offset() -> None:
    _, request, _ = await pending_request(16)
    with pytest.raises(RangeError):
        request.respond_with_new_view(request.view[1:])


async def test_respond_with_new_view_larger_than_the_request() -> None:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    backing = bytearray(20)
    rs.get_reader(mode="byob").read(memoryview(backing)[:16], min=2)
    await flush_callbacks()
    c = holder[0]
    c.byob_request.view[0] = 1
    c.byob_request.respond(1)  # below min: the request now covers bytes 1..16
    request = c.byob_request
    assert request.view.nbytes == 15
    with pytest.raises(RangeError):
        request.respond_with_new_view(bytearray(15))  # other memory
    with pytest.raises(RangeError):
        request.respond_with_new_view(memoryview(backing)[1:17])  # runs past the view
    request.respond_with_new_view(memoryview(backing)[1:3])


async def test_respond_with_new_view_zero_length_in_readable_state() -> None:
    _, request, _ = await pending_request(16)
    with pytest.raises(TypeError):
        request.respond_with_new_view(request.view[:0])


async def test_respond_with_new_view_non_zero_length_in_closed_state() -> None:
    _, request, read = await pending_request(16, close=True)
    with pytest.raises(TypeError):
        request.respond_with_new_view(request.view[:1])
    request.respond_with_new_view(request.view[:0])
    assert (await read).done


@pytest.mark.parametrize("bad", [b"abc", memoryview(b"abc"), "abc", 7])
async def test_respond_with_new_view_needs_a_writable_view(bad: Any) -> None:
    _, request, _ = await pending_request(16)
    with pytest.raises(TypeError):
        request.respond_with_new_view(bad)


async def test_read_into_a_zero_length_view_rejects() -> None:
    rs = ReadableStream({"type": "bytes"})
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(bytearray(0)), TypeError)
    await assert_rejects(reader.read(memoryview(bytearray(8))[4:4]), TypeError)


async def test_read_into_non_contiguous_or_multidimensional_views_rejects() -> None:
    rs = ReadableStream({"type": "bytes"})
    reader = rs.get_reader(mode="byob")
    await assert_rejects(reader.read(memoryview(bytearray(8))[::2]), TypeError)
    await assert_rejects(reader.read(memoryview(bytearray(8)).cast("B", (2, 4))), TypeError)


async def test_enqueue_of_empty_views_throws() -> None:
    holder: list[Any] = []
    ReadableStream({"type": "bytes", "start": holder.append})
    c = holder[0]
    with pytest.raises(TypeError):
        c.enqueue(memoryview(bytearray(8))[3:3])
    with pytest.raises(TypeError):
        c.enqueue(array.array("H"))


async def test_read_into_a_view_that_is_a_window_of_a_larger_buffer() -> None:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    reader = rs.get_reader(mode="byob")
    backing = bytearray(b"........")
    window = memoryview(backing)[2:6]
    read = reader.read(window)
    holder[0].enqueue(b"ABCDEFG")
    value, _ = await read
    assert bytes(value) == b"ABCD"
    assert backing == bytearray(b"..ABCD..")
