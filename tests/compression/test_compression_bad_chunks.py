"""WPT compression/compression-bad-chunks.any.js and decompression-bad-chunks.any.js: a chunk
that is not bytes-like errors both sides with TypeError; so does invalid compressed data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.compression.helpers import FORMATS
from websocketstream import CompressionStream, DecompressionStream

BAD_CHUNKS: list[tuple[str, Any]] = [
    ("None", None),
    ("a number", 3.14),
    ("an object", object()),
    ("a list", [1, 2]),
    ("a str", "abc"),
]


@pytest.mark.parametrize("cls", [CompressionStream, DecompressionStream])
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("chunk", [c for _, c in BAD_CHUNKS], ids=[n for n, _ in BAD_CHUNKS])
async def test_a_bad_chunk_errors_both_sides(cls: Any, format: str, chunk: Any) -> None:
    stream = cls(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    read = reader.read()
    write = writer.write(chunk)
    with pytest.raises(TypeError, match="bytes-like"):
        await write
    with pytest.raises(TypeError, match="bytes-like"):
        await read
    with pytest.raises(TypeError):
        await writer.closed


@pytest.mark.parametrize("format", FORMATS)
async def test_invalid_data_errors_a_decompression_stream(format: str) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    read = reader.read()
    write = writer.write(b"\xff" * 16)
    with pytest.raises(TypeError, match="invalid") as caught:
        await read
    assert caught.value.__cause__ is not None  # the zlib.error
    with pytest.raises(TypeError):
        await write
