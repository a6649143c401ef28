"""WPT encoding/streams/decode-attributes.any.js: the constructor's arguments reflected in
``encoding``, ``fatal`` and ``ignore_bom``; bad labels."""

from __future__ import annotations

from typing import Any

import pytest

from websocketstream import RangeError, TextDecoderStream, TextEncoderStream

LABELS = {
    "unicode-1-1-utf-8": "utf-8",
    " UTF8\n": "utf-8",
    "ascii": "windows-1252",
    "Latin1": "windows-1252",
    "utf-16": "utf-16le",
    "unicodeFFFE": "utf-16be",
}


@pytest.mark.parametrize(("label", "name"), LABELS.items())
async def test_encoding_is_the_name_of_the_label(label: str, name: str) -> None:
    assert TextDecoderStream(label).encoding == name


async def test_defaults() -> None:
    stream = TextDecoderStream()
    assert (stream.encoding, stream.fatal, stream.ignore_bom) == ("utf-8", False, False)
    assert TextEncoderStream().encoding == "utf-8"


@pytest.mark.parametrize("value", [False, 0, "", None])
async def test_false_values(value: Any) -> None:
    assert TextDecoderStream("utf-8", fatal=value).fatal is False
    assert TextDecoderStream("utf-8", ignore_bom=value).ignore_bom is False


@pytest.mark.parametrize("value", [True, 1, {"a": 1}, [0], "yes"])
async def test_true_values(value: Any) -> None:
    assert TextDecoderStream("utf-8", fatal=value).fatal is True
    assert TextDecoderStream("utf-8", ignore_bom=value).ignore_bom is True


@pytest.mark.parametrize("label", ["", "utf-9", "replacement", "iso-8859-2", "shift_jis"])
async def test_an_unknown_or_unsupported_label_raises_range_error(label: str) -> None:
    with pytest.raises(RangeError, match="encoding label"):
        TextDecoderStream(label)


async def test_a_non_str_label_raises_type_error() -> None:
    with pytest.raises(TypeError):
        TextDecoderStream(b"utf-8")  # type: ignore[arg-type]


async def test_camel_case_names_point_at_snake_case() -> None:
    with pytest.raises(AttributeError, match="ignore_bom"):
        TextDecoderStream().ignoreBom  # type: ignore[attr-defined]  # noqa: B018
