"""Piping (Streams Standard §4.9.1 ReadableStreamPipeTo): read every chunk of a readable stream
and write it to a writable stream, honouring the destination's backpressure and propagating
errors and closing in both directions.

The loop runs on callbacks, not a task: each step waits for the writer's ``ready`` future, then
issues one read whose chunk steps start the write and the next step.  While the destination's
desired size is zero or less nothing is read, so the pipe holds at most one chunk beyond the
destination's queue.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .._promise import (
    Promise,
    new_promise,
    promise_resolved_with,
    reject_promise,
    rejection_reason,
    resolve_promise,
    set_promise_is_handled_to_true,
    upon_promise,
    wait_for_all,
)
from ..dom.abort import AbortSignal
from .readable import (
    ReadableStream,
    ReadRequest,
    acquire_readable_stream_default_reader,
    is_readable_stream_locked,
    readable_stream_cancel,
    readable_stream_default_reader_read,
    readable_stream_default_reader_release,
)
from .writable import (
    WritableStream,
    acquire_writable_stream_default_writer,
    is_writable_stream_locked,
    writable_stream_abort,
    writable_stream_close_queued_or_in_flight,
    writable_stream_default_writer_close_with_error_propagation,
    writable_stream_default_writer_release,
    writable_stream_default_writer_write,
)

__all__ = ["readable_stream_pipe_to"]

_NO_ERROR: Any = object()  # "finalize" called without an error


class _PipeReadRequest(ReadRequest):
    """The read request of one pipe step."""

    __slots__ = ("_pipe",)

    def __init__(self, pipe: _Pipe) -> None:
        self._pipe = pipe

    def chunk_steps(self, chunk: Any) -> None:
        pipe = self._pipe
        write = writable_stream_default_writer_write(pipe.writer, chunk)
        set_promise_is_handled_to_true(write)
        pipe.current_write = write
        # Reactions never run synchronously, so this does not recurse.
        pipe.step()

    def close_steps(self) -> None:
        # The forward close propagation (the reader's closed promise) handles it.
        pass

    def error_steps(self, e: Any) -> None:
        # The forward error propagation (the reader's closed promise) handles it.
        pass


class _Pipe:
    """The state of one ReadableStreamPipeTo run (the spec's closure variables)."""

    __slots__ = (
        "abort_algorithm",
        "current_write",
        "dest",
        "on_ready_settled",
        "prevent_abort",
        "prevent_cancel",
        "prevent_close",
        "promise",
        "read_request",
        "reader",
        "shutting_down",
        "signal",
        "source",
        "writer",
    )

    def __init__(  # noqa: PLR0917 -- the spec's arguments
        self,
        source: ReadableStream,
        dest: WritableStream,
        prevent_close: bool,
        prevent_abort: bool,
        prevent_cancel: bool,
        signal: AbortSignal | None,
    ) -> None:
        self.source = source
        self.dest = dest
        self.prevent_close = prevent_close
        self.prevent_abort = prevent_abort
        self.prevent_cancel = prevent_cancel
        self.signal = signal
        self.reader = acquire_readable_stream_default_reader(source)
        self.writer = acquire_writable_stream_default_writer(dest)
        source._disturbed = True
        self.shutting_down = False
        # Tracks the spec's "wait until every chunk that has been read has been written".
        self.current_write: asyncio.Future[Any] = promise_resolved_with(None)
        self.promise: Promise[None] = new_promise()
        self.read_request = _PipeReadRequest(self)
        self.abort_algorithm = self.on_abort
        self.on_ready_settled = self.ready_settled  # bound once: one per step otherwise

    # -- the abort signal ----------------------------------------------------------------------

    def on_abort(self) -> None:
        assert self.signal is not None
        error = self.signal.reason
        source, dest = self.source, self.dest
        prevent_abort, prevent_cancel = self.prevent_abort, self.prevent_cancel

        def action() -> asyncio.Future[Any]:
            actions: list[asyncio.Future[Any]] = []
            if not prevent_abort:
                if dest._state == "writable":
                    actions.append(writable_stream_abort(dest, error))
                else:
                    actions.append(promise_resolved_with(None))
            if not prevent_cancel:
                if source._state == "readable":
                    actions.append(readable_stream_cancel(source, error))
                else:
                    actions.append(promise_resolved_with(None))
            return _wait_for_all_promise(actions)

        self.shutdown_with_action(action, True, error)

    # -- the loop ------------------------------------------------------------------------------

    def step(self) -> None:
        """One pipe step: wait for the destination to want data, then read one chunk."""
        if self.shutting_down:
            return
        # Upon fulfillment of writer.[[readyPromise]], read (a rejection is left to the
        # backward error propagation).  The same reaction as upon_promise's, queued at the same
        # moment, through a method bound once instead of three closures per step.
        self.writer._ready_promise.add_done_callback(self.on_ready_settled)

    def ready_settled(self, ready: asyncio.Future[Any]) -> None:
        # upon_promise's reaction: on fulfillment read; on rejection (or cancel) do nothing.
        if ready.cancelled() or ready.exception() is not None:
            return
        # "Shutdown must stop activity": no read once shutting down.
        if self.shutting_down:
            return
        readable_stream_default_reader_read(self.reader, self.read_request)

    # -- propagation ---------------------------------------------------------------------------

    def start(self) -> None:
        source, dest = self.source, self.dest
        # Errors must be propagated forward.  This and "closing must be propagated forward"
        # react to the reader's closed promise: one reaction, a bound method, serves both (only
        # one can fire), as one serves the backward error propagation: a pipe lives as long
        # as its connection, and a closure per reaction would stay with every idle one.
        if source._state == "errored":
            self.on_source_errored(source._stored_error)
        elif source._state == "readable":
            self.reader._closed_promise.add_done_callback(self.source_closed_settled)
        # Errors must be propagated backward.
        if dest._state == "errored":
            self.on_dest_errored(dest._stored_error)
        else:
            self.writer._closed_promise.add_done_callback(self.dest_closed_settled)
        # Closing must be propagated forward.
        if source._state == "closed":
            self.on_source_closed()
        # Closing must be propagated backward.
        if writable_stream_close_queued_or_in_flight(dest) or dest._state == "closed":
            dest_closed = TypeError(
                "the destination writable stream closed before all data could be piped to it"
            )
            if not self.prevent_cancel:
                self.shutdown_with_action(
                    lambda: readable_stream_cancel(source, dest_closed), True, dest_closed
                )
            else:
                self.shutdown(True, dest_closed)
        self.step()

    def source_closed_settled(self, closed: asyncio.Future[Any]) -> None:
        # upon_promise's reaction on the reader's closed promise: upon rejection with
        # storedError, propagate the error forward; upon fulfillment, the close.
        try:
            error = closed.exception()  # also marks a rejection as retrieved
        except asyncio.CancelledError as exc:
            error = exc
        if error is None:
            self.on_source_closed()
        else:
            self.on_source_errored(rejection_reason(error))

    def dest_closed_settled(self, closed: asyncio.Future[Any]) -> None:
        # upon_promise's reaction on the writer's closed promise: upon rejection with
        # storedError, propagate the error backward (its fulfilment needs nothing).
        try:
            error = closed.exception()  # also marks a rejection as retrieved
        except asyncio.CancelledError as exc:
            error = exc
        if error is not None:
            self.on_dest_errored(rejection_reason(error))

    def on_source_errored(self, stored_error: Any) -> None:
        if not self.prevent_abort:
            self.shutdown_with_action(
                lambda: writable_stream_abort(self.dest, stored_error), True, stored_error
            )
        else:
            self.shutdown(True, stored_error)

    def on_dest_errored(self, stored_error: Any) -> None:
        if not self.prevent_cancel:
            self.shutdown_with_action(
                lambda: readable_stream_cancel(self.source, stored_error), True, stored_error
            )
        else:
            self.shutdown(True, stored_error)

    def on_source_closed(self) -> None:
        if not self.prevent_close:
            self.shutdown_with_action(
                lambda: writable_stream_default_writer_close_with_error_propagation(self.writer)
            )
        else:
            self.shutdown()

    # -- shutdown ------------------------------------------------------------------------------

    def wait_for_writes_to_finish(self, then: Any) -> None:
        """Run ``then`` once the last write started has settled (and no newer one started)."""
        old_current_write = self.current_write

        def settled(_: Any) -> None:
            if old_current_write is not self.current_write:
                self.wait_for_writes_to_finish(then)
            else:
                then()

        upon_promise(old_current_write, settled, settled)

    def dest_can_take_writes(self) -> bool:
        dest = self.dest
        return dest._state == "writable" and not writable_stream_close_queued_or_in_flight(dest)

    def shutdown_with_action(
        self, action: Any, original_is_error: bool = False, original_error: Any = _NO_ERROR
    ) -> None:
        """The spec's "shutdown with an action"."""
        if self.shutting_down:
            return
        self.shutting_down = True

        def do_the_rest() -> None:
            try:
                p = action()
            except Exception as exc:
                # The spec's actions cannot throw; be safe and treat it as a rejection.
                self.finalize(True, exc)
                return
            upon_promise(
                p,
                lambda _: self.finalize(original_is_error, original_error),
                lambda new_error: self.finalize(True, rejection_reason(new_error)),
            )

        if self.dest_can_take_writes():
            self.wait_for_writes_to_finish(do_the_rest)
        else:
            do_the_rest()

    def shutdown(self, is_error: bool = False, error: Any = _NO_ERROR) -> None:
        """The spec's "shutdown"."""
        if self.shutting_down:
            return
        self.shutting_down = True
        if self.dest_can_take_writes():
            self.wait_for_writes_to_finish(lambda: self.finalize(is_error, error))
        else:
            self.finalize(is_error, error)

    def finalize(self, is_error: bool = False, error: Any = _NO_ERROR) -> None:
        """The spec's "finalize": release both locks and settle the pipe's promise."""
        writable_stream_default_writer_release(self.writer)
        readable_stream_default_reader_release(self.reader)
        if self.signal is not None:
            self.signal._remove_algorithm(self.abort_algorithm)
        # Nothing runs this pipe's steps any more: drop its references to itself (its read
        # request, its bound methods), so a finished pipe needs no cyclic GC.
        del self.read_request, self.abort_algorithm, self.on_ready_settled
        if is_error:
            reject_promise(self.promise, error)
        else:
            resolve_promise(self.promise, None)


def _wait_for_all_promise(promises: list[asyncio.Future[Any]]) -> Promise[Any]:
    # Web IDL "getting a promise to wait for all".
    promise = new_promise()
    wait_for_all(
        promises,
        lambda values: resolve_promise(promise, values),
        lambda reason: reject_promise(promise, reason),
    )
    return promise


# Streams §4.9.1 ReadableStreamPipeTo
def readable_stream_pipe_to(  # noqa: PLR0917 -- the spec's signature
    source: ReadableStream,
    dest: WritableStream,
    prevent_close: bool,
    prevent_abort: bool,
    prevent_cancel: bool,
    signal: AbortSignal | None = None,
) -> Promise[None]:
    """Pipe ``source`` into ``dest``; the returned future settles when the pipe finishes.

    Both streams must be unlocked (the public ``pipe_to`` checks); they stay locked while the
    pipe runs.
    """
    assert isinstance(source, ReadableStream)
    assert isinstance(dest, WritableStream)
    assert isinstance(prevent_close, bool)
    assert isinstance(prevent_abort, bool)
    assert isinstance(prevent_cancel, bool)
    assert signal is None or isinstance(signal, AbortSignal)
    assert not is_readable_stream_locked(source)
    assert not is_writable_stream_locked(dest)
    pipe = _Pipe(source, dest, prevent_close, prevent_abort, prevent_cancel, signal)
    if signal is not None:
        if signal.aborted:
            pipe.on_abort()
            return pipe.promise
        signal._add_algorithm(pipe.abort_algorithm)
    pipe.start()
    return pipe.promise
