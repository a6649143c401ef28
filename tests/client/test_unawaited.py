"""Writes nobody awaits that fail after close report nothing to the loop (the
``loop_exceptions`` fixture fails the test on "exception was never retrieved")."""

from __future__ import annotations

import asyncio
import gc

from websocketstream import ReadableStreamDefaultReader

from .helpers import connect, wait
from .servers import WptServer


async def test_unawaited_writes_after_close(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/echo"))
    writer = info.writable.get_writer()
    wss.close()
    for _ in range(3):
        writer.write("never sent")  # rejected with InvalidStateError, never awaited
    await wait(wss.closed)
    writer.write("after closed")
    for _ in range(3):
        await asyncio.sleep(0)
    gc.collect()


async def test_unawaited_writes_pending_when_the_connection_fails(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/echo"), compression=None)
    writer = info.writable.get_writer()
    for _ in range(50):
        writer.write(bytes(1 << 20))  # most wait for buffer space
    wss.close()
    await wait(wss.closed)
    writer.release_lock()
    reader = info.readable.get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)
    reader.release_lock()
    gc.collect()
