"""WPT compression/decompression-split-chunk.any.js: input split into chunks of any size
decompresses the same."""

from __future__ import annotations

import pytest

from tests.compression.helpers import EXPECTED, FORMATS, compress, pipe_through_to_list
from websocketstream import DecompressionStream


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 16])
async def test_split_input(format: str, size: int) -> None:
    data = compress(EXPECTED, format)
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    output = await pipe_through_to_list(chunks, DecompressionStream(format))
    assert b"".join(output) == EXPECTED
    assert b"" not in output
