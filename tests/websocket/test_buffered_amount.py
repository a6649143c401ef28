"""WPT ``websockets/bufferedAmount-*``: ``buffered_amount`` grows at once in ``send()`` by the
message's UTF-8 or binary length, shrinks only between event-loop iterations as the bytes reach
the socket, and keeps growing once closing started (nothing is sent then)."""

from __future__ import annotations

import array
import asyncio

from tests.client.servers import MiB, OwnServer, WptServer
from websocketstream import Blob, WebSocket

from .helpers import TIMEOUT, Trace, open_socket

AnyServer = WptServer | OwnServer


async def until_drained(ws: WebSocket) -> None:
    """Poll ``buffered_amount`` (it has no event) until it is 0, within the bound."""
    async with asyncio.timeout(TIMEOUT):
        while ws.buffered_amount:
            await asyncio.sleep(0.01)


async def test_initial_is_zero(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    assert ws.buffered_amount == 0
    trace = Trace(ws)
    await trace.wait_open()
    assert ws.buffered_amount == 0
    ws.close()
    await trace.wait_closed()


async def test_getting_counts_utf8_bytes_synchronously(server: AnyServer) -> None:
    # bufferedAmount-getting.html: 1, +2, +3, +4 within one task, 0 after the 4th echo.
    ws, trace = await open_socket(server.url("/echo"))
    amounts = []
    for text in ("x", "\u00e5", "\u5336", "\ud801\udc7e"):
        ws.send(text)
        amounts.append(ws.buffered_amount)
    assert amounts == [1, 3, 6, 10]
    await trace.wait_messages(4)
    assert ws.buffered_amount == 0
    ws.close()


async def test_unicode_and_large(server: AnyServer) -> None:
    # bufferedAmount-unicode.html, bufferedAmount-large.html.
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("\u00a5" * 6)
    assert ws.buffered_amount == 12
    ws.send("x" * 65000)
    assert ws.buffered_amount == 65012
    await trace.wait_messages(2)
    assert ws.buffered_amount == 0
    ws.close()


async def test_binary_lengths(server: AnyServer) -> None:
    # bufferedAmount-arraybuffer.html, bufferedAmount-blob.html; a view counts its window.
    ws, trace = await open_socket(server.url("/echo"))
    ws.send(bytes(7))
    assert ws.buffered_amount == 7
    ws.send(Blob([b"abc", "\u00e5"]))
    assert ws.buffered_amount == 12
    ws.send(array.array("i", [1, 2, 3]))
    assert ws.buffered_amount == 12 + 3 * array.array("i").itemsize
    ws.send(memoryview(bytes(100))[10:20])
    assert ws.buffered_amount == 34
    await trace.wait_messages(4)
    assert ws.buffered_amount == 0
    ws.close()


async def test_unchanged_until_the_loop_turns(server: AnyServer) -> None:
    # bufferedAmount-unchanged-by-sync-xhr.any.js: no update while the task runs.
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("hello")
    for _ in range(1000):
        assert ws.buffered_amount == 5
    await trace.wait_messages(1)
    assert ws.buffered_amount == 0
    ws.close()


async def test_grows_after_closing_started_and_never_resets(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.close()
    ws.send("abc")
    ws.send(b"de")
    assert ws.buffered_amount == 5
    await trace.wait_closed()
    assert ws.buffered_amount == 5
    ws.send("f")
    assert ws.buffered_amount == 6


async def test_stays_up_while_the_peer_does_not_read(wpt: WptServer) -> None:
    # 16 MiB to a server that never reads: the kernel takes some, the rest stays counted.
    ws, trace = await open_socket(wpt.url("/never_read"), compression=None, close_timeout=0.5)
    for _ in range(16):
        ws.send(bytes(MiB))
    assert ws.buffered_amount == 16 * MiB
    for _ in range(20):
        await asyncio.sleep(0)
    assert 0 < ws.buffered_amount < 16 * MiB  # shrank as the socket took bytes, not to 0
    ws.close()
    event = await trace.wait_closed()
    assert not event.was_clean
    assert ws.buffered_amount > 0  # what was never sent stays counted


async def test_shrinks_to_zero_once_a_slow_peer_reads(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/receive-backpressure"))
    for _ in range(8):
        ws.send(bytes(MiB))
    assert ws.buffered_amount == 8 * MiB
    await until_drained(ws)
    assert await trace.wait_messages(8) == [str(MiB)] * 8
    ws.close()
    await trace.wait_closed()


async def test_pacing_sends_with_buffered_amount(wpt: WptServer) -> None:
    # The guide's pattern: keep at most LIMIT bytes queued.
    limit = 256 * 1024
    ws, trace = await open_socket(wpt.url("/receive-backpressure"))
    highest = 0
    for _ in range(32):
        while ws.buffered_amount > limit:
            await asyncio.sleep(0.005)
        ws.send(bytes(64 * 1024))
        highest = max(highest, ws.buffered_amount)
    assert highest <= limit + 64 * 1024
    assert await trace.wait_messages(32) == [str(64 * 1024)] * 32
    ws.close()
    await trace.wait_closed()


async def test_compressed_messages_count_their_uncompressed_length(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    assert "permessage-deflate" in ws.extensions
    ws.send(bytes(MiB))
    assert ws.buffered_amount == MiB
    await until_drained(ws)
    await trace.wait_messages(1)
    ws.close()
