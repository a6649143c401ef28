"""WPT encoding/streams/decode-split-character.any.js: a multi-byte sequence split across
chunks is decoded once it is complete, whatever the split."""

from __future__ import annotations

import pytest

from tests.encoding_streams.helpers import pipe_through_to_list
from websocketstream import TextDecoderStream

TEXT = "I \U0001f499 streams \u00e9\u20ac"
DATA = TEXT.encode()


@pytest.mark.parametrize("split", range(1, len(DATA)))
async def test_every_two_chunk_split_decodes_to_the_text(split: int) -> None:
    output = await pipe_through_to_list([DATA[:split], DATA[split:]], TextDecoderStream())
    assert "".join(output) == TEXT
    assert "" not in output


async def test_one_byte_chunks_decode_to_the_text() -> None:
    chunks = [DATA[i : i + 1] for i in range(len(DATA))]
    output = await pipe_through_to_list(chunks, TextDecoderStream())
    assert "".join(output) == TEXT
    # No chunk is emitted for a byte that only continues a sequence.
    assert len(output) == len(TEXT)


async def test_a_character_split_over_three_chunks_comes_out_in_the_last() -> None:
    output = await pipe_through_to_list([b"\xf0", b"\x9f\x92", b"\x99!"], TextDecoderStream())
    assert output == ["\U0001f499!"]


async def test_split_utf16le_surrogate_pair() -> None:
    data = "a\U0001f499".encode("utf-16-le")
    chunks = [data[:3], data[3:5], data[5:]]
    output = await pipe_through_to_list(chunks, TextDecoderStream("utf-16le"))
    assert "".join(output) == "a\U0001f499"
