"""Helpers for the compression tests: reference inputs made by the stdlib (an encoder other
than the streams under test), and piping chunks through a stream."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Sequence
from typing import Any

from websocketstream import ReadableStream

__all__ = ["EXPECTED", "FORMATS", "compress", "decompress", "pipe_through_to_list"]

FORMATS = ["deflate", "deflate-raw", "gzip"]

#: What the WPT compressed inputs decompress to.
EXPECTED = b"expected output"


def compress(data: bytes, format: str) -> bytes:
    """``data`` compressed by the stdlib in ``format``."""
    if format == "gzip":
        return gzip.compress(data, mtime=0)
    if format == "deflate":
        return zlib.compress(data)
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def decompress(data: bytes, format: str) -> bytes:
    """``data`` decompressed by the stdlib from ``format`` (which must be complete)."""
    wbits = {"deflate": zlib.MAX_WBITS, "deflate-raw": -zlib.MAX_WBITS, "gzip": 31}[format]
    decompressor = zlib.decompressobj(wbits=wbits)
    output = decompressor.decompress(data) + decompressor.flush()
    assert decompressor.eof and not decompressor.unused_data
    return output


async def pipe_through_to_list(chunks: Sequence[Any], transform: Any) -> list[Any]:
    """Pipe ``chunks`` (one by one) through ``transform`` and collect what comes out."""
    source: ReadableStream[Any] = ReadableStream.from_(list(chunks))
    return [chunk async for chunk in source.pipe_through(transform)]
