"""``ReadableStreamDefaultController`` and its abstract operations (Streams §4.6, §4.9.4)."""

from __future__ import annotations

from asyncio import CancelledError
from collections import deque
from collections.abc import Callable
from typing import Any, Generic

from .._naming import snake_case_hints
from .._promise import (
    Promise,
    promise_call,
    promise_resolved_with,
    rejection_reason,
)
from ._loop_binding import react_to_start
from ._queue import enqueue_value_with_size, is_non_negative_number, reset_queue
from ._typevars import W_contra
from .readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadRequest,
    ReadResult,
    _DefaultReaderReadRequest,
    initialize_readable_stream,
    readable_stream_close,
    readable_stream_error,
)
from .strategies import SizeAlgorithm, _count_size

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "ReadableStreamDefaultController",
    "create_readable_stream",
    "default_controller_of",
    "readable_stream_default_controller_can_close_or_enqueue",
    "readable_stream_default_controller_close",
    "readable_stream_default_controller_enqueue",
    "readable_stream_default_controller_enqueue_then_full",
    "readable_stream_default_controller_error",
    "readable_stream_default_controller_get_desired_size",
    "readable_stream_default_controller_has_backpressure",
    "release_finished_stream",
    "set_up_readable_stream_default_controller_from_underlying_source",
]

#: Integers up to this size are exact as floats: a size that needs no checks.
_MAX_SAFE_INTEGER = 2**53 - 1

_tuple_new = tuple.__new__

StartAlgorithm = Callable[[], Any]
PullAlgorithm = Callable[[], "Promise[Any]"]
CancelAlgorithm = Callable[[Any], "Promise[Any]"]


@snake_case_hints
class ReadableStreamDefaultController(Generic[W_contra]):
    """The controller a default ``ReadableStream`` gives its underlying source: ``enqueue()``,
    ``close()``, ``error()`` and ``desired_size``.  Not constructible directly."""

    __slots__ = (
        "__dict__",  # the spec's controller is extensible
        "_cancel_algorithm",
        "_close_requested",
        "_on_pull_settled",
        "_pull_again",
        "_pull_algorithm",
        "_pulling",
        "_queue",
        "_queue_total_size",
        "_react_now",
        "_started",
        "_strategy_hwm",
        "_strategy_size_algorithm",
        "_stream",
    )

    _stream: ReadableStream[Any]
    _queue: deque[Any]
    _queue_total_size: float
    _started: bool
    _close_requested: bool
    _pull_again: bool
    _pulling: bool
    _react_now: bool  # not a spec slot: see create_readable_stream
    _on_pull_settled: Callable[[Any], None]  # not a spec slot: self._pull_settled, bound once
    _strategy_size_algorithm: SizeAlgorithm | None
    _strategy_hwm: float
    _pull_algorithm: PullAlgorithm | None
    _cancel_algorithm: CancelAlgorithm | None

    def __init__(self) -> None:
        raise TypeError("Illegal constructor")

    @property
    def desired_size(self) -> float | None:
        """How much more the queue wants (high-water mark minus queued size); ``None`` once
        errored, 0 once closed."""
        return readable_stream_default_controller_get_desired_size(self)

    def close(self) -> None:
        """Close the stream once the queued chunks are read.  ``TypeError`` if it cannot."""
        if not readable_stream_default_controller_can_close_or_enqueue(self):
            raise TypeError("The stream is not in a state that permits close")
        readable_stream_default_controller_close(self)

    def enqueue(self, chunk: W_contra = None) -> None:  # type: ignore[assignment]
        """Queue ``chunk`` (or hand it straight to a waiting read).  ``TypeError`` after close
        or error; the strategy's size errors raise here and error the stream."""
        if not readable_stream_default_controller_can_close_or_enqueue(self):
            raise TypeError("The stream is not in a state that permits enqueue")
        readable_stream_default_controller_enqueue(self, chunk)

    def error(self, e: Any = None) -> None:
        """Error the stream with ``e``: pending and future reads reject with it."""
        readable_stream_default_controller_error(self, e)

    # Streams §4.6.4 [[CancelSteps]]
    def _cancel_steps(self, reason: Any) -> Promise[Any]:
        reset_queue(self)
        assert self._cancel_algorithm is not None
        result = self._cancel_algorithm(reason)
        readable_stream_default_controller_clear_algorithms(self)
        return result

    # Streams §4.6.4 [[PullSteps]]
    def _pull_steps(self, read_request: ReadRequest) -> None:
        if self._queue:
            read_request.chunk_steps(self._take_queued_chunk())
        else:
            # ReadableStreamAddReadRequest(stream, readRequest), inlined.
            stream = self._stream
            reader = stream._reader
            assert isinstance(reader, ReadableStreamDefaultReader)
            assert stream._state == "readable"
            try:
                reader._read_requests.append(read_request)
            except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
                reader._read_requests = deque((read_request,))
            if not self._pull_again:  # else CallPullIfNeeded is a no-op (see there)
                readable_stream_default_controller_call_pull_if_needed(self)

    def _take_queued_chunk(self) -> Any:
        # [[PullSteps]] with a chunk queued, up to the read request's chunk steps (also used
        # by the async iterator, which settles its own request; ReadableStreamDefaultReader.read
        # has a copy, its per-read path: change both together): DequeueValue, then close the
        # stream if that emptied a closing queue, else CallPullIfNeeded.
        queue = self._queue
        # DequeueValue(this), inlined: this is the path of every queued read.
        chunk, size = queue.popleft()
        total = self._queue_total_size - size
        self._queue_total_size = total if total > 0 else 0  # 0 also absorbs rounding errors
        if self._close_requested:
            if not queue:
                readable_stream_default_controller_clear_algorithms(self)
                readable_stream_close(self._stream)
        elif not self._pull_again:  # else CallPullIfNeeded is a no-op (see there)
            readable_stream_default_controller_call_pull_if_needed(self)
        return chunk

    def _pull_settled(self, pull_promise: Any) -> None:
        # The reaction CallPullIfNeeded registers on the pull promise (upon_promise's, with its
        # two steps), one bound method per controller instead of three closures per pull.
        try:
            e = pull_promise.exception()  # also marks a rejection as retrieved
        except CancelledError:
            e = CancelledError()
        if e is None:
            # Upon fulfillment of pullPromise:
            self._pulling = False
            if self._pull_again:
                self._pull_again = False
                readable_stream_default_controller_call_pull_if_needed(self)
        else:
            # Upon rejection of pullPromise with reason e:
            readable_stream_default_controller_error(self, rejection_reason(e))

    # Streams §4.6.4 [[ReleaseSteps]]
    def _release_steps(self) -> None:
        return

    def __repr__(self) -> str:
        return f"<ReadableStreamDefaultController desired_size={self.desired_size!r}>"


# Streams §4.9.4 ReadableStreamDefaultControllerCallPullIfNeeded
def readable_stream_default_controller_call_pull_if_needed(
    controller: ReadableStreamDefaultController,
) -> None:
    """Call the pull algorithm if the stream wants data (once at a time)."""
    if controller._pull_again:
        # Already pulling with a pull queued (pull_again implies pulling): whatever
        # ShouldCallPull says, the steps below would change nothing.
        return
    # ReadableStreamDefaultControllerShouldCallPull (and GetDesiredSize), inlined: this runs
    # for every read and every enqueue.
    stream = controller._stream
    if controller._close_requested or stream._state != "readable" or not controller._started:
        return
    reader = stream._reader
    if not (
        (isinstance(reader, ReadableStreamDefaultReader) and reader._read_requests)
        or controller._strategy_hwm - controller._queue_total_size > 0
    ):
        return
    if controller._pulling:
        controller._pull_again = True
        return
    assert not controller._pull_again
    controller._pulling = True
    assert controller._pull_algorithm is not None
    # Taken before the pull: a source that errors or closes the stream from pull() clears
    # the algorithms, and this reaction with them.
    on_pull_settled = controller._on_pull_settled
    pull_promise = controller._pull_algorithm()
    # (Fulfilled: done, not cancelled, no exception; asked through the C future's _state and
    # _exception attributes, cheaper than three method calls on this per-pull path.)
    if (
        controller._react_now
        and pull_promise._state == "FINISHED"
        and pull_promise._exception is None
    ):
        # An internal pull whose promise is already fulfilled (create_readable_stream with
        # react_now): its reaction, below, runs now instead of one loop iteration later.
        controller._pulling = False
        if controller._pull_again:
            controller._pull_again = False
            readable_stream_default_controller_call_pull_if_needed(controller)
        return
    # Upon fulfillment / rejection of pullPromise: upon_promise's reaction, registered the
    # same way (Promise.add_done_callback, in the current context), as a bound method.
    pull_promise.add_done_callback(on_pull_settled)


# Streams §4.9.4 ReadableStreamDefaultControllerShouldCallPull
def readable_stream_default_controller_should_call_pull(
    controller: ReadableStreamDefaultController,
) -> bool:
    """Whether the pull algorithm should run now."""
    stream = controller._stream
    if controller._close_requested or stream._state != "readable":
        return False
    if not controller._started:
        return False
    reader = stream._reader
    if isinstance(reader, ReadableStreamDefaultReader) and reader._read_requests:
        return True
    desired_size = readable_stream_default_controller_get_desired_size(controller)
    assert desired_size is not None
    return desired_size > 0


# Streams §4.9.4 ReadableStreamDefaultControllerClearAlgorithms
def readable_stream_default_controller_clear_algorithms(
    controller: ReadableStreamDefaultController,
) -> None:
    """Drop the source's algorithms so they can be garbage-collected."""
    controller._pull_algorithm = None
    controller._cancel_algorithm = None
    controller._strategy_size_algorithm = None
    # No pull can start any more: the reaction bound to this controller (a reference to
    # itself) goes too, so the controller needs no cyclic GC.
    controller._on_pull_settled = _no_pull_expected


def _no_pull_expected(pull_promise: Any) -> None:
    raise AssertionError("a pull settled after the algorithms were cleared")


def release_finished_stream(controller: ReadableStreamDefaultController) -> None:
    """The owner of a stream made by :func:`create_readable_stream` is gone and will not use
    ``controller`` again (package-internal).  Once the stream is closed or errored, nothing on
    the stream's side needs its controller's link back to it: drop that link, so the stream
    and its controller (which point at each other) are freed by reference counting."""
    if controller._stream._state != "readable":
        del controller._stream


# Streams §4.9.4 ReadableStreamDefaultControllerClose
def readable_stream_default_controller_close(controller: ReadableStreamDefaultController) -> None:
    """Request a close; the stream closes once its queue is empty."""
    if not readable_stream_default_controller_can_close_or_enqueue(controller):
        return
    stream = controller._stream
    controller._close_requested = True
    if not controller._queue:
        readable_stream_default_controller_clear_algorithms(controller)
        readable_stream_close(stream)


# Streams §4.9.4 ReadableStreamDefaultControllerEnqueue
def readable_stream_default_controller_enqueue(
    controller: ReadableStreamDefaultController, chunk: Any
) -> None:
    """Give ``chunk`` to a waiting read, or queue it with its strategy size."""
    # (readable_stream_default_controller_enqueue_then_full has a copy of the queueing case
    # with the default size: change both together.)
    stream = controller._stream
    # ReadableStreamDefaultControllerCanCloseOrEnqueue, inlined (this is the per-chunk path).
    if controller._close_requested or stream._state != "readable":
        return
    reader = stream._reader
    if isinstance(reader, ReadableStreamDefaultReader) and reader._read_requests:
        # ReadableStreamFulfillReadRequest(stream, chunk, false), inlined.
        read_request = reader._read_requests.popleft()
        if type(read_request) is _DefaultReaderReadRequest:
            # The chunk steps of reader.read()'s request, inlined: fulfil it with
            # ReadResult(chunk, False), unless its caller cancelled it.
            if not read_request.done():
                read_request.set_result(_tuple_new(ReadResult, (chunk, False)))
        else:
            read_request.chunk_steps(chunk)
    else:
        size_algorithm = controller._strategy_size_algorithm
        assert size_algorithm is not None
        if size_algorithm is _count_size:
            # The default size algorithm (always 1, and no author code runs), then
            # EnqueueValueWithSize(controller, chunk, 1), inlined.
            try:
                controller._queue.append((chunk, 1))
            except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
                controller._queue = deque(((chunk, 1),))
            total = controller._queue_total_size = controller._queue_total_size + 1
            # CallPullIfNeeded's ShouldCallPull, with what nothing since the checks above can
            # have changed: the stream is readable, no close is requested and no read request
            # waits, so with no desired size left it answers false (a full queue: the common
            # case of a stream with backpressure).
            if controller._strategy_hwm - total <= 0:
                return
            if not controller._pull_again:  # else CallPullIfNeeded is a no-op (see there)
                readable_stream_default_controller_call_pull_if_needed(controller)
            return
        try:
            chunk_size = size_algorithm(chunk)
        except Exception as chunk_size_e:
            readable_stream_default_controller_error(controller, chunk_size_e)
            raise
        if type(chunk_size) is int and 0 <= chunk_size <= _MAX_SAFE_INTEGER:
            # EnqueueValueWithSize for a size that is valid by construction, inlined.
            try:
                controller._queue.append((chunk, chunk_size))
            except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
                controller._queue = deque(((chunk, chunk_size),))
            controller._queue_total_size += chunk_size
        else:
            try:
                enqueue_value_with_size(controller, chunk, chunk_size)
            except Exception as enqueue_e:
                readable_stream_default_controller_error(controller, enqueue_e)
                raise
    if not controller._pull_again:  # else CallPullIfNeeded is a no-op (see there)
        readable_stream_default_controller_call_pull_if_needed(controller)


def readable_stream_default_controller_enqueue_then_full(
    controller: ReadableStreamDefaultController, chunk: Any
) -> bool:
    """For a producer that applies backpressure itself (package-internal, the WebSocketStream
    endpoint): enqueue ``chunk`` if the stream can still take one
    (ReadableStreamDefaultControllerCanCloseOrEnqueue), then answer whether the producer
    should hold back: the stream is no longer readable or GetDesiredSize is at most 0."""
    stream = controller._stream
    # (The questions are CanCloseOrEnqueue and GetDesiredSize, inlined: this runs for every
    # message.)
    if controller._close_requested or stream._state != "readable":
        return False  # the consumer cancelled: it asked not to get chunks
    if controller._strategy_size_algorithm is _count_size:
        reader = stream._reader
        if not (isinstance(reader, ReadableStreamDefaultReader) and reader._read_requests):
            # ReadableStreamDefaultControllerEnqueue with no read request waiting and the
            # default size algorithm, inlined (the path of a message no read waits for):
            # EnqueueValueWithSize(controller, chunk, 1), then CallPullIfNeeded, whose
            # ShouldCallPull answers false once no desired size is left (the producer is then
            # told to hold back).
            try:
                controller._queue.append((chunk, 1))
            except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
                controller._queue = deque(((chunk, 1),))
            total = controller._queue_total_size = controller._queue_total_size + 1
            if controller._strategy_hwm - total <= 0:
                return True
            if not controller._pull_again:  # else CallPullIfNeeded is a no-op (see there)
                readable_stream_default_controller_call_pull_if_needed(controller)
            return (
                stream._state != "readable"
                or controller._strategy_hwm - controller._queue_total_size <= 0
            )
    readable_stream_default_controller_enqueue(controller, chunk)
    return (
        stream._state != "readable" or controller._strategy_hwm - controller._queue_total_size <= 0
    )


# Streams §4.9.4 ReadableStreamDefaultControllerError
def readable_stream_default_controller_error(
    controller: ReadableStreamDefaultController, e: Any
) -> None:
    """Error the stream with ``e`` (nothing happens unless it is readable)."""
    stream = controller._stream
    if stream._state != "readable":
        return
    reset_queue(controller)
    readable_stream_default_controller_clear_algorithms(controller)
    readable_stream_error(stream, e)


# Streams §4.9.4 ReadableStreamDefaultControllerGetDesiredSize
def readable_stream_default_controller_get_desired_size(
    controller: ReadableStreamDefaultController,
) -> float | None:
    """High-water mark minus queued size; ``None`` when errored, 0 when closed."""
    state = controller._stream._state
    if state == "errored":
        return None
    if state == "closed":
        return 0
    return controller._strategy_hwm - controller._queue_total_size


# Streams §4.9.4 ReadableStreamDefaultControllerHasBackpressure
def readable_stream_default_controller_has_backpressure(
    controller: ReadableStreamDefaultController,
) -> bool:
    """True when the stream does not want more data now."""
    return not readable_stream_default_controller_should_call_pull(controller)


# Streams §4.9.4 ReadableStreamDefaultControllerCanCloseOrEnqueue
def readable_stream_default_controller_can_close_or_enqueue(
    controller: ReadableStreamDefaultController,
) -> bool:
    """Whether ``close()``/``enqueue()`` are allowed now."""
    return not controller._close_requested and controller._stream._state == "readable"


# Streams §4.9.4 SetUpReadableStreamDefaultController
def set_up_readable_stream_default_controller(  # noqa: PLR0917 -- the spec's signature
    stream: ReadableStream,
    controller: ReadableStreamDefaultController,
    start_algorithm: StartAlgorithm,
    pull_algorithm: PullAlgorithm,
    cancel_algorithm: CancelAlgorithm,
    high_water_mark: float,
    size_algorithm: SizeAlgorithm,
) -> None:
    """Attach ``controller`` to ``stream`` and run the start algorithm."""
    assert not hasattr(stream, "_controller")
    controller._stream = stream
    reset_queue(controller)
    controller._started = False
    controller._close_requested = False
    controller._pull_again = False
    controller._pulling = False
    controller._react_now = False
    controller._on_pull_settled = controller._pull_settled
    controller._strategy_size_algorithm = size_algorithm
    controller._strategy_hwm = high_water_mark
    controller._pull_algorithm = pull_algorithm
    controller._cancel_algorithm = cancel_algorithm
    stream._controller = controller
    start_result = start_algorithm()

    def on_started(_: Any) -> None:
        controller._started = True
        assert not controller._pulling
        assert not controller._pull_again
        readable_stream_default_controller_call_pull_if_needed(controller)

    def on_start_rejected(r: BaseException) -> None:
        readable_stream_default_controller_error(controller, rejection_reason(r))

    react_to_start(stream, start_result, on_started, on_start_rejected)


# Streams §4.9.4 SetUpReadableStreamDefaultControllerFromUnderlyingSource
def set_up_readable_stream_default_controller_from_underlying_source(  # noqa: PLR0917 -- the spec's signature
    stream: ReadableStream,
    underlying_source: Any,
    start: Callable[..., Any] | None,
    pull: Callable[..., Any] | None,
    cancel: Callable[..., Any] | None,
    high_water_mark: float,
    size_algorithm: SizeAlgorithm,
) -> None:
    """Set up a default controller whose algorithms call the underlying source's methods
    (``start``, ``pull``, ``cancel``: already read from ``underlying_source`` and checked)."""
    controller = _new_controller()

    def start_algorithm() -> Any:
        return None if start is None else start(controller)

    pull_algorithm: PullAlgorithm
    if pull is None:
        # "Let pullAlgorithm be an algorithm that returns a promise resolved with undefined":
        # nothing but CallPullIfNeeded sees that promise, and its reaction (clear [[pulling]],
        # pull again if asked) has no effect anyone can see when pulling does nothing, so one
        # fulfilled promise serves every pull, and the reaction runs at once (react_now).
        # Made by the first pull: the stream may be made outside a loop (see _loop_binding).
        fulfilled: Promise[Any] | None = None

        def pull_algorithm() -> Promise[Any]:
            nonlocal fulfilled
            if fulfilled is None:
                fulfilled = promise_resolved_with(None)
            return fulfilled

    else:

        def pull_algorithm() -> Promise[Any]:
            return promise_call(pull, controller)

    def cancel_algorithm(reason: Any) -> Promise[Any]:
        return promise_call(cancel, reason)

    set_up_readable_stream_default_controller(
        stream,
        controller,
        start_algorithm,
        pull_algorithm,
        cancel_algorithm,
        high_water_mark,
        size_algorithm,
    )
    controller._react_now = pull is None


def _new_controller() -> ReadableStreamDefaultController:
    return object.__new__(ReadableStreamDefaultController)


# Streams §4.9.1 CreateReadableStream
def create_readable_stream(
    start_algorithm: StartAlgorithm,
    pull_algorithm: PullAlgorithm,
    cancel_algorithm: CancelAlgorithm,
    high_water_mark: float = 1,
    size_algorithm: SizeAlgorithm | None = None,
    *,
    react_now: bool = False,
) -> ReadableStream:
    """A default readable stream driven by the given algorithms (for other specs and tee).

    ``react_now`` (not in the spec) is for a pull algorithm that is internal and returns
    promises that are already fulfilled (the WebSocketStream's "pull bytes"): the reaction to
    such a promise (clear [[pulling]], pull again if asked) runs as soon as the pull returns,
    not in a later loop iteration.  Nothing outside can observe the difference (the pull
    algorithm is not user code), and a read that the pull can satisfy completes at once.
    """
    assert is_non_negative_number(high_water_mark)
    stream = ReadableStream.__new__(ReadableStream)
    initialize_readable_stream(stream)
    controller = _new_controller()
    set_up_readable_stream_default_controller(
        stream,
        controller,
        start_algorithm,
        pull_algorithm,
        cancel_algorithm,
        high_water_mark,
        size_algorithm if size_algorithm is not None else _count_size,
    )
    controller._react_now = react_now
    return stream


def default_controller_of(stream: ReadableStream) -> ReadableStreamDefaultController:
    """The controller of a stream made by :func:`create_readable_stream` (package-internal)."""
    controller = stream._controller
    assert type(controller) is ReadableStreamDefaultController
    return controller
