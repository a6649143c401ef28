"""Async iteration of a ``ReadableStream`` (Streams §4.2.5, Web IDL async iterators) and
``ReadableStream.from_`` (Streams §4.9.1 ReadableStreamFromIterable).

``async for chunk in stream`` reads through a default reader.  ``__anext__`` returns a future
that is already resolved when a chunk is queued, so iterating a full queue costs no event loop
iteration.  The Web IDL ``return()`` is ``return_(value)`` (and ``aclose()``); as Python's
``async for`` has no ``return()`` hook on ``break``, an iterator that is dropped unfinished runs
the same steps when it is garbage-collected (immediately, in CPython), so ``break`` cancels the
stream as it does in JavaScript.
"""

from __future__ import annotations

import asyncio
import inspect
from asyncio import InvalidStateError
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Self

from .._naming import snake_case_hints
from .._promise import (
    Promise,
    get_loop,
    promise_call,
    promise_rejected_with,
    promise_resolved_with,
    reject_promise,
    rejection_reason,
    set_promise_is_handled_to_true,
    transform_promise_with,
)
from ._typevars import R_co
from .default_controller import (
    ReadableStreamDefaultController,
    create_readable_stream,
    readable_stream_default_controller_close,
    readable_stream_default_controller_enqueue,
    readable_stream_default_controller_error,
)
from .readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadRequest,
    ReadResult,
    acquire_readable_stream_default_reader,
    readable_stream_default_reader_read,
    readable_stream_default_reader_release,
    readable_stream_reader_generic_cancel,
    withdraw_read_request,
)

__all__ = ["ReadableStreamAsyncIterator", "readable_stream_from_iterable"]


def _end_of_iteration() -> StopAsyncIteration:
    return StopAsyncIteration()


_NO_CHUNK: Any = object()


async def _ready(chunk: Any) -> Any:
    # The awaitable of a chunk that was queued: a coroutine that returns at once costs less
    # than a future (about a third on CPython 3.11).
    return chunk


class _IteratorReadFuture(Promise[Any]):
    """The future of an ``__anext__`` whose read request waits in the reader's
    [[readRequests]]: cancelled, it withdraws the request, so the chunk it would have taken
    goes to the next read instead of being lost (see docs/deviations.md)."""

    _request: _IteratorReadRequest | None = None
    _reader: ReadableStreamDefaultReader | None = None

    def cancel(self, msg: Any | None = None) -> bool:
        """Cancel this step of the iteration; the stream keeps its chunks for the next."""
        if not super().cancel(msg):
            return False
        reader, request = self._reader, self._request
        self._reader = self._request = None
        if reader is not None and request is not None:
            withdraw_read_request(reader, request)
        return True


def _settled(future: Promise[Any]) -> None:
    # A settled future can no longer withdraw its request: drop its links to the request and
    # the reader (the request points back at it), so neither needs the cyclic GC.
    if type(future) is _IteratorReadFuture:
        future._request = future._reader = None


def _waiting_future(
    loop: asyncio.AbstractEventLoop, reader: ReadableStreamDefaultReader, request: Any
) -> _IteratorReadFuture:
    future = _IteratorReadFuture(loop=loop)
    future._reader = reader
    future._request = request
    return future


class _IteratorReadRequest(ReadRequest):
    """The read request of one ``__anext__``.  With no ``_future`` (the fast path), a chunk
    delivered synchronously is kept in ``_chunk``; otherwise the request settles ``_future``:
    with the chunk, ``StopAsyncIteration`` at the end, or the stream's error."""

    __slots__ = ("_chunk", "_future", "_iterator")

    _iterator: ReadableStreamAsyncIterator | None
    _future: Promise[Any] | None
    _chunk: Any

    def chunk_steps(self, chunk: Any) -> None:
        future = self._future
        if future is None:
            self._chunk = chunk
            return
        try:  # noqa: SIM105 -- contextlib.suppress costs a call on the hot path
            future.set_result(chunk)
        except InvalidStateError:  # the caller cancelled the future
            pass
        _settled(future)

    def _settled_future(self) -> Promise[Any]:
        future = self._future
        if future is None:
            assert self._iterator is not None
            future = self._future = Promise(loop=self._iterator._loop)
        return future

    def close_steps(self) -> None:
        iterator = self._iterator
        assert iterator is not None
        readable_stream_default_reader_release(iterator._reader)
        iterator._is_finished = True
        future = self._settled_future()
        if not future.done():
            set_promise_is_handled_to_true(future)
            future.set_exception(_end_of_iteration())
        _settled(future)

    def error_steps(self, e: Any) -> None:
        iterator = self._iterator
        assert iterator is not None
        readable_stream_default_reader_release(iterator._reader)
        iterator._is_finished = True
        future = self._settled_future()
        reject_promise(future, e)
        _settled(future)


@snake_case_hints
class ReadableStreamAsyncIterator(Generic[R_co]):
    """The async iterator of a ``ReadableStream`` (``stream.values()``, ``aiter(stream)``).

    It holds the stream's lock until the stream ends, errors, or ``aclose()`` / ``return_()``
    is called (or the unfinished iterator is dropped, e.g. by ``break``): then the stream is
    cancelled unless ``prevent_cancel`` was true, and the lock released.
    """

    __slots__ = (
        "__weakref__",
        "_is_finished",
        "_iterated",
        "_loop",
        "_ongoing",
        "_prevent_cancel",
        "_reader",
        "_spare",
    )

    _loop: asyncio.AbstractEventLoop
    _spare: _IteratorReadRequest | None  # a settled read request, reused by the next read
    _reader: ReadableStreamDefaultReader
    _prevent_cancel: bool
    _ongoing: Promise[Any] | None
    _is_finished: bool
    _iterated: bool  # __anext__ was called (not a spec slot: see __del__)

    def __init__(self, stream: ReadableStream[R_co], prevent_cancel: bool = False) -> None:
        # Streams §4.2.5 asynchronous iterator initialization steps
        self._is_finished = True  # until the lock is acquired (see __del__)
        self._ongoing = None
        self._iterated = False
        self._spare = None
        self._reader = acquire_readable_stream_default_reader(stream)  # binds the stream
        loop = stream._loop
        assert loop is not None
        self._loop = loop
        self._prevent_cancel = bool(prevent_cancel)
        self._is_finished = False

    def __aiter__(self) -> Self:
        """The iterator itself."""
        return self

    def __anext__(self) -> Awaitable[R_co]:
        """An awaitable of the next chunk; it raises ``StopAsyncIteration`` once the stream is
        closed, and the stream's error if it errors.  The read starts at once; when a chunk is
        queued the awaitable completes without an event loop turn (a coroutine that returns
        the chunk), otherwise it is a future."""
        self._iterated = True
        ongoing = self._ongoing
        if ongoing is not None and not ongoing.done():
            return self._after_ongoing(ongoing, self._next_steps)
        if self._is_finished:
            return self._next_steps()
        stream = self._reader._stream
        assert stream is not None
        controller = stream._controller
        if (
            type(controller) is ReadableStreamDefaultController
            and controller._queue
            and stream._state == "readable"
        ):
            # The next steps with a chunk queued: ReadableStreamDefaultReaderRead and the default
            # controller's [[PullSteps]], then the read request's chunk steps (the chunk,
            # without a future), with no request at all: nothing before the chunk steps (a pull
            # included) can reach it.
            stream._disturbed = True
            chunk = controller._take_queued_chunk()
            return _ready(chunk)
        # The fast path of the next steps: a reused read request and no future when a chunk
        # is queued.
        request = self._spare
        if request is None:
            request = _IteratorReadRequest()
        else:
            self._spare = None
        request._iterator = self
        request._future = None
        request._chunk = _NO_CHUNK
        readable_stream_default_reader_read(self._reader, request)
        chunk = request._chunk
        if chunk is not _NO_CHUNK:
            # Settled, so the reader no longer holds it: park it for the next read, without a
            # reference back (no cycle: a dropped iterator is finalized at once, see __del__).
            request._chunk = request._iterator = None
            self._spare = request
            return _ready(chunk)
        future = request._future
        if future is None:  # queued in the reader: settled later
            future = request._future = _waiting_future(self._loop, self._reader, request)
            self._ongoing = future
        return future

    def _next_steps(self) -> Promise[Any]:
        # Web IDL: the next steps of an async iterator; Streams §4.2.5 "get the next iteration
        # result".
        if self._is_finished:
            p: Promise[Any] = Promise(loop=self._loop)
            set_promise_is_handled_to_true(p)
            p.set_exception(_end_of_iteration())
            return p
        reader = self._reader
        assert reader._stream is not None
        request = _IteratorReadRequest()
        request._iterator = self
        request._chunk = None
        future = request._future = _waiting_future(self._loop, reader, request)
        readable_stream_default_reader_read(reader, request)
        return future

    def _after_ongoing(
        self, ongoing: Promise[Any], steps: Callable[[], Promise[Any]]
    ) -> Promise[Any]:
        # Run ``steps`` once the ongoing promise settles; the result becomes the ongoing one.
        # Web IDL chains them with two reactions (the ongoing promise is itself a reaction to
        # the read), so reactions queued by the read (a re-pull) run first: one extra hop.
        loop = get_loop()
        result: Promise[Any] = Promise(loop=loop)

        def run() -> None:
            inner = steps()
            inner.add_done_callback(lambda s: _copy_outcome(s, result))

        ongoing.add_done_callback(lambda _: loop.call_soon(run))
        self._ongoing = result
        return result

    def return_(self, value: Any = None) -> Promise[ReadResult[Any]]:
        """The Web IDL ``return(value)``: finish the iteration, cancelling the stream with
        ``value`` as the reason (unless ``prevent_cancel``), and release the lock.  A future of
        ``ReadResult(value, True)``; the lock is released at once when no read is pending."""
        ongoing = self._ongoing

        def return_steps() -> Promise[Any]:
            if self._is_finished:
                return promise_resolved_with(None)
            self._is_finished = True
            return self._return_steps(value)

        if ongoing is not None and not ongoing.done():
            after = self._after_ongoing(ongoing, return_steps)
        else:
            after = return_steps()
            self._ongoing = None if after.done() else after
        return transform_promise_with(after, lambda _: ReadResult(value, True))

    def aclose(self) -> Promise[None]:
        """Python's spelling of ``return()`` with no value: cancel (unless
        ``prevent_cancel``) and release the lock."""
        return transform_promise_with(self.return_(None), lambda _: None)

    def _return_steps(self, arg: Any) -> Promise[None]:
        # Streams §4.2.5 asynchronous iterator return steps
        reader = self._reader
        assert reader._stream is not None
        assert not reader._read_requests
        if not self._prevent_cancel:
            result = readable_stream_reader_generic_cancel(reader, arg)
            readable_stream_default_reader_release(reader)
            return result
        readable_stream_default_reader_release(reader)
        return promise_resolved_with(None)

    def __del__(self) -> None:
        # ``break`` out of ``async for`` drops the iterator: run return() as JavaScript does.
        # An iterator that was never iterated keeps the lock, as in JavaScript.  Only in the
        # stream's own running loop: never from a later loop, or at interpreter exit.
        try:
            if (
                self._is_finished
                or not self._iterated
                or self._reader._stream is None
                or self._reader._read_requests
                or asyncio.events._get_running_loop() is not self._loop
            ):
                return
        except AttributeError:  # __init__ did not finish
            return
        self._is_finished = True
        try:
            set_promise_is_handled_to_true(self._return_steps(None))
        except Exception:  # a finalizer must not raise
            return


def _copy_outcome(source: asyncio.Future[Any], target: Promise[Any]) -> None:
    if target.done():
        return
    if source.cancelled():
        target.cancel()
        return
    exc = source.exception()
    if exc is None:
        target.set_result(source.result())
    else:
        if isinstance(exc, StopAsyncIteration):
            set_promise_is_handled_to_true(target)
        target.set_exception(exc)


class _End:
    """Web IDL "end of iteration" marker."""

    __slots__ = ()


_END = _End()


class _AsyncSequenceIterator:
    # Web IDL "open an async sequence": an async iterator, or a sync one adapted to it
    # (CreateAsyncFromSyncIterator).
    __slots__ = ("is_async", "iterator", "pending_next")

    def __init__(self, iterable: Any) -> None:
        self.pending_next: Promise[Any] | None = None
        aiter_method = getattr(type(iterable), "__aiter__", None)
        if aiter_method is not None:
            if not callable(aiter_method):
                raise TypeError("ReadableStream.from_(): __aiter__ is not callable")
            iterator = aiter_method(iterable)
            if not callable(getattr(iterator, "__anext__", None)):
                raise TypeError(
                    "ReadableStream.from_(): __aiter__() did not return an async iterator"
                )
            self.iterator = iterator
            self.is_async = True
            return
        iter_method = getattr(type(iterable), "__iter__", None)
        if iter_method is None and not hasattr(type(iterable), "__getitem__"):
            raise TypeError(
                f"ReadableStream.from_() needs an iterable or async iterable, not "
                f"{type(iterable).__name__}"
            )
        if iter_method is not None and not callable(iter_method):
            raise TypeError("ReadableStream.from_(): __iter__ is not callable")
        self.iterator = iter(iterable)
        self.is_async = False

    def next_value(self) -> Promise[Any]:
        # Web IDL "get an async iterator next value": a promise of a value or _END.
        if self.is_async:
            try:
                awaitable = self.iterator.__anext__()
            except StopAsyncIteration:
                return promise_resolved_with(_END)
            except Exception as e:
                return promise_rejected_with(e)
            if not inspect.isawaitable(awaitable):
                return promise_rejected_with(TypeError("__anext__() must return an awaitable"))
            p = transform_promise_with(promise_resolved_with(_adopt_end(awaitable)), None, None)
        else:
            try:
                value = next(self.iterator)
            except StopIteration:
                return promise_resolved_with(_END)
            except Exception as e:
                return promise_rejected_with(e)
            if inspect.isawaitable(value):
                p = transform_promise_with(
                    promise_resolved_with(value), None, self._close_sync_on_rejection
                )
            else:
                p = promise_resolved_with(value)
        self.pending_next = p
        return p

    def _close_sync_on_rejection(self, e: BaseException) -> Any:
        # AsyncFromSyncIteratorContinuation: a rejected value closes the sync iterator.
        close = getattr(self.iterator, "close", None)
        if callable(close):
            close()
        raise e

    def close(self, reason: Any) -> Promise[Any]:
        # Web IDL "close an async iterator": its return() (Python: aclose() / close()).
        pending = self.pending_next
        if pending is not None and not pending.done():
            # An async generator cannot be closed while running: wait for the pending next().
            return transform_promise_with(
                pending, lambda _: self.close(reason), lambda _: self.close(reason)
            )
        if self.is_async:
            return promise_call(getattr(self.iterator, "aclose", None))
        return promise_call(getattr(self.iterator, "close", None))


async def _adopt_end(awaitable: Any) -> Any:
    try:
        return await awaitable
    except StopAsyncIteration:
        return _END


# Streams §4.9.1 ReadableStreamFromIterable
def readable_stream_from_iterable(async_iterable: Any) -> ReadableStream[Any]:
    """A stream of the items of a sync or async iterable (high-water mark 0: one item is
    requested per read)."""
    stream: ReadableStream[Any] | None = None
    iterator = _AsyncSequenceIterator(async_iterable)

    def controller() -> ReadableStreamDefaultController:
        assert stream is not None
        c = stream._controller
        assert isinstance(c, ReadableStreamDefaultController)
        return c

    def start_algorithm() -> None:
        return None

    def pull_algorithm() -> Promise[None]:
        next_promise = iterator.next_value()

        def on_fulfilled(v: Any) -> None:
            if v is _END:
                readable_stream_default_controller_close(controller())
            else:
                readable_stream_default_controller_enqueue(controller(), v)

        def on_rejected(r: BaseException) -> None:
            readable_stream_default_controller_error(controller(), rejection_reason(r))

        return transform_promise_with(next_promise, on_fulfilled, on_rejected)

    def cancel_algorithm(reason: Any) -> Promise[None]:
        return transform_promise_with(iterator.close(reason), lambda _: None)

    stream = create_readable_stream(start_algorithm, pull_algorithm, cancel_algorithm, 0)
    return stream
