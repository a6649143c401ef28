"""WPT streams/piping/then-interception.any.js, in Python terms.

The WPT file patches ``Object.prototype.then`` to catch a pipe or tee resolving promises with
objects the page can see.  Python has no global patch point; the counterpart is a chunk that is
itself awaitable: piping and teeing must pass it on untouched, never await (adopt) it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

from tests.streams.helpers import recording_writable_stream
from websocketstream.streams.readable import ReadableStream


class AwaitableChunk:
    """A chunk that records every attempt to await it."""

    def __init__(self) -> None:
        self.intercepted: list[str] = []

    def __await__(self) -> Generator[Any, None, Any]:
        self.intercepted.append("__await__")
        return "intercepted"
        yield  # pragma: no cover -- makes this a generator


def stream_of(chunk: Any) -> ReadableStream:
    def start(controller: Any) -> None:
        controller.enqueue(chunk)
        controller.close()

    return ReadableStream({"start": start})


async def test_piping_should_not_be_observable() -> None:
    chunk = AwaitableChunk()
    ws = recording_writable_stream()
    await stream_of(chunk).pipe_to(ws)
    assert chunk.intercepted == [], "nothing should have been intercepted"
    assert ws.events == ["write", chunk, "close"], "the written chunk is the very object"


async def test_piping_a_pending_future_chunk_does_not_wait_for_it() -> None:
    chunk: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ws = recording_writable_stream()
    await stream_of(chunk).pipe_to(ws)
    assert ws.events == ["write", chunk, "close"], "the written chunk is the pending future"
    assert not chunk.done()


async def test_tee_should_not_be_observable() -> None:
    chunk = AwaitableChunk()
    ws = recording_writable_stream()
    branch1, branch2 = stream_of(chunk).tee()
    await branch1.pipe_to(ws)
    await branch2.cancel()
    assert chunk.intercepted == [], "nothing should have been intercepted"
    assert ws.events == ["write", chunk, "close"], "the written chunk is the very object"
