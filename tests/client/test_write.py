"""WPT ``websockets/stream/tentative/write.any.js`` (6 tests; the garbage-collection ones are
JavaScript-specific, their Python counterpart drops references while a write is pending).

Python mapping: ``str`` is text, ``bytes``/``bytearray``/``memoryview`` binary (copied at write
time); anything else rejects the write with ``TypeError`` and errors the writable, while the
readable keeps working.
"""

from __future__ import annotations

import array
import gc
from typing import Any

import pytest

from websocketstream import InvalidStateError, WebSocketCloseInfo, WebSocketError

from .helpers import connect, rejects, wait
from .servers import MiB, OwnServer, RawConnection, RawServer, WptServer, close_body

AnyServer = WptServer | OwnServer


async def echo_exit_script(conn: RawConnection) -> None:
    """``/echo_exit`` with the browser's timing made deterministic: on ``"Goodbye"``, wait
    until the next message starts arriving, stop reading, send Close(1000); then read up to
    the client's Close and end TCP."""
    await conn.handshake()
    while True:
        frame = await conn.read_frame()
        if frame.opcode == 1 and frame.payload == b"Goodbye":
            break
    head = await conn.reader.readexactly(2)  # the big message is on its way
    await conn.send_frame(8, close_body(1000))
    await conn.read_until_close(head)


async def test_a_write_queued_ahead_of_the_close_reply_resolves(
    raw_server: Any,
) -> None:
    # Deviation (docs/deviations.md): the big message was queued on the socket ahead of our
    # Close reply and the server reads it, so the write resolves and the close is clean
    # (Chromium interleaves its Close in the unfinished fragmented message and rejects).
    server: RawServer = await raw_server(echo_exit_script)
    wss, info = await connect(server.url("/echo_exit"), compression=None)
    writer = info.writable.get_writer()
    goodbye = writer.write("Goodbye")
    big = writer.write(bytes(8 * MiB))
    await wait(goodbye)
    await wait(big)
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "")
    # The writable is errored (the closing handshake started).
    error = await rejects(writer.write("word"), InvalidStateError)
    assert await rejects(writer.closed, InvalidStateError) is error


async def test_garbage_collection_after_close_with_a_pending_write_promise_should_not_crash(
    raw_server: Any,
) -> None:
    server: RawServer = await raw_server(echo_exit_script)
    wss, info = await connect(server.url("/echo_exit"), compression=None)
    writer = info.writable.get_writer()
    writer.write("Goodbye")
    big = writer.write(bytes(8 * MiB))
    del info, writer
    for _ in range(5):
        gc.collect()
    await wait(big)  # queued ahead of the Close reply, and read by the server
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "")


class Unstringifiable:
    def __str__(self) -> str:
        return self  # type: ignore[return-value]


@pytest.mark.parametrize(
    "chunk",
    [Unstringifiable(), 123, None, object(), {"a": 1}, array.array("b", b"ab"), [1, 2]],
    ids=["unstringifiable", "int", "None", "object", "dict", "array", "list"],
)
async def test_writing_a_value_that_is_not_text_or_bytes_should_cause_a_rejection(
    server: AnyServer, chunk: Any
) -> None:
    wss, info = await connect(server.url("/echo"))
    writer = info.writable.get_writer()
    reader = info.readable.get_reader()
    await wait(writer.write("before"))
    error = await rejects(writer.write(chunk), TypeError)
    # The writable is errored with that TypeError ...
    assert await rejects(writer.closed, TypeError) is error
    assert await rejects(writer.write("after"), TypeError) is error
    # ... nothing was sent and the connection is still up: the readable keeps working.
    assert await wait(reader.read()) == ("before", False)
    wss.close(close_code=3000)
    assert await wait(reader.read()) == (None, True)
    assert (await wait(wss.closed)).close_code == 3000
    assert server.log.last.messages == ["before"]


@pytest.mark.parametrize(
    "chunk",
    [b"\x00\x01", bytearray(b"\x00\x01"), memoryview(b"xx\x00\x01yy")[2:4]],
    ids=["bytes", "bytearray", "memoryview"],
)
async def test_binary_chunks_are_sent_as_binary(server: AnyServer, chunk: Any) -> None:
    wss, info = await connect(server.url("/echo"))
    writer = info.writable.get_writer()
    await wait(writer.write(chunk))
    value, _ = await wait(info.readable.get_reader().read())
    assert type(value) is bytes and value == b"\x00\x01"
    wss.close()
    await wait(wss.closed)


async def test_text_with_lone_surrogates_is_sent_as_USVString(server: AnyServer) -> None:
    wss, info = await connect(server.url("/echo"))
    await wait(info.writable.get_writer().write("a\ud800b"))
    assert await wait(info.readable.get_reader().read()) == ("a\ufffdb", False)
    wss.close()
    await wait(wss.closed)


async def test_garbage_collecting_a_websocket_stream_while_write_promise_is_pending(
    wpt: WptServer,
) -> None:
    # 20 x 100 kB to a server that does not read, then drop every reference.
    wss, info = await connect(wpt.url("/never_read"), compression=None, close_timeout=0.2)
    writer = info.writable.get_writer()
    writes = [writer.write(bytes(100_000)) for _ in range(20)]
    closed = wss.closed
    del wss, info, writer
    for _ in range(5):
        gc.collect()
    for write in writes:
        write.add_done_callback(lambda f: f.cancelled() or f.exception())
    assert not closed.done()


async def test_writes_after_a_clean_close_reject_InvalidStateError(server: AnyServer) -> None:
    wss, info = await connect(server.url("/echo"))
    writer = info.writable.get_writer()
    wss.close()
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")
    error = await rejects(writer.write("late"), InvalidStateError)
    assert await rejects(writer.ready, InvalidStateError) is error


async def test_a_write_after_the_connection_failed_does_not_resolve(wpt: WptServer) -> None:
    # Between a failure (protocol error, keepalive timeout, max_size: a Close with an error
    # code, then TCP is closed) and the close report, a write cannot be sent: it must reject
    # with the unclean close's error, never resolve.  (White-box: the session's fail() is what
    # those paths call.)
    wss, info = await connect(wpt.url("/echo"))
    writer = info.writable.get_writer()
    session = wss._session
    assert session is not None
    session.fail(1011, "simulated failure")
    write = writer.write("never sent")
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006
    assert await rejects(write, WebSocketError) is error
    await wait(wpt.log.last.close_received.wait())
    assert wpt.log.last.close_rcvd == (1011, "simulated failure")
    assert wpt.log.last.messages == []


async def test_the_first_message_of_a_loop_iteration_is_written_at_once(wpt: WptServer) -> None:
    # Latency: a message written while nothing waits to be flushed reaches the socket inside
    # write() (the ones that follow in the same loop iteration are coalesced into one write at
    # its end); order is kept either way.  (White-box: the session's buffered_amount.)
    wss, info = await connect(wpt.url("/echo"))
    writer = info.writable.get_writer()
    reader = info.readable.get_reader()
    session = wss._session
    assert session is not None
    writer.write("first")
    assert session.buffered_amount == 0
    writer.write("second")
    writer.write(b"third")
    assert [(await wait(reader.read()))[0] for _ in range(3)] == ["first", "second", b"third"]
    assert session.buffered_amount == 0
    wss.close()
    await wait(wss.closed)
