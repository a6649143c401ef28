"""WPT encoding/streams/decode-utf8.any.js: UTF-8 chunks in, strings out; empty chunks give
no output; any bytes-like object is a chunk."""

from __future__ import annotations

import array
from typing import Any

import pytest

from tests.encoding_streams.helpers import pipe_through_to_list
from websocketstream import TextDecoderStream

TEXT = "I \U0001f499 streams"
TEXT_BYTES = TEXT.encode()


async def test_one_chunk_gives_one_string() -> None:
    assert await pipe_through_to_list([TEXT_BYTES], TextDecoderStream()) == [TEXT]


async def test_an_empty_chunk_gives_no_output() -> None:
    assert await pipe_through_to_list([b""], TextDecoderStream()) == []


async def test_an_initial_empty_chunk_is_ignored() -> None:
    assert await pipe_through_to_list([b"", TEXT_BYTES], TextDecoderStream()) == [TEXT]


async def test_a_trailing_empty_chunk_is_ignored() -> None:
    assert await pipe_through_to_list([TEXT_BYTES, b""], TextDecoderStream()) == [TEXT]


@pytest.mark.parametrize(
    "chunk",
    [
        bytearray(TEXT_BYTES),
        memoryview(b"xx" + TEXT_BYTES)[2:],
        array.array("B", TEXT_BYTES),
    ],
    ids=["bytearray", "a memoryview slice", "array('B')"],
)
async def test_any_bytes_like_chunk_is_decoded(chunk: Any) -> None:
    assert await pipe_through_to_list([chunk], TextDecoderStream()) == [TEXT]


async def test_a_multi_byte_element_view_is_decoded_as_its_bytes() -> None:
    chunk = array.array("H", [0x4241, 0x4443])  # b"ABCD" little-endian
    expected = chunk.tobytes().decode()
    assert await pipe_through_to_list([chunk], TextDecoderStream()) == [expected]


async def test_invalid_sequences_become_replacement_characters() -> None:
    # The standard's decoder replaces each maximal subpart of an ill-formed sequence.
    chunks = [b"\xed\xa0\x80", b"a\xf0\x9f\x92b", b"\xc0\xaf"]
    output = await pipe_through_to_list(chunks, TextDecoderStream())
    assert "".join(output) == "\ufffd\ufffd\ufffd" + "a\ufffdb" + "\ufffd\ufffd"
