"""WPT compression/compression-stream.any.js: what a CompressionStream writes decompresses
(with the stdlib) to what went in, for every format and for empty, small and large input."""

from __future__ import annotations

import os

import pytest

from tests.compression.helpers import FORMATS, decompress, pipe_through_to_list
from websocketstream import CompressionStream

INPUTS = {
    "empty": b"",
    "small": b"Hello, world!",
    "large compressible": b"streams " * 100_000,
    "large random": os.urandom(200_000),
}


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("name", INPUTS)
async def test_the_output_decompresses_to_the_input(format: str, name: str) -> None:
    data = INPUTS[name]
    output = await pipe_through_to_list([data], CompressionStream(format))
    assert all(type(chunk) is bytes and chunk for chunk in output)
    assert decompress(b"".join(output), format) == data


@pytest.mark.parametrize("format", FORMATS)
async def test_the_format_decides_the_header(format: str) -> None:
    output = b"".join(await pipe_through_to_list([b"x"], CompressionStream(format)))
    if format == "gzip":
        assert output[:2] == b"\x1f\x8b"
    elif format == "deflate":
        assert output[0] & 0x0F == 8  # CM = 8 (deflate), RFC 1950
        assert int.from_bytes(output[:2], "big") % 31 == 0  # FCHECK
    else:
        assert output[:2] not in (b"\x1f\x8b", b"\x78\x9c")
