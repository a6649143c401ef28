"""WPT ``websockets/stream/tentative/remote-close.any.js`` (7 tests), plus server-initiated
closes with messages in flight and peers that vanish."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from websocketstream import InvalidStateError, WebSocketCloseInfo, WebSocketError

from .helpers import connect, rejects, wait
from .servers import MiB, OwnServer, RawConnection, RawServer, WptServer, close_body, encode_frame

AnyServer = WptServer | OwnServer


async def test_clean_close_should_be_clean(server: AnyServer) -> None:
    wss, info = await connect(server.url("/remote-close?code=1000"))
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "")
    assert await wait(reader.read()) == (None, True)
    error = await rejects(writer.ready, InvalidStateError)
    assert error.name == "InvalidStateError"


async def test_close_frame_with_no_body_should_result_in_status_code_1005(
    server: AnyServer,
) -> None:
    wss, _ = await connect(server.url("/remote-close"))
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")


async def test_reason_should_be_passed_through(server: AnyServer) -> None:
    wss, _ = await connect(server.url("/remote-close?code=4000&reason=robot"))
    assert await wait(wss.closed) == WebSocketCloseInfo(4000, "robot")


async def test_UTF8_reason_should_work(server: AnyServer) -> None:
    url = server.url("/remote-close?code=4000&reason=%E3%83%AD%E3%83%9C%E3%83%83%E3%83%88")
    wss, _ = await connect(url)
    assert await wait(wss.closed) == WebSocketCloseInfo(4000, "ロボット")


async def remote_close_after_data_script(conn: RawConnection) -> None:
    """``/remote-close?code=4567`` with the browser's timing made deterministic: the Close is
    sent once the client's big write is on its way (and the server stops reading)."""
    await conn.handshake()
    head = await conn.reader.readexactly(2)
    await conn.send_frame(8, close_body(4567))
    await conn.read_until_close(head)


async def test_close_with_a_queued_write_is_clean_once_the_server_read_it(
    raw_server: Any,
) -> None:
    server: RawServer = await raw_server(remote_close_after_data_script)
    wss, info = await connect(server.url("/remote-close?code=4567"))
    writer = info.writable.get_writer()
    write = writer.write(bytes(20 * MiB))
    # Deviation (docs/deviations.md): the message was queued on the socket ahead of our Close
    # reply and the server read it, so the write resolves and the close is clean (Chromium
    # rejects the write: its Close interrupts the unfinished fragmented message).
    await wait(write)
    assert await wait(wss.closed) == WebSocketCloseInfo(4567, "")
    await rejects(writer.closed, InvalidStateError)


async def test_remote_code_and_reason_should_be_used(server: AnyServer) -> None:
    wss, _ = await connect(server.url("/remote-close?code=4222&reason=remote"))
    wss.close(close_code=4111, reason="local")
    assert await wait(wss.closed) == WebSocketCloseInfo(4222, "remote")


async def test_abrupt_close_should_give_an_error(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/remote-close?abrupt=1"))
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    error = await rejects(wss.closed, WebSocketError)
    assert error.name == "WebSocketError"
    assert error.close_code == 1006
    assert error.reason == ""
    assert await rejects(reader.read(), WebSocketError) is error
    assert await rejects(writer.ready, WebSocketError) is error


async def test_pending_write_rejects_with_the_unclean_close_error(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/never_read"), compression=None)
    writer = info.writable.get_writer()
    write = writer.write(bytes(16 * MiB))  # more than the kernel buffers hold
    await asyncio.sleep(0)
    assert not write.done()
    for connection in list(wpt._server.connections):
        connection.transport.abort()
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006
    assert await rejects(write, WebSocketError) is error
    assert await rejects(writer.write("x"), WebSocketError) is error


async def test_peer_vanishes_mid_message(raw_server: Any) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(1, b"whole"))
        await conn.read_frame()  # the client read "whole" and says so
        conn.send(encode_frame(2, bytes(1000))[:500])
        await conn.writer.drain()
        conn.abort()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    assert await wait(reader.read()) == ("whole", False)
    await wait(writer.write("got it"))
    error = await rejects(reader.read(), WebSocketError)
    assert error.close_code == 1006
    assert await rejects(wss.closed, WebSocketError) is error
    assert await rejects(writer.ready, WebSocketError) is error


async def test_peer_closes_tcp_without_close_frame(raw_server: Any) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.read_frame()  # the client has a read pending
        conn.send(encode_frame(1, b"last words"))
        conn.writer.close()  # FIN, no Close frame
        await conn.writer.wait_closed()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    reader = info.readable.get_reader()
    read = reader.read()
    await wait(info.writable.get_writer().write("ready"))
    # The message that arrived right before the EOF reaches the pending read ...
    assert await wait(read) == ("last words", False)
    # ... then the unclean close errors the streams.
    error = await rejects(reader.read(), WebSocketError)
    assert error.close_code == 1006
    assert await rejects(wss.closed, WebSocketError) is error


async def test_close_frame_and_eof_behind_unread_messages(raw_server: Any) -> None:
    # The server sends messages, its Close and FIN at once, without waiting for our reply:
    # the Close sits in our buffer behind messages the reader has not asked for yet.  It is
    # still seen (the close is reported with the server's code) and no message is lost.
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        frames = [encode_frame(1, f"m{i}".encode()) for i in range(10)]
        conn.send(b"".join(frames) + encode_frame(8, close_body(1000, "done")))
        conn.writer.close()
        await conn.writer.wait_closed()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    await wait(server.log.last.done.wait())
    closed = await wait(wss.closed)
    assert closed == WebSocketCloseInfo(1000, "done")
    received = [message async for message in info.readable]
    assert received == [f"m{i}" for i in range(10)]


async def test_close_frame_in_the_same_packet_as_the_handshake_response(raw_server: Any) -> None:
    # opening-handshake/005.html: opened first, then a clean close with the server's values.
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(8, close_body(1001, "PASS")))
        await conn.read_until_close()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    assert await wait(wss.closed) == WebSocketCloseInfo(1001, "PASS")
    assert await wait(info.readable.get_reader().read()) == (None, True)
    assert server.log.last.close_rcvd == (1001, "PASS")  # echoed code and reason (Chromium)


@pytest.mark.parametrize("client_closes", [False, True], ids=["server-close", "client-close"])
async def test_messages_before_the_close_are_all_delivered(
    raw_server: Any, client_closes: bool
) -> None:
    sent = asyncio.Event()
    messages = [f"message {i}" for i in range(10)] + [bytes(range(256)) * 100]

    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        data = b"".join(
            encode_frame(1 if isinstance(m, str) else 2, m.encode() if isinstance(m, str) else m)
            for m in messages
        )
        conn.send(data + encode_frame(8, close_body(1000, "bye")))
        await conn.writer.drain()
        sent.set()
        await conn.read_until_close()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    await wait(sent.wait())
    if client_closes:
        # Our close() makes the client drain the socket: every message is queued, none lost,
        # and the server's Close completes the handshake before anything is read.
        wss.close(close_code=3000)
        assert await wait(wss.closed) == WebSocketCloseInfo(1000, "bye")
    received = [message async for message in info.readable]
    assert received == messages
    assert await wait(wss.closed) == WebSocketCloseInfo(1000, "bye")
    assert server.log.last.close_rcvd == ((3000, "") if client_closes else (1000, "bye"))
