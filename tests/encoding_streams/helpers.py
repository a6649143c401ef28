"""Helpers for the encoding/streams tests: the WPT resources' readableStreamFromArray and
readableStreamToArray."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from websocketstream import ReadableStream

__all__ = ["pipe_through_to_list"]

T = TypeVar("T")


async def pipe_through_to_list(chunks: Sequence[Any], transform: Any) -> list[Any]:
    """Pipe ``chunks`` (one by one) through ``transform`` and collect what comes out."""
    source: ReadableStream[Any] = ReadableStream.from_(list(chunks))
    return [chunk async for chunk in source.pipe_through(transform)]
