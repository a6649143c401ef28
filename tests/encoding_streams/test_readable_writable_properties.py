"""WPT encoding/streams/readable-writable-properties.any.js: ``readable`` and ``writable``
are a ReadableStream and a WritableStream, the same objects every time."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import ReadableStream, TextDecoderStream, TextEncoderStream, WritableStream


@pytest.mark.parametrize("cls", [TextEncoderStream, TextDecoderStream])
async def test_the_properties_are_streams(cls: Any) -> None:
    stream = cls()
    assert isinstance(stream.readable, ReadableStream)
    assert isinstance(stream.writable, WritableStream)
    assert stream.readable is stream.readable
    assert stream.writable is stream.writable


@pytest.mark.parametrize("cls", [TextEncoderStream, TextDecoderStream])
async def test_the_properties_are_read_only(cls: Any) -> None:
    stream = cls()
    with pytest.raises(AttributeError):
        stream.readable = None
