"""WPT compression/compression-multiple-chunks.any.js: many chunks compress into one stream
that decompresses to their concatenation."""

from __future__ import annotations

import pytest

from tests.compression.helpers import FORMATS, decompress, pipe_through_to_list
from websocketstream import CompressionStream


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("count", [2, 3, 16])
async def test_multiple_chunks(format: str, count: int) -> None:
    chunks = [f"Hello, {i}! ".encode() * 10 for i in range(count)]
    output = await pipe_through_to_list(chunks, CompressionStream(format))
    assert decompress(b"".join(output), format) == b"".join(chunks)
