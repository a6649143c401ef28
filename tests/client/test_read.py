"""WPT ``websockets/stream/tentative/read.any.js`` (1 test): binary chunks are ``bytes``."""

from __future__ import annotations

import asyncio

import pytest

from .helpers import connect, wait
from .servers import OwnServer, WptServer


async def test_read_type_for_binary_messages_is_bytes(server: WptServer | OwnServer) -> None:
    wss, info = await connect(server.url("/echo"))
    await wait(info.writable.get_writer().write(bytes(16)))
    value, done = await wait(info.readable.get_reader().read())
    assert type(value) is bytes
    assert value == bytes(16)
    assert not done
    wss.close()
    await wait(wss.closed)


async def test_read_type_for_text_messages_is_str(server: WptServer | OwnServer) -> None:
    wss, info = await connect(server.url("/echo"))
    writer = info.writable.get_writer()
    await wait(writer.write("ロボット"))
    await wait(writer.write(""))
    reader = info.readable.get_reader()
    value, _ = await wait(reader.read())
    assert type(value) is str and value == "ロボット"
    assert await wait(reader.read()) == ("", False)
    wss.close()
    await wait(wss.closed)


async def test_async_iteration_reads_messages_until_close(server: WptServer | OwnServer) -> None:
    wss, info = await connect(server.url("/echo"))
    writer = info.writable.get_writer()
    for i in range(5):
        await wait(writer.write(str(i)))
    await wait(writer.write("Goodbye"))  # the echo handler closes after echoing it
    received = [message async for message in info.readable]
    assert received == ["0", "1", "2", "3", "4", "Goodbye"]
    await wait(wss.closed)


async def test_a_read_timed_out_with_wait_for_loses_no_message(wpt: WptServer) -> None:
    # asyncio.wait_for cancels the read on timeout; the message that arrives afterwards goes
    # to the next read (a cancelled read takes no chunk), not into the void.
    wss, info = await connect(wpt.url("/echo"))
    reader = info.readable.get_reader()
    writer = info.writable.get_writer()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.read(), 0.02)
    await wait(writer.write("after the timeout"))
    assert await wait(reader.read()) == ("after the timeout", False)
    wss.close()
    await wait(wss.closed)
