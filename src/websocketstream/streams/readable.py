"""The readable side of the Streams Standard (§4): ``ReadableStream``, the default reader, the
generic reader operations, read requests and the ``ReadableStream*`` abstract operations.

Controllers live in :mod:`.default_controller` and :mod:`.byte_controller`, the BYOB reader in
:mod:`.byob_reader`, teeing in :mod:`.tee` and async iteration / ``from_`` in :mod:`.iteration`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from asyncio import Future, InvalidStateError
from collections import deque
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, Protocol, overload

from .._naming import snake_case_hints
from .._promise import (
    Promise,
    new_promise,
    promise_rejected_with,
    promise_resolved_with,
    reject_promise,
    resolve_promise,
    running_loop,
    set_promise_is_handled_to_true,
    transform_promise_with,
)
from ..dom.exceptions import RangeError
from ._loop_binding import PendingStart, bind_to_running_loop
from ._queue import EMPTY_QUEUE
from ._typevars import R_co, T, W_contra
from ._underlying import check_no_camel_case, get_member, get_method
from .strategies import extract_high_water_mark, extract_size_algorithm

if TYPE_CHECKING:
    from .byob_reader import ReadableStreamBYOBReader
    from .byte_controller import ReadableByteStreamController
    from .default_controller import ReadableStreamDefaultController
    from .iteration import ReadableStreamAsyncIterator
    from .writable import WritableStream

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "ReadIntoRequest",
    "ReadRequest",
    "ReadResult",
    "ReadableStream",
    "ReadableStreamDefaultReader",
    "ReadableStreamGenericReader",
    "ReadableWritablePair",
    "acquire_readable_stream_default_reader",
    "initialize_readable_stream",
    "is_readable_stream_locked",
    "readable_stream_add_read_request",
    "readable_stream_cancel",
    "readable_stream_close",
    "readable_stream_default_reader_read",
    "readable_stream_default_reader_release",
    "readable_stream_error",
    "readable_stream_fulfill_read_request",
    "readable_stream_reader_generic_cancel",
    "readable_stream_reader_generic_initialize",
    "readable_stream_reader_generic_release",
    "withdraw_read_request",
]


class ReadResult(NamedTuple, Generic[R_co]):
    """The result of a read: ``value, done = await reader.read()``.

    Typed ``ReadResult[T]`` with ``value: T`` for the chunk type ``T``; once ``done`` is true
    the value is ``None`` (a default reader) or an empty view (a BYOB reader).
    """

    value: R_co
    """The chunk read (``None`` once the stream is done, except for BYOB reads)."""
    done: bool
    """True when the stream is closed and no chunk was read."""


class ReadRequest:
    """The spec's "read request" struct: subclasses provide the three sets of steps."""

    __slots__ = ()

    def chunk_steps(self, chunk: Any) -> None:
        """Run when a chunk is available."""
        raise NotImplementedError

    def close_steps(self) -> None:
        """Run when the stream is closed."""
        raise NotImplementedError

    def error_steps(self, e: Any) -> None:
        """Run when the stream is errored (or the reader released)."""
        raise NotImplementedError


class ReadIntoRequest:
    """The spec's "read-into request" struct (BYOB reads)."""

    __slots__ = ()

    def chunk_steps(self, chunk: Any) -> None:
        """Run with the filled view when bytes are available."""
        raise NotImplementedError

    def close_steps(self, chunk: Any) -> None:
        """Run with an empty view (or ``None`` after a cancel) when the stream is closed."""
        raise NotImplementedError

    def error_steps(self, e: Any) -> None:
        """Run when the stream is errored (or the reader released)."""
        raise NotImplementedError


_READ_DONE: ReadResult[Any] = ReadResult(None, True)


_tuple_new = tuple.__new__


def withdraw_read_request(reader: ReadableStreamDefaultReader, read_request: ReadRequest) -> None:
    """Take a waiting read request out of ``reader.[[readRequests]]`` (its future was
    cancelled), so the next chunk goes to the next read, or stays queued, instead of being lost
    with it.  Not a spec operation: JavaScript promises cannot be cancelled."""
    read_requests = reader._read_requests
    if read_requests:  # else EMPTY_QUEUE, which has no remove()
        with contextlib.suppress(ValueError):  # already fulfilled, or the reader was released
            read_requests.remove(read_request)


class _DefaultReaderReadRequest(Promise[ReadResult[Any]], ReadRequest):
    """The read request of ``reader.read()``: it is the promise it settles (one allocation)."""

    # The reader whose [[readRequests]] may hold this request (set when it has to wait).
    _reader: ReadableStreamDefaultReader | None = None

    def cancel(self, msg: Any | None = None) -> bool:
        """Cancel the read (``asyncio.wait_for`` timing out, a cancelled task): it takes no
        chunk; the next one goes to the next read (see docs/deviations.md)."""
        if not super().cancel(msg):
            return False
        reader = self._reader
        if reader is not None:
            self._reader = None
            withdraw_read_request(reader, self)
        return True

    def chunk_steps(self, chunk: Any) -> None:
        try:
            # ReadResult(chunk, False), without the Python-level NamedTuple.__new__ frame; with
            # no reactions yet (a queued read), the future's own C set_result is all it takes.
            result = _tuple_new(ReadResult, (chunk, False))
            if self._reactions is None:
                _future_set_result(self, result)
            else:
                self.set_result(result)
        except InvalidStateError:  # the caller cancelled the future
            pass

    def close_steps(self) -> None:
        with contextlib.suppress(InvalidStateError):
            self.set_result(_READ_DONE)

    def error_steps(self, e: Any) -> None:
        reject_promise(self, e)


def _reader_lock_error(what: str) -> TypeError:
    return TypeError(f"Cannot {what} a stream using a released reader")


_future_set_result = Future.set_result


# ---------------------------------------------------------------------------------------------
# The ReadableStream class (§4.2)


class ReadableWritablePair(Protocol[R_co, W_contra]):
    """What ``pipe_through()`` takes: a ``readable`` it returns and a ``writable`` it pipes
    into (a :class:`~websocketstream.streams.TransformStream`, or any object with the two)."""

    @property
    def readable(self) -> ReadableStream[R_co]: ...

    @property
    def writable(self) -> WritableStream[W_contra]: ...


@snake_case_hints
class ReadableStream(Generic[R_co]):
    """``ReadableStream(underlying_source=None, strategy=None)``: a source of chunks.

    ``underlying_source`` is an object or mapping with the optional members ``start``, ``pull``,
    ``cancel`` (plain or ``async def``), ``type`` (``None`` or ``"bytes"``) and
    ``auto_allocate_chunk_size``; ``strategy`` is a queuing strategy (``high_water_mark``,
    ``size``).  May be made outside a running event loop: it binds to the loop that first
    uses it (see :mod:`~websocketstream.streams._loop_binding`).

    Generic in its chunk type: ``ReadableStream[str]`` gives ``str`` chunks (a
    WebSocketStream's readable is a ``ReadableStream[str | bytes]``).
    """

    __slots__ = (
        "__weakref__",
        "_controller",
        "_disturbed",
        "_loop",
        "_pending_start",
        "_reader",
        "_state",
        "_stored_error",
    )

    # Not spec slots: the loop its promises belong to (None until first used inside one, when
    # made outside a loop) and the start reaction waiting for it (see _loop_binding).
    _loop: asyncio.AbstractEventLoop | None
    _pending_start: PendingStart | None
    _state: str
    _reader: ReadableStreamDefaultReader[Any] | ReadableStreamBYOBReader | None
    _stored_error: Any
    _disturbed: bool
    _controller: ReadableStreamDefaultController | ReadableByteStreamController

    def __init__(self, underlying_source: Any = None, strategy: Any = None) -> None:
        # Web IDL conversion of the QueuingStrategy dictionary (highWaterMark, size).
        check_no_camel_case(strategy, "strategy")
        if strategy is not None:
            get_method(strategy, "size", "strategy")
        # Web IDL conversion of the UnderlyingSource dictionary, members in lexicographic order.
        check_no_camel_case(underlying_source, "underlying_source")
        auto_allocate_chunk_size = _enforce_range_unsigned_long_long(
            get_member(underlying_source, "auto_allocate_chunk_size")
        )
        cancel = get_method(underlying_source, "cancel", "underlying_source")
        pull = get_method(underlying_source, "pull", "underlying_source")
        start = get_method(underlying_source, "start", "underlying_source")
        source_type = get_member(underlying_source, "type")
        if source_type is not None and source_type != "bytes":
            raise TypeError(f"underlying_source.type must be None or 'bytes', not {source_type!r}")
        initialize_readable_stream(self)
        if source_type == "bytes":
            if get_member(strategy, "size") is not None:
                raise RangeError("The strategy for a byte stream cannot have a size function")
            high_water_mark = extract_high_water_mark(strategy, 0)
            _bc.set_up_readable_byte_stream_controller_from_underlying_source(
                self,
                underlying_source,
                start,
                pull,
                cancel,
                high_water_mark,
                auto_allocate_chunk_size,
            )
        else:
            size_algorithm = extract_size_algorithm(strategy)
            high_water_mark = extract_high_water_mark(strategy, 1)
            _dc.set_up_readable_stream_default_controller_from_underlying_source(
                self, underlying_source, start, pull, cancel, high_water_mark, size_algorithm
            )

    @classmethod
    def from_(cls, iterable: AsyncIterable[T] | Iterable[T]) -> ReadableStream[T]:
        """``ReadableStream.from(asyncIterable)``: a stream of the items of a sync or async
        iterable (an async generator, a list, ...).  ``TypeError`` if it is not iterable."""
        return _iteration.readable_stream_from_iterable(iterable)

    @property
    def locked(self) -> bool:
        """Whether a reader (or a pipe, or an iterator) holds the stream's lock."""
        return is_readable_stream_locked(self)

    def cancel(self, reason: Any = None) -> Promise[None]:
        """Cancel the stream with ``reason``; a future that settles once the source is done."""
        bind_to_running_loop(self)
        if is_readable_stream_locked(self):
            return promise_rejected_with(TypeError("Cannot cancel a stream that has a reader"))
        return readable_stream_cancel(self, reason)

    @overload
    def get_reader(self, *, mode: None = None) -> ReadableStreamDefaultReader[R_co]: ...

    @overload
    def get_reader(self, *, mode: Literal["byob"]) -> ReadableStreamBYOBReader: ...

    @overload
    def get_reader(
        self, *, mode: str | None = None
    ) -> ReadableStreamDefaultReader[R_co] | ReadableStreamBYOBReader: ...

    def get_reader(
        self, *, mode: str | None = None
    ) -> ReadableStreamDefaultReader[R_co] | ReadableStreamBYOBReader:
        """Lock the stream and return a reader: a default reader, or a BYOB reader for
        ``mode="byob"`` (byte streams only).  ``TypeError`` if the stream is locked."""
        if mode is None:
            return acquire_readable_stream_default_reader(self)
        if mode != "byob":
            raise TypeError(f"mode must be None or 'byob', not {mode!r}")
        return _byob.acquire_readable_stream_byob_reader(self)

    @overload
    def pipe_through(
        self,
        transform: ReadableWritablePair[T, R_co],
        *,
        prevent_close: bool = False,
        prevent_abort: bool = False,
        prevent_cancel: bool = False,
        signal: Any = None,
    ) -> ReadableStream[T]: ...

    @overload
    def pipe_through(
        self,
        transform: Mapping[str, Any],
        *,
        prevent_close: bool = False,
        prevent_abort: bool = False,
        prevent_cancel: bool = False,
        signal: Any = None,
    ) -> ReadableStream[Any]: ...

    def pipe_through(
        self,
        transform: ReadableWritablePair[T, R_co] | Mapping[str, Any],
        *,
        prevent_close: bool = False,
        prevent_abort: bool = False,
        prevent_cancel: bool = False,
        signal: Any = None,
    ) -> ReadableStream[Any]:
        """Pipe this stream into ``transform.writable`` and return ``transform.readable``.

        ``transform`` is an object or mapping with ``readable`` and ``writable`` members.
        """
        from ..dom.abort import AbortSignal  # noqa: PLC0415 -- keeps the import graph one-way
        from .writable import WritableStream, is_writable_stream_locked  # noqa: PLC0415

        if transform is None:
            raise TypeError("pipe_through() needs a {readable, writable} pair")
        check_no_camel_case(transform, "transform")
        readable = get_member(transform, "readable")
        if not isinstance(readable, ReadableStream):
            raise TypeError("transform.readable must be a ReadableStream")
        writable = get_member(transform, "writable")
        if not isinstance(writable, WritableStream):
            raise TypeError("transform.writable must be a WritableStream")
        if signal is not None and not isinstance(signal, AbortSignal):
            raise TypeError("signal must be an AbortSignal")
        if is_readable_stream_locked(self):
            raise TypeError("pipe_through() cannot be used on a locked ReadableStream")
        if is_writable_stream_locked(writable):
            raise TypeError("pipe_through() cannot be used on a locked WritableStream")
        promise = _readable_stream_pipe_to(
            self, writable, prevent_close, prevent_abort, prevent_cancel, signal
        )
        set_promise_is_handled_to_true(promise)
        return readable

    def pipe_to(
        self,
        destination: WritableStream[R_co],
        *,
        prevent_close: bool = False,
        prevent_abort: bool = False,
        prevent_cancel: bool = False,
        signal: Any = None,
    ) -> Promise[None]:
        """Pipe every chunk into the ``WritableStream`` ``destination``; a future that
        resolves when the pipe completes (rejects when it fails)."""
        from ..dom.abort import AbortSignal  # noqa: PLC0415
        from .writable import WritableStream, is_writable_stream_locked  # noqa: PLC0415

        if not isinstance(destination, WritableStream):
            return promise_rejected_with(TypeError("pipe_to() needs a WritableStream"))
        if signal is not None and not isinstance(signal, AbortSignal):
            return promise_rejected_with(TypeError("signal must be an AbortSignal"))
        if is_readable_stream_locked(self):
            return promise_rejected_with(
                TypeError("pipe_to() cannot be used on a locked ReadableStream")
            )
        if is_writable_stream_locked(destination):
            return promise_rejected_with(
                TypeError("pipe_to() cannot be used on a locked WritableStream")
            )
        return _readable_stream_pipe_to(
            self, destination, prevent_close, prevent_abort, prevent_cancel, signal
        )

    def tee(self) -> tuple[ReadableStream[R_co], ReadableStream[R_co]]:
        """Split the stream into two branches that each see every chunk (locks this stream)."""
        branches = _tee.readable_stream_tee(self, False)
        return branches[0], branches[1]

    def values(self, *, prevent_cancel: bool = False) -> ReadableStreamAsyncIterator[R_co]:
        """An async iterator over the chunks (locks the stream).  Its ``aclose()`` (the spec's
        ``return()``) cancels the stream unless ``prevent_cancel`` is true."""
        return _iteration.ReadableStreamAsyncIterator(self, bool(prevent_cancel))

    def __aiter__(self) -> ReadableStreamAsyncIterator[R_co]:
        """``async for chunk in stream``: same as ``values()``."""
        return _iteration.ReadableStreamAsyncIterator(self, False)

    def __repr__(self) -> str:
        return f"<ReadableStream state={self._state!r} locked={self._reader is not None}>"


def _readable_stream_pipe_to(  # noqa: PLR0917 -- the spec's signature
    source: ReadableStream,
    dest: Any,
    prevent_close: Any,
    prevent_abort: Any,
    prevent_cancel: Any,
    signal: Any,
) -> Promise[None]:
    from .pipe import readable_stream_pipe_to  # noqa: PLC0415 -- written by the writable side

    result: Promise[None] = readable_stream_pipe_to(
        source, dest, bool(prevent_close), bool(prevent_abort), bool(prevent_cancel), signal
    )
    return result


def _enforce_range_unsigned_long_long(value: Any) -> int | None:
    # Web IDL [EnforceRange] unsigned long long (auto_allocate_chunk_size).
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"auto_allocate_chunk_size must be an integer, not {type(value).__name__}")
    if math.isnan(value) or math.isinf(value):
        raise TypeError("auto_allocate_chunk_size must be a finite number")
    integer = int(value)
    if integer < 0 or integer > 2**53 - 1:
        raise TypeError("auto_allocate_chunk_size is out of range")
    return integer


# ---------------------------------------------------------------------------------------------
# Readers (§4.3 - §4.4)


class ReadableStreamGenericReader:
    """What the default and BYOB readers share: ``closed`` and ``cancel()``."""

    __slots__ = ("__weakref__", "_closed_promise", "_stream")

    _stream: ReadableStream[Any] | None
    _closed_promise: Promise[None]

    @property
    def closed(self) -> Promise[None]:
        """A future that resolves when the stream closes and rejects when it errors or the
        reader's lock is released (the same future until a release)."""
        return self._closed_promise

    def cancel(self, reason: Any = None) -> Promise[None]:
        """Cancel the stream (the reader keeps its lock)."""
        if self._stream is None:
            return promise_rejected_with(_reader_lock_error("cancel"))
        return readable_stream_reader_generic_cancel(self, reason)


@snake_case_hints
class ReadableStreamDefaultReader(ReadableStreamGenericReader, Generic[R_co]):
    """``ReadableStreamDefaultReader(stream)``: reads chunks one by one (locks ``stream``)."""

    __slots__ = ("_read_requests",)

    _read_requests: deque[ReadRequest]

    def __init__(self, stream: ReadableStream[R_co]) -> None:
        if not isinstance(stream, ReadableStream):
            raise TypeError("ReadableStreamDefaultReader needs a ReadableStream")
        set_up_readable_stream_default_reader(self, stream)

    def read(self) -> Promise[ReadResult[R_co]]:
        """A future of the next ``ReadResult(value, done)``; already resolved when a chunk is
        queued.  Rejects with ``TypeError`` once the lock is released."""
        stream = self._stream
        if stream is None:
            return promise_rejected_with(_reader_lock_error("read from"))
        request = _DefaultReaderReadRequest(loop=stream._loop)
        # ReadableStreamDefaultReaderRead(this, readRequest), inlined (the path of every read).
        stream._disturbed = True
        state = stream._state
        if state == "readable":
            controller = stream._controller
            if type(controller) is _DefaultController and controller._queue:
                # The default controller's [[PullSteps]] with a chunk queued, then the request's
                # chunk steps (see _DefaultReaderReadRequest), inlined: it is pending, with no
                # reactions and not cancelled (no one else has it yet; a pull cannot reach it),
                # so the future's own set_result is all it takes.  (The [[PullSteps]] part is
                # controller._take_queued_chunk, written out here too: this is every read's path.)
                # DequeueValue(controller):
                queue = controller._queue
                chunk, size = queue.popleft()
                total = controller._queue_total_size - size
                controller._queue_total_size = total if total > 0 else 0  # 0 absorbs rounding
                if controller._close_requested:
                    if not queue:
                        # ReadableStreamDefaultControllerClearAlgorithms, ReadableStreamClose:
                        _dc.readable_stream_default_controller_clear_algorithms(controller)
                        readable_stream_close(stream)
                elif not controller._pull_again:  # else CallPullIfNeeded is a no-op
                    _dc.readable_stream_default_controller_call_pull_if_needed(controller)
                _future_set_result(request, _tuple_new(ReadResult, (chunk, False)))
            else:
                request._reader = self  # it may wait in [[readRequests]]: see cancel()
                controller._pull_steps(request)
        elif state == "closed":
            request.close_steps()
        else:
            assert state == "errored"
            request.error_steps(stream._stored_error)
        return request

    def release_lock(self) -> None:
        """Release the lock; pending reads reject with ``TypeError``."""
        if self._stream is None:
            return
        readable_stream_default_reader_release(self)


# Streams §4.9.1 AcquireReadableStreamDefaultReader
def acquire_readable_stream_default_reader(
    stream: ReadableStream[T],
) -> ReadableStreamDefaultReader[T]:
    """A new default reader locking ``stream``."""
    reader: ReadableStreamDefaultReader[T] = ReadableStreamDefaultReader.__new__(
        ReadableStreamDefaultReader
    )
    set_up_readable_stream_default_reader(reader, stream)
    return reader


# Streams §4.9.1 InitializeReadableStream
def initialize_readable_stream(stream: ReadableStream) -> None:
    """Set the initial slots of a stream."""
    stream._loop = running_loop()  # None outside a loop: bound on first use
    stream._pending_start = None
    stream._state = "readable"
    stream._reader = None
    stream._stored_error = None
    stream._disturbed = False


# Streams §4.9.1 IsReadableStreamLocked
def is_readable_stream_locked(stream: ReadableStream) -> bool:
    """Whether the stream has a reader."""
    return stream._reader is not None


# Streams §4.9.2 ReadableStreamAddReadRequest
def readable_stream_add_read_request(stream: ReadableStream, read_request: ReadRequest) -> None:
    """Queue a read request on the stream's default reader."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamDefaultReader)
    assert stream._state == "readable"
    try:
        reader._read_requests.append(read_request)
    except AttributeError:  # EMPTY_QUEUE (see _queue.py): the first request makes the deque
        reader._read_requests = deque((read_request,))


# Streams §4.9.2 ReadableStreamCancel
def readable_stream_cancel(stream: ReadableStream, reason: Any) -> Promise[None]:
    """Cancel the stream: close it and run the controller's cancel steps."""
    stream._disturbed = True
    if stream._state == "closed":
        return promise_resolved_with(None)
    if stream._state == "errored":
        return promise_rejected_with(stream._stored_error)
    readable_stream_close(stream)
    reader = stream._reader
    if reader is not None and not isinstance(reader, ReadableStreamDefaultReader):
        read_into_requests = reader._read_into_requests
        reader._read_into_requests = deque()
        for read_into_request in read_into_requests:
            read_into_request.close_steps(None)
    source_cancel_promise = stream._controller._cancel_steps(reason)
    return transform_promise_with(source_cancel_promise, _to_none)


def _to_none(_: object) -> None:
    return None


# Streams §4.9.2 ReadableStreamClose
def readable_stream_close(stream: ReadableStream) -> None:
    """Move the stream to "closed" and settle its reader's closed promise and reads."""
    assert stream._state == "readable"
    stream._state = "closed"
    reader = stream._reader
    if reader is None:
        return
    resolve_promise(reader._closed_promise, None)
    if isinstance(reader, ReadableStreamDefaultReader):
        read_requests = reader._read_requests
        reader._read_requests = EMPTY_QUEUE
        for read_request in read_requests:
            read_request.close_steps()


# Streams §4.9.2 ReadableStreamError
def readable_stream_error(stream: ReadableStream, e: Any) -> None:
    """Move the stream to "errored" with ``e`` and reject its reader's promises."""
    assert stream._state == "readable"
    stream._state = "errored"
    stream._stored_error = e
    reader = stream._reader
    if reader is None:
        return
    reject_promise(reader._closed_promise, e)
    set_promise_is_handled_to_true(reader._closed_promise)
    if isinstance(reader, ReadableStreamDefaultReader):
        readable_stream_default_reader_error_read_requests(reader, e)
    else:
        _byob.readable_stream_byob_reader_error_read_into_requests(reader, e)


# Streams §4.9.2 ReadableStreamFulfillReadRequest
def readable_stream_fulfill_read_request(stream: ReadableStream, chunk: Any, done: bool) -> None:
    """Settle the oldest read request with ``chunk`` (or end of stream)."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamDefaultReader)
    assert reader._read_requests
    read_request = reader._read_requests.popleft()
    if done:
        read_request.close_steps()
    else:
        read_request.chunk_steps(chunk)


# Streams §4.9.2 ReadableStreamGetNumReadRequests
def readable_stream_get_num_read_requests(stream: ReadableStream) -> int:
    """How many reads wait on the stream's default reader."""
    reader = stream._reader
    assert isinstance(reader, ReadableStreamDefaultReader)
    return len(reader._read_requests)


# Streams §4.9.2 ReadableStreamHasDefaultReader
def readable_stream_has_default_reader(stream: ReadableStream) -> bool:
    """Whether the stream is locked to a default reader."""
    return isinstance(stream._reader, ReadableStreamDefaultReader)


# Streams §4.9.3 ReadableStreamReaderGenericCancel
def readable_stream_reader_generic_cancel(
    reader: ReadableStreamGenericReader, reason: Any
) -> Promise[None]:
    """Cancel the reader's stream."""
    stream = reader._stream
    assert stream is not None
    return readable_stream_cancel(stream, reason)


# Streams §4.9.3 ReadableStreamReaderGenericInitialize
def readable_stream_reader_generic_initialize(
    reader: ReadableStreamDefaultReader | ReadableStreamBYOBReader, stream: ReadableStream
) -> None:
    """Link ``reader`` and ``stream`` and create the reader's closed promise."""
    bind_to_running_loop(stream)  # not a spec step: see _loop_binding
    reader._stream = stream
    stream._reader = reader
    if stream._state == "readable":
        reader._closed_promise = new_promise()
    elif stream._state == "closed":
        reader._closed_promise = promise_resolved_with(None)
    else:
        assert stream._state == "errored"
        reader._closed_promise = promise_rejected_with(stream._stored_error)
        set_promise_is_handled_to_true(reader._closed_promise)


_RELEASED = "Reader was released and can no longer be used to monitor the stream's closedness"


# Streams §4.9.3 ReadableStreamReaderGenericRelease
def readable_stream_reader_generic_release(reader: ReadableStreamGenericReader) -> None:
    """Unlink the reader from its stream; its closed promise rejects with ``TypeError``."""
    stream = reader._stream
    assert stream is not None
    assert stream._reader is reader
    if stream._state == "readable":
        reject_promise(reader._closed_promise, TypeError(_RELEASED))
    else:
        reader._closed_promise = promise_rejected_with(TypeError(_RELEASED))
    set_promise_is_handled_to_true(reader._closed_promise)
    stream._controller._release_steps()
    stream._reader = None
    reader._stream = None


# Streams §4.9.3 ReadableStreamDefaultReaderErrorReadRequests
def readable_stream_default_reader_error_read_requests(
    reader: ReadableStreamDefaultReader, e: Any
) -> None:
    """Run the error steps of every pending read request."""
    read_requests = reader._read_requests
    reader._read_requests = EMPTY_QUEUE
    for read_request in read_requests:
        read_request.error_steps(e)


# Streams §4.9.3 ReadableStreamDefaultReaderRead
def readable_stream_default_reader_read(
    reader: ReadableStreamDefaultReader, read_request: ReadRequest
) -> None:
    """Read through the reader: settle ``read_request`` now or queue it."""
    stream = reader._stream
    assert stream is not None
    stream._disturbed = True
    state = stream._state
    if state == "readable":
        stream._controller._pull_steps(read_request)
    elif state == "closed":
        read_request.close_steps()
    else:
        assert state == "errored"
        read_request.error_steps(stream._stored_error)


# Streams §4.9.3 ReadableStreamDefaultReaderRelease
def readable_stream_default_reader_release(reader: ReadableStreamDefaultReader) -> None:
    """Release the reader's lock and reject its pending reads."""
    readable_stream_reader_generic_release(reader)
    e = TypeError("Reader was released")
    readable_stream_default_reader_error_read_requests(reader, e)


# Streams §4.9.3 SetUpReadableStreamDefaultReader
def set_up_readable_stream_default_reader(
    reader: ReadableStreamDefaultReader, stream: ReadableStream
) -> None:
    """Lock ``stream`` to ``reader``; ``TypeError`` if it is already locked."""
    if is_readable_stream_locked(stream):
        raise TypeError("This stream is already locked to a reader")
    readable_stream_reader_generic_initialize(reader, stream)
    reader._read_requests = EMPTY_QUEUE


# Step 1 of the load order (see streams/__init__.py): the other readable-side modules import
# names from this one, which is complete at this point; its functions reach them through these
# module objects, only when called.
from . import byob_reader as _byob  # noqa: E402
from . import byte_controller as _bc  # noqa: E402
from . import default_controller as _dc  # noqa: E402
from . import iteration as _iteration  # noqa: E402
from . import tee as _tee  # noqa: E402

_DefaultController = _dc.ReadableStreamDefaultController  # read() checks for it
