"""WPT encoding/streams/decode-non-utf8.any.js: UTF-16LE, UTF-16BE and windows-1252 decode;
invalid input becomes U+FFFD, or errors both sides when fatal."""

from __future__ import annotations

import pytest

from websocketstream import TextDecoderStream

CASES = [
    ("UTF-16BE", b"\x6c\x34", "\u6c34", b"\xd8\x00"),
    ("UTF-16LE", b"\x34\x6c", "\u6c34", b"\x00\xd8"),
]


@pytest.mark.parametrize(("label", "value", "expected", "invalid"), CASES)
async def test_decodes(label: str, value: bytes, expected: str, invalid: bytes) -> None:
    stream = TextDecoderStream(label)
    reader = stream.readable.get_reader()
    write = stream.writable.get_writer().write(value)
    assert await reader.read() == (expected, False)
    await write


@pytest.mark.parametrize(("label", "value", "expected", "invalid"), CASES)
async def test_invalid_input_is_replaced(
    label: str, value: bytes, expected: str, invalid: bytes
) -> None:
    stream = TextDecoderStream(label)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    write = writer.write(invalid)
    close = writer.close()
    assert await reader.read() == ("\ufffd", False)
    await write
    await close


@pytest.mark.parametrize(("label", "value", "expected", "invalid"), CASES)
async def test_invalid_input_errors_a_fatal_stream(
    label: str, value: bytes, expected: str, invalid: bytes
) -> None:
    stream = TextDecoderStream(label, fatal=True)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    write = writer.write(invalid)
    close = writer.close()
    with pytest.raises(TypeError, match="invalid"):
        await reader.read()
    await write  # a lone lead surrogate is only known to be invalid at the end
    with pytest.raises(TypeError, match="invalid"):
        await close


async def test_an_invalid_sequence_errors_a_fatal_stream_at_its_write() -> None:
    stream = TextDecoderStream("utf-8", fatal=True)
    reader = stream.readable.get_reader()
    writer = stream.writable.get_writer()
    read = reader.read()
    write = writer.write(b"ok\xff")
    with pytest.raises(TypeError, match="invalid"):
        await write
    with pytest.raises(TypeError, match="invalid"):
        await read
    with pytest.raises(TypeError, match="invalid"):
        await writer.closed


async def test_windows_1252_maps_every_byte() -> None:
    stream = TextDecoderStream("windows-1252", fatal=True)
    reader = stream.readable.get_reader()
    stream.writable.get_writer().write(bytes([0x64, 0x80, 0x81, 0x8D, 0x9F, 0xF0]))
    # 0x80 is the euro sign; 0x81 and 0x8D, undefined in Python's cp1252, are U+0081 and U+008D.
    assert await reader.read() == ("d\u20ac\x81\x8d\u0178\xf0", False)
