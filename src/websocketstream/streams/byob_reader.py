"""``ReadableStreamBYOBReader`` and its abstract operations (Streams §4.5, §4.9.3).

A "view" is a writable, one-dimensional, C-contiguous bytes-like object (``bytearray``, a
writable ``memoryview``, an ``array.array``...).  Reads fill it in place; the result is a
``memoryview`` over the filled window of the caller's buffer, in the view's format (the analog of
a typed array of the same type).  Python cannot detach buffers, so the caller's object stays
usable; see ``docs/deviations.md``.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from .._naming import snake_case_hints
from .._promise import Promise, get_loop, promise_rejected_with, reject_promise
from ..dom.exceptions import RangeError
from .readable import (
    ReadableStream,
    ReadableStreamGenericReader,
    ReadIntoRequest,
    ReadResult,
    is_readable_stream_locked,
    readable_stream_reader_generic_initialize,
    readable_stream_reader_generic_release,
)

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "ReadableStreamBYOBReader",
    "acquire_readable_stream_byob_reader",
    "readable_stream_add_read_into_request",
    "readable_stream_byob_reader_error_read_into_requests",
    "readable_stream_byob_reader_read",
    "readable_stream_byob_reader_release",
]


class _BYOBReaderReadIntoRequest(Promise[ReadResult[Any]], ReadIntoRequest):
    """The read-into request of ``reader.read(view)``: it is the promise it settles."""

    def chunk_steps(self, chunk: Any) -> None:
        if not self.done():
            self.set_result(ReadResult(chunk, False))

    def close_steps(self, chunk: Any) -> None:
        if not self.done():
            self.set_result(ReadResult(chunk, True))

    def error_steps(self, e: Any) -> None:
        reject_promise(self, e)


def _enforce_range_positive_min(value: Any) -> int:
    # Web IDL [EnforceRange] unsigned long long for ReadableStreamBYOBReaderReadOptions.min.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"min must be an integer, not {type(value).__name__}")
    if math.isnan(value) or math.isinf(value):
        raise TypeError("min must be a finite number")
    integer = int(value)
    if integer < 0 or integer > 2**53 - 1:
        raise TypeError("min is out of range")
    return integer


def cast_view(view: memoryview, view_format: str) -> memoryview:
    """``view.cast(view_format)`` for a format known only at run time."""
    return view.cast(view_format)  # type: ignore[call-overload,no-any-return]


def as_writable_view(view: Any, what: str = "view") -> memoryview:
    """``view`` as a :class:`memoryview`; ``TypeError`` unless it is a writable, contiguous,
    one-dimensional bytes-like object with a native element format."""
    try:
        mv = memoryview(view)
    except TypeError:
        raise TypeError(
            f"{what} must be a writable bytes-like object, not {type(view).__name__}"
        ) from None
    if mv.readonly:
        raise TypeError(f"{what} must be writable (a bytearray or writable memoryview)")
    if mv.ndim != 1 or not mv.c_contiguous:
        raise TypeError(f"{what} must be one-dimensional and contiguous")
    try:
        cast_view(mv.cast("B"), mv.format)
    except (TypeError, ValueError):
        raise TypeError(f"{what} has an unsupported element format {mv.format!r}") from None
    return mv


@snake_case_hints
class ReadableStreamBYOBReader(ReadableStreamGenericReader):
    """``ReadableStreamBYOBReader(stream)``: reads bytes of a byte stream into your buffers."""

    __slots__ = ("_read_into_requests",)

    _read_into_requests: deque[ReadIntoRequest]

    def __init__(self, stream: ReadableStream[Any]) -> None:
        if not isinstance(stream, ReadableStream):
            raise TypeError("ReadableStreamBYOBReader needs a ReadableStream")
        set_up_readable_stream_byob_reader(self, stream)

    def read(self, view: Any, *, min: int = 1) -> Promise[ReadResult[memoryview]]:
        """Fill ``view`` (a writable bytes-like object) with at least ``min`` elements; a
        future of ``ReadResult(filled_view, done)`` where ``filled_view`` is a ``memoryview``
        over the filled part of ``view``'s memory."""
        try:
            mv = as_writable_view(view)
            if mv.nbytes == 0:
                raise TypeError("view must have a non-zero byte length")
            minimum = _enforce_range_positive_min(min)
        except TypeError as e:
            return promise_rejected_with(e)
        if minimum == 0:
            return promise_rejected_with(TypeError("min must be greater than 0"))
        if minimum > mv.nbytes // mv.itemsize:
            return promise_rejected_with(
                RangeError("min must be less than or equal to the view's length")
            )
        if self._stream is None:
            return promise_rejected_with(TypeError("Cannot read a stream using a released reader"))
        request = _BYOBReaderReadIntoRequest(loop=get_loop())
        readable_stream_byob_reader_read(self, mv, minimum, request)
        return request

    def release_lock(self) -> None:
        """Release the lock; pending reads reject with ``TypeError``."""
        if self._stream is None:
            return
        readable_stream_byob_reader_release(self)


# Streams §4.9.1 AcquireReadableStreamBYOBReader
def acquire_readable_stream_byob_reader(stream: ReadableStream) -> ReadableStreamBYOBReader:
    """A new BYOB reader locking ``stream``."""
    reader = ReadableStreamBYOBReader.__new__(ReadableStreamBYOBReader)
    set_up_readable_stream_byob_reader(reader, stream)
    return reader


# Streams §4.9.2 ReadableStreamAddReadIntoRequest
def readable_stream_add_read_into_request(
    stream: ReadableStream, read_into_request: ReadIntoRequest
) -> None:
    """Queue a read-into request on the stream's BYOB reader."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamBYOBReader)
    assert stream._state in ("readable", "closed")
    reader._read_into_requests.append(read_into_request)


# Streams §4.9.2 ReadableStreamFulfillReadIntoRequest
def readable_stream_fulfill_read_into_request(
    stream: ReadableStream, chunk: Any, done: bool
) -> None:
    """Settle the oldest read-into request with ``chunk``."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamBYOBReader)
    assert reader._read_into_requests
    read_into_request = reader._read_into_requests.popleft()
    if done:
        read_into_request.close_steps(chunk)
    else:
        read_into_request.chunk_steps(chunk)


# Streams §4.9.2 ReadableStreamGetNumReadIntoRequests
def readable_stream_get_num_read_into_requests(stream: ReadableStream) -> int:
    """How many BYOB reads wait on the stream's reader."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamBYOBReader)
    return len(reader._read_into_requests)


# Streams §4.9.2 ReadableStreamHasBYOBReader
def readable_stream_has_byob_reader(stream: ReadableStream) -> bool:
    """Whether the stream is locked to a BYOB reader."""
    return isinstance(stream._reader, ReadableStreamBYOBReader)


# Streams §4.9.3 ReadableStreamBYOBReaderErrorReadIntoRequests
def readable_stream_byob_reader_error_read_into_requests(
    reader: ReadableStreamBYOBReader, e: Any
) -> None:
    """Run the error steps of every pending read-into request."""
    read_into_requests = reader._read_into_requests
    reader._read_into_requests = deque()
    for read_into_request in read_into_requests:
        read_into_request.error_steps(e)


# Streams §4.9.3 ReadableStreamBYOBReaderRead
def readable_stream_byob_reader_read(
    reader: ReadableStreamBYOBReader,
    view: memoryview,
    min: int,
    read_into_request: ReadIntoRequest,
) -> None:
    """Read into ``view`` through the reader."""
    stream = reader._stream
    assert stream is not None
    stream._disturbed = True
    if stream._state == "errored":
        read_into_request.error_steps(stream._stored_error)
    else:
        controller = stream._controller
        assert isinstance(controller, _bc.ReadableByteStreamController)
        _bc.readable_byte_stream_controller_pull_into(controller, view, min, read_into_request)


# Streams §4.9.3 ReadableStreamBYOBReaderRelease
def readable_stream_byob_reader_release(reader: ReadableStreamBYOBReader) -> None:
    """Release the reader's lock and reject its pending reads."""
    readable_stream_reader_generic_release(reader)
    e = TypeError("Reader was released")
    readable_stream_byob_reader_error_read_into_requests(reader, e)


# Streams §4.9.3 SetUpReadableStreamBYOBReader
def set_up_readable_stream_byob_reader(
    reader: ReadableStreamBYOBReader, stream: ReadableStream
) -> None:
    """Lock the byte stream ``stream`` to ``reader``; ``TypeError`` if it is locked or is not a
    byte stream."""
    if is_readable_stream_locked(stream):
        raise TypeError("This stream is already locked to a reader")
    if not isinstance(stream._controller, _bc.ReadableByteStreamController):
        raise TypeError("A BYOB reader needs a byte stream (underlying_source type 'bytes')")
    readable_stream_reader_generic_initialize(reader, stream)
    reader._read_into_requests = deque()


from . import byte_controller as _bc  # noqa: E402
