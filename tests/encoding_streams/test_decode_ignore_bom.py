"""WPT encoding/streams/decode-ignore-bom.any.js: a leading byte order mark is dropped unless
``ignore_bom``; only the first one, even when split across chunks."""

from __future__ import annotations

import pytest

from tests.encoding_streams.helpers import pipe_through_to_list
from websocketstream import TextDecoderStream

CASES = [
    ("utf-8", b"\xef\xbb\xbfabc", "\ufeffabc"),
    ("utf-16le", b"\xff\xfea\x00b\x00", "\ufeffab"),
    ("utf-16be", b"\xfe\xff\x00a\x00b", "\ufeffab"),
]


@pytest.mark.parametrize(("label", "data", "with_bom"), CASES, ids=[c[0] for c in CASES])
async def test_the_bom_is_dropped_by_default(label: str, data: bytes, with_bom: str) -> None:
    output = await pipe_through_to_list([data], TextDecoderStream(label))
    assert "".join(output) == with_bom[1:]


@pytest.mark.parametrize(("label", "data", "with_bom"), CASES, ids=[c[0] for c in CASES])
async def test_ignore_bom_keeps_it(label: str, data: bytes, with_bom: str) -> None:
    output = await pipe_through_to_list([data], TextDecoderStream(label, ignore_bom=True))
    assert "".join(output) == with_bom


@pytest.mark.parametrize(("label", "data", "with_bom"), CASES, ids=[c[0] for c in CASES])
async def test_a_bom_split_byte_by_byte_is_dropped(label: str, data: bytes, with_bom: str) -> None:
    chunks = [data[i : i + 1] for i in range(len(data))]
    output = await pipe_through_to_list(chunks, TextDecoderStream(label))
    assert "".join(output) == with_bom[1:]


async def test_only_the_first_bom_is_dropped() -> None:
    bom = b"\xef\xbb\xbf"
    output = await pipe_through_to_list([bom, bom + b"a", bom], TextDecoderStream())
    assert "".join(output) == "\ufeffa\ufeff"


async def test_a_bom_alone_gives_no_chunk() -> None:
    assert await pipe_through_to_list([b"\xef\xbb\xbf"], TextDecoderStream()) == []


async def test_windows_1252_keeps_its_bytes() -> None:
    output = await pipe_through_to_list([b"\xef\xbb\xbf"], TextDecoderStream("latin1"))
    assert output == ["\xef\xbb\xbf"]
