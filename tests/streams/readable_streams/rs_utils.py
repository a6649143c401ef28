"""Helpers for the readable stream tests (the WPT rs-utils.js equivalents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websocketstream.streams.readable import ReadableStream, ReadableStreamDefaultReader


class WPTError(Exception):
    """A named error, like WPT's ``error1``."""


def make_error(name: str = "error1") -> WPTError:
    """A fresh error object (so identity checks are meaningful)."""
    return WPTError(name)


async def read_all(stream: ReadableStream) -> list[Any]:
    """WPT readableStreamToArray: read every chunk through a default reader."""
    reader = stream.get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)
    chunks: list[Any] = []
    while True:
        value, done = await reader.read()
        if done:
            return chunks
        chunks.append(value)


def with_controller(
    extra: dict[str, Any] | None = None, strategy: Any = None
) -> tuple[ReadableStream, Any]:
    """A stream whose start() hands out its controller: ``(stream, controller)``."""
    holder: list[Any] = []
    source: dict[str, Any] = dict(extra or {})
    user_start: Callable[[Any], Any] | None = source.pop("start", None)

    def start(c: Any) -> Any:
        holder.append(c)
        return None if user_start is None else user_start(c)

    source["start"] = start
    stream = ReadableStream(source, strategy)
    return stream, holder[0]


def sequential_pull_source(limit: int, *, async_: bool = False) -> dict[str, Any]:
    """WPT SequentialPullSource as an underlying source: enqueues 1..limit then closes."""
    state = {"i": 0}

    def pull(c: Any) -> None:
        state["i"] += 1
        if state["i"] > limit:
            c.close()
        else:
            c.enqueue(state["i"])

    if not async_:
        return {"pull": pull}

    async def apull(c: Any) -> None:
        import asyncio

        await asyncio.sleep(0)
        pull(c)

    return {"pull": apull}
