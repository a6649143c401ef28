"""WPT encoding/streams/encode-utf8.any.js: TextEncoderStream's output chunks, surrogates
split across chunks and lone surrogates (U+FFFD)."""

from __future__ import annotations

import pytest

from tests.encoding_streams.helpers import pipe_through_to_list
from websocketstream import TextEncoderStream

TEXT = "I \U0001f499 streams"
TEXT_BYTES = TEXT.encode()
ASTRAL = "\U0001f499"
ASTRAL_BYTES = b"\xf0\x9f\x92\x99"
# The astral character's UTF-16 code units, as a JavaScript string holds them.
LEAD = "\ud83d"
TRAIL = "\udc99"
FFFD = b"\xef\xbf\xbd"

CASES = [
    ("one string gives one complete chunk", [TEXT], [TEXT_BYTES]),
    ("a character split between chunks is joined", [LEAD, TRAIL], [ASTRAL_BYTES]),
    ("a character after a split one", [LEAD, TRAIL + ASTRAL], [ASTRAL_BYTES * 2]),
    ("two characters each split", [LEAD, TRAIL + LEAD, TRAIL], [ASTRAL_BYTES, ASTRAL_BYTES]),
    (
        "two split characters with a lone surrogate between",
        [LEAD, TRAIL + LEAD + LEAD, TRAIL],
        [ASTRAL_BYTES + FFFD, ASTRAL_BYTES],
    ),
    ("a stream ending in a leading surrogate", [LEAD], [FFFD]),
    ("a lone leading surrogate, then an astral character", [LEAD, ASTRAL], [FFFD + ASTRAL_BYTES]),
    ("a lone leading surrogate, then ASCII", [LEAD, "A"], [FFFD + b"A"]),
    ("a lone leading surrogate, then a split character", [LEAD, LEAD, TRAIL], [FFFD, ASTRAL_BYTES]),
    ("two leading surrogate chunks", [LEAD, LEAD], [FFFD, FFFD]),
    (
        "a non-terminal lone leading surrogate is replaced at once",
        [LEAD + LEAD, TRAIL],
        [FFFD, ASTRAL_BYTES],
    ),
    ("a lone trailing surrogate is replaced at once", [TRAIL, ASTRAL], [FFFD, ASTRAL_BYTES]),
    ("a leading surrogate is carried past empty chunks", [LEAD, "", TRAIL], [ASTRAL_BYTES]),
    ("a leading surrogate then an empty chunk and the end", [LEAD, ""], [FFFD]),
    ("an empty string gives no chunk", [""], []),
    ("a leading empty chunk is ignored", ["", TEXT], [TEXT_BYTES]),
    ("a trailing empty chunk is ignored", [TEXT, ""], [TEXT_BYTES]),
    ("plain ASCII", ["A"], [b"A"]),
    ("the ISO-8859-1 range", ["\xff"], [b"\xc3\xbf"]),
    ("a Python str's own astral code point", [ASTRAL], [ASTRAL_BYTES]),
]


@pytest.mark.parametrize(
    ("chunks", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
async def test_encoding_gives_the_expected_chunks(chunks: list[str], expected: list[bytes]) -> None:
    output = await pipe_through_to_list(chunks, TextEncoderStream())
    assert output == expected
    assert all(type(chunk) is bytes for chunk in output)
