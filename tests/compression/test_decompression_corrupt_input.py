"""WPT compression/decompression-corrupt-input.any.js: one field of a valid input changed at a
time; truncated input and trailing junk error; a preset dictionary errors."""

from __future__ import annotations

import pytest

from tests.compression.helpers import EXPECTED, FORMATS, compress
from websocketstream import DecompressionStream


async def try_decompress(data: bytes, format: str) -> str:
    """'success', 'corrupt' (wrong output) or 'error' (TypeError), as the WPT file judges."""
    stream = DecompressionStream(format)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    writer.write(data).add_done_callback(lambda f: f.exception())
    writer.close().add_done_callback(lambda f: f.exception())
    output = b""
    while True:
        try:
            value, done = await reader.read()
        except TypeError:
            return "error"
        if done:
            break
        output += value
    return "success" if output == EXPECTED else "corrupt"


def corrupt(data: bytes, offset: int, length: int, value: int) -> bytes:
    changed = bytearray(data)
    start = offset % len(data)
    changed[start : start + length] = bytes([value]) * length
    return bytes(changed)


# (format, field, offset, length, value, result); offsets as in RFC 1950 / RFC 1952.
CASES = [
    ("deflate", "CMF", 0, 1, 0, "error"),
    ("deflate", "FLG", 1, 1, 218, "success"),
    ("deflate", "FLG", 1, 1, 1, "success"),
    ("deflate", "FLG", 1, 1, 94, "success"),
    ("deflate", "FLG", 1, 1, 157, "error"),
    ("deflate", "DATA", 18, 1, 4, "success"),
    ("deflate", "DATA", 18, 1, 5, "error"),
    ("deflate", "ADLER", -4, 4, 255, "error"),
    ("gzip", "ID", 0, 2, 255, "error"),
    ("gzip", "CM", 2, 1, 0, "error"),
    ("gzip", "FLG", 3, 1, 1, "success"),  # FTEXT
    ("gzip", "FLG", 3, 1, 2, "error"),  # FHCRC with no header CRC
    ("gzip", "MTIME", 4, 4, 255, "success"),
    ("gzip", "XFL", 8, 1, 255, "success"),
    ("gzip", "OS", 9, 1, 128, "success"),
    ("gzip", "DATA", 26, 1, 3, "error"),
    ("gzip", "DATA", 26, 1, 4, "success"),
    ("gzip", "CRC", -8, 4, 0, "error"),
    ("gzip", "ISIZE", -4, 4, 1, "error"),
]


@pytest.mark.parametrize("format", FORMATS)
async def test_the_unchanged_input_decompresses(format: str) -> None:
    assert await try_decompress(compress(EXPECTED, format), format) == "success"


@pytest.mark.parametrize("format", FORMATS)
async def test_truncated_input_errors(format: str) -> None:
    assert await try_decompress(compress(EXPECTED, format)[:-1], format) == "error"


@pytest.mark.parametrize("format", FORMATS)
async def test_trailing_junk_errors(format: str) -> None:
    assert await try_decompress(compress(EXPECTED, format) + b"\x00", format) == "error"


@pytest.mark.parametrize(
    ("format", "field", "offset", "length", "value", "result"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in CASES],
)
async def test_a_corrupted_field(  # noqa: PLR0917 -- one parameter per table column
    format: str, field: str, offset: int, length: int, value: int, result: str
) -> None:
    data = corrupt(compress(EXPECTED, format), offset, length, value)
    assert await try_decompress(data, format) == result, field


async def test_input_compressed_with_a_preset_dictionary_errors() -> None:
    words = b"thequickbrownfoxjumped\x00"
    import zlib

    compressor = zlib.compressobj(zdict=words)
    data = compressor.compress(words) + compressor.flush()
    assert await try_decompress(data, "deflate") == "error"
