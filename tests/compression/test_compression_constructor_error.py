"""WPT compression/compression-constructor-error.any.js and
decompression-constructor-error.any.js: an unknown format raises TypeError."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import CompressionStream, DecompressionStream

BAD_FORMATS: list[Any] = ["a", "", "GZIP", "brotli", None, 1, b"gzip"]


@pytest.mark.parametrize("cls", [CompressionStream, DecompressionStream])
@pytest.mark.parametrize("format", BAD_FORMATS)
async def test_a_bad_format_raises_type_error(cls: Any, format: Any) -> None:
    with pytest.raises(TypeError, match="format must be"):
        cls(format)


@pytest.mark.parametrize("cls", [CompressionStream, DecompressionStream])
async def test_no_format_raises_type_error(cls: Any) -> None:
    with pytest.raises(TypeError):
        cls()
