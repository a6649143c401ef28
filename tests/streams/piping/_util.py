"""Small builders shared by the piping tests."""

from __future__ import annotations

from typing import Any

from websocketstream.streams.readable import ReadableStream


def readable_of(*chunks: Any, close: bool = True) -> ReadableStream:
    """A ReadableStream that starts with ``chunks`` queued (then closes unless told not to)."""

    def start(controller: Any) -> None:
        for chunk in chunks:
            controller.enqueue(chunk)
        if close:
            controller.close()

    return ReadableStream({"start": start}, {"high_water_mark": max(len(chunks), 1)})


def errored_readable(error: Any) -> ReadableStream:
    """A ReadableStream errored during start."""
    return ReadableStream({"start": lambda c: c.error(error)})
