"""WPT compression/compression-output-length.any.js and compression-large-flush-output.any.js:
compressible input gets smaller; large output comes in bounded pieces."""

from __future__ import annotations

import os

import pytest

from tests.compression.helpers import FORMATS, decompress, pipe_through_to_list
from websocketstream import CompressionStream, DecompressionStream
from websocketstream.streams.compression import OUTPUT_PIECE_SIZE


@pytest.mark.parametrize("format", FORMATS)
async def test_compressible_input_is_shorter(format: str) -> None:
    data = b"the quick brown fox " * 5000
    output = b"".join(await pipe_through_to_list([data], CompressionStream(format)))
    assert len(output) < len(data) // 10


@pytest.mark.parametrize("format", FORMATS)
async def test_large_flush_output_comes_in_bounded_pieces(format: str) -> None:
    # Incompressible input: zlib holds most of it back until the flush.
    data = os.urandom(3 * OUTPUT_PIECE_SIZE + 123)
    output = await pipe_through_to_list([data], CompressionStream(format))
    assert max(len(chunk) for chunk in output) <= OUTPUT_PIECE_SIZE
    assert decompress(b"".join(output), format) == data


@pytest.mark.parametrize("format", FORMATS)
async def test_large_decompressed_output_comes_in_bounded_pieces(format: str) -> None:
    from tests.compression.helpers import compress

    data = os.urandom(1000) * 300
    output = await pipe_through_to_list([compress(data, format)], DecompressionStream(format))
    assert len(output) > 1
    assert max(len(chunk) for chunk in output) <= OUTPUT_PIECE_SIZE
    assert b"".join(output) == data
