"""Blob (File API), after WPT FileAPI/blob/Blob-constructor, Blob-slice, Blob-text, Blob-stream."""

from __future__ import annotations

import array
import asyncio

import pytest

from websocketstream.dom import Blob


def _readable_stream_available() -> bool:
    try:
        from websocketstream.streams import ReadableStream  # noqa: F401
    except ImportError:
        return False
    return True


needs_streams = pytest.mark.skipif(
    not _readable_stream_available(),
    reason="websocketstream.streams.ReadableStream is not importable yet",
)


# --- Constructor ---------------------------------------------------------------------------------


async def test_empty_blob() -> None:
    blob = Blob()
    assert blob.size == 0
    assert blob.type == ""
    assert await blob.text() == ""
    assert await blob.bytes() == b""


async def test_str_parts_are_utf8() -> None:
    blob = Blob(["héllo", " ", "🔌"])
    assert blob.size == len("héllo 🔌".encode())
    assert await blob.bytes() == "héllo 🔌".encode()
    assert await blob.text() == "héllo 🔌"


async def test_lone_surrogates_become_replacement_character() -> None:
    blob = Blob(["a\ud800b", "\udc00"])
    assert await blob.bytes() == "a\ufffdb\ufffd".encode()
    assert blob.size == 8


async def test_surrogate_pair_in_one_part_is_joined() -> None:
    # Python cannot normally hold a split pair in a str, but a surrogatepass decode can.
    pair = "\ud83d\udd0c"
    assert await Blob([pair]).text() == "🔌"


async def test_binary_parts_and_mixing() -> None:
    blob = Blob([b"ab", bytearray(b"cd"), memoryview(b"ef"), "gh", Blob([b"ij"])])
    assert await blob.bytes() == b"abcdefghij"
    assert blob.size == 10


async def test_buffers_are_copied() -> None:
    data = bytearray(b"abc")
    view_source = bytearray(b"xyz")
    blob = Blob([data, memoryview(view_source)])
    data[0] = ord("Z")
    view_source[0] = ord("Q")
    assert await blob.bytes() == b"abcxyz"


async def test_non_contiguous_and_typed_buffers() -> None:
    stepped = memoryview(b"abcdef")[::2]
    assert await Blob([stepped]).bytes() == b"ace"
    ints = array.array("H", [1, 2])
    assert await Blob([ints]).bytes() == ints.tobytes()  # type: ignore[list-item]


async def test_blob_part_shares_nothing_mutable() -> None:
    inner = Blob(["x"])
    outer = Blob([inner, inner])
    assert await outer.text() == "xx"


async def test_any_iterable_of_parts() -> None:
    assert await Blob(("a", "b")).text() == "ab"
    assert await Blob(p for p in ["c", "d"]).text() == "cd"


@pytest.mark.parametrize("parts", ["abc", b"abc", bytearray(b"abc"), memoryview(b"abc")])
def test_bare_str_or_buffer_is_type_error(parts: object) -> None:
    with pytest.raises(TypeError, match=r"Blob\(\[data\]\)"):
        Blob(parts)  # type: ignore[arg-type]


@pytest.mark.parametrize("parts", [None, 5, object()])
def test_non_iterable_parts_is_type_error(parts: object) -> None:
    with pytest.raises(TypeError):
        Blob(parts)  # type: ignore[arg-type]


@pytest.mark.parametrize("part", [None, 1, 1.5, object(), ["a"]])
def test_bad_part_is_type_error(part: object) -> None:
    with pytest.raises(TypeError, match="Blob part"):
        Blob([part])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", ""),
        ("text/plain", "text/plain"),
        ("TEXT/Plain;Charset=UTF-8", "text/plain;charset=utf-8"),
        ("a b", "a b"),
        ("~", "~"),
        ("text/plain\u00e9", ""),
        ("text/\x7f", ""),
        ("text/\x1f", ""),
        ("\t", ""),
        ("\u0130", ""),  # not lower-cased to "i̇": non-ASCII empties the type
    ],
)
def test_type_normalization(given: str, expected: str) -> None:
    assert Blob(type=given).type == expected
    assert Blob().slice(content_type=given).type == expected


def test_type_must_be_str() -> None:
    with pytest.raises(TypeError):
        Blob(type=None)  # type: ignore[arg-type]


def test_type_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        Blob([], "text/plain")  # type: ignore[call-arg]


def test_repr_and_read_only_attributes() -> None:
    blob = Blob(["abc"], type="Text/Plain")
    assert repr(blob) == "Blob(size=3, type='text/plain')"
    with pytest.raises(AttributeError):
        blob.size = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        blob.type = "x"  # type: ignore[misc]


def test_camel_case_hint() -> None:
    with pytest.raises(AttributeError, match="did you mean 'array_buffer'"):
        Blob().arrayBuffer  # type: ignore[attr-defined]  # noqa: B018


# --- slice() (WPT Blob-slice.any.js) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), b"PASSSTRING"),
        ((0,), b"PASSSTRING"),
        ((4,), b"STRING"),
        ((-6,), b"STRING"),
        ((0, -6), b"PASS"),
        ((-100,), b"PASSSTRING"),
        ((100,), b""),
        ((0, 100), b"PASSSTRING"),
        ((-100, -100), b""),
        ((5, 2), b""),
        ((-2, -4), b""),
        ((2, 2), b""),
        ((1, -1), b"ASSSTRIN"),
        ((3, None), b"SSTRING"),
        ((True, 3), b"AS"),
        ((2**70, -(2**70)), b""),
        ((-(2**70), 2**70), b"PASSSTRING"),
    ],
)
async def test_slice(args: tuple[int, ...], expected: bytes) -> None:
    blob = Blob(["PASSSTRING"], type="text/plain")
    sliced = blob.slice(*args)  # type: ignore[arg-type]
    assert await sliced.bytes() == expected
    assert sliced.size == len(expected)
    assert sliced.type == ""


async def test_slice_of_slice_and_content_type() -> None:
    blob = Blob([b"0123456789"])
    inner = blob.slice(2, 8, "Application/Octet-Stream").slice(1, -1, "text/PLAIN")
    assert await inner.bytes() == b"3456"
    assert inner.type == "text/plain"
    assert blob.slice(content_type="X/Y").type == "x/y"


async def test_slice_keywords() -> None:
    blob = Blob(["abcdef"])
    assert await blob.slice(start=1, end=3).text() == "bc"
    assert await blob.slice(end=-2).text() == "abcd"


async def test_slice_of_multibyte_text_may_split_characters() -> None:
    blob = Blob(["é"])  # two UTF-8 bytes
    assert await blob.slice(0, 1).text() == "\ufffd"


def test_slice_float_index_is_type_error() -> None:
    with pytest.raises(TypeError):
        Blob(["abc"]).slice(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Blob(["abc"]).slice(0, "2")  # type: ignore[arg-type]


# --- Reading -------------------------------------------------------------------------------------


async def test_read_methods_return_running_futures() -> None:
    blob = Blob(["x"])
    for future in (blob.text(), blob.bytes(), blob.array_buffer()):
        assert isinstance(future, asyncio.Future)
        assert future.get_loop() is asyncio.get_running_loop()
        assert future.done()
    assert await blob.array_buffer() == b"x"
    assert type(await blob.array_buffer()) is bytes
    assert type(await blob.bytes()) is bytes


def test_read_methods_need_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        Blob(["x"]).text()


async def test_text_drops_bom_and_replaces_invalid_utf8() -> None:
    # WPT Blob-text.any.js: UTF-8 decode strips a leading BOM (once) and replaces bad bytes.
    assert await Blob([b"\xef\xbb\xbfabc"]).text() == "abc"
    assert await Blob([b"\xef\xbb\xbf\xef\xbb\xbfabc"]).text() == "\ufeffabc"
    assert await Blob([b"a\xffb"]).text() == "a\ufffdb"
    assert await Blob([b"\xf0\x9f"]).text() == "\ufffd"
    # UTF-16 is not sniffed: the bytes are decoded as UTF-8.
    assert await Blob([b"\xff\xfea\x00"]).text() == "\ufffd\ufffda\x00"


async def test_bytes_are_a_copy_of_nothing_mutable() -> None:
    blob = Blob([bytearray(b"abc")])
    first = await blob.bytes()
    assert first == b"abc"
    assert isinstance(first, bytes)


# --- stream() ------------------------------------------------------------------------------------


async def _read_all(blob: Blob) -> list[bytes]:
    reader = blob.stream().get_reader()
    chunks: list[bytes] = []
    while True:
        value, done = await reader.read()
        if done:
            return chunks
        chunks.append(bytes(value))


@needs_streams
async def test_stream_small_blob() -> None:
    chunks = await _read_all(Blob(["PASS"]))
    assert b"".join(chunks) == b"PASS"


@needs_streams
async def test_stream_empty_blob() -> None:
    assert await _read_all(Blob()) == []


@needs_streams
async def test_stream_large_blob_in_bounded_chunks() -> None:
    data = bytes(range(256)) * 1000  # 256,000 bytes
    chunks = await _read_all(Blob([data]))
    assert b"".join(chunks) == data
    assert all(0 < len(c) <= 65536 for c in chunks)
    assert len(chunks) > 1


@needs_streams
async def test_stream_is_a_readable_stream() -> None:
    from websocketstream.streams import ReadableStream

    stream = Blob(["x"]).stream()
    assert isinstance(stream, ReadableStream)
    assert not stream.locked


@needs_streams
async def test_stream_byob_reader() -> None:
    data = b"0123456789" * 10
    reader = Blob([data]).stream().get_reader(mode="byob")
    received = bytearray()
    while True:
        value, done = await reader.read(bytearray(16))
        if done:
            break
        assert len(value) <= 16
        received += bytes(value)
    assert bytes(received) == data


@needs_streams
async def test_stream_cancel() -> None:
    stream = Blob([b"x" * 200_000]).stream()
    reader = stream.get_reader()
    value, done = await reader.read()
    assert not done
    assert 0 < len(value) <= 65536
    await reader.cancel()
    _, done = await reader.read()
    assert done
