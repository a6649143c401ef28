"""Writable streams (Streams Standard §5): ``WritableStream``, its default writer and controller,
and every WritableStream abstract operation, named after the spec in snake_case.

Promises are :mod:`websocketstream._promise` futures; their reactions run on the event loop as
JavaScript's run as microtasks.  Internal slots are ``_snake_case`` attributes with the spec's
names.  A rejection reason that is not an exception travels in a
:class:`~websocketstream._promise.RejectionReason`; algorithms that take reasons (abort, cancel)
receive the raw value (see :func:`~websocketstream._promise.rejection_reason`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, Final, Generic

from .._naming import SnakeCaseHint
from .._promise import (
    Promise,
    new_promise,
    promise_call,
    promise_rejected_with,
    promise_resolved_with,
    reject_promise,
    rejection_reason,
    resolve_promise,
    running_loop,
    set_promise_is_handled_to_true,
    upon_promise,
)
from ..dom.abort import AbortController, AbortSignal
from ..dom.exceptions import RangeError
from ._loop_binding import PendingStart, bind_to_running_loop, react_to_start
from ._queue import (
    EMPTY_QUEUE,
    dequeue_value,
    enqueue_value_with_size,
    is_non_negative_number,
    reset_queue,
)
from ._typevars import W_contra
from ._underlying import check_no_camel_case, get_member, get_method
from .strategies import (
    SizeAlgorithm,
    _count_size,  # the default size algorithm (always 1): the write fast path knows it
    extract_high_water_mark,
    extract_size_algorithm,
)

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "WritableStream",
    "WritableStreamDefaultController",
    "WritableStreamDefaultWriter",
    "acquire_writable_stream_default_writer",
    "create_writable_stream",
    "is_writable_stream_locked",
    "release_finished_writable_stream",
    "writable_stream_abort",
    "writable_stream_close_queued_or_in_flight",
    "writable_stream_default_controller_error_if_needed",
    "writable_stream_default_controller_of",
    "writable_stream_default_writer_close_with_error_propagation",
    "writable_stream_default_writer_release",
    "writable_stream_default_writer_write",
    "writable_stream_error_state",
]

StartAlgorithm = Callable[[], Any]
WriteAlgorithm = Callable[[Any], "asyncio.Future[Any]"]
CloseAlgorithm = Callable[[], "asyncio.Future[Any]"]
AbortAlgorithm = Callable[[Any], "asyncio.Future[Any]"]

# The spec's close sentinel: a unique value queued to mark where close() was requested.
_CLOSE_SENTINEL: Final = object()
# Only the library may construct controllers (JavaScript: "Illegal constructor").
_PRIVATE: Final = object()


def _resolved_none() -> asyncio.Future[Any]:
    return promise_resolved_with(None)


class PendingAbortRequest:
    """The spec's "pending abort request" struct: promise, reason, was already erroring."""

    __slots__ = ("promise", "reason", "was_already_erroring")

    def __init__(self, promise: Promise[Any], reason: Any, was_already_erroring: bool) -> None:
        self.promise = promise
        self.reason = reason
        self.was_already_erroring = was_already_erroring


class WritableStream(SnakeCaseHint, Generic[W_contra]):
    """``WritableStream(underlying_sink=None, strategy=None)``: a destination for data.

    ``underlying_sink`` is an object or mapping with optional ``start(controller)``,
    ``write(chunk, controller)``, ``close()`` and ``abort(reason)`` (plain or ``async def``);
    ``strategy`` has ``high_water_mark`` (default 1) and ``size(chunk)``.  Chunks written while
    the sink is busy wait in a queue bounded by the strategy: once its total size reaches the
    high-water mark, :attr:`WritableStreamDefaultWriter.ready` stays pending.

    Generic in the chunk type it accepts: a WebSocketStream's writable is a
    ``WritableStream[str | bytes | bytearray | memoryview]``.
    """

    __slots__ = (
        "_backpressure",
        "_close_request",
        "_controller",
        "_in_flight_close_request",
        "_in_flight_write_request",
        "_loop",
        "_pending_abort_request",
        "_pending_start",
        "_state",
        "_stored_error",
        "_write_requests",
        "_writer",
    )

    _state: str
    _stored_error: Any
    _writer: WritableStreamDefaultWriter[Any] | None
    _controller: WritableStreamDefaultController
    _in_flight_write_request: Promise[Any] | None
    _close_request: Promise[Any] | None
    _in_flight_close_request: Promise[Any] | None
    _pending_abort_request: PendingAbortRequest | None
    _write_requests: deque[Promise[Any]]
    _backpressure: bool
    # Not spec slots: the loop, and the start reaction waiting for it (see _loop_binding).
    _loop: asyncio.AbstractEventLoop | None
    _pending_start: PendingStart | None

    def __init__(self, underlying_sink: Any = None, strategy: Any = None) -> None:
        # Web IDL converts the strategy dictionary (an argument) before the constructor steps.
        size_algorithm = extract_size_algorithm(strategy)
        check_no_camel_case(strategy, "strategy")
        # Converting underlying_sink to an UnderlyingSink dictionary (members in order).
        check_no_camel_case(underlying_sink, "underlying_sink")
        sink_abort = get_method(underlying_sink, "abort", "underlying_sink")
        sink_close = get_method(underlying_sink, "close", "underlying_sink")
        sink_start = get_method(underlying_sink, "start", "underlying_sink")
        sink_type = get_member(underlying_sink, "type")
        sink_write = get_method(underlying_sink, "write", "underlying_sink")
        if sink_type is not None:
            raise RangeError(f"Invalid type is specified: {sink_type!r}")
        initialize_writable_stream(self)
        high_water_mark = extract_high_water_mark(strategy, 1)
        set_up_writable_stream_default_controller_from_underlying_sink(
            self,
            sink_start,
            sink_write,
            sink_close,
            sink_abort,
            high_water_mark,
            size_algorithm,
        )

    @property
    def locked(self) -> bool:
        """Whether a writer holds the stream's lock."""
        return is_writable_stream_locked(self)

    def abort(self, reason: Any = None) -> Promise[None]:
        """Abort the stream: queued writes are discarded and the sink's ``abort`` runs.

        Returns a future that settles once the abort is done; it rejects with ``TypeError``
        when the stream is locked to a writer.
        """
        bind_to_running_loop(self)
        if is_writable_stream_locked(self):
            return promise_rejected_with(
                TypeError("Cannot abort a stream that already has a writer")
            )
        return writable_stream_abort(self, reason)

    def close(self) -> Promise[None]:
        """Close the stream once every queued write is done; the future settles after the
        sink's ``close``.  Rejects with ``TypeError`` when locked or already closing."""
        bind_to_running_loop(self)
        if is_writable_stream_locked(self):
            return promise_rejected_with(
                TypeError("Cannot close a stream that already has a writer")
            )
        if writable_stream_close_queued_or_in_flight(self):
            return promise_rejected_with(TypeError("Cannot close an already-closing stream"))
        return writable_stream_close(self)

    def get_writer(self) -> WritableStreamDefaultWriter[W_contra]:
        """Lock the stream to a new :class:`WritableStreamDefaultWriter` (``TypeError`` if it is
        already locked)."""
        return acquire_writable_stream_default_writer(self)

    def __repr__(self) -> str:
        return f"<WritableStream state={self._state!r} locked={self._writer is not None}>"


class WritableStreamDefaultWriter(SnakeCaseHint, Generic[W_contra]):
    """``WritableStreamDefaultWriter(stream)``: the exclusive writer of a :class:`WritableStream`.

    :meth:`write` returns a future that is already running, so ``writer.write(x)`` without
    ``await`` still writes; await :attr:`ready` to respect backpressure.
    """

    __slots__ = ("_closed_promise", "_ready_promise", "_stream")

    _stream: WritableStream[Any] | None
    _closed_promise: Promise[None]
    _ready_promise: Promise[None]

    def __init__(self, stream: WritableStream[W_contra]) -> None:
        if not isinstance(stream, WritableStream):
            raise TypeError("WritableStreamDefaultWriter takes a WritableStream")
        set_up_writable_stream_default_writer(self, stream)

    @property
    def closed(self) -> Promise[None]:
        """A future that resolves when the stream closes and rejects when it errors or the
        writer's lock is released."""
        return self._closed_promise

    @property
    def desired_size(self) -> float | None:
        """How much more the stream's queue can take before backpressure (may be negative);
        ``None`` when the stream is errored or erroring, 0 when closed.  ``TypeError`` once the
        lock is released."""
        stream = self._stream
        if stream is None:
            raise _released_writer_error("read desired_size of")
        if stream._state == "writable":
            # WritableStreamDefaultWriterGetDesiredSize's common case, inlined (polled before
            # every write).
            controller = stream._controller
            return controller._strategy_hwm - controller._queue_total_size
        return writable_stream_default_writer_get_desired_size(self)

    @property
    def ready(self) -> Promise[None]:
        """A future that resolves when the desired size becomes positive (no backpressure)."""
        return self._ready_promise

    def abort(self, reason: Any = None) -> Promise[None]:
        """Abort the stream (see :meth:`WritableStream.abort`)."""
        if self._stream is None:
            return promise_rejected_with(_released_writer_error("abort"))
        return writable_stream_default_writer_abort(self, reason)

    def close(self) -> Promise[None]:
        """Close the stream after the queued writes; the future settles after the sink's
        ``close``."""
        stream = self._stream
        if stream is None:
            return promise_rejected_with(_released_writer_error("close"))
        if writable_stream_close_queued_or_in_flight(stream):
            return promise_rejected_with(TypeError("Cannot close an already-closing stream"))
        return writable_stream_default_writer_close(self)

    def release_lock(self) -> None:
        """Release the writer's lock on the stream; its promises reject with ``TypeError``."""
        stream = self._stream
        if stream is None:
            return
        assert stream._writer is not None
        writable_stream_default_writer_release(self)

    def write(self, chunk: W_contra = None) -> Promise[None]:  # type: ignore[assignment]
        """Queue ``chunk``; the future resolves once the sink has written it."""
        if self._stream is None:
            return promise_rejected_with(_released_writer_error("write to"))
        return writable_stream_default_writer_write(self, chunk)

    def __repr__(self) -> str:
        return f"<WritableStreamDefaultWriter stream={self._stream!r}>"


def _released_writer_error(what: str) -> TypeError:
    return TypeError(f"Cannot {what} a stream using a released writer")


class WritableStreamDefaultController(SnakeCaseHint):
    """The controller handed to the underlying sink's ``start`` and ``write``.

    :attr:`signal` aborts when the stream is aborted; :meth:`error` errors the stream.
    """

    __slots__ = (
        "_abort_algorithm",
        "_abort_controller",
        "_close_algorithm",
        "_queue",
        "_queue_total_size",
        "_sink_write_reaction",
        "_started",
        "_strategy_hwm",
        "_strategy_size_algorithm",
        "_stream",
        "_write_algorithm",
    )

    _stream: WritableStream
    _queue: deque[Any]
    _queue_total_size: float
    _abort_controller: AbortController
    _started: bool
    _strategy_size_algorithm: SizeAlgorithm | None
    _strategy_hwm: float
    _write_algorithm: WriteAlgorithm | None
    _close_algorithm: CloseAlgorithm | None
    _abort_algorithm: AbortAlgorithm | None
    # _sink_write_settled bound to the controller, once (see ...ControllerProcessWrite).
    _sink_write_reaction: Callable[[asyncio.Future[Any]], None]

    def __init__(self, _token: object = None) -> None:
        if _token is not _PRIVATE:
            raise TypeError("WritableStreamDefaultController cannot be constructed directly")

    @property
    def signal(self) -> AbortSignal:
        """An :class:`~websocketstream.dom.AbortSignal` that aborts when the stream is aborted,
        with the abort reason."""
        return self._abort_controller.signal

    def error(self, e: Any = None) -> None:
        """Error the stream with ``e``; does nothing unless the stream is writable."""
        if self._stream._state != "writable":
            return
        writable_stream_default_controller_error(self, e)

    # Streams §5.4.4 [[AbortSteps]]
    def _abort_steps(self, reason: Any) -> asyncio.Future[Any]:
        algorithm = self._abort_algorithm
        assert algorithm is not None
        result = algorithm(reason)
        writable_stream_default_controller_clear_algorithms(self)
        return result

    # Streams §5.4.4 [[ErrorSteps]]
    def _error_steps(self) -> None:
        reset_queue(self)

    def __repr__(self) -> str:
        desired_size = self._strategy_hwm - self._queue_total_size
        return f"<WritableStreamDefaultController desired_size={desired_size}>"


# ---------------------------------------------------------------------------------------------
# Working with writable streams (Streams §5.5.1)


# Streams §5.5.1 AcquireWritableStreamDefaultWriter
def acquire_writable_stream_default_writer(stream: WritableStream) -> WritableStreamDefaultWriter:
    """Lock ``stream`` to a new writer."""
    writer = WritableStreamDefaultWriter.__new__(WritableStreamDefaultWriter)
    set_up_writable_stream_default_writer(writer, stream)
    return writer


# Streams §5.5.1 CreateWritableStream
def create_writable_stream(  # noqa: PLR0917 -- the spec's signature
    start_algorithm: StartAlgorithm,
    write_algorithm: WriteAlgorithm,
    close_algorithm: CloseAlgorithm,
    abort_algorithm: AbortAlgorithm,
    high_water_mark: float = 1,
    size_algorithm: SizeAlgorithm | None = None,
) -> WritableStream:
    """A WritableStream driven by the given algorithms (for other parts of the library)."""
    if size_algorithm is None:
        size_algorithm = _count_size
    assert is_non_negative_number(high_water_mark)
    stream = WritableStream.__new__(WritableStream)
    initialize_writable_stream(stream)
    controller = WritableStreamDefaultController(_PRIVATE)
    set_up_writable_stream_default_controller(
        stream,
        controller,
        start_algorithm,
        write_algorithm,
        close_algorithm,
        abort_algorithm,
        high_water_mark,
        size_algorithm,
    )
    return stream


def writable_stream_default_controller_of(
    stream: WritableStream,
) -> WritableStreamDefaultController:
    """The controller of a stream (package-internal: for other parts of the library)."""
    return stream._controller


def writable_stream_error_state(stream: WritableStream) -> tuple[bool, Any]:
    """(package-internal) Whether the stream is erroring or errored, and its
    [[storedError]] (None unless it is)."""
    return stream._state in ("erroring", "errored"), stream._stored_error


# Streams §5.5.1 InitializeWritableStream
def initialize_writable_stream(stream: WritableStream) -> None:
    """Set the stream's slots to their initial values ([[controller]] is set up later)."""
    stream._loop = running_loop()  # None outside a loop: bound on first use
    stream._pending_start = None
    stream._state = "writable"
    stream._stored_error = None
    stream._writer = None
    stream._in_flight_write_request = None
    stream._close_request = None
    stream._in_flight_close_request = None
    stream._pending_abort_request = None
    stream._write_requests = EMPTY_QUEUE
    stream._backpressure = False


# Streams §5.5.1 IsWritableStreamLocked
def is_writable_stream_locked(stream: WritableStream) -> bool:
    """Whether a writer holds ``stream``."""
    return stream._writer is not None


# Streams §5.5.1 SetUpWritableStreamDefaultWriter
def set_up_writable_stream_default_writer(
    writer: WritableStreamDefaultWriter, stream: WritableStream
) -> None:
    """Attach ``writer`` to ``stream``; ``TypeError`` if the stream is locked."""
    if is_writable_stream_locked(stream):
        raise TypeError(
            "This stream has already been locked for exclusive writing by another writer"
        )
    bind_to_running_loop(stream)  # not a spec step: see _loop_binding
    writer._stream = stream
    stream._writer = writer
    state = stream._state
    if state == "writable":
        if not writable_stream_close_queued_or_in_flight(stream) and stream._backpressure:
            writer._ready_promise = new_promise()
        else:
            writer._ready_promise = promise_resolved_with(None)
        writer._closed_promise = new_promise()
    elif state == "erroring":
        writer._ready_promise = promise_rejected_with(stream._stored_error)
        set_promise_is_handled_to_true(writer._ready_promise)
        writer._closed_promise = new_promise()
    elif state == "closed":
        writer._ready_promise = promise_resolved_with(None)
        writer._closed_promise = promise_resolved_with(None)
    else:
        assert state == "errored"
        stored_error = stream._stored_error
        writer._ready_promise = promise_rejected_with(stored_error)
        set_promise_is_handled_to_true(writer._ready_promise)
        writer._closed_promise = promise_rejected_with(stored_error)
        set_promise_is_handled_to_true(writer._closed_promise)


# Streams §5.5.1 WritableStreamAbort
def writable_stream_abort(stream: WritableStream, reason: Any) -> Promise[Any]:
    """Abort ``stream`` with ``reason`` (signals the controller's abort signal first)."""
    if stream._state in ("closed", "errored"):
        return promise_resolved_with(None)
    stream._controller._abort_controller.abort(reason)
    # Signalling abort runs author code, which may have changed the state.
    state = stream._state
    if state in ("closed", "errored"):
        return promise_resolved_with(None)
    if stream._pending_abort_request is not None:
        return stream._pending_abort_request.promise
    assert state in ("writable", "erroring")
    was_already_erroring = False
    if state == "erroring":
        was_already_erroring = True
        reason = None
    promise = new_promise()
    stream._pending_abort_request = PendingAbortRequest(promise, reason, was_already_erroring)
    if not was_already_erroring:
        writable_stream_start_erroring(stream, reason)
    return promise


# Streams §5.5.1 WritableStreamClose
def writable_stream_close(stream: WritableStream) -> Promise[Any]:
    """Request that ``stream`` close after its queued writes."""
    state = stream._state
    if state in ("closed", "errored"):
        return promise_rejected_with(
            TypeError(
                f"The stream (in {state} state) is not in the writable state and cannot be closed"
            )
        )
    assert state in ("writable", "erroring")
    assert not writable_stream_close_queued_or_in_flight(stream)
    promise = new_promise()
    stream._close_request = promise
    writer = stream._writer
    if writer is not None and stream._backpressure and state == "writable":
        resolve_promise(writer._ready_promise, None)
    writable_stream_default_controller_close(stream._controller)
    return promise


# ---------------------------------------------------------------------------------------------
# Interfacing with controllers (Streams §5.5.2)


# Streams §5.5.2 WritableStreamAddWriteRequest
def writable_stream_add_write_request(stream: WritableStream) -> Promise[Any]:
    """A new pending write request promise, queued on ``stream``."""
    assert is_writable_stream_locked(stream)
    assert stream._state == "writable"
    promise = new_promise()
    try:
        stream._write_requests.append(promise)
    except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
        stream._write_requests = deque((promise,))
    return promise


# Streams §5.5.2 WritableStreamCloseQueuedOrInFlight
def writable_stream_close_queued_or_in_flight(stream: WritableStream) -> bool:
    """Whether a close was requested or is in flight."""
    return stream._close_request is not None or stream._in_flight_close_request is not None


# Streams §5.5.2 WritableStreamDealWithRejection
def writable_stream_deal_with_rejection(stream: WritableStream, error: Any) -> None:
    """Start or finish erroring after a sink operation failed with ``error``."""
    state = stream._state
    if state == "writable":
        writable_stream_start_erroring(stream, error)
        return
    assert state == "erroring"
    writable_stream_finish_erroring(stream)


# Streams §5.5.2 WritableStreamFinishErroring
def writable_stream_finish_erroring(stream: WritableStream) -> None:
    """Move from "erroring" to "errored": reject queued writes and run a pending abort."""
    assert stream._state == "erroring"
    assert not writable_stream_has_operation_marked_in_flight(stream)
    stream._state = "errored"
    stream._controller._error_steps()
    stored_error = stream._stored_error
    write_requests = stream._write_requests
    for write_request in write_requests:
        set_promise_is_handled_to_true(write_request)  # (as above: the stream's own error)
        reject_promise(write_request, stored_error)
    stream._write_requests = EMPTY_QUEUE
    if stream._pending_abort_request is None:
        writable_stream_reject_close_and_closed_promise_if_needed(stream)
        return
    abort_request = stream._pending_abort_request
    stream._pending_abort_request = None
    if abort_request.was_already_erroring:
        reject_promise(abort_request.promise, stored_error)
        writable_stream_reject_close_and_closed_promise_if_needed(stream)
        return
    promise = stream._controller._abort_steps(abort_request.reason)

    def on_fulfilled(_: Any) -> None:
        resolve_promise(abort_request.promise, None)
        writable_stream_reject_close_and_closed_promise_if_needed(stream)

    def on_rejected(reason: BaseException) -> None:
        reject_promise(abort_request.promise, reason)
        writable_stream_reject_close_and_closed_promise_if_needed(stream)

    upon_promise(promise, on_fulfilled, on_rejected)


# Streams §5.5.2 WritableStreamFinishInFlightClose
def writable_stream_finish_in_flight_close(stream: WritableStream) -> None:
    """The sink's close succeeded: the stream is closed."""
    assert stream._in_flight_close_request is not None
    resolve_promise(stream._in_flight_close_request, None)
    stream._in_flight_close_request = None
    state = stream._state
    assert state in ("writable", "erroring")
    if state == "erroring":
        # The error came too late to matter: it is dropped.
        stream._stored_error = None
        if stream._pending_abort_request is not None:
            resolve_promise(stream._pending_abort_request.promise, None)
            stream._pending_abort_request = None
    stream._state = "closed"
    writer = stream._writer
    if writer is not None:
        resolve_promise(writer._closed_promise, None)
    assert stream._pending_abort_request is None
    assert stream._stored_error is None


# Streams §5.5.2 WritableStreamFinishInFlightCloseWithError
def writable_stream_finish_in_flight_close_with_error(stream: WritableStream, error: Any) -> None:
    """The sink's close failed with ``error``."""
    assert stream._in_flight_close_request is not None
    reject_promise(stream._in_flight_close_request, error)
    stream._in_flight_close_request = None
    assert stream._state in ("writable", "erroring")
    # Never run the sink's abort() after its close().
    if stream._pending_abort_request is not None:
        reject_promise(stream._pending_abort_request.promise, error)
        stream._pending_abort_request = None
    writable_stream_deal_with_rejection(stream, error)


# Streams §5.5.2 WritableStreamFinishInFlightWrite
def writable_stream_finish_in_flight_write(stream: WritableStream) -> None:
    """The sink's write succeeded: resolve the in-flight write request."""
    assert stream._in_flight_write_request is not None
    resolve_promise(stream._in_flight_write_request, None)
    stream._in_flight_write_request = None


# Streams §5.5.2 WritableStreamFinishInFlightWriteWithError
def writable_stream_finish_in_flight_write_with_error(stream: WritableStream, error: Any) -> None:
    """The sink's write failed with ``error``."""
    request = stream._in_flight_write_request
    assert request is not None
    if stream._state == "erroring":
        # Library choice: a write failing because the stream already errored repeats an
        # error reported elsewhere; never awaited, it must not log "never retrieved".
        set_promise_is_handled_to_true(request)
    reject_promise(request, error)
    stream._in_flight_write_request = None
    assert stream._state in ("writable", "erroring")
    writable_stream_deal_with_rejection(stream, error)


# Streams §5.5.2 WritableStreamHasOperationMarkedInFlight
def writable_stream_has_operation_marked_in_flight(stream: WritableStream) -> bool:
    """Whether a write or close is being performed by the sink."""
    return (
        stream._in_flight_write_request is not None or stream._in_flight_close_request is not None
    )


# Streams §5.5.2 WritableStreamMarkCloseRequestInFlight
def writable_stream_mark_close_request_in_flight(stream: WritableStream) -> None:
    """Move the close request in flight."""
    assert stream._in_flight_close_request is None
    assert stream._close_request is not None
    stream._in_flight_close_request = stream._close_request
    stream._close_request = None


# Streams §5.5.2 WritableStreamMarkFirstWriteRequestInFlight
def writable_stream_mark_first_write_request_in_flight(stream: WritableStream) -> None:
    """Move the first queued write request in flight."""
    assert stream._in_flight_write_request is None
    assert len(stream._write_requests) != 0
    stream._in_flight_write_request = stream._write_requests.popleft()


# Streams §5.5.2 WritableStreamRejectCloseAndClosedPromiseIfNeeded
def writable_stream_reject_close_and_closed_promise_if_needed(stream: WritableStream) -> None:
    """Reject the close request and the writer's closed promise with the stored error."""
    assert stream._state == "errored"
    if stream._close_request is not None:
        assert stream._in_flight_close_request is None
        reject_promise(stream._close_request, stream._stored_error)
        stream._close_request = None
    writer = stream._writer
    if writer is not None:
        reject_promise(writer._closed_promise, stream._stored_error)
        set_promise_is_handled_to_true(writer._closed_promise)


# Streams §5.5.2 WritableStreamStartErroring
def writable_stream_start_erroring(stream: WritableStream, reason: Any) -> None:
    """Enter the "erroring" state with ``reason``."""
    assert stream._stored_error is None
    assert stream._state == "writable"
    controller = stream._controller
    assert controller is not None
    stream._state = "erroring"
    stream._stored_error = reason
    writer = stream._writer
    if writer is not None:
        writable_stream_default_writer_ensure_ready_promise_rejected(writer, reason)
    if not writable_stream_has_operation_marked_in_flight(stream) and controller._started:
        writable_stream_finish_erroring(stream)


# Streams §5.5.2 WritableStreamUpdateBackpressure
def writable_stream_update_backpressure(stream: WritableStream, backpressure: bool) -> None:
    """Record ``backpressure`` and update the writer's ready promise."""
    assert stream._state == "writable"
    # WritableStreamCloseQueuedOrInFlight, inlined (this runs twice per chunk written).
    assert stream._close_request is None and stream._in_flight_close_request is None
    writer = stream._writer
    if writer is not None and backpressure != stream._backpressure:
        if backpressure:
            writer._ready_promise = new_promise()
        else:
            resolve_promise(writer._ready_promise, None)
    stream._backpressure = backpressure


# ---------------------------------------------------------------------------------------------
# Writers (Streams §5.5.3)


# Streams §5.5.3 WritableStreamDefaultWriterAbort
def writable_stream_default_writer_abort(
    writer: WritableStreamDefaultWriter, reason: Any
) -> Promise[Any]:
    """Abort the writer's stream."""
    stream = writer._stream
    assert stream is not None
    return writable_stream_abort(stream, reason)


# Streams §5.5.3 WritableStreamDefaultWriterClose
def writable_stream_default_writer_close(writer: WritableStreamDefaultWriter) -> Promise[Any]:
    """Close the writer's stream."""
    stream = writer._stream
    assert stream is not None
    return writable_stream_close(stream)


# Streams §5.5.3 WritableStreamDefaultWriterCloseWithErrorPropagation
def writable_stream_default_writer_close_with_error_propagation(
    writer: WritableStreamDefaultWriter,
) -> Promise[Any]:
    """Close unless already closing or closed; an errored stream gives its stored error."""
    stream = writer._stream
    assert stream is not None
    state = stream._state
    if writable_stream_close_queued_or_in_flight(stream) or state == "closed":
        return promise_resolved_with(None)
    if state == "errored":
        return promise_rejected_with(stream._stored_error)
    assert state in ("writable", "erroring")
    return writable_stream_default_writer_close(writer)


# Streams §5.5.3 WritableStreamDefaultWriterEnsureClosedPromiseRejected
def writable_stream_default_writer_ensure_closed_promise_rejected(
    writer: WritableStreamDefaultWriter, error: Any
) -> None:
    """Reject the writer's closed promise (replacing it if it already settled)."""
    if not writer._closed_promise.done():
        reject_promise(writer._closed_promise, error)
    else:
        writer._closed_promise = promise_rejected_with(error)
    set_promise_is_handled_to_true(writer._closed_promise)


# Streams §5.5.3 WritableStreamDefaultWriterEnsureReadyPromiseRejected
def writable_stream_default_writer_ensure_ready_promise_rejected(
    writer: WritableStreamDefaultWriter, error: Any
) -> None:
    """Reject the writer's ready promise (replacing it if it already settled)."""
    if not writer._ready_promise.done():
        reject_promise(writer._ready_promise, error)
    else:
        writer._ready_promise = promise_rejected_with(error)
    set_promise_is_handled_to_true(writer._ready_promise)


# Streams §5.5.3 WritableStreamDefaultWriterGetDesiredSize
def writable_stream_default_writer_get_desired_size(
    writer: WritableStreamDefaultWriter,
) -> float | None:
    """The desired size of the writer's stream (None when erroring or errored)."""
    stream = writer._stream
    assert stream is not None
    state = stream._state
    if state == "writable":  # the common case first
        controller = stream._controller
        # WritableStreamDefaultControllerGetDesiredSize, inlined (hot: polled before writes)
        return controller._strategy_hwm - controller._queue_total_size
    if state in ("errored", "erroring"):
        return None
    assert state == "closed"
    return 0


# Streams §5.5.3 WritableStreamDefaultWriterRelease
def writable_stream_default_writer_release(writer: WritableStreamDefaultWriter) -> None:
    """Detach ``writer`` from its stream; its promises reject with ``TypeError``."""
    stream = writer._stream
    assert stream is not None
    assert stream._writer is writer
    released_error = TypeError(
        "Writer was released and can no longer be used to monitor the stream's closedness"
    )
    writable_stream_default_writer_ensure_ready_promise_rejected(writer, released_error)
    # The state may already be "errored" while the sink's abort() runs, yet the closed promise
    # is rejected only afterwards: testing the state is not enough.
    writable_stream_default_writer_ensure_closed_promise_rejected(writer, released_error)
    stream._writer = None
    writer._stream = None


def _rejected_with_stored_error(stream: WritableStream) -> Promise[Any]:
    # The stream's own error, already reported by ``closed`` and ``ready``: a write nobody
    # awaits does not log it again (a library choice, see docs/deviations.md).
    rejected: Promise[Any] = promise_rejected_with(stream._stored_error)
    set_promise_is_handled_to_true(rejected)
    return rejected


# Streams §5.5.3 WritableStreamDefaultWriterWrite
def writable_stream_default_writer_write(
    writer: WritableStreamDefaultWriter, chunk: Any
) -> Promise[Any]:
    """Queue ``chunk`` on the writer's stream; the promise settles when the sink is done."""
    stream = writer._stream
    assert stream is not None
    controller = stream._controller
    if (
        controller._strategy_size_algorithm is _count_size
        and stream._state == "writable"
        and stream._close_request is None
        and stream._in_flight_close_request is None
    ):
        # The common case, all its steps inlined: the default size algorithm (1, and no author
        # code runs, so the writer keeps its stream and the stream its state), a writable
        # stream with no close queued or in flight.  WritableStreamAddWriteRequest:
        promise = new_promise()
        try:
            stream._write_requests.append(promise)
        except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
            stream._write_requests = deque((promise,))
        # WritableStreamDefaultControllerWrite(controller, chunk, 1): EnqueueValueWithSize
        # (1 passes its checks), then GetBackpressure and UpdateBackpressure (the stream is
        # writable with no close queued or in flight; its writer is ``writer``).
        try:
            controller._queue.append((chunk, 1))
        except AttributeError:  # EMPTY_QUEUE: make the deque
            controller._queue = deque(((chunk, 1),))
        queue_total_size = controller._queue_total_size + 1
        controller._queue_total_size = queue_total_size
        backpressure = controller._strategy_hwm - queue_total_size <= 0
        if backpressure is not stream._backpressure:
            writable_stream_update_backpressure(stream, backpressure)
        # WritableStreamDefaultControllerAdvanceQueueIfNeeded: started, nothing in flight;
        # the stream is writable and the queue holds at least this chunk.
        if controller._started and stream._in_flight_write_request is None:
            value = controller._queue[0][0]  # PeekQueueValue
            if value is _CLOSE_SENTINEL:
                writable_stream_default_controller_process_close(controller)
            else:
                writable_stream_default_controller_process_write(controller, value)
        return promise
    chunk_size = writable_stream_default_controller_get_chunk_size(controller, chunk)
    if stream is not writer._stream:
        return promise_rejected_with(TypeError("Cannot write to a stream using a released writer"))
    state = stream._state
    if (
        state == "writable"
        and stream._close_request is None
        and stream._in_flight_close_request is None
    ):
        # The common case (writable, no close queued or in flight), checked first: the same
        # outcome as the steps below.  WritableStreamAddWriteRequest, inlined.
        promise = new_promise()
        try:
            stream._write_requests.append(promise)
        except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
            stream._write_requests = deque((promise,))
        writable_stream_default_controller_write(controller, chunk, chunk_size)
        return promise
    if state == "errored":
        return _rejected_with_stored_error(stream)
    if writable_stream_close_queued_or_in_flight(stream) or state == "closed":
        return promise_rejected_with(
            TypeError("The stream is closing or closed and cannot be written to")
        )
    if state == "erroring":
        return _rejected_with_stored_error(stream)
    assert state == "writable"
    promise = writable_stream_add_write_request(stream)
    writable_stream_default_controller_write(controller, chunk, chunk_size)
    return promise


# ---------------------------------------------------------------------------------------------
# Default controllers (Streams §5.5.4)


# Streams §5.5.4 SetUpWritableStreamDefaultController
def set_up_writable_stream_default_controller(  # noqa: PLR0917 -- the spec's signature
    stream: WritableStream,
    controller: WritableStreamDefaultController,
    start_algorithm: StartAlgorithm,
    write_algorithm: WriteAlgorithm,
    close_algorithm: CloseAlgorithm,
    abort_algorithm: AbortAlgorithm,
    high_water_mark: float,
    size_algorithm: SizeAlgorithm,
) -> None:
    """Wire ``controller`` to ``stream`` and run the start algorithm."""
    assert isinstance(stream, WritableStream)
    assert not hasattr(stream, "_controller")
    controller._stream = stream
    stream._controller = controller
    reset_queue(controller)
    controller._abort_controller = AbortController()
    controller._started = False
    controller._strategy_size_algorithm = size_algorithm
    controller._strategy_hwm = high_water_mark
    controller._write_algorithm = write_algorithm
    controller._close_algorithm = close_algorithm
    controller._abort_algorithm = abort_algorithm
    # Not a spec slot: ProcessWrite's reaction to the sink's write, bound once (a C call).
    controller._sink_write_reaction = partial(_sink_write_settled, controller)
    backpressure = writable_stream_default_controller_get_backpressure(controller)
    writable_stream_update_backpressure(stream, backpressure)
    start_result = start_algorithm()

    def on_started(_: Any) -> None:
        assert stream._state in ("writable", "erroring")
        controller._started = True
        writable_stream_default_controller_advance_queue_if_needed(controller)

    def on_start_failed(r: BaseException) -> None:
        assert stream._state in ("writable", "erroring")
        controller._started = True
        writable_stream_deal_with_rejection(stream, rejection_reason(r))

    react_to_start(stream, start_result, on_started, on_start_failed)


# Streams §5.5.4 SetUpWritableStreamDefaultControllerFromUnderlyingSink
def set_up_writable_stream_default_controller_from_underlying_sink(  # noqa: PLR0917 -- the spec's signature
    stream: WritableStream,
    start: Callable[..., Any] | None,
    write: Callable[..., Any] | None,
    close: Callable[..., Any] | None,
    abort: Callable[..., Any] | None,
    high_water_mark: float,
    size_algorithm: SizeAlgorithm,
) -> None:
    """Set up a controller whose algorithms call the underlying sink's (bound) methods.

    The sink dictionary arrives already converted: each member is a callable or ``None``.
    """
    controller = WritableStreamDefaultController(_PRIVATE)
    start_algorithm: StartAlgorithm = _none
    write_algorithm: WriteAlgorithm = _resolved_none_with
    close_algorithm: CloseAlgorithm = _resolved_none
    abort_algorithm: AbortAlgorithm = _resolved_none_with
    if start is not None:
        start_method = start

        def start_algorithm() -> Any:
            return start_method(controller)

    if write is not None:
        write_method = write

        def write_algorithm(chunk: Any) -> asyncio.Future[Any]:
            return promise_call(write_method, chunk, controller)

    if close is not None:
        close_method = close

        def close_algorithm() -> asyncio.Future[Any]:
            return promise_call(close_method)

    if abort is not None:
        abort_method = abort

        def abort_algorithm(reason: Any) -> asyncio.Future[Any]:
            return promise_call(abort_method, reason)

    set_up_writable_stream_default_controller(
        stream,
        controller,
        start_algorithm,
        write_algorithm,
        close_algorithm,
        abort_algorithm,
        high_water_mark,
        size_algorithm,
    )


def _none() -> None:
    return None


def _resolved_none_with(_: Any) -> asyncio.Future[Any]:
    return promise_resolved_with(None)


# Streams §5.5.4 WritableStreamDefaultControllerAdvanceQueueIfNeeded
def writable_stream_default_controller_advance_queue_if_needed(
    controller: WritableStreamDefaultController,
) -> None:
    """Hand the next queued write (or the close) to the sink when it is idle."""
    stream = controller._stream
    if not controller._started:
        return
    if stream._in_flight_write_request is not None:
        return
    state = stream._state
    assert state not in ("closed", "errored")
    if state == "erroring":
        writable_stream_finish_erroring(stream)
        return
    queue = controller._queue
    if not queue:
        return
    value = queue[0][0]  # PeekQueueValue, inlined
    if value is _CLOSE_SENTINEL:
        writable_stream_default_controller_process_close(controller)
    else:
        writable_stream_default_controller_process_write(controller, value)


# Streams §5.5.4 WritableStreamDefaultControllerClearAlgorithms
def writable_stream_default_controller_clear_algorithms(
    controller: WritableStreamDefaultController,
) -> None:
    """Drop the sink algorithms once they can no longer run."""
    controller._write_algorithm = None
    controller._close_algorithm = None
    controller._abort_algorithm = None
    controller._strategy_size_algorithm = None
    # No sink write can start any more: the reaction bound to this controller (a reference to
    # itself) goes too, so the controller needs no cyclic GC.
    controller._sink_write_reaction = _no_write_expected


def _no_write_expected(sink_write_promise: asyncio.Future[Any]) -> None:
    raise AssertionError("a sink write settled after the algorithms were cleared")


def release_finished_writable_stream(controller: WritableStreamDefaultController) -> None:
    """The owner of a stream made by :func:`create_writable_stream` is gone and will not use
    ``controller`` again (package-internal).  Once the stream is closed or errored, nothing on
    the stream's side needs its controller's link back to it: drop that link, so the stream
    and its controller (which point at each other) are freed by reference counting."""
    if controller._stream._state in ("closed", "errored"):
        del controller._stream


# Streams §5.5.4 WritableStreamDefaultControllerClose
def writable_stream_default_controller_close(controller: WritableStreamDefaultController) -> None:
    """Queue the close sentinel."""
    enqueue_value_with_size(controller, _CLOSE_SENTINEL, 0)
    writable_stream_default_controller_advance_queue_if_needed(controller)


# Streams §5.5.4 WritableStreamDefaultControllerError
def writable_stream_default_controller_error(
    controller: WritableStreamDefaultController, error: Any
) -> None:
    """Error the controller's stream with ``error``."""
    stream = controller._stream
    assert stream._state == "writable"
    writable_stream_default_controller_clear_algorithms(controller)
    writable_stream_start_erroring(stream, error)


# Streams §5.5.4 WritableStreamDefaultControllerErrorIfNeeded
def writable_stream_default_controller_error_if_needed(
    controller: WritableStreamDefaultController, error: Any
) -> None:
    """Error the stream if it is still writable."""
    if controller._stream._state == "writable":
        writable_stream_default_controller_error(controller, error)


# Streams §5.5.4 WritableStreamDefaultControllerGetBackpressure
def writable_stream_default_controller_get_backpressure(
    controller: WritableStreamDefaultController,
) -> bool:
    """Whether the desired size is zero or less."""
    desired_size = writable_stream_default_controller_get_desired_size(controller)
    return desired_size <= 0


# Streams §5.5.4 WritableStreamDefaultControllerGetChunkSize
def writable_stream_default_controller_get_chunk_size(
    controller: WritableStreamDefaultController, chunk: Any
) -> Any:
    """The strategy's size of ``chunk``; a failing size function errors the stream."""
    size_algorithm = controller._strategy_size_algorithm
    if size_algorithm is None:
        # (The spec asserts the stream is not writable; its link may be gone: see
        # release_finished_writable_stream.)
        return 1
    try:
        return size_algorithm(chunk)
    except Exception as chunk_size_e:  # the spec turns it into an error
        writable_stream_default_controller_error_if_needed(controller, chunk_size_e)
        return 1


# Streams §5.5.4 WritableStreamDefaultControllerGetDesiredSize
def writable_stream_default_controller_get_desired_size(
    controller: WritableStreamDefaultController,
) -> float:
    """High-water mark minus the queue's total size."""
    return controller._strategy_hwm - controller._queue_total_size


# Streams §5.5.4 WritableStreamDefaultControllerProcessClose
def writable_stream_default_controller_process_close(
    controller: WritableStreamDefaultController,
) -> None:
    """Call the sink's close."""
    stream = controller._stream
    writable_stream_mark_close_request_in_flight(stream)
    dequeue_value(controller)
    assert not controller._queue
    close_algorithm = controller._close_algorithm
    assert close_algorithm is not None
    sink_close_promise = close_algorithm()
    writable_stream_default_controller_clear_algorithms(controller)

    def on_rejected(reason: BaseException) -> None:
        writable_stream_finish_in_flight_close_with_error(stream, rejection_reason(reason))

    upon_promise(
        sink_close_promise, lambda _: writable_stream_finish_in_flight_close(stream), on_rejected
    )


# Streams §5.5.4 WritableStreamDefaultControllerProcessWrite
def writable_stream_default_controller_process_write(
    controller: WritableStreamDefaultController, chunk: Any
) -> None:
    """Call the sink's write with ``chunk``."""
    stream = controller._stream
    # WritableStreamMarkFirstWriteRequestInFlight, inlined.
    assert stream._in_flight_write_request is None
    stream._in_flight_write_request = stream._write_requests.popleft()
    write_algorithm = controller._write_algorithm
    assert write_algorithm is not None
    # Taken before the write: a sink that errors the stream from write() clears the
    # algorithms, and this reaction with them.
    reaction = controller._sink_write_reaction
    sink_write_promise = write_algorithm(chunk)
    # Upon fulfillment / upon rejection of sinkWritePromise (steps 5 and 6): the reaction
    # upon_promise would add (queued at once if the promise is already settled, else when it
    # settles; run in a copy of the current context), through a function bound once per
    # controller instead of three closures per chunk.
    sink_write_promise.add_done_callback(reaction)


def _sink_write_settled(
    controller: WritableStreamDefaultController, sink_write_promise: asyncio.Future[Any]
) -> None:
    # WritableStreamDefaultControllerProcessWrite's reaction to sinkWritePromise (bound to its
    # controller in SetUpWritableStreamDefaultController), as upon_promise's reaction: a
    # cancelled promise counts as rejected with CancelledError.
    try:
        error = sink_write_promise.exception()  # also marks a rejection as retrieved
    except asyncio.CancelledError:
        error = asyncio.CancelledError()
    stream = controller._stream
    if error is not None:
        # Upon rejection with reason.
        if stream._state == "writable":
            writable_stream_default_controller_clear_algorithms(controller)
        writable_stream_finish_in_flight_write_with_error(stream, rejection_reason(error))
        return
    # Upon fulfillment.
    writable_stream_finish_in_flight_write(stream)
    state = stream._state
    assert state in ("writable", "erroring")
    # DequeueValue, inlined.
    queue = controller._queue
    queue_total_size = controller._queue_total_size - queue.popleft()[1]
    controller._queue_total_size = queue_total_size if queue_total_size > 0 else 0
    if (
        stream._close_request is None
        and stream._in_flight_close_request is None
        and state == "writable"
    ):
        # WritableStreamDefaultControllerGetBackpressure, inlined (as in ...Write).
        backpressure = controller._strategy_hwm - controller._queue_total_size <= 0
        if backpressure is not stream._backpressure:
            writable_stream_update_backpressure(stream, backpressure)
    if queue or state == "erroring":  # else advancing has nothing to do
        writable_stream_default_controller_advance_queue_if_needed(controller)


# Streams §5.5.4 WritableStreamDefaultControllerWrite
def writable_stream_default_controller_write(
    controller: WritableStreamDefaultController, chunk: Any, chunk_size: Any
) -> None:
    """Queue ``chunk`` with ``chunk_size`` (an invalid size errors the stream)."""
    if type(chunk_size) is int and chunk_size >= 0:
        # EnqueueValueWithSize, inlined for a size that passes its checks (an int, not a bool).
        try:
            controller._queue.append((chunk, chunk_size))
        except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
            controller._queue = deque(((chunk, chunk_size),))
        controller._queue_total_size += chunk_size
    else:
        try:
            enqueue_value_with_size(controller, chunk, chunk_size)
        except Exception as enqueue_e:  # the spec turns it into an error
            writable_stream_default_controller_error_if_needed(controller, enqueue_e)
            return
    stream = controller._stream
    if (
        stream._close_request is None
        and stream._in_flight_close_request is None
        and stream._state == "writable"
    ):
        # WritableStreamDefaultControllerGetBackpressure, inlined; updating the backpressure
        # to the value it already has does nothing.
        backpressure = controller._strategy_hwm - controller._queue_total_size <= 0
        if backpressure is not stream._backpressure:
            writable_stream_update_backpressure(stream, backpressure)
    if controller._started and stream._in_flight_write_request is None:
        writable_stream_default_controller_advance_queue_if_needed(controller)
