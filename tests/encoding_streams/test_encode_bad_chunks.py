"""WPT encoding/streams/encode-bad-chunks.any.js: a chunk that is not a string errors both
sides with TypeError (JavaScript would convert it with ToString: see docs/deviations.md)."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import TextEncoderStream

BAD_CHUNKS: list[tuple[str, Any]] = [
    ("None", None),
    ("an int", 3),
    ("bytes", b"abc"),
    ("a list", ["a"]),
    ("an object", object()),
]


@pytest.mark.parametrize("chunk", [c for _, c in BAD_CHUNKS], ids=[n for n, _ in BAD_CHUNKS])
async def test_a_non_str_chunk_errors_both_sides_with_type_error(chunk: Any) -> None:
    stream = TextEncoderStream()
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    read = reader.read()  # relieves the backpressure that holds the transform back
    write = writer.write(chunk)
    with pytest.raises(TypeError, match="str chunks"):
        await write
    with pytest.raises(TypeError):
        await read
    with pytest.raises(TypeError):
        await writer.closed


async def test_a_good_chunk_before_a_bad_one_is_delivered() -> None:
    stream = TextEncoderStream()
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    first = reader.read()
    writer.write("ok")
    assert await first == (b"ok", False)
    read = reader.read()
    not_a_str: Any = 1
    bad = writer.write(not_a_str)
    with pytest.raises(TypeError):
        await bad
    with pytest.raises(TypeError):
        await read
