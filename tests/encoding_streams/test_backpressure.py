"""WPT encoding/streams/backpressure.any.js: a write completes only once a read relieves the
readable side's backpressure."""

from __future__ import annotations

from typing import Any

import pytest

from tests.streams.helpers import flush_callbacks
from websocketstream import TextDecoderStream, TextEncoderStream

CLASSES: list[tuple[Any, Any]] = [(TextDecoderStream, b"A"), (TextEncoderStream, "A")]


@pytest.mark.parametrize(("cls", "chunk"), CLASSES, ids=["decoder", "encoder"])
async def test_write_waits_for_a_read(cls: Any, chunk: Any) -> None:
    stream = cls()
    writer = stream.writable.get_writer()
    reader = stream.readable.get_reader()
    events: list[str] = []
    await flush_callbacks()
    write = writer.write(chunk)
    write.add_done_callback(lambda _: events.append("write"))
    await flush_callbacks()
    events.append("paused")
    await reader.read()
    events.append("read")
    await write
    assert events == ["paused", "read", "write"]


@pytest.mark.parametrize(("cls", "chunk"), CLASSES, ids=["decoder", "encoder"])
async def test_additional_writes_wait_for_backpressure_relief(cls: Any, chunk: Any) -> None:
    stream = cls()
    writer = stream.writable.get_writer()
    reader = stream.readable.get_reader()
    events: list[str] = []
    await flush_callbacks()
    read1 = reader.read()
    read1.add_done_callback(lambda _: events.append("read1"))
    write1 = writer.write(chunk)
    write2 = writer.write(chunk)
    write1.add_done_callback(lambda _: events.append("write1"))
    write2.add_done_callback(lambda _: events.append("write2"))
    await flush_callbacks()
    events.append("paused")
    read2 = reader.read()
    read2.add_done_callback(lambda _: events.append("read2"))
    for future in (write1, write2, read1, read2):
        await future
    await flush_callbacks()
    assert events == ["read1", "write1", "paused", "read2", "write2"]
