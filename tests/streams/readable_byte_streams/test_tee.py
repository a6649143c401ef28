"""WPT streams/readable-byte-streams/tee.any.js (ReadableByteStreamTee)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.byte_controller import ReadableByteStreamController
from websocketstream.streams.readable import ReadableStream, ReadResult


def byte_stream(extra: dict[str, Any] | None = None) -> tuple[ReadableStream, Any]:
    holder: list[Any] = []
    rs = ReadableStream({"type": "bytes", "start": holder.append, **(extra or {})})
    return rs, holder[0]


async def test_tee_of_a_byte_stream_gives_byte_streams() -> None:
    rs, _ = byte_stream()
    b1, b2 = rs.tee()
    assert isinstance(b1._controller, ReadableByteStreamController)
    assert isinstance(b2._controller, ReadableByteStreamController)
    b1.get_reader(mode="byob")
    b2.get_reader(mode="byob")


async def test_both_branches_read_the_same_bytes_branch2_gets_a_copy() -> None:
    rs, c = byte_stream()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(), b2.get_reader()
    c.enqueue(b"\x01\x02\x03")
    v1, v2 = (await r1.read()).value, (await r2.read()).value
    assert bytes(v1) == bytes(v2) == b"\x01\x02\x03"
    assert v1.obj is not v2.obj, "branch 2's chunk is a clone"


async def test_byob_read_on_one_branch_default_on_the_other() -> None:
    rs, c = byte_stream()
    b1, b2 = rs.tee()
    r1 = b1.get_reader(mode="byob")
    r2 = b2.get_reader()
    buffer = bytearray(4)
    read1 = r1.read(buffer)
    read2 = r2.read()
    await flush_callbacks()
    c.enqueue(b"ab")
    v1, d1 = await read1
    v2, d2 = await read2
    assert (bytes(v1), d1) == (b"ab", False)
    assert v1.obj is buffer, "the BYOB branch's read lands in its own buffer"
    assert (bytes(v2), d2) == (b"ab", False)


async def test_byob_read_through_the_source_byob_request() -> None:
    def pull(c: Any) -> None:
        request = c.byob_request
        assert request is not None, "a BYOB read on a branch reaches the source as BYOB"
        request.view[:3] = b"src"
        request.respond(3)

    rs, _ = byte_stream({"pull": pull})
    b1, b2 = rs.tee()
    r1 = b1.get_reader(mode="byob")
    value, _ = await r1.read(bytearray(5))
    assert bytes(value) == b"src"
    assert bytes((await b2.get_reader().read()).value) == b"src"


async def test_errors_propagate_to_both_branches(error1: Exception) -> None:
    rs, c = byte_stream()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(mode="byob"), b2.get_reader()
    c.error(error1)
    await assert_rejects(r1.closed, error1)
    await assert_rejects(r2.closed, error1)


async def test_close_propagates_and_pending_byob_reads_are_done() -> None:
    rs, c = byte_stream()
    b1, b2 = rs.tee()
    r1, r2 = b1.get_reader(mode="byob"), b2.get_reader(mode="byob")
    read1 = r1.read(bytearray(1))
    read2 = r2.read(bytearray(1))
    await flush_callbacks()
    c.close()
    request = c.byob_request
    if request is not None:
        request.respond(0)
    v1, d1 = await read1
    v2, d2 = await read2
    assert d1 and d2
    assert v1.nbytes == 0 and v2.nbytes == 0
    await asyncio.gather(r1.closed, r2.closed)


async def test_canceling_both_branches_aggregates_reasons() -> None:
    cancelled: list[Any] = []
    rs, _ = byte_stream({"cancel": cancelled.append})
    b1, b2 = rs.tee()
    await asyncio.gather(b1.cancel("one"), b2.cancel("two"))
    assert cancelled == [["one", "two"]]


async def test_canceling_one_branch_keeps_the_other_reading() -> None:
    rs, c = byte_stream()
    b1, b2 = rs.tee()
    cancel1 = b1.cancel()
    r2 = b2.get_reader()
    c.enqueue(b"x")
    assert bytes((await r2.read()).value) == b"x"
    c.close()
    assert await r2.read() == ReadResult(None, True)
    assert await cancel1 is None


async def test_many_chunks_in_order_to_both_branches() -> None:
    chunks = [bytes([i]) * (i + 1) for i in range(10)]

    def start(c: Any) -> None:
        for chunk in chunks:
            c.enqueue(chunk)
        c.close()

    rs = ReadableStream({"type": "bytes", "start": start})
    b1, b2 = rs.tee()

    async def collect(branch: ReadableStream) -> list[bytes]:
        return [bytes(chunk) async for chunk in branch]

    assert await asyncio.gather(collect(b1), collect(b2)) == [chunks, chunks]
