"""WPT compression/decompression-empty-input.any.js: the compressed form of nothing gives no
chunk and closes; no input at all is truncated input (TypeError)."""

from __future__ import annotations

import pytest

from tests.compression.helpers import FORMATS, compress
from websocketstream import DecompressionStream


@pytest.mark.parametrize("format", FORMATS)
async def test_compressed_empty_input_closes_with_no_chunk(format: str) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    write = writer.write(compress(b"", format))
    writer.close()
    assert tuple(await reader.read()) == (None, True)
    await write


@pytest.mark.parametrize("format", FORMATS)
async def test_closing_with_no_input_errors(format: str) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    close = writer.close()
    with pytest.raises(TypeError, match="truncated"):
        await reader.read()
    with pytest.raises(TypeError, match="truncated"):
        await close
