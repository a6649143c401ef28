"""The stream side of a WebSocketStream, shared by the client and the server's connections.

This module holds the WebSockets Standard's "Feedback to WebSocketStream from the protocol" and
"Stream operations" algorithms: it turns :class:`~websocketstream.session.Session` events into
the ``opened``/``closed`` promises and the readable/writable streams, and the streams' pull,
write, close, abort and cancel into session calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from ._naming import SnakeCaseHint
from ._promise import (
    Promise,
    new_promise,
    promise_rejected_with,
    promise_resolved_with,
    reject_promise,
    resolve_promise,
    set_promise_is_handled_to_true,
)
from .dom.exceptions import InvalidStateError
from .dom.websocket_error import WebSocketError, to_usv_string, validate_close_code_and_reason
from .protocol.close import MESSAGE_TOO_BIG
from .protocol.state import CLOSED, CLOSING, CONNECTING, OPEN, State
from .session import Session
from .streams.default_controller import (
    ReadableStreamDefaultController,
    create_readable_stream,
    default_controller_of,
    readable_stream_default_controller_can_close_or_enqueue,
    readable_stream_default_controller_close,
    readable_stream_default_controller_enqueue_then_full,
    readable_stream_default_controller_error,
    release_finished_stream,
)
from .streams.readable import ReadableStream
from .streams.strategies import SizeAlgorithm, extract_high_water_mark, extract_size_algorithm
from .streams.writable import (
    WritableStream,
    WritableStreamDefaultController,
    create_writable_stream,
    release_finished_writable_stream,
    writable_stream_default_controller_error_if_needed,
    writable_stream_default_controller_of,
    writable_stream_error_state,
)

__all__ = [
    "StreamEndpoint",
    "WebSocketCloseInfo",
    "WebSocketOpenInfo",
    "WritableChunk",
    "to_message",
]

#: What a WebSocketStream's writable accepts: ``str`` (a text message) or a bytes-like object
#: (a binary message).
WritableChunk: TypeAlias = str | bytes | bytearray | memoryview


@dataclass(frozen=True, slots=True)
class WebSocketOpenInfo:
    """What ``opened`` resolves to: the two streams, and the negotiated extensions and
    subprotocol (``""`` when none)."""

    readable: ReadableStream[str | bytes]
    writable: WritableStream[WritableChunk]
    extensions: str
    protocol: str


@dataclass(frozen=True, slots=True)
class WebSocketCloseInfo:
    """What ``closed`` resolves to after a clean close: the code and reason the peer sent
    (1005 and ``""`` for a Close frame with no body)."""

    close_code: int | None
    reason: str = ""


def to_message(chunk: Any) -> str | bytes:
    """Convert a chunk written to the writable: ``str`` is text (lone surrogates become
    U+FFFD), ``bytes``/``bytearray``/``memoryview`` binary (copied now); else ``TypeError``."""
    if type(chunk) is str:
        return to_usv_string(chunk)
    if type(chunk) is bytes:
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    if isinstance(chunk, str):
        return to_usv_string(str(chunk))
    if isinstance(chunk, bytes):
        return bytes(chunk)
    raise TypeError(
        f"a WebSocketStream can write str (text) or bytes, bytearray, memoryview (binary), "
        f"not {type(chunk).__name__}"
    )


class StreamEndpoint(SnakeCaseHint):
    """One end of a WebSocket seen through streams: ``opened``, ``closed`` and ``close()``.

    Subclasses make the session (the client connects; the server accepts) and call
    :meth:`_attach` with it.
    """

    def __init__(self, readable_strategy: Any = None, writable_strategy: Any = None) -> None:
        # The WebSocket's ready state is a view (see _ready_state) of the connection's state
        # and of what the spec decides before the connection knows: close() or an abort
        # (CLOSING at once), and the close reported (CLOSED).
        self._close_requested = False
        self._closed_reported = False
        self._was_ever_connected = False
        self._handshake_aborted = False
        self._session: Session | None = None
        self._readable: ReadableStream[str | bytes] | None = None
        self._writable: WritableStream[WritableChunk] | None = None
        self._readable_controller: ReadableStreamDefaultController | None = None
        self._writable_controller: WritableStreamDefaultController | None = None
        self._readable_hwm = extract_high_water_mark(readable_strategy, 1)
        self._readable_size: SizeAlgorithm = extract_size_algorithm(readable_strategy)
        self._writable_hwm = extract_high_water_mark(writable_strategy, 1)
        self._writable_size: SizeAlgorithm = extract_size_algorithm(writable_strategy)
        self._opened_promise: Promise[WebSocketOpenInfo] = new_promise()
        self._closed_promise: Promise[WebSocketCloseInfo] = new_promise()
        # Rejections of these two are reported to whoever awaits them; an application that
        # only awaits one of them must not get "exception was never retrieved" for the other.
        set_promise_is_handled_to_true(self._opened_promise)
        set_promise_is_handled_to_true(self._closed_promise)
        self._sink_close_promise: Promise[None] | None = None
        # The write waiting for buffer space: its result promise and the session's mark just
        # past its message (which is already queued; see session_closed).
        self._pending_write: tuple[Promise[None], int] | None = None
        # Writes that came after the connection failed (before its close is reported): not
        # sent, rejected with the close's error in session_closed.
        self._unsendable_writes: list[Promise[None]] = []
        self._closing_error: InvalidStateError | None = None
        # "A promise resolved with undefined" for _pull_bytes and _write: only this endpoint's
        # own streams react to it, so one fulfilled promise serves every pull and write.
        self._resolved_none: Promise[None] = promise_resolved_with(None)

    def __del__(self) -> None:
        # This endpoint is gone, and with it the only user of its streams' controllers: a
        # stream that is closed or errored no longer needs its controller's link back to it,
        # so the pair (which point at each other) is freed by reference counting, not left to
        # the cyclic GC (a closed connection's streams, promises and queues).
        # (getattr: a constructor that raised left no attributes.)
        readable = getattr(self, "_readable_controller", None)
        if readable is not None:
            release_finished_stream(readable)
        writable = getattr(self, "_writable_controller", None)
        if writable is not None:
            release_finished_writable_stream(writable)

    # ----------------------------------------------------------------- public surface

    @property
    def opened(self) -> Promise[WebSocketOpenInfo]:
        """Resolves with :class:`WebSocketOpenInfo` once the handshake succeeds."""
        return self._opened_promise

    @property
    def closed(self) -> Promise[WebSocketCloseInfo]:
        """Resolves with :class:`WebSocketCloseInfo` on a clean close; rejects with a
        :class:`WebSocketError` otherwise."""
        return self._closed_promise

    def close(self, close_code: int | None = None, reason: str = "") -> None:
        """Close the connection with an optional code (1000 or 3000-4999) and reason (at
        most 123 UTF-8 bytes).  Invalid values raise synchronously.  While connecting, the
        handshake is aborted and the code and reason are ignored."""
        self._close_the_websocket(close_code, reason)

    @property
    def _ready_state(self) -> State:
        """The WebSocket's ready state (0..3, the ``readyState`` constants)."""
        if self._closed_reported:
            return CLOSED
        if self._close_requested:
            return CLOSING
        session = self._session
        return CONNECTING if session is None else session.ready_state

    def ping(self) -> Promise[float]:
        """Send a Ping (not in the standard); the future resolves with the round-trip time in
        seconds when the Pong arrives, or rejects with ``InvalidStateError`` if the connection
        closes first.  Raises ``InvalidStateError`` unless the connection is open."""
        session = self._session
        if self._ready_state is not OPEN or session is None:
            raise InvalidStateError("ping() needs an open WebSocket")
        return session.ping()

    # ----------------------------------------------------------------- closing

    # WebSockets §"close the WebSocket"
    def _close_the_websocket(self, code: int | None = None, reason: str = "") -> None:
        code, reason = validate_close_code_and_reason(code, reason)
        ready_state = self._ready_state
        if ready_state >= CLOSING:
            return
        if ready_state is CONNECTING:
            self._fail_the_websocket_connection()
            self._close_requested = True
            return
        self._close_requested = True
        assert self._session is not None
        self._session.close(code, reason)

    def _fail_the_websocket_connection(self) -> None:
        """Fail the connection while it is not established (subclasses add their steps)."""
        if self._session is not None:
            self._session.abort()

    # WebSockets §"close using reason"
    def _close_using_reason(self, reason: Any) -> None:
        code: int | None = None
        reason_string = ""
        if isinstance(reason, WebSocketError):
            code = reason.close_code
            reason_string = reason.reason
        try:
            self._close_the_websocket(code, reason_string)
        except (InvalidStateError, ValueError, TypeError):
            self._close_the_websocket()

    # ----------------------------------------------------------------- session events

    def _attach(self, session: Session) -> None:
        self._session = session

    # WebSockets §"handle WebSocketStream connection establishment"
    def session_opened(self) -> None:
        """The handshake succeeded: make the streams and resolve ``opened``."""
        if self._handshake_aborted or self._close_requested or self._closed_reported:
            return
        session = self._session
        assert session is not None
        self._was_ever_connected = True
        connection = session.connection
        readable = create_readable_stream(
            _start_nothing,
            self._pull_bytes,
            self._cancel,
            self._readable_hwm,
            self._readable_size,
            react_now=True,
        )
        writable = create_writable_stream(
            _start_nothing,
            self._write,
            self._close_sink,
            self._abort_sink,
            self._writable_hwm,
            self._writable_size,
        )
        self._readable = readable
        self._writable = writable
        self._readable_controller = default_controller_of(readable)
        self._writable_controller = writable_stream_default_controller_of(writable)
        resolve_promise(
            self._opened_promise,
            WebSocketOpenInfo(readable, writable, connection.extensions, connection.subprotocol),
        )

    # WebSockets §"handle a WebSocketStream message"
    def session_message(self, data: str | bytes) -> None:
        """A message arrived: enqueue it, then apply backpressure if the queue is full."""
        controller = self._readable_controller
        if controller is None:
            return
        # The spec applies backpressure after every message and the pull releases it; applying
        # it only once the queue is full is equivalent and saves a pull per message.  (A
        # cancelled readable takes no message: the application asked not to get them.)
        if readable_stream_default_controller_enqueue_then_full(controller, data):
            session = self._session
            assert session is not None
            session.apply_backpressure()

    # WebSockets §"the WebSocket closing handshake is started"
    def session_closing(self) -> None:
        """The closing handshake started: pending writes fail with InvalidStateError."""
        writable = self._writable_controller
        if writable is not None and self._sink_close_promise is None:
            # As Chromium (and the web-platform-tests): once closing starts, the writable is
            # errored so that pending and later writes reject with InvalidStateError.
            error = self._closing_error_object()
            writable_stream_default_controller_error_if_needed(writable, error)

    def _closing_error_object(self) -> InvalidStateError:
        if self._closing_error is None:
            self._closing_error = InvalidStateError("Cannot write to a closed WebSocketStream.")
        return self._closing_error

    # WebSockets §"handle WebSocketStream connection close"
    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        """The connection is closed: settle the streams and the promises."""
        if self._closed_reported:
            return
        self._closed_reported = True
        if self._handshake_aborted:
            return
        opening_error: WebSocketError | None = None
        if not self._was_ever_connected:
            # A connection that never opened has no close code: ``opened`` rejects with a
            # WebSocketError whose close_code is None (the Standard's new WebSocketError with
            # no code; Chromium); ``closed`` still carries 1006 below, as Chromium's does.
            # Both name the cause in their message and chain it (``__cause__``).
            opening_error = self._opening_failed_error(None, "")
            reject_promise(self._opened_promise, opening_error)
        pending = self._pending_write
        if pending is not None:
            # The message of the write waiting for buffer space was queued before any Close we
            # sent: the write resolves if its bytes reached the socket (a graceful close
            # flushes them), else it rejects below and the close is unclean (as Chromium, for
            # data the application wrote that was never sent).
            self._pending_write = None
            assert self._session is not None
            if self._session.was_sent(pending[1]):
                resolve_promise(pending[0])
                pending = None
            else:
                was_clean = False
        readable = self._readable_controller
        writable = self._writable_controller
        if was_clean:
            if readable is not None and readable_stream_default_controller_can_close_or_enqueue(
                readable
            ):
                readable_stream_default_controller_close(readable)
            if writable is not None:
                writable_stream_default_controller_error_if_needed(
                    writable, self._closing_error_object()
                )
            if self._sink_close_promise is not None:
                resolve_promise(self._sink_close_promise)
            resolve_promise(self._closed_promise, WebSocketCloseInfo(code, reason))
        else:
            if opening_error is not None:
                error = WebSocketError._unvalidated(
                    opening_error.message, close_code=code, reason=reason
                )
                error.__cause__ = opening_error.__cause__
            else:
                error = self._unclean_close_error(code, reason)
            if readable is not None:
                readable_stream_default_controller_error(readable, error)
            if writable is not None:
                writable_stream_default_controller_error_if_needed(writable, error)
            if self._sink_close_promise is not None:
                reject_promise(self._sink_close_promise, error)
            reject_promise(self._closed_promise, error)
        if self._unsendable_writes:
            stored = (
                writable_stream_error_state(self._writable)[1]
                if self._writable is not None
                else None
            )
            for write in self._unsendable_writes:
                reject_promise(write, stored or self._closing_error_object())
            self._unsendable_writes.clear()
        if pending is not None:
            _erroring, stored_error = (
                writable_stream_error_state(self._writable)
                if self._writable is not None
                else (False, None)
            )
            reject_promise(pending[0], stored_error or self._closing_error_object())

    def _opening_failed_error(self, code: int | None, reason: str) -> WebSocketError:
        """The error for a connection that never opened (the client names the cause)."""
        return WebSocketError._unvalidated(
            "WebSocket closed before handshake complete.", close_code=code, reason=reason
        )

    def _unclean_close_error(self, code: int, reason: str) -> WebSocketError:
        """The error for an unclean close of an open connection: when this end failed it
        (a protocol error, a message over ``max_size``, a keepalive timeout), the message
        says why; a message over ``max_size`` reports the 1009 this end sent."""
        session = self._session
        failure = session.connection.failure if session is not None else None
        if failure is None or failure.code == 1006:
            return WebSocketError._unvalidated(
                "WebSocket was not cleanly closed.", close_code=code, reason=reason
            )
        if failure.code == MESSAGE_TOO_BIG:
            detail = failure.reason
            if detail == "message too big" and session is not None:
                limit = session.connection.max_size
                detail = f"a received message is larger than max_size ({limit} bytes)"
            return WebSocketError._unvalidated(
                f"WebSocket connection failed: {detail}; sent close code 1009",
                close_code=MESSAGE_TOO_BIG,
                reason=failure.reason,
            )
        return WebSocketError._unvalidated(
            f"WebSocket connection failed: {failure.reason or 'error'}; "
            f"sent close code {failure.code}",
            close_code=code,
            reason=reason,
        )

    # ----------------------------------------------------------------- stream operations

    # WebSockets §"pull bytes"
    def _pull_bytes(self) -> Promise[None]:
        session = self._session
        if session is not None:
            session.release_backpressure()
        return self._resolved_none  # the readable reacts to it at once (react_now)

    # WebSockets §"cancel"
    def _cancel(self, reason: Any) -> Promise[None]:
        self._close_using_reason(reason)
        return promise_resolved_with(None)

    # WebSockets §"write"
    def _write(self, chunk: Any) -> Promise[None]:
        if type(chunk) is bytes:  # to_message's first question, asked here (the hot path)
            data: str | bytes = chunk
        else:
            try:
                data = to_message(chunk)
            except TypeError as exc:
                return promise_rejected_with(exc)
        session = self._session
        assert session is not None
        # (The ready state is not OPEN, asked without building it: this runs per message.)
        if self._close_requested or self._closed_reported or session.connection.state >= CLOSING:
            # The connection failed (or ended) and the close is not reported yet (a closing
            # handshake would have errored the writable): the message cannot be sent, so the
            # write must not resolve; it rejects with the close's error.
            unsendable: Promise[None] = new_promise()
            self._unsendable_writes.append(unsendable)
            return unsendable
        if session.send(data):  # True while there is buffer space
            return self._resolved_none
        # "Wait until there is sufficient buffer space": the message is accepted once the
        # bounded transport buffer drains below its limit.
        result: Promise[None] = new_promise()
        pending = (result, session.queued_mark())
        self._pending_write = pending
        waiter = session.wait_for_buffer_space()
        waiter.add_done_callback(lambda w: self._write_settled(w, pending))
        return result

    def _write_settled(self, waiter: Promise[None], pending: tuple[Promise[None], int]) -> None:
        result = pending[0]
        error = None if waiter.cancelled() else waiter.exception()
        if self._pending_write is not pending:
            return  # settled by session_closed
        if error is None:
            self._pending_write = None
            resolve_promise(result)
            return
        if not self._closed_reported:
            # The closing handshake started: the message is queued ahead of the Close, so
            # whether it was sent is known once the connection is closed (session_closed).
            return
        self._pending_write = None
        # The closing handshake started or the connection ended: by now the writable is
        # erroring with the error the endpoint chose (InvalidStateError, or the unclean
        # close's WebSocketError); the pending write rejects with that very object, as a
        # later write() does (Chromium rejects it with the sink's stored error).
        writable = self._writable
        if writable is not None:
            erroring, stored_error = writable_stream_error_state(writable)
            if erroring:
                error = stored_error
        reject_promise(result, error)

    # WebSockets §"close" (the sink's close algorithm)
    def _close_sink(self) -> Promise[None]:
        # As Chromium and the web-platform-tests: resolves when the closing handshake
        # completes cleanly, rejects if the close is unclean.
        self._sink_close_promise = new_promise()
        self._close_the_websocket()
        return self._sink_close_promise

    # WebSockets §"abort"
    def _abort_sink(self, reason: Any) -> Promise[None]:
        self._close_using_reason(reason)
        return promise_resolved_with(None)


def _start_nothing() -> None:
    return None
