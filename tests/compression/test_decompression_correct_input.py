"""WPT compression/decompression-correct-input.any.js, decompression-buffersource.any.js and
decompression-uint8array-output.any.js: valid input of every format, in any bytes-like chunk,
decompresses to ``bytes``."""

from __future__ import annotations

import array
from typing import Any

import pytest

from tests.compression.helpers import EXPECTED, FORMATS, compress, pipe_through_to_list
from websocketstream import DecompressionStream

WRAPPERS: list[tuple[str, Any]] = [
    ("bytes", bytes),
    ("bytearray", bytearray),
    ("memoryview", memoryview),
    ("a memoryview slice", lambda data: memoryview(b"junk" + data)[4:]),
    ("array('B')", lambda data: array.array("B", data)),
]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("wrap", [w for _, w in WRAPPERS], ids=[n for n, _ in WRAPPERS])
async def test_decompresses_any_buffer_source(format: str, wrap: Any) -> None:
    output = await pipe_through_to_list(
        [wrap(compress(EXPECTED, format))], DecompressionStream(format)
    )
    assert output == [EXPECTED]
    assert type(output[0]) is bytes
