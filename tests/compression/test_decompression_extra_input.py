"""WPT compression/decompression-extra-input.any.js: input that goes on after the compressed
data ends gives the output, then errors the stream with TypeError (in the same chunk or in a
later one)."""

from __future__ import annotations

import pytest

from tests.compression.helpers import EXPECTED, FORMATS, compress
from websocketstream import DecompressionStream


@pytest.mark.parametrize("format", FORMATS)
async def test_a_trailing_byte_in_the_same_chunk(format: str) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    first = reader.read()
    write = writer.write(compress(EXPECTED, format) + b"\x00")
    assert await first == (EXPECTED, False)
    with pytest.raises(TypeError, match="Junk"):
        await reader.read()
    with pytest.raises(TypeError, match="Junk"):
        await write


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("extra", [b"\x00", b"again"], ids=["a zero byte", "more data"])
async def test_trailing_input_in_a_later_chunk(format: str, extra: bytes) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    first = reader.read()
    writer.write(compress(EXPECTED, format))
    assert await first == (EXPECTED, False)
    second = reader.read()
    write = writer.write(extra)
    with pytest.raises(TypeError, match="Junk"):
        await second
    with pytest.raises(TypeError, match="Junk"):
        await write


@pytest.mark.parametrize("format", FORMATS)
async def test_an_empty_chunk_after_the_end_is_fine(format: str) -> None:
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    first = reader.read()
    writer.write(compress(EXPECTED, format))
    writer.write(b"")
    writer.close()
    assert await first == (EXPECTED, False)
    assert tuple(await reader.read()) == (None, True)


async def test_a_second_gzip_member_is_trailing_data() -> None:
    stream = DecompressionStream("gzip")
    reader = stream.readable.get_reader()
    stream.writable.get_writer().write(compress(EXPECTED, "gzip") * 2)
    assert await reader.read() == (EXPECTED, False)
    with pytest.raises(TypeError, match="Junk"):
        await reader.read()
