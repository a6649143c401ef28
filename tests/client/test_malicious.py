"""Malicious or broken servers (hand-made bytes): each ends the connection with the right
Close code on the wire, memory stays bounded, and only documented errors surface (the API
reports the failed connection as 1006, WHATWG "fail the WebSocket connection"; the autouse
fixture fails the test on any call of the loop's exception handler)."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any

import pytest

from websocketstream import WebSocketError

from .helpers import connect, rejects, wait
from .servers import MiB, RawConnection, RawServer, close_body, encode_frame


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


async def expect_failure(
    raw_server: Any, payload: Callable[[RawConnection], Any] | bytes, code: int, **kwargs: Any
) -> RawServer:
    """Serve ``payload`` after the handshake; the client must fail with ``code`` on the wire."""

    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        if isinstance(payload, bytes):
            conn.send(payload)
            await conn.writer.drain()
            await conn.read_until_close()
        else:
            # Keep reading while ``payload`` floods, to see the client's Close.
            sending = asyncio.ensure_future(payload(conn))
            await conn.read_until_close()
            sending.cancel()
            await asyncio.wait([sending])
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url(), **kwargs)
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    error = await rejects(reader.read(), WebSocketError)
    # WHATWG "fail the WebSocket connection" reports 1006, except for a message over
    # max_size: the library's own limit reports the 1009 it sent.
    assert error.close_code == (1009 if code == 1009 else 1006)
    assert await rejects(wss.closed, WebSocketError) is error
    assert await rejects(writer.ready, WebSocketError) is error
    log = server.log.last
    await wait(log.done.wait())
    assert log.close_rcvd is not None, "the client sent no Close frame"
    assert log.close_rcvd[0] == code
    return server


async def test_huge_64_bit_length(raw_server: Any) -> None:
    # 2**62 bytes announced, then junk: refused at the header, nothing buffered.
    before = rss()

    async def flood(conn: RawConnection) -> None:
        conn.send(bytes([0x82, 127]) + struct.pack("!Q", 1 << 62))
        junk = bytes(MiB)
        try:
            for _ in range(64):
                conn.send(junk)
                await conn.writer.drain()
        except ConnectionError:
            pass

    await expect_failure(raw_server, flood, 1009)
    assert rss() - before < 16 * MiB


async def test_64_bit_length_with_the_high_bit_set(raw_server: Any) -> None:
    await expect_failure(raw_server, bytes([0x82, 127]) + struct.pack("!Q", 1 << 63), 1002)


async def test_endless_fragments_with_small_max_size(raw_server: Any) -> None:
    before = rss()
    sent = 0

    async def fragments(conn: RawConnection) -> None:
        nonlocal sent
        conn.send(encode_frame(2, bytes(1000), fin=False))
        fragment = encode_frame(0, bytes(1000), fin=False)
        try:
            for _ in range(64 * 1024):  # up to 64 MB, unless the client hangs up first
                conn.send(fragment)
                sent += 1
                await conn.writer.drain()
        except ConnectionError:
            pass

    await expect_failure(raw_server, fragments, 1009, max_size=64 * 1024)
    assert rss() - before < 16 * MiB
    assert sent < 64 * 1024


async def test_invalid_utf8_text(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(1, b"ok \xff\xfe"), 1007)


async def test_invalid_utf8_split_across_fragments(raw_server: Any) -> None:
    payload = encode_frame(1, b"\xe3\x83", fin=False) + encode_frame(0, b"\x41")
    await expect_failure(raw_server, payload, 1007)


async def test_invalid_utf8_in_close_reason(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(8, b"\x03\xe8\xff"), 1007)


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 2999, 5000])
async def test_bad_close_code(raw_server: Any, code: int) -> None:
    await expect_failure(raw_server, encode_frame(8, close_body(code, "bad")), 1002)


async def test_one_byte_close_body(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(8, b"\x03"), 1002)


async def test_masked_frame_from_server(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(1, b"hidden", mask=b"abcd"), 1002)


async def test_126_byte_ping(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(9, bytes(126)), 1002)


async def test_fragmented_ping(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(9, b"x", fin=False), 1002)


@pytest.mark.parametrize("opcode", [3, 7, 11, 15])
async def test_reserved_opcode(raw_server: Any, opcode: int) -> None:
    await expect_failure(raw_server, encode_frame(opcode, b"x"), 1002)


async def test_reserved_bits(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(1, b"x", rsv=2), 1002)


async def test_rsv1_without_deflate(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(1, b"x", rsv=4), 1002)


async def test_continuation_without_a_message(raw_server: Any) -> None:
    await expect_failure(raw_server, encode_frame(0, b"x"), 1002)


async def test_new_message_inside_a_fragmented_one(raw_server: Any) -> None:
    payload = encode_frame(1, b"a", fin=False) + encode_frame(2, b"b")
    await expect_failure(raw_server, payload, 1002)


async def test_messages_before_a_violation_are_delivered_to_a_reader(raw_server: Any) -> None:
    # A violation after good messages: a reader that is reading gets the good messages.
    async def script(conn: RawConnection) -> None:
        await conn.handshake()
        await conn.read_frame()  # "go"
        conn.send(encode_frame(1, b"good"))
        await conn.writer.drain()
        await conn.read_frame()  # "again"
        conn.send(encode_frame(3, b"bad"))
        await conn.read_until_close()

    server: RawServer = await raw_server(script)
    _wss, info = await connect(server.url())
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    read = reader.read()
    await wait(writer.write("go"))
    assert await wait(read) == ("good", False)
    await wait(writer.write("again"))
    error = await rejects(reader.read(), WebSocketError)
    assert error.close_code == 1006
    await wait(server.log.last.close_received.wait())
    assert server.log.last.close_rcvd is not None
    assert server.log.last.close_rcvd[0] == 1002


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: %(accept)s\r\nSec-WebSocket-Protocol: surprise\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: %(accept)s\r\nSec-WebSocket-Extensions: x-unknown\r\n\r\n",
        b"not http at all\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\n" + b"X-Long: " + b"a" * 200_000,
    ],
    ids=["200", "wrong-accept", "unrequested-protocol", "unknown-extension", "garbage", "huge"],
)
async def test_bad_handshake_response(raw_server: Any, response: bytes) -> None:
    import base64
    import hashlib

    from .servers import GUID

    async def script(conn: RawConnection) -> None:
        headers = await conn.read_request()
        key = headers["sec-websocket-key"]
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest())
        try:
            conn.send(response.replace(b"%(accept)s", accept))
            await conn.writer.drain()
        except ConnectionError:
            return
        await conn.wait_eof()

    server: RawServer = await raw_server(script)
    from websocketstream import WebSocketStream

    wss = WebSocketStream(server.url())
    error = await rejects(wss.opened, WebSocketError)
    assert error.close_code is None  # never opened: no close code (the Standard, Chromium)
    assert (await rejects(wss.closed, WebSocketError)).close_code == 1006
    await wait(server.log.last.done.wait())


async def test_server_eof_during_the_handshake(raw_server: Any) -> None:
    async def script(conn: RawConnection) -> None:
        await conn.read_request()
        conn.send(b"HTTP/1.1 101 Switching")
        conn.writer.close()

    server: RawServer = await raw_server(script)
    from websocketstream import WebSocketStream

    wss = WebSocketStream(server.url())
    assert (await rejects(wss.opened, WebSocketError)).close_code is None
    await rejects(wss.closed, WebSocketError)


async def test_many_pings_are_answered_and_bounded(raw_server: Any) -> None:
    # 10 000 pings while the reader reads nothing: each is answered, nothing piles up.
    pongs = 0

    async def script(conn: RawConnection) -> None:
        nonlocal pongs
        await conn.handshake()
        conn.send(encode_frame(9, b"p") * 10_000 + encode_frame(1, b"after"))
        await conn.writer.drain()
        while pongs < 10_000:
            frame = await conn.read_frame()
            assert frame.opcode == 10 and frame.payload == b"p"
            pongs += 1
        await conn.read_until_close()

    server: RawServer = await raw_server(script)
    wss, info = await connect(server.url())
    assert await wait(info.readable.get_reader().read()) == ("after", False)
    wss.close()
    with pytest.raises(WebSocketError):
        await wait(wss.closed)  # the raw server does not answer our Close
    assert pongs == 10_000
