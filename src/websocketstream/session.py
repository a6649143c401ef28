"""The session layer: one :class:`asyncio.BufferedProtocol` per WebSocket connection.

A :class:`Session` joins a transport to a Sans-I/O :class:`~websocketstream.protocol.Connection`
and owns everything time- and flow-related, for ``WebSocketStream``, ``WebSocket`` and the
server alike:

* **Read pacing.** Messages reach the :class:`SessionHandler` one at a time and only while
  backpressure is released (:meth:`Session.release_backpressure`; the handler re-applies it per
  message if it wants).  Unparsed bytes stay in the connection's buffer; the socket is read only
  while the buffer holds less than ``read_limit`` bytes or a released reader waits for the rest
  of a message, so memory stays within ``max_size`` + ``read_limit`` + one read.  Once a Close
  frame was sent or received, every buffered message is handed over (never dropped) and the
  socket is drained so the closing handshake can finish.
* **Write pacing.** The first message since the last flush is written at once; the ones
  that follow in the same loop iteration are coalesced into one ``transport.write`` at its
  end (or at once past ``FLUSH_SIZE``).
  :meth:`Session.has_buffer_space` is False while the transport's buffer is above its high-water
  mark (``write_limit``); :meth:`Session.wait_for_buffer_space` waits for it to drain.
  Control replies obey it too: while the transport is above its mark, Pongs wait (one, for
  the latest Ping, RFC 6455 §5.5.3), and a second Ping meanwhile stops reading until the
  transport drains, so a peer flooding Pings and never reading the Pongs is held back by TCP.
* **Closing.** The closing handshake, its timeout (``close_timeout``: no Close from the peer in
  time means an unclean close with code 1006; a server that answered but keeps TCP open is
  disconnected after ``TCP_CLOSE_WAIT`` (2 s, or ``close_timeout`` if shorter) and the close
  stays clean, as in Chromium; our Close still stuck behind
  unsent data means the TCP connection is aborted) and the final report
  (:meth:`SessionHandler.session_closed` with ``was_clean``, code and reason).
  :meth:`SessionHandler.session_closing` is called only for a closing handshake (a Close
  frame sent or received); a failed connection, or one whose TCP connection ended without a
  Close frame, goes straight to ``session_closed``, where :attr:`Session.failed` tells the
  two apart (the classic ``WebSocket`` fires ``error`` only for a failed connection).  A
  failed connection (our Close sent) half-closes TCP and reads and discards until the peer's
  EOF (or ``close_timeout``) before it closes the transport, so no RST destroys the Close on
  its way.  A server reports the close when TCP ends; a client reports it at once, as
  Chromium does, and lingers in a background task (cancelled, closing the transport, if the
  loop shuts down first).  Past the peer's EOF,
  buffered messages are handed over regardless of backpressure, so a Close frame behind them
  is still seen.
* **Keepalive.** A Ping every ``ping_interval`` seconds (the APIs default to 20 s); no Pong
  within ``ping_timeout`` (20 s) fails the connection with 1011.  :meth:`Session.ping` sends
  one on demand and resolves with the round-trip time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Final, Protocol

from ._promise import (
    Promise,
    new_promise,
    perform_microtask_checkpoint,
    reject_promise,
    resolve_promise,
    set_promise_is_handled_to_true,
)
from .dom.exceptions import InvalidStateError
from .protocol.connection import (
    BINARY,
    CLOSE,
    CLOSED,
    CLOSING,
    CONNECTING,
    HANDSHAKE,
    LARGE_PART,
    PONG,
    REQUEST,
    TEXT,
    Connection,
)
from .protocol.handshake import HandshakeRequest
from .protocol.state import State, ready_state

__all__ = [
    "DEFAULT_CLOSE_TIMEOUT",
    "DEFAULT_PING_INTERVAL",
    "DEFAULT_PING_TIMEOUT",
    "DEFAULT_READ_LIMIT",
    "DEFAULT_WRITE_LIMIT",
    "Session",
    "SessionHandler",
]

#: Protocol failures (a peer breaking RFC 6455, a message over max_size, a keepalive
#: timeout): WARNING when the peer broke the protocol, INFO otherwise.
protocol_logger = logging.getLogger("websocketstream.protocol")
# Close codes this end sends when the peer broke the protocol.
_PEER_FAULTS: Final = frozenset({1002, 1003, 1007})

#: Keepalive: seconds between Pings, and seconds a Pong may take (as websockets' defaults).
DEFAULT_PING_INTERVAL: Final = 20.0
DEFAULT_PING_TIMEOUT: Final = 20.0
#: Seconds to wait for the peer's Close frame (and then for the server to end TCP).
DEFAULT_CLOSE_TIMEOUT: Final = 10.0
#: Seconds a client waits for the server to close TCP after the closing handshake
#: (Chromium's kUnderlyingConnectionCloseTimeout).
TCP_CLOSE_WAIT: Final = 2.0
#: Unparsed bytes read ahead of the reader before the socket is paused.
DEFAULT_READ_LIMIT: Final = 64 * 1024
#: High-water mark of the transport's write buffer; ``write()`` waits above it.
DEFAULT_WRITE_LIMIT: Final = 64 * 1024
#: Queued outgoing bytes that are flushed at once rather than at the end of the iteration.
FLUSH_SIZE: Final = 64 * 1024
#: Seconds without large frames after which a connection's reusable large-frame buffers (up to
#: 4 MiB each way) are released: checked every BUFFER_IDLE_TIME, released at the second check
#: that saw no large frame.
BUFFER_IDLE_TIME: Final = 1.0
#: Size of the receive buffer shared by the sessions of a thread.
RECEIVE_BUFFER_SIZE: Final = 256 * 1024


class _SharedReceiveBuffer(threading.local):
    """One receive buffer per thread, shared by all its sessions, made on first use.

    asyncio calls ``get_buffer()`` and then ``buffer_updated()`` synchronously, and the
    connection copies what it keeps, so the buffer is free again once ``buffer_updated()``
    returns: an idle connection costs no receive buffer at all.
    """

    view: memoryview | None = None

    def get(self) -> memoryview:
        view = self.view
        if view is None:
            view = self.view = memoryview(bytearray(RECEIVE_BUFFER_SIZE))
        return view


_receive_buffer: Final = _SharedReceiveBuffer()


class SessionHandler(Protocol):
    """What the API layer (WebSocketStream, WebSocket, server connections) implements."""

    def session_opened(self) -> None:
        """The opening handshake succeeded (client) or was accepted (server)."""

    def session_message(self, data: str | bytes) -> None:
        """A complete message (``str`` text, ``bytes`` binary)."""

    def session_closing(self) -> None:
        """The closing handshake started (a Close frame was sent or received); not called
        when the connection fails or ends without a Close frame."""

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        """The connection is closed; called exactly once, last.  :attr:`Session.failed`
        says whether it was failed rather than closed."""


class _DetachedHandler:
    """The handler of a closed session: its real handler was told everything."""

    def session_opened(self) -> None:
        pass

    def session_message(self, data: str | bytes) -> None:
        pass

    def session_closing(self) -> None:
        pass

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        pass


_DETACHED: Final = _DetachedHandler()


class Session(asyncio.BufferedProtocol):
    """One WebSocket connection's I/O: see the module docstring."""

    # Slots: one per connection, and a dict of this size would cost more than 1 KiB.
    __slots__ = (
        "__weakref__",
        "_answer_pending",
        "_backpressure",
        "_close_timeout",
        "_closed",
        "_closing_armed",
        "_closing_reported",
        "_direct",
        "_eof",
        "_flush_handle",
        "_idle_handle",
        "_large_activity",
        "_lingering",
        "_loop",
        "_lost",
        "_on_request",
        "_opened",
        "_ping_count",
        "_ping_handle",
        "_ping_interval",
        "_ping_timeout",
        "_pings",
        "_pong_deadline",
        "_processing",
        "_read_limit",
        "_reading_paused",
        "_space_waiters",
        "_tcp_wait_armed",
        "_timer",
        "_unflushed",
        "_unsent_at_end",
        "_write_limit",
        "_writing_paused",
        "_written",
        "closed",
        "connection",
        "handler",
        "handshake_done",
        "lost_error",
        "transport",
    )

    def __init__(
        self,
        connection: Connection,
        handler: SessionHandler,
        *,
        backpressure: bool = True,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        ping_interval: float | None = None,
        ping_timeout: float | None = None,
        read_limit: int = DEFAULT_READ_LIMIT,
        write_limit: int = DEFAULT_WRITE_LIMIT,
        on_request: Callable[[Session, HandshakeRequest], None] | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self.connection = connection
        self.handler = handler
        self.transport: asyncio.Transport | None = None
        self._backpressure = backpressure
        self._close_timeout = close_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._read_limit = read_limit
        self._write_limit = write_limit
        self._on_request = on_request
        self._direct = False  # get_buffer returned the connection's view, not ours
        self._reading_paused = False
        self._writing_paused = False
        self._space_waiters: deque[Promise[None]] | None = None  # made when first needed
        self._flush_handle: asyncio.Handle | None = None
        # Large frames flowed since the last idle check (see _large_frames_flowed).
        self._large_activity = False
        self._idle_handle: asyncio.TimerHandle | None = None
        self._unflushed = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tcp_wait_armed = False
        self._ping_handle: asyncio.TimerHandle | None = None
        # Pings awaiting their Pong, oldest first: payload -> (time sent, promise).
        self._pings: dict[bytes, tuple[float, Promise[float]]] = {}
        self._ping_count = 0
        self._pong_deadline: asyncio.TimerHandle | None = None
        self._opened = False
        self._eof = False
        self._closing_armed = False
        self._closing_reported = False
        self._closed = False
        self._processing = False
        self._lingering = False
        # Server: the request went to an async hook (process_request) whose answer is not
        # queued yet; reading pauses meanwhile (see _update_reading).
        self._answer_pending = False
        # A failing client's background lingering close waits for this (set when it starts).
        self._lost: asyncio.Future[None] | None = None
        # Write bookkeeping (see queued_mark/was_sent): bytes handed to the transport so far,
        # and those of them known not to have reached the socket when it was lost.
        self._written = 0
        self._unsent_at_end = 0
        #: Resolved when the opening handshake succeeds; rejected if the connection ends first.
        self.handshake_done: Promise[None] = new_promise()
        set_promise_is_handled_to_true(self.handshake_done)
        #: The error that ended the transport (``connection_lost``'s argument), if any.
        self.lost_error: Exception | None = None
        #: Resolved once :meth:`SessionHandler.session_closed` has been called.
        self.closed: Promise[None] = new_promise()

    # ----------------------------------------------------------------- transport events

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start: write the handshake request (client) and set the write limit."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(high=self._write_limit)
        self._flush()

    def get_buffer(self, sizehint: int) -> memoryview:
        """The thread's shared receive buffer, or the missing part of a large frame's payload
        (asyncio.BufferedProtocol: the socket is read straight into it)."""
        view = self.connection.receive_buffer()
        if view is None:
            self._direct = False
            return _receive_buffer.get()
        self._direct = True
        return view

    def buffer_updated(self, nbytes: int) -> None:
        """Bytes arrived: buffer them in the connection, then hand over what is wanted."""
        if self._direct:
            self._direct = False
            self.connection.received_into(nbytes)
            # Read into a large frame's buffer (or the spare one, at a frame boundary).
            if nbytes >= LARGE_PART:
                self._large_activity = True
            if self._idle_handle is None:
                self._large_frames_flowed()
        else:
            view = _receive_buffer.view
            assert view is not None
            self.connection.receive_data(view[:nbytes])
        self._process()
        # As after an HTML task: the reader (or writer) these bytes settled resumes now.
        perform_microtask_checkpoint(self._loop)

    def eof_received(self) -> bool | None:
        """The peer ended its side: let the connection see it, then close the transport."""
        self._eof = True
        self.connection.receive_eof()
        self._process()
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        """The transport is gone: report the close, exactly once."""
        if exc is not None and self.lost_error is None:
            self.lost_error = exc.with_traceback(None)  # its frames would hold this session
        conn = self.connection
        if exc is not None and self._writing_paused:
            # Lost on an error with the transport's buffer above the write limit: its tail
            # (the last messages queued) did not reach the socket.
            self._unsent_at_end = max(self._unsent_at_end, self._write_limit + 1)
        self._eof = True
        conn.receive_eof()
        self._cancel_timers()
        self._process()
        self._report_closed()
        lost = self._lost
        if lost is not None:
            self._lost = None
            if not lost.done():
                lost.set_result(None)

    def pause_writing(self) -> None:
        """The transport's buffer went above ``write_limit``: Pongs wait (see
        _update_reading)."""
        self._writing_paused = True
        self.connection.hold_pongs = True

    def resume_writing(self) -> None:
        """The transport's buffer drained: wake the writers waiting for space."""
        self._writing_paused = False
        conn = self.connection
        conn.release_pongs()
        if conn.has_data_to_send():
            self._flush()
        self._update_reading()
        waiters = self._space_waiters
        while waiters and not self._writing_paused:
            resolve_promise(waiters.popleft())
        perform_microtask_checkpoint(self._loop)

    # ----------------------------------------------------------------- reading

    def apply_backpressure(self) -> None:
        """Stop handing messages to the handler (WebSocketStream: after each message)."""
        self._backpressure = True

    def release_backpressure(self) -> None:
        """Hand over the next message(s) (WebSocketStream: the readable's pull)."""
        if self._backpressure:
            self._backpressure = False
            self._process()

    def _process(self) -> None:
        # Hand events to the handler while it wants them (or while draining), then flush
        # replies and adjust the socket's read pause.
        if self._processing:
            return
        self._processing = True
        try:
            conn = self.connection
            if conn.state is CONNECTING:
                self._handshake_step()
            handler = self.handler
            # Past the peer's EOF nothing more can arrive and backpressure has nothing left to
            # hold back: hand over what is buffered (a Close frame behind unread messages
            # included) before the close is reported.
            # (conn.state >= CLOSING is conn.close_expected(), inlined on this per-message path.)
            while self._opened and (not self._backpressure or self._eof or conn.state >= CLOSING):
                event = conn.next_event()
                if event is None:
                    break
                kind = event[0]
                if kind == TEXT or kind == BINARY:  # noqa: PLR1714 SIM109 -- hot path
                    handler.session_message(event[1])  # type: ignore[arg-type]
                elif kind == CLOSE:
                    self._closing_started()
                elif kind == PONG:
                    self._pong_received(event[1])  # type: ignore[arg-type]
            if conn.state >= CLOSING:
                self._closing_started()
                if conn.client and conn.closing_handshake_done and not self._tcp_wait_armed:
                    self._wait_for_server_to_close_tcp()
            if conn.has_data_to_send():  # replies queued by the connection (or unflushed sends)
                self._flush()
            if conn.should_close_transport and self.transport is not None:
                self._close_transport(self.transport)
            self._update_reading()
        finally:
            self._processing = False

    def _close_transport(self, transport: asyncio.Transport) -> None:
        # Closing a socket with unread input makes the kernel send RST, which can destroy what
        # we sent last before the peer reads it.  So, rather than closing at once, a "lingering
        # close" (as nginx and the websockets server do): half-close our side when the transport
        # can (not over TLS: the peer then ends TCP after reading our Close, or close_timeout
        # does), then read and discard until the peer's EOF or close_timeout, for
        # - a server's refused handshake (an HTTP error response);
        # - a failed connection (RFC 6455 §7.1.7) whose Close was sent, so the peer sees its
        #   code (1002, 1007, 1009, 1011).  A server reports the close when TCP ends; a client
        #   reports it at once, as Chromium does, and lingers in the background.
        if self._eof or transport.is_closing():
            transport.close()
            return
        conn = self.connection
        refused = not self._opened and not conn.client and transport.can_write_eof()
        failed = self._opened and conn.failure is not None and conn.close_sent is not None
        if refused or failed:
            if not self._lingering:
                self._lingering = True
                if transport.can_write_eof():
                    transport.write_eof()
                if conn.client:
                    # As before a close at once: reported in the next loop iteration.
                    self._loop.call_soon(self._report_then_linger, transport)
                else:
                    self._arm_close_timer()
            return
        transport.close()

    def _report_then_linger(self, transport: asyncio.Transport) -> None:
        # A failing client: the failure is reported now; the transport stays open, reading
        # and discarding, until the server's EOF or close_timeout (a task, so that a loop
        # shutting down cancels it and closes the transport instead of leaking it).
        self._report_closed()
        if not transport.is_closing():
            self._lost = self._loop.create_future()
            self._loop.create_task(self._linger(transport, self._lost))

    async def _linger(self, transport: asyncio.Transport, lost: asyncio.Future[None]) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(lost), self._close_timeout)
        except TimeoutError:
            pass
        finally:
            if not lost.done():
                self._abort_transport(transport)

    def _handshake_step(self) -> None:
        conn = self.connection
        event = conn.next_event()
        if event is None:
            return
        if event[0] == HANDSHAKE:
            self._open()
        elif event[0] == REQUEST:
            assert self._on_request is not None
            self._on_request(self, event[1])
            # Not answered yet (an async hook): the client must wait for the answer before it
            # sends more (RFC 6455 §4.1), so what it sends meanwhile stays in the kernel's
            # buffers, not in ours (unbounded otherwise: a client flooding during the hook).
            self._answer_pending = conn.state is CONNECTING and not conn.client

    def handshake_answered(self) -> None:
        """Server: the answer to the request was queued later than the request arrived (an
        async hook): send it, and close the transport if it was not an upgrade."""
        self._answer_pending = False
        self._process()

    def accepted(self) -> None:
        """Server: the handshake response was queued; the connection is open."""
        self._flush()
        self._open()

    def _open(self) -> None:
        self._opened = True
        resolve_promise(self.handshake_done)
        self._schedule_ping()
        self.handler.session_opened()

    def _update_reading(self) -> None:
        conn = self.connection
        want = (
            not self._backpressure
            or not self._opened
            or conn.state >= CLOSING  # conn.close_expected()
            or conn.buffered < self._read_limit
        ) and not ((self._writing_paused and conn.pings_held > 1) or self._answer_pending)
        if want is not self._reading_paused:
            return  # reading (not paused) and wanted, or paused and not wanted: no change
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if want:
            self._reading_paused = False
            transport.resume_reading()
        else:
            self._reading_paused = True
            transport.pause_reading()

    # ----------------------------------------------------------------- writing

    def has_buffer_space(self) -> bool:
        """True while a message may be sent without exceeding the write limit."""
        return not self._writing_paused and self._unflushed < self._write_limit

    def wait_for_buffer_space(self) -> Promise[None]:
        """A promise resolved once the transport's buffer drains below the limit.

        Rejected with ``InvalidStateError`` when the closing handshake starts first.
        """
        waiter: Promise[None] = new_promise()
        if self.has_buffer_space():
            resolve_promise(waiter)
        elif self.connection.close_expected() or self._closed:
            reject_promise(waiter, InvalidStateError("The WebSocket is closing."))
        else:
            if not self._writing_paused:
                self._flush()  # unflushed bytes count against the limit: hand them over
                if self.has_buffer_space():
                    resolve_promise(waiter)
                    return waiter
            if self._space_waiters is None:
                self._space_waiters = deque()
            self._space_waiters.append(waiter)
        return waiter

    def reject_space_waiters(self, error: BaseException) -> None:
        """Reject every writer waiting for buffer space (the closing handshake started)."""
        waiters, self._space_waiters = self._space_waiters, None
        for waiter in waiters or ():
            reject_promise(waiter, error)

    def send(self, data: str | bytes) -> bool:
        """Queue a text (``str``) or binary (``bytes``) message; flushed this iteration.

        Returns :meth:`has_buffer_space` (whether another message may follow at once).
        """
        if type(data) is bytes:
            self.connection.send_binary(data)
        elif isinstance(data, str):
            self.connection.send_text(data)
        else:
            self.connection.send_binary(data)
        unflushed = self._unflushed + len(data)
        if unflushed >= FLUSH_SIZE:
            self._flush()
        elif self._flush_handle is None:
            # The first message since the last flush goes out at once (no added latency);
            # the ones that follow in this loop iteration are coalesced into one write at
            # its end.
            self._flush()
            self._flush_handle = self._loop.call_soon(self._flush)
        else:
            self._unflushed = unflushed
        return not self._writing_paused and self._unflushed < self._write_limit

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._unflushed = 0
        parts = self.connection.data_to_send_parts()
        if not parts:
            return
        transport = self.transport
        if transport is not None and not transport.is_closing():
            for part in parts:
                # A large part goes as a memoryview: what the socket does not take at once is
                # then copied once into the transport's buffer, not sliced (copied) first.
                transport.write(part if len(part) < LARGE_PART else memoryview(part))
                self._written += len(part)
            conn = self.connection
            if conn.send_buffers_lent():
                self._large_frames_flowed(sent=True)
                if transport.get_write_buffer_size() == 0:
                    # All sent: the transport keeps no reference to the parts (asyncio 3.12+
                    # may queue the memoryview itself otherwise), so the connection's send
                    # buffer may be reused.
                    conn.send_buffers_released()

    def _large_frames_flowed(self, sent: bool = False) -> None:
        # The reusable large-frame buffers exist for speed while large messages flow; once
        # they stop, the buffers are released (memory per idle connection stays small).
        if sent:
            self._large_activity = True
        if self._idle_handle is None and not self._closed:
            self._idle_handle = self._loop.call_later(BUFFER_IDLE_TIME, self._check_idle_buffers)

    def _check_idle_buffers(self) -> None:
        self._idle_handle = None
        if self._large_activity:
            self._large_activity = False
            self._idle_handle = self._loop.call_later(BUFFER_IDLE_TIME, self._check_idle_buffers)
        else:
            self.connection.release_large_buffers()

    def queued_mark(self) -> int:
        """Hand everything queued to the transport now; returns the position (in bytes
        written on this connection) just past the last message sent, for :meth:`was_sent`."""
        self._flush()
        return self._written

    def was_sent(self, mark: int) -> bool:
        """True if every byte up to ``mark`` (from :meth:`queued_mark`) reached the socket, or
        still will (it is in the transport's buffer and the transport is not aborted):
        a write is either rejected and not sent, or resolved and sent."""
        return self._written - self._unsent_at_end >= mark

    @property
    def ready_state(self) -> State:
        """The WebSocket ``readyState`` of this connection (0..3): the connection's state, OPEN
        and CLOSED only once reported to the handler (see :func:`.protocol.state.ready_state`)."""
        return ready_state(self.connection.state, self._opened, self._closed)

    @property
    def buffered_amount(self) -> int:
        """Bytes handed to the session and not yet written to the socket."""
        transport = self.transport
        pending = transport.get_write_buffer_size() if transport is not None else 0
        return pending + self._unflushed

    # ----------------------------------------------------------------- closing

    def close(self, code: int | None = None, reason: str = "") -> None:
        """Start the closing handshake (a Close frame; empty body if ``code`` is None), or
        fail the connection if it is not open yet.  Does nothing once closing started.
        """
        conn = self.connection
        if self._closed or conn.close_expected():
            return
        if conn.state is CONNECTING:
            self.abort()
            return
        conn.send_close(code, reason)
        self._flush()
        self._closing_started()
        self._update_reading()

    def fail(self, code: int, reason: str = "") -> None:
        """Fail the connection with ``code`` (a Close frame if possible, then end TCP)."""
        if self._closed:
            return
        self.connection.fail(code, reason)
        self._process()

    def abort(self) -> None:
        """End the TCP connection at once (an unclean close, code 1006)."""
        if self.transport is not None:
            self._abort_transport(self.transport)
        elif not self._closed:
            self._report_closed()

    @property
    def failed(self) -> bool:
        """True when the connection was failed (RFC 6455 §7.1.7 "Fail the WebSocket
        Connection"): the opening handshake did not succeed, or a protocol violation,
        ``fail()`` or the keepalive ended it.  False for a closing handshake (clean or
        timed out) and for a TCP connection that just ended."""
        return not self._opened or self.connection.failure is not None

    def _closing_started(self) -> None:
        if self._closing_reported:
            return
        if not self._closing_armed:
            self._closing_armed = True
            self._stop_keepalive()
            self._arm_close_timer()
        conn = self.connection
        if conn.failure is not None or (conn.close_sent is None and conn.close_rcvd is None):
            # Not a closing handshake: the connection failed or the TCP connection ended
            # without a Close frame.  The handler hears of it once, in session_closed (an
            # unclean close: one WebSocketError for both streams, no InvalidStateError).
            return
        self._closing_reported = True
        self.reject_space_waiters(InvalidStateError("The WebSocket is closing."))
        self.handler.session_closing()

    def _wait_for_server_to_close_tcp(self) -> None:
        # RFC 6455 §7.1.1: the server closes TCP first; a client that finished the closing
        # handshake waits only TCP_CLOSE_WAIT for it, then closes TCP itself (a clean close),
        # as Chromium does, instead of the rest of close_timeout.
        self._tcp_wait_armed = True
        delay = TCP_CLOSE_WAIT
        if self._close_timeout is not None:
            delay = min(delay, self._close_timeout)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_later(delay, self._close_timed_out)

    def _arm_close_timer(self) -> None:
        if self._close_timeout is None or self._timer is not None:
            return
        self._timer = self._loop.call_later(self._close_timeout, self._close_timed_out)

    def _close_timed_out(self) -> None:
        # No Close from the peer in time, or the server kept TCP open after the handshake.
        self._timer = None
        transport = self.transport
        if transport is not None:
            if self.connection.closing_handshake_done and transport.get_write_buffer_size() == 0:
                transport.close()
            else:
                # No Close from the peer, or ours is still stuck behind unsent data in the
                # transport (a graceful close would wait for a drain that may never come).
                self._abort_transport(transport)

    def _abort_transport(self, transport: asyncio.Transport) -> None:
        # What the transport still holds is dropped: remember how much (see was_sent).
        with contextlib.suppress(AttributeError):  # an SSL transport once closed
            pending = transport.get_write_buffer_size()
            self._unsent_at_end = max(self._unsent_at_end, pending)
        transport.abort()

    def _report_closed(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._cancel_timers()
        conn = self.connection
        was_clean = conn.closing_handshake_done and conn.failure is None and conn.state is CLOSED
        if not self._opened:
            was_clean = False
        reject_promise(self.handshake_done, ConnectionError("the opening handshake failed"))
        self.reject_space_waiters(InvalidStateError("The WebSocket is closed."))
        self._reject_pings()
        code = conn.close_code if was_clean or conn.close_rcvd is not None else 1006
        conn.release_large_buffers()
        failure = conn.failure
        if failure is not None and self._opened and failure.code != 1006:
            self._log_failure(failure.code, failure.reason)
        handler = self.handler
        # The handler (the endpoint) holds this session: drop the way back, so a closed
        # connection is freed by reference counting alone (no cycle for the cyclic GC).
        self.handler = _DETACHED
        handler.session_closed(was_clean, code, conn.close_reason)
        resolve_promise(self.closed)

    def _log_failure(self, code: int, reason: str) -> None:
        level = logging.WARNING if code in _PEER_FAULTS else logging.INFO
        if protocol_logger.isEnabledFor(level):
            transport = self.transport
            peer = transport.get_extra_info("peername") if transport is not None else None
            role = "client" if self.connection.client else "server"
            protocol_logger.log(
                level, "%s connection with %s failed: %s (close code %d)", role, peer, reason, code
            )

    def _cancel_timers(self) -> None:
        for handle in (self._timer, self._flush_handle, self._idle_handle):
            if handle is not None:
                handle.cancel()
        self._timer = None
        self._flush_handle = None
        self._idle_handle = None
        self._stop_keepalive()

    # ----------------------------------------------------------------- keepalive

    def ping(self) -> Promise[float]:
        """Send a Ping; the promise resolves with the round-trip time in seconds when its Pong
        arrives (a Pong answering a later Ping answers the earlier ones too: RFC 6455 §5.5.3
        lets a peer answer only the latest).  Rejected with ``InvalidStateError`` if the
        connection closes first; marked as handled (an unawaited ping logs nothing).

        Raises ``InvalidStateError`` if the connection is not open or is closing.
        """
        if not self._opened or self._closed or self.connection.close_expected():
            raise InvalidStateError("ping() needs an open WebSocket")
        self._ping_count += 1
        payload = self._ping_count.to_bytes(4, "big")
        waiter: Promise[float] = new_promise()
        set_promise_is_handled_to_true(waiter)
        self._pings[payload] = (self._loop.time(), waiter)
        self.connection.send_ping(payload)
        self._flush()
        return waiter

    def _pong_received(self, payload: bytes) -> None:
        pings = self._pings
        if payload not in pings:
            return  # unsolicited, or not one of ours
        now = self._loop.time()
        while pings:
            key, (sent, waiter) = next(iter(pings.items()))
            del pings[key]
            resolve_promise(waiter, now - sent)
            if key == payload:
                break

    def _reject_pings(self) -> None:
        pings, self._pings = self._pings, {}
        for _sent, waiter in pings.values():
            reject_promise(waiter, InvalidStateError("The WebSocket closed before the Pong."))

    def _schedule_ping(self) -> None:
        if self._ping_interval is not None and not self._closing_armed:
            self._ping_handle = self._loop.call_later(self._ping_interval, self._send_ping)

    def _send_ping(self) -> None:
        # Keepalive: a Ping every ping_interval; no Pong within ping_timeout fails with 1011.
        self._ping_handle = None
        if self.connection.close_expected() or self._closed:
            return
        waiter = self.ping()
        if self._ping_timeout is None:
            self._schedule_ping()
            return
        self._pong_deadline = self._loop.call_later(self._ping_timeout, self._ping_timed_out)
        waiter.add_done_callback(self._keepalive_pong)

    def _keepalive_pong(self, waiter: Promise[float]) -> None:
        if waiter.cancelled() or waiter.exception() is not None or self._pong_deadline is None:
            return
        self._pong_deadline.cancel()
        self._pong_deadline = None
        self._schedule_ping()

    def _ping_timed_out(self) -> None:
        self._pong_deadline = None
        self.fail(1011, "keepalive ping timeout")

    def _stop_keepalive(self) -> None:
        for handle in (self._ping_handle, self._pong_deadline):
            if handle is not None:
                handle.cancel()
        self._ping_handle = None
        self._pong_deadline = None
