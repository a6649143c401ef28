"""WPT compression/compression-including-empty-chunk.any.js: empty chunks among others change
nothing, and give no empty output chunk."""

from __future__ import annotations

import pytest

from tests.compression.helpers import FORMATS, decompress, pipe_through_to_list
from websocketstream import CompressionStream

CHUNK_LISTS = [
    [b"", b"Hello", b"Hello"],
    [b"Hello", b"", b"Hello"],
    [b"Hello", b"Hello", b""],
    [b"", b"", b""],
]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("chunks", CHUNK_LISTS)
async def test_empty_chunks(format: str, chunks: list[bytes]) -> None:
    output = await pipe_through_to_list(chunks, CompressionStream(format))
    assert b"" not in output
    assert decompress(b"".join(output), format) == b"".join(chunks)
