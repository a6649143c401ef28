"""WPT encoding/streams/decode-incomplete-input.any.js: a sequence cut off by the end of the
stream ends with U+FFFD, or errors the stream when fatal."""

from __future__ import annotations

import pytest

from tests.encoding_streams.helpers import pipe_through_to_list
from websocketstream import TextDecoderStream


async def test_incomplete_input_in_replacement_mode_ends_with_u_fffd() -> None:
    assert await pipe_through_to_list([b"\xe5"], TextDecoderStream()) == ["\ufffd"]


async def test_incomplete_input_after_text_ends_with_u_fffd() -> None:
    assert await pipe_through_to_list([b"ab\xe5\x8f"], TextDecoderStream()) == ["ab", "\ufffd"]


async def test_incomplete_input_in_fatal_mode_errors_the_stream() -> None:
    with pytest.raises(TypeError, match="invalid"):
        await pipe_through_to_list([b"\xe5"], TextDecoderStream("utf-8", fatal=True))


async def test_an_odd_utf16_byte_at_the_end_is_u_fffd() -> None:
    output = await pipe_through_to_list([b"a\x00b"], TextDecoderStream("utf-16le"))
    assert "".join(output) == "a\ufffd"
