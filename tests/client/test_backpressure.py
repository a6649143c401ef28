"""WPT ``backpressure-receive.any.js`` and ``backpressure-send.any.js``, plus memory bounds.

The WPT waits 2 s; here the delays are scaled down and the bounds are ≥ 90% of the scaled
delay (behavioural lower bounds, not benchmarks).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import pytest

from websocketstream import InvalidStateError, WebSocketError

from .helpers import connect, rejects, wait
from .servers import MiB, WptServer

READ_DELAY = 0.5


async def test_backpressure_should_be_applied_to_received_messages(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/send-backpressure"))
    assert info.extensions == ""  # the handler refuses deflate
    # Do not read: the server's 16 MiB must stall in the socket, not in our memory.
    await asyncio.sleep(READ_DELAY)
    reader = info.readable.get_reader()
    assert await wait(reader.read()) == (b"", False)
    for _ in range(16):
        value, done = await wait(reader.read())
        assert not done
        assert value == bytes(MiB)
    value, done = await wait(reader.read())
    assert float(value) >= 0.9 * READ_DELAY
    wss.close()
    await wait(wss.closed)


async def test_backpressure_should_be_applied_to_sent_messages(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/receive-backpressure"))
    writer = info.writable.get_writer()
    start = time.monotonic()
    await wait(writer.write(bytes(8 * MiB)))
    elapsed = time.monotonic() - start
    assert elapsed >= 0.9 * wpt.receive_delay
    reader = info.readable.get_reader()
    assert await wait(reader.read()) == (str(8 * MiB), False)
    wss.close()
    await wait(wss.closed)


async def test_a_server_that_never_reads_stops_write_promises(wpt: WptServer) -> None:
    # Only bytes whose write() resolved count; the kernel's buffers (client send buffer, server
    # receive buffer) are included in the bound.
    wss, info = await connect(wpt.url("/never_read"), compression=None, close_timeout=0.3)
    writer = info.writable.get_writer()
    chunk = bytes(64 * 1024)
    resolved = 0
    attempted = 0
    stalled = False
    while attempted < 64 * MiB:
        await wait(writer.ready)
        write = writer.write(chunk)
        attempted += len(chunk)
        try:
            await asyncio.wait_for(asyncio.shield(write), 0.3)
        except TimeoutError:
            stalled = True
            break
        resolved += len(chunk)
    assert stalled, f"{resolved} bytes written to a server that never reads"
    assert resolved <= 8 * MiB
    assert writer.desired_size is not None and writer.desired_size <= 0
    # Closing now: the pending write is rejected at once (the closing handshake started) ...
    wss.close()
    await rejects(write, InvalidStateError)
    # ... and the server never reads the Close: after close_timeout, an unclean close.
    error = await rejects(wss.closed, WebSocketError)
    assert error.close_code == 1006


FLOOD_SCRIPT = r"""
import asyncio, json, sys

def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

async def main(url: str, compression: str, duration: float) -> None:
    from websocketstream import WebSocketStream
    loop_start = rss()
    wss = WebSocketStream(url, compression=compression or None)
    info = await asyncio.wait_for(wss.opened, 5)
    start = rss()
    peak = start
    deadline = loop.time() + duration
    while loop.time() < deadline:  # the reader "sleeps" while the server floods
        await asyncio.sleep(0.05)
        peak = max(peak, rss())
    reader = info.readable.get_reader()
    first, _ = await asyncio.wait_for(reader.read(), 5)
    print(json.dumps({"before": loop_start, "start": start, "peak": peak, "end": rss(),
                      "first": len(first), "extensions": info.extensions}))
    wss.close()
    try:
        await asyncio.wait_for(wss.closed, 5)
    except Exception:
        pass

loop = asyncio.new_event_loop()
loop.run_until_complete(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
"""


async def _run_flood_client(url: str, compression: str, duration: float) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FLOOD_SCRIPT,
        url,
        compression,
        str(duration),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await wait(proc.communicate(), timeout=30)
    assert proc.returncode == 0, stderr.decode()
    assert not stderr, stderr.decode()
    result: dict[str, Any] = json.loads(stdout)
    return result


@pytest.mark.parametrize("compression", ["", "deflate"])
async def test_server_flood_with_sleeping_reader_keeps_memory_bounded(
    wpt: WptServer, compression: str
) -> None:
    # 200 messages of 1 MiB (= max_size) while the reader sleeps: RSS stays within
    # max_size + 8 MiB of where it was before connecting.
    # Compressed, the server spends ~17 ms of CPU per MiB of zeros: 40 MiB is plenty there.
    count = 40 if compression else 200
    result = await _run_flood_client(wpt.url(f"/flood?count={count}"), compression, 1.0)
    assert result["first"] == MiB
    assert ("deflate" in result["extensions"]) == bool(compression)
    growth = result["peak"] - result["before"]
    assert growth <= MiB + 8 * MiB, result
    if not compression:
        # The server could not push the 200 MiB: its sends were held back.  (Compressed, the
        # zeros are ~1000 times smaller on the wire and fit in the kernel's buffers.)
        sent = wpt.log.last.messages[0]
        assert isinstance(sent, int)
        assert sent < 100 * MiB


async def test_receive_backpressure_unclean_close_still_reported(wpt: WptServer) -> None:
    # A peer that vanishes while messages are held back: queued messages are still readable,
    # then the readable errors with the unclean-close WebSocketError.
    wss, info = await connect(wpt.url("/flood?count=4&size=1000"), compression=None)
    reader = info.readable.get_reader()
    assert await wait(reader.read()) == (bytes(1000), False)
    for conn in list(wpt._server.connections):  # drop TCP under the client
        conn.transport.abort()
    error: BaseException | None = None
    received = 1
    while True:
        try:
            _, done = await wait(reader.read())
        except WebSocketError as exc:
            error = exc
            break
        assert not done
        received += 1
    assert received <= 4
    assert error is not None and error.close_code == 1006
    with pytest.raises(WebSocketError) as info2:
        await wait(wss.closed)
    assert info2.value is error


@pytest.mark.parametrize("high_water_mark", [0, 4])
async def test_readable_strategy_option(wpt: WptServer, high_water_mark: int) -> None:
    from websocketstream import CountQueuingStrategy

    wss, info = await connect(
        wpt.url("/send?size=100&count=6"),
        readable_strategy=CountQueuingStrategy(high_water_mark=high_water_mark),
    )
    reader = info.readable.get_reader()
    for _ in range(6):
        assert await wait(reader.read()) == (bytes(100), False)
    wss.close()
    await wait(wss.closed)
    assert await wait(reader.read()) == (None, True)
