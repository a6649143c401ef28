"""WPT encoding/streams/decode-bad-chunks.any.js: a chunk that is not bytes-like errors both
sides with TypeError."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import TextDecoderStream

BAD_CHUNKS: list[tuple[str, Any]] = [
    ("None", None),
    ("a number", 3.14),
    ("an object", object()),
    ("a list", [65]),
    ("a str", "A"),
]


@pytest.mark.parametrize("chunk", [c for _, c in BAD_CHUNKS], ids=[n for n, _ in BAD_CHUNKS])
async def test_a_bad_chunk_errors_both_sides(chunk: Any) -> None:
    stream = TextDecoderStream()
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    read = reader.read()  # relieves the backpressure that holds the transform back
    write = writer.write(chunk)
    with pytest.raises(TypeError, match="bytes-like"):
        await write
    with pytest.raises(TypeError):
        await read
    with pytest.raises(TypeError):
        await writer.closed
