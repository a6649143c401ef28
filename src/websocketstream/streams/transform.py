"""Transform streams (Streams Standard §6): ``TransformStream``, its default controller and every
TransformStream abstract operation, named after the spec in snake_case.

A transform stream is a writable side whose sink feeds a transformer, and a readable side whose
source the transformer enqueues into.  Backpressure on the readable side (its queue reaching the
readable high-water mark, default 0) holds back the next ``transform()`` call, so a slow reader
slows the writer.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any, Final, Generic

from .._naming import SnakeCaseHint
from .._promise import (
    Promise,
    RejectionReason,
    new_promise,
    promise_call,
    promise_rejected_with,
    promise_resolved_with,
    reject_promise,
    rejection_reason,
    resolve_promise,
    running_loop,
    transform_promise_with,
    upon_promise,
)
from ..dom.exceptions import RangeError
from ._loop_binding import DeferredPromise
from ._typevars import I_contra, R_co, W_contra
from ._underlying import check_no_camel_case, get_member, get_method
from .default_controller import (
    ReadableStreamDefaultController,
    create_readable_stream,
    readable_stream_default_controller_can_close_or_enqueue,
    readable_stream_default_controller_close,
    readable_stream_default_controller_enqueue,
    readable_stream_default_controller_error,
    readable_stream_default_controller_get_desired_size,
    readable_stream_default_controller_has_backpressure,
)
from .readable import ReadableStream
from .strategies import SizeAlgorithm, extract_high_water_mark, extract_size_algorithm
from .writable import (
    WritableStream,
    create_writable_stream,
    writable_stream_default_controller_error_if_needed,
)

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "TransformStream",
    "TransformStreamDefaultController",
    "transform_stream_readable_demand",
]

TransformAlgorithm = Callable[[Any], "asyncio.Future[Any]"]
FlushAlgorithm = Callable[[], "asyncio.Future[Any]"]
CancelAlgorithm = Callable[[Any], "asyncio.Future[Any]"]

# Only the library may construct controllers (JavaScript: "Illegal constructor").
_PRIVATE: Final = object()


def _readable_controller(stream: TransformStream) -> ReadableStreamDefaultController:
    # A transform stream's readable side always has a default controller.
    controller = stream._readable._controller
    assert isinstance(controller, ReadableStreamDefaultController)
    return controller


def _raise_reason(reason: Any) -> Any:
    # JavaScript can throw any value; Python raises exceptions (others travel wrapped).
    if isinstance(reason, BaseException):
        raise reason
    raise RejectionReason(reason)


class TransformStream(SnakeCaseHint, Generic[I_contra, R_co]):
    """``TransformStream(transformer=None, writable_strategy=None, readable_strategy=None)``.

    Chunks written to :attr:`writable` go through the transformer's ``transform(chunk,
    controller)`` (default: pass through) and come out of :attr:`readable`; ``flush(controller)``
    runs when the writable side closes and ``cancel(reason)`` when either side is cancelled or
    aborted.  ``start(controller)`` runs at construction.  The writable side's high-water mark
    defaults to 1, the readable side's to 0.

    Generic in the chunk types it takes and gives: ``TransformStream[bytes, str]``.
    """

    __slots__ = (
        "_backpressure",
        "_backpressure_change_promise",
        "_controller",
        "_readable",
        "_writable",
    )

    _backpressure: bool | None
    _backpressure_change_promise: Promise[Any] | None
    _controller: TransformStreamDefaultController[Any]
    _readable: ReadableStream[R_co]
    _writable: WritableStream[I_contra]

    def __init__(
        self, transformer: Any = None, writable_strategy: Any = None, readable_strategy: Any = None
    ) -> None:
        # Web IDL converts the strategy arguments before the constructor steps run.
        check_no_camel_case(writable_strategy, "writable_strategy")
        check_no_camel_case(readable_strategy, "readable_strategy")
        readable_size_algorithm = extract_size_algorithm(readable_strategy)
        writable_size_algorithm = extract_size_algorithm(writable_strategy)
        # Converting the transformer to a Transformer dictionary (members in order).
        check_no_camel_case(transformer, "transformer")
        cancel = get_method(transformer, "cancel", "transformer")
        flush = get_method(transformer, "flush", "transformer")
        readable_type = get_member(transformer, "readable_type")
        start = get_method(transformer, "start", "transformer")
        transform = get_method(transformer, "transform", "transformer")
        writable_type = get_member(transformer, "writable_type")
        if readable_type is not None:
            raise RangeError(f"Invalid readable_type specified: {readable_type!r}")
        if writable_type is not None:
            raise RangeError(f"Invalid writable_type specified: {writable_type!r}")
        readable_high_water_mark = extract_high_water_mark(readable_strategy, 0)
        writable_high_water_mark = extract_high_water_mark(writable_strategy, 1)
        # Outside a running loop, startPromise waits for one (see _loop_binding).
        start_promise: Any = new_promise() if running_loop() is not None else DeferredPromise()
        initialize_transform_stream(
            self,
            start_promise,
            writable_high_water_mark,
            writable_size_algorithm,
            readable_high_water_mark,
            readable_size_algorithm,
        )
        set_up_transform_stream_default_controller_from_transformer(self, transform, flush, cancel)
        if type(start_promise) is DeferredPromise:
            start_promise.resolve(start(self._controller) if start is not None else None)
        elif start is not None:
            _resolve_with_result(start_promise, start(self._controller))
        else:
            resolve_promise(start_promise, None)

    @property
    def readable(self) -> ReadableStream[R_co]:
        """The readable side: the transformed chunks."""
        return self._readable

    @property
    def writable(self) -> WritableStream[I_contra]:
        """The writable side: the chunks to transform."""
        return self._writable

    def __repr__(self) -> str:
        return f"<TransformStream readable={self._readable!r} writable={self._writable!r}>"


def _resolve_with_result(promise: Promise[Any], result: Any) -> None:
    # "Resolve promise with result": an awaitable result is adopted.
    if inspect.isawaitable(result):
        upon_promise(
            promise_resolved_with(result),
            lambda value: resolve_promise(promise, value),
            lambda reason: reject_promise(promise, reason),
        )
    else:
        resolve_promise(promise, result)


class TransformStreamDefaultController(SnakeCaseHint, Generic[W_contra]):
    """The controller handed to the transformer's ``start``, ``transform`` and ``flush``."""

    __slots__ = (
        "_cancel_algorithm",
        "_finish_promise",
        "_flush_algorithm",
        "_stream",
        "_transform_algorithm",
    )

    _stream: TransformStream[Any, Any]
    _transform_algorithm: TransformAlgorithm | None
    _flush_algorithm: FlushAlgorithm | None
    _cancel_algorithm: CancelAlgorithm | None
    _finish_promise: Promise[Any] | None

    def __init__(self, _token: object = None) -> None:
        if _token is not _PRIVATE:
            raise TypeError("TransformStreamDefaultController cannot be constructed directly")

    @property
    def desired_size(self) -> float | None:
        """How much the readable side's queue can take before backpressure (None if errored)."""
        readable_controller = _readable_controller(self._stream)
        return readable_stream_default_controller_get_desired_size(readable_controller)

    def enqueue(self, chunk: W_contra = None) -> None:  # type: ignore[assignment]
        """Put ``chunk`` on the readable side (``TypeError`` if it is closed or errored)."""
        transform_stream_default_controller_enqueue(self, chunk)

    def error(self, reason: Any = None) -> None:
        """Error both sides with ``reason``."""
        transform_stream_default_controller_error(self, reason)

    def terminate(self) -> None:
        """Close the readable side and error the writable side."""
        transform_stream_default_controller_terminate(self)

    def __repr__(self) -> str:
        return f"<TransformStreamDefaultController desired_size={self.desired_size!r}>"


# ---------------------------------------------------------------------------------------------
# Working with transform streams (Streams §6.4.1)


# Streams §6.4.1 InitializeTransformStream
def initialize_transform_stream(  # noqa: PLR0917 -- the spec's signature
    stream: TransformStream,
    start_promise: Promise[Any],
    writable_high_water_mark: float,
    writable_size_algorithm: SizeAlgorithm,
    readable_high_water_mark: float,
    readable_size_algorithm: SizeAlgorithm,
) -> None:
    """Create both sides of ``stream``, each started by ``start_promise``."""

    def start_algorithm() -> Promise[Any]:
        return start_promise

    # Bound with partial (a C call) rather than a closure: one Python frame less per chunk.
    write_algorithm = partial(transform_stream_default_sink_write_algorithm, stream)

    def abort_algorithm(reason: Any) -> asyncio.Future[Any]:
        return transform_stream_default_sink_abort_algorithm(stream, reason)

    def close_algorithm() -> asyncio.Future[Any]:
        return transform_stream_default_sink_close_algorithm(stream)

    stream._writable = create_writable_stream(
        start_algorithm,
        write_algorithm,
        close_algorithm,
        abort_algorithm,
        writable_high_water_mark,
        writable_size_algorithm,
    )

    pull_algorithm = partial(transform_stream_default_source_pull_algorithm, stream)

    def cancel_algorithm(reason: Any) -> Promise[Any]:
        return transform_stream_default_source_cancel_algorithm(stream, reason)

    stream._readable = create_readable_stream(
        start_algorithm,
        pull_algorithm,
        cancel_algorithm,
        readable_high_water_mark,
        readable_size_algorithm,
    )
    # [[backpressure]] starts undefined so that TransformStreamSetBackpressure initialises it.
    stream._backpressure = None
    stream._backpressure_change_promise = None
    transform_stream_set_backpressure(stream, True)


# Streams §6.4.1 TransformStreamError
def transform_stream_error(stream: TransformStream, e: Any) -> None:
    """Error both sides of ``stream`` (either may already be errored)."""
    readable_stream_default_controller_error(_readable_controller(stream), e)
    transform_stream_error_writable_and_unblock_write(stream, e)


# Streams §6.4.1 TransformStreamErrorWritableAndUnblockWrite
def transform_stream_error_writable_and_unblock_write(stream: TransformStream, e: Any) -> None:
    """Error the writable side and let a write blocked on backpressure finish."""
    transform_stream_default_controller_clear_algorithms(stream._controller)
    writable_stream_default_controller_error_if_needed(stream._writable._controller, e)
    transform_stream_unblock_write(stream)


# Streams §6.4.1 TransformStreamSetBackpressure
def transform_stream_set_backpressure(stream: TransformStream, backpressure: bool) -> None:
    """Record ``backpressure`` and resolve the previous backpressure-change promise."""
    assert stream._backpressure != backpressure
    backpressure_change_promise = stream._backpressure_change_promise
    if backpressure_change_promise is not None:
        resolve_promise(backpressure_change_promise, None)
    # "Set [[backpressureChangePromise]] to a new promise": made lazily, by
    # _backpressure_change_promise, when the pull or sink write algorithm first needs it.  A
    # promise nobody holds and nobody reacts to is unobservable, and resolving it does nothing,
    # so most changes (an enqueue then a pull per chunk) make one promise instead of two.
    stream._backpressure_change_promise = None
    stream._backpressure = backpressure


def _backpressure_change_promise(stream: TransformStream) -> Promise[Any]:
    # stream.[[backpressureChangePromise]], made on first use (see TransformStreamSetBackpressure).
    backpressure_change_promise = stream._backpressure_change_promise
    if backpressure_change_promise is None:
        assert stream._backpressure is not None
        backpressure_change_promise = stream._backpressure_change_promise = new_promise()
    return backpressure_change_promise


def transform_stream_readable_demand(
    controller: TransformStreamDefaultController[Any],
) -> Promise[Any] | None:
    """Not a spec operation: ``None`` while the readable side wants more chunks, else the
    stream's [[backpressureChangePromise]] (it settles at the next pull, or when a cancel or
    an error unblocks the writable side).  For transformers that enqueue one input's output
    in pieces (the decompression stream), so that a slow reader pauses them between pieces
    as the spec's sink write algorithm pauses them between chunks."""
    stream = controller._stream
    if not stream._backpressure:
        return None
    return _backpressure_change_promise(stream)


# Streams §6.4.1 TransformStreamUnblockWrite
def transform_stream_unblock_write(stream: TransformStream) -> None:
    """Pretend a pull happened, so a write waiting on backpressure can complete."""
    if stream._backpressure:
        transform_stream_set_backpressure(stream, False)


# ---------------------------------------------------------------------------------------------
# Default controllers (Streams §6.4.2)


# Streams §6.4.2 SetUpTransformStreamDefaultController
def set_up_transform_stream_default_controller(
    stream: TransformStream,
    controller: TransformStreamDefaultController,
    transform_algorithm: TransformAlgorithm,
    flush_algorithm: FlushAlgorithm,
    cancel_algorithm: CancelAlgorithm,
) -> None:
    """Wire ``controller`` to ``stream`` with the given algorithms."""
    assert isinstance(stream, TransformStream)
    assert not hasattr(stream, "_controller")
    controller._stream = stream
    stream._controller = controller
    controller._transform_algorithm = transform_algorithm
    controller._flush_algorithm = flush_algorithm
    controller._cancel_algorithm = cancel_algorithm
    controller._finish_promise = None


# Streams §6.4.2 SetUpTransformStreamDefaultControllerFromTransformer
def set_up_transform_stream_default_controller_from_transformer(
    stream: TransformStream,
    transform: Callable[..., Any] | None,
    flush: Callable[..., Any] | None,
    cancel: Callable[..., Any] | None,
) -> None:
    """Set up a controller whose algorithms call the transformer's (bound) methods; the
    transformer dictionary arrives converted (each member a callable or ``None``)."""
    controller = TransformStreamDefaultController(_PRIVATE)
    # The default transform's "a promise resolved with undefined": only
    # TransformStreamDefaultControllerPerformTransform sees it, and only reacts to it, so one
    # fulfilled promise serves every chunk (made by the first: see _loop_binding).
    fulfilled: Promise[Any] | None = None

    def transform_algorithm(chunk: Any) -> asyncio.Future[Any]:
        nonlocal fulfilled
        try:
            transform_stream_default_controller_enqueue(controller, chunk)
        except Exception as transform_result_e:
            return promise_rejected_with(transform_result_e)
        if fulfilled is None:
            fulfilled = promise_resolved_with(None)
        return fulfilled

    def flush_algorithm() -> asyncio.Future[Any]:
        return promise_resolved_with(None)

    def cancel_algorithm(reason: Any) -> asyncio.Future[Any]:
        return promise_resolved_with(None)

    if transform is not None:
        transform_method = transform

        def transform_algorithm(chunk: Any) -> asyncio.Future[Any]:
            return promise_call(transform_method, chunk, controller)

    if flush is not None:
        flush_method = flush

        def flush_algorithm() -> asyncio.Future[Any]:
            return promise_call(flush_method, controller)

    if cancel is not None:
        cancel_method = cancel

        def cancel_algorithm(reason: Any) -> asyncio.Future[Any]:
            return promise_call(cancel_method, reason)

    set_up_transform_stream_default_controller(
        stream, controller, transform_algorithm, flush_algorithm, cancel_algorithm
    )


# Streams §6.4.2 TransformStreamDefaultControllerClearAlgorithms
def transform_stream_default_controller_clear_algorithms(
    controller: TransformStreamDefaultController,
) -> None:
    """Drop the transformer algorithms once they can no longer run."""
    controller._transform_algorithm = None
    controller._flush_algorithm = None
    controller._cancel_algorithm = None


# Streams §6.4.2 TransformStreamDefaultControllerEnqueue
def transform_stream_default_controller_enqueue(
    controller: TransformStreamDefaultController, chunk: Any
) -> None:
    """Enqueue ``chunk`` on the readable side and update backpressure."""
    stream = controller._stream
    readable_controller = _readable_controller(stream)
    if not readable_stream_default_controller_can_close_or_enqueue(readable_controller):
        raise TypeError("Readable side is not in a state that permits enqueue")
    # Transform calls are throttled by the readable side's backpressure, but enqueue() is
    # still accepted.
    try:
        readable_stream_default_controller_enqueue(readable_controller, chunk)
    except Exception as e:
        # The readable strategy's size() threw.
        transform_stream_error_writable_and_unblock_write(stream, rejection_reason(e))
        _raise_reason(stream._readable._stored_error)
    backpressure = readable_stream_default_controller_has_backpressure(readable_controller)
    if backpressure != stream._backpressure:
        assert backpressure
        transform_stream_set_backpressure(stream, True)


# Streams §6.4.2 TransformStreamDefaultControllerError
def transform_stream_default_controller_error(
    controller: TransformStreamDefaultController, e: Any
) -> None:
    """Error the controller's stream."""
    transform_stream_error(controller._stream, e)


# Streams §6.4.2 TransformStreamDefaultControllerPerformTransform
def transform_stream_default_controller_perform_transform(
    controller: TransformStreamDefaultController, chunk: Any
) -> Promise[Any]:
    """Run the transform algorithm; a failure errors the stream."""
    transform_algorithm = controller._transform_algorithm
    assert transform_algorithm is not None
    transform_promise = transform_algorithm(chunk)

    def on_rejected(r: BaseException) -> Any:
        transform_stream_error(controller._stream, rejection_reason(r))
        raise r

    return transform_promise_with(transform_promise, None, on_rejected)


# Streams §6.4.2 TransformStreamDefaultControllerTerminate
def transform_stream_default_controller_terminate(
    controller: TransformStreamDefaultController,
) -> None:
    """Close the readable side and error the writable side with a ``TypeError``."""
    stream = controller._stream
    readable_controller = _readable_controller(stream)
    readable_stream_default_controller_close(readable_controller)
    error = TypeError("TransformStream terminated")
    transform_stream_error_writable_and_unblock_write(stream, error)


# ---------------------------------------------------------------------------------------------
# Default sinks (Streams §6.4.3)


# Streams §6.4.3 TransformStreamDefaultSinkWriteAlgorithm
def transform_stream_default_sink_write_algorithm(
    stream: TransformStream, chunk: Any
) -> asyncio.Future[Any]:
    """Transform ``chunk`` once the readable side has no backpressure."""
    assert stream._writable._state == "writable"
    controller = stream._controller
    if stream._backpressure:
        backpressure_change_promise = _backpressure_change_promise(stream)

        def on_fulfilled(_: Any) -> Any:
            writable = stream._writable
            state = writable._state
            if state == "erroring":
                _raise_reason(writable._stored_error)
            assert state == "writable"
            return transform_stream_default_controller_perform_transform(controller, chunk)

        return transform_promise_with(backpressure_change_promise, on_fulfilled)
    return transform_stream_default_controller_perform_transform(controller, chunk)


# Streams §6.4.3 TransformStreamDefaultSinkAbortAlgorithm
def transform_stream_default_sink_abort_algorithm(
    stream: TransformStream, reason: Any
) -> asyncio.Future[Any]:
    """The writable side was aborted: run the transformer's cancel, then error the readable."""
    controller = stream._controller
    if controller._finish_promise is not None:
        return controller._finish_promise
    readable = stream._readable
    # Set now, so that a cancel() that cancels the readable side does not run cancel again.
    finish_promise = controller._finish_promise = new_promise()
    cancel_algorithm = controller._cancel_algorithm
    assert cancel_algorithm is not None
    cancel_promise = cancel_algorithm(reason)
    transform_stream_default_controller_clear_algorithms(controller)

    def on_fulfilled(_: Any) -> None:
        if readable._state == "errored":
            reject_promise(finish_promise, readable._stored_error)
        else:
            readable_stream_default_controller_error(_readable_controller(stream), reason)
            resolve_promise(finish_promise, None)

    def on_rejected(r: BaseException) -> None:
        readable_stream_default_controller_error(_readable_controller(stream), rejection_reason(r))
        reject_promise(finish_promise, r)

    upon_promise(cancel_promise, on_fulfilled, on_rejected)
    return finish_promise


# Streams §6.4.3 TransformStreamDefaultSinkCloseAlgorithm
def transform_stream_default_sink_close_algorithm(stream: TransformStream) -> asyncio.Future[Any]:
    """The writable side closed: run flush, then close the readable side."""
    controller = stream._controller
    if controller._finish_promise is not None:
        return controller._finish_promise
    readable = stream._readable
    # Set now, so that a flush() that cancels the readable side does not also run cancel.
    finish_promise = controller._finish_promise = new_promise()
    flush_algorithm = controller._flush_algorithm
    assert flush_algorithm is not None
    flush_promise = flush_algorithm()
    transform_stream_default_controller_clear_algorithms(controller)

    def on_fulfilled(_: Any) -> None:
        if readable._state == "errored":
            reject_promise(finish_promise, readable._stored_error)
        else:
            readable_stream_default_controller_close(_readable_controller(stream))
            resolve_promise(finish_promise, None)

    def on_rejected(r: BaseException) -> None:
        readable_stream_default_controller_error(_readable_controller(stream), rejection_reason(r))
        reject_promise(finish_promise, r)

    upon_promise(flush_promise, on_fulfilled, on_rejected)
    return finish_promise


# ---------------------------------------------------------------------------------------------
# Default sources (Streams §6.4.4)


# Streams §6.4.4 TransformStreamDefaultSourcePullAlgorithm
def transform_stream_default_source_pull_algorithm(stream: TransformStream) -> Promise[Any]:
    """The reader wants more: release backpressure until the next enqueue fills the queue."""
    # Invariant, enforced by the promises returned by start() and pull().
    assert stream._backpressure
    transform_stream_set_backpressure(stream, False)
    # The next pull() waits until there is backpressure again.
    return _backpressure_change_promise(stream)


# Streams §6.4.4 TransformStreamDefaultSourceCancelAlgorithm
def transform_stream_default_source_cancel_algorithm(
    stream: TransformStream, reason: Any
) -> Promise[Any]:
    """The readable side was cancelled: run the transformer's cancel, then error the writable."""
    controller = stream._controller
    if controller._finish_promise is not None:
        return controller._finish_promise
    writable = stream._writable
    # Set now, so that a cancel() that aborts the writable side does not run cancel again.
    finish_promise = controller._finish_promise = new_promise()
    cancel_algorithm = controller._cancel_algorithm
    assert cancel_algorithm is not None
    cancel_promise = cancel_algorithm(reason)
    transform_stream_default_controller_clear_algorithms(controller)

    def on_fulfilled(_: Any) -> None:
        if writable._state == "errored":
            reject_promise(finish_promise, writable._stored_error)
        else:
            writable_stream_default_controller_error_if_needed(writable._controller, reason)
            transform_stream_unblock_write(stream)
            resolve_promise(finish_promise, None)

    def on_rejected(r: BaseException) -> None:
        writable_stream_default_controller_error_if_needed(
            writable._controller, rejection_reason(r)
        )
        transform_stream_unblock_write(stream)
        reject_promise(finish_promise, r)

    upon_promise(cancel_promise, on_fulfilled, on_rejected)
    return finish_promise
