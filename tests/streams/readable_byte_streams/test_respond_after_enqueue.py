"""WPT streams/readable-byte-streams/respond-after-enqueue.any.js."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream.streams.readable import ReadableStream


def byob_stream() -> tuple[Any, Any]:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append})
    return rs.get_reader(mode="byob"), holder[0]


async def test_respond_after_enqueue_throws_and_does_not_crash() -> None:
    reader, c = byob_stream()
    read = reader.read(bytearray(1))
    request = c.byob_request
    c.enqueue(bytes([1]))
    with pytest.raises(TypeError):
        request.respond(1)
    value, done = await read
    assert (bytes(value), done) == (b"\x01", False)


async def test_respond_with_cached_byob_request_after_enqueue() -> None:
    reader, c = byob_stream()
    read = reader.read(bytearray(10))
    request = c.byob_request
    assert request is c.byob_request, "byob_request is cached"
    c.enqueue(b"\x01\x02")
    with pytest.raises(TypeError):
        request.respond(1)
    assert bytes((await read).value) == b"\x01\x02"


async def test_respond_after_enqueue_with_double_read() -> None:
    reader, c = byob_stream()
    read1 = reader.read(bytearray(10))
    read2 = reader.read(bytearray(10))
    request = c.byob_request
    c.enqueue(b"\x01\x02")
    with pytest.raises(TypeError):
        request.respond(1)
    new_request = c.byob_request
    assert new_request is not request, "the second read gets a new request"
    assert bytes((await read1).value) == b"\x01\x02"
    new_request.view[:3] = b"\x03\x04\x05"
    new_request.respond(3)
    assert bytes((await read2).value) == b"\x03\x04\x05"
