"""``Blob`` (File API §3): immutable bytes with a MIME type, read through promises or a stream."""

from __future__ import annotations

import builtins
import operator
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, SupportsIndex, Union

from .._naming import SnakeCaseHint
from .._promise import promise_resolved_with
from .websocket_error import to_usv_string

if TYPE_CHECKING:
    import asyncio

    from ..streams import ReadableStream

__all__ = ["Blob", "BlobPart", "blob_bytes", "blob_from_bytes"]

BlobPart = Union[str, bytes, bytearray, memoryview, "Blob"]

# How many bytes each chunk of stream() holds (Chromium reads blobs in 64 KiB chunks).
STREAM_CHUNK_SIZE = 65536


def _normalize_type(value: str) -> str:
    # File API: a type with a code point outside U+0020-U+007E is "", else ASCII lowercase.
    if not isinstance(value, str):
        raise TypeError(f"type must be a str, not {type(value).__name__}")
    if any(not " " <= c <= "~" for c in value):
        return ""
    return value.lower()


# File API §3.1.1, "process blob parts"
def _process_blob_parts(parts: Iterable[BlobPart]) -> bytes:
    if isinstance(parts, str | bytes | bytearray | memoryview):
        raise TypeError(
            f"Blob parts must be an iterable of parts, not a {type(parts).__name__} "
            "(wrap it in a list: Blob([data]))"
        )
    try:
        items = iter(parts)
    except TypeError:
        raise TypeError(f"Blob parts must be an iterable, not {type(parts).__name__}") from None
    chunks: list[bytes] = []
    for part in items:
        if isinstance(part, str):
            chunks.append(to_usv_string(part).encode("utf-8"))
        elif isinstance(part, Blob):
            chunks.append(part._data)
        elif isinstance(part, bytes):
            chunks.append(part)
        else:
            try:
                view = memoryview(part)
            except TypeError:
                raise TypeError(
                    "a Blob part must be a str, bytes, bytearray, memoryview or Blob, "
                    f"not {type(part).__name__}"
                ) from None
            with view:
                chunks.append(view.tobytes())  # a copy: later changes do not show
    return b"".join(chunks)


def _relative_index(value: SupportsIndex | None, size: int, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, float):
        raise TypeError("slice indexes must be integers")
    index = operator.index(value)
    if index < 0:
        return max(size + index, 0)
    return min(index, size)


class Blob(SnakeCaseHint):
    """``Blob(parts=(), *, type="")``: the File API's immutable binary data.

    ``parts`` is an iterable of ``str`` (encoded as UTF-8; lone surrogates become U+FFFD),
    ``bytes``, ``bytearray``, ``memoryview`` (copied) or ``Blob``.  ``type`` is lower-cased,
    or ``""`` if it has a character outside printable ASCII.
    """

    __slots__ = ("_data", "_type")

    _data: builtins.bytes
    _type: str

    def __init__(self, parts: Iterable[BlobPart] = (), *, type: str = "") -> None:
        self._data = _process_blob_parts(parts)
        self._type = _normalize_type(type)

    @classmethod
    def _from_bytes(cls, data: builtins.bytes, type: str = "") -> Blob:
        blob = cls.__new__(cls)
        blob._data = data
        blob._type = type
        return blob

    @property
    def size(self) -> int:
        """The length in bytes."""
        return len(self._data)

    @property
    def type(self) -> str:
        """The MIME type in lower case, or ``""``."""
        return self._type

    # File API §3.3.1, slice()
    def slice(
        self,
        start: SupportsIndex = 0,
        end: SupportsIndex | None = None,
        content_type: str = "",
    ) -> Blob:
        """A new Blob of the bytes from ``start`` to ``end``; negative indexes count from the
        end, out-of-range indexes are clamped, and ``end`` before ``start`` gives an empty
        Blob.  Its type is ``content_type`` (normalized as the constructor does)."""
        size = len(self._data)
        relative_start = _relative_index(start, size, 0)
        relative_end = _relative_index(end, size, size)
        span = max(relative_end - relative_start, 0)
        data = self._data[relative_start : relative_start + span]
        return Blob._from_bytes(data, _normalize_type(content_type))

    # File API §3.3.3, text()
    def text(self) -> asyncio.Future[str]:
        """A future of the contents decoded as UTF-8 (a leading BOM is dropped, invalid
        sequences become U+FFFD)."""
        return promise_resolved_with(self._data.decode("utf-8-sig", "replace"))

    # File API §3.3.4, arrayBuffer()
    def array_buffer(self) -> asyncio.Future[builtins.bytes]:
        """A future of the contents as ``bytes``."""
        return promise_resolved_with(self._data)

    # File API §3.3.5, bytes()
    def bytes(self) -> asyncio.Future[builtins.bytes]:
        """A future of the contents as ``bytes``."""
        return promise_resolved_with(self._data)

    # File API §3.3.2, stream()
    def stream(self) -> ReadableStream:
        """A readable byte stream of the contents, in chunks of at most 64 KiB."""
        from ..streams import ReadableStream  # noqa: PLC0415 -- streams imports dom

        return ReadableStream(_BlobSource(self._data))

    def __repr__(self) -> str:
        return f"Blob(size={len(self._data)}, type={self._type!r})"


def blob_from_bytes(data: bytes, type: str = "") -> Blob:
    """A Blob whose raw data is ``data`` (not copied), for the library's own producers (a
    received binary message).  Package-internal."""
    return Blob._from_bytes(data, type)


def blob_bytes(blob: Blob) -> bytes:
    """The raw data of ``blob``, synchronously (as a user agent reads it to send it).
    Package-internal."""
    return blob._data


class _BlobSource:
    """The underlying byte source of :meth:`Blob.stream` (File API "get stream")."""

    type = "bytes"

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._offset = 0

    def start(self, controller: Any) -> None:
        if not self._view:
            controller.close()

    def pull(self, controller: Any) -> None:
        end = self._offset + STREAM_CHUNK_SIZE
        chunk = bytes(self._view[self._offset : end])
        self._offset = min(end, len(self._view))
        controller.enqueue(chunk)
        if self._offset >= len(self._view):
            controller.close()

    def cancel(self, reason: Any = None) -> None:
        self._offset = len(self._view)
