"""``WebSocket``: the WHATWG WebSockets Standard's classic, event-based client.

Example::

    ws = WebSocket("ws://127.0.0.1:8765/")
    ws.onopen = lambda event: ws.send("ping")
    ws.onmessage = lambda event: print(event.data)
    ws.onclose = lambda event: print("closed", event.code, event.reason)

It stands on the same session layer as ``WebSocketStream`` (``client.py`` connects it,
``session.py`` paces writes, runs the closing handshake and its timeout): only the feedback to
the application differs.  Each of the Standard's "queue a task" steps is one event-loop callback,
so ``open``, every ``message``, the change to CLOSING and then ``error`` (for a failed
connection) and ``close`` are dispatched in that order, each in its own callback, after the
call that caused them has returned.

**No receive backpressure, by design** (the Standard's interface has none): the socket keeps
being read and every message is dispatched as it arrives, however slow the listeners are (an
``async def`` listener runs as a task and is not waited for).  Memory per message is bounded by
``max_size``; messages queued for dispatch are not.  An application that must slow a fast
peer down uses :class:`~websocketstream.WebSocketStream`, whose readable stream reads the
socket only as fast as it is read.  Sending has no backpressure either: pace it with
:attr:`WebSocket.buffered_amount`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from ._promise import get_loop, perform_microtask_checkpoint
from .client import DEFAULT_OPEN_TIMEOUT, ClientConnector, HeadersLike, client_options
from .dom.blob import Blob, blob_bytes, blob_from_bytes
from .dom.events import CloseEvent, Event, EventHandler, EventTarget, MessageEvent, fire_an_event
from .dom.exceptions import InvalidStateError
from .dom.websocket_error import to_usv_string, validate_close_code_and_reason
from .net import ProxySetting, SSLSetting
from .protocol.connection import DEFAULT_MAX_SIZE
from .protocol.state import CLOSED, CLOSING, CONNECTING, OPEN
from .protocol.state import ready_state as view_of_ready_state
from .session import DEFAULT_CLOSE_TIMEOUT, DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, Session
from .url import get_url_record, validate_protocols

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["BinaryType", "WebSocket"]

BinaryType = Literal["blob", "arraybuffer"]

#: Seconds between two looks at the transport while sent bytes wait in it below its
#: high-water mark (asyncio reports only crossing the marks); see ``buffered_amount``.
BUFFERED_AMOUNT_POLL: Final = 0.01


def _protocols_argument(protocols: Any) -> Any:
    # WebSockets PR 76: (DOMString or sequence<DOMString> or WebSocketInit) protocols; a
    # missing member (and Python's None) is the empty list.
    if protocols is None:
        return ()
    if isinstance(protocols, Mapping):
        value = protocols.get("protocols", ())
        return () if value is None else value
    return protocols


def _to_message(data: Any) -> tuple[str | bytes, int]:
    # The send() overloads: (BufferSource or Blob or USVString); returns the message and the
    # number of bytes it adds to bufferedAmount.
    if isinstance(data, str):
        text = to_usv_string(str(data))
        return text, len(text) if text.isascii() else len(text.encode("utf-8"))
    if type(data) is bytes:
        return data, len(data)
    if isinstance(data, Blob):
        raw = blob_bytes(data)
        return raw, len(raw)
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(
            "WebSocket.send() takes str (text), a bytes-like object or a Blob (binary), "
            f"not {type(data).__name__}"
        ) from None
    with view:
        raw = view.tobytes()  # a copy: later changes to the buffer are not sent
    return raw, len(raw)


class _ProtocolFeedback:
    """The :class:`~websocketstream.session.SessionHandler` of one :class:`WebSocket`: each
    session event queues the Standard's task (WebSockets §"Feedback from the protocol")."""

    __slots__ = ("_loop", "_ws")

    def __init__(self, ws: WebSocket) -> None:
        self._ws = ws
        self._loop = get_loop()

    def session_opened(self) -> None:
        self._loop.call_soon(self._ws._handle_connection_establishment)

    def session_message(self, data: str | bytes) -> None:
        self._loop.call_soon(self._ws._handle_a_websocket_message, data)

    def session_closing(self) -> None:
        self._loop.call_soon(self._ws._the_closing_handshake_is_started)

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        ws = self._ws
        session = ws._session
        failed = session is None or session.failed
        self._loop.call_soon(ws._handle_connection_close, was_clean, code, reason, failed)


class WebSocket(EventTarget):
    """``WebSocket(url, protocols=(), **extensions)``: the classic event-based client.

    Connects at once (a running event loop is needed).  ``protocols`` is a subprotocol name,
    a sequence of them, or a mapping ``{"protocols": ...}`` (the Standard's options
    dictionary).  A bad URL (unparsable, relative, a scheme other than ws/wss/http/https, a
    fragment) or a bad protocol list (an invalid token, a duplicate) raises
    :class:`~websocketstream.DOMSyntaxError` here.

    Events (each dispatched in its own event-loop callback): ``open``; ``message``
    (:class:`~websocketstream.MessageEvent`: ``data`` is a ``str`` for text, a
    :class:`~websocketstream.Blob` or ``bytes`` for binary as :attr:`binary_type` says, and
    ``origin`` is the URL's origin); ``error`` (a plain :class:`~websocketstream.Event`) when
    the connection failed: the opening handshake did not succeed, :meth:`close` was called
    while connecting, or the connection was failed for a protocol error, an oversized message
    or a keepalive timeout; and last ``close`` (:class:`~websocketstream.CloseEvent`:
    ``was_clean``, ``code``, ``reason``; code 1006 when no Close frame was received).
    Listeners may be plain functions or ``async def`` (run as tasks); an exception in one goes
    to the event loop's exception handler and never affects the connection.

    There is no receive backpressure (the socket is always read; see the module docstring)
    and no send backpressure (watch :attr:`buffered_amount`); use
    :class:`~websocketstream.WebSocketStream` when either matters.

    Keyword-only extensions (not in the standard), the same as ``WebSocketStream``'s, with
    the same defaults: ``headers``, ``ssl``, ``proxy``, ``compression``, ``max_size``,
    ``open_timeout``, ``close_timeout``, ``ping_interval``, ``ping_timeout``, ``unix_socket``.
    """

    CONNECTING: Final = CONNECTING
    OPEN: Final = OPEN
    CLOSING: Final = CLOSING
    CLOSED: Final = CLOSED

    onopen = EventHandler["WebSocket"]()
    onmessage = EventHandler["WebSocket"]()
    onerror = EventHandler["WebSocket"]()
    onclose = EventHandler["WebSocket"]()

    def __init__(
        self,
        url: str,
        protocols: str | Iterable[str] | Mapping[str, Any] | None = (),
        *,
        headers: HeadersLike | None = None,
        ssl: SSLSetting = None,
        proxy: ProxySetting = True,
        compression: str | None = "deflate",
        max_size: int | None = DEFAULT_MAX_SIZE,
        open_timeout: float | None = DEFAULT_OPEN_TIMEOUT,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        ping_interval: float | None = DEFAULT_PING_INTERVAL,
        ping_timeout: float | None = DEFAULT_PING_TIMEOUT,
        unix_socket: str | None = None,
    ) -> None:
        loop = get_loop()  # a running loop is needed
        # WebSockets §"new WebSocket(url, protocols)"
        url_record = get_url_record(url)
        protocol_list = validate_protocols(_protocols_argument(protocols), allow_string=True)
        options = client_options(
            url_record,
            headers=headers,
            ssl=ssl,
            proxy=proxy,
            compression=compression,
            max_size=max_size,
            open_timeout=open_timeout,
            close_timeout=close_timeout,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            unix_socket=unix_socket,
        )
        super().__init__()
        self._loop = loop
        self._url = url_record
        # The ready state is a view (see ready_state) of what the Standard's tasks have
        # reported and of close() (CLOSING at once, even while connecting).
        self._open_reported = False
        self._closing_reported = False
        self._close_reported = False
        self._close_requested = False
        self._binary_type: BinaryType = "blob"
        self._extensions = ""
        self._protocol = ""
        # bufferedAmount: the value scripts see, and the messages handed to the session whose
        # bytes may still wait in it (their lengths, oldest first).
        self._buffered_amount = 0
        self._in_flight: deque[int] = deque()
        self._in_flight_total = 0
        self._update_pending = False
        self._session: Session | None = None
        # Every message is handed over as it arrives: no receive backpressure.
        connector = ClientConnector(
            url_record,
            protocol_list,
            options,
            _ProtocolFeedback(self),
            on_session=self._attach,
            backpressure=False,
        )
        self._connector: ClientConnector | None = connector
        connector.start()

    def _attach(self, session: Session) -> None:
        self._session = session

    def __repr__(self) -> str:
        return f"WebSocket({self._url.href!r}, ready_state={self.ready_state})"

    # ----------------------------------------------------------------- attributes

    @property
    def url(self) -> str:
        """The serialized URL record (``http:`` became ``ws:``, ``https:`` became ``wss:``)."""
        return self._url.href

    # The one accessor of the ready state (also inside this class): the protocol layer's view
    # (protocol.state.ready_state), fed with what this object's tasks have reported.  It is
    # not the live connection's state: the Standard changes the ready state in queued tasks
    # (messages received before the peer's Close are dispatched while OPEN) and in close()
    # at once (CLOSING while the connection is still CONNECTING), as the endpoint's
    # close-requested flag does for WebSocketStream.
    @property
    def ready_state(self) -> int:
        """``CONNECTING`` (0), ``OPEN`` (1), ``CLOSING`` (2) or ``CLOSED`` (3), as of the last
        of the Standard's tasks that ran (and ``CLOSING`` as soon as :meth:`close` returns)."""
        if self._close_requested and not self._close_reported:
            return CLOSING
        state = CLOSING if self._closing_reported else OPEN
        return view_of_ready_state(state, self._open_reported, self._close_reported)

    @property
    def buffered_amount(self) -> int:
        """Bytes of application data (UTF-8 text, binary) given to :meth:`send` and not yet
        handed to the network.

        Grows at once in :meth:`send`, also after closing started (when nothing is sent any
        more: the Standard's "increase the bufferedAmount"), and shrinks only between
        event-loop iterations, as the bytes reach the socket.  With compression, the bytes
        still in the transport are counted as if uncompressed (see docs/deviations.md).
        """
        return self._buffered_amount

    @property
    def extensions(self) -> str:
        """The extensions the server selected (``""`` until ``open``)."""
        return self._extensions

    @property
    def protocol(self) -> str:
        """The subprotocol the server selected (``""`` until ``open``, or if none)."""
        return self._protocol

    @property
    def binary_type(self) -> BinaryType:
        """``"blob"`` (default: binary ``data`` is a :class:`~websocketstream.Blob`) or
        ``"arraybuffer"`` (``bytes``); chosen when each ``message`` event is dispatched.
        Setting any other value is ignored, as for a Web IDL enumeration."""
        return self._binary_type

    @binary_type.setter
    def binary_type(self, value: Any) -> None:
        if value == "blob" and isinstance(value, str):
            self._binary_type = "blob"
        elif value == "arraybuffer" and isinstance(value, str):
            self._binary_type = "arraybuffer"

    # ----------------------------------------------------------------- sending

    # WebSockets §"send(data)"
    def send(self, data: str | ReadableBuffer | Blob) -> None:
        """Send a text (``str``; lone surrogates become U+FFFD) or binary (a bytes-like
        object, copied now, or a :class:`~websocketstream.Blob`) message.

        Raises :class:`TypeError` for any other type and
        :class:`~websocketstream.InvalidStateError` while connecting; neither sends anything.
        Once closing started the message is not sent, but :attr:`buffered_amount` still grows.
        """
        message, size = _to_message(data)
        state = self.ready_state
        if state == CONNECTING:
            raise InvalidStateError("Still in CONNECTING state.")
        session = self._session
        if state == OPEN and session is not None and not session.connection.close_expected():
            session.send(message)
            self._in_flight.append(size)
            self._in_flight_total += size
            self._schedule_buffered_amount_update()
        self._buffered_amount += size

    def _schedule_buffered_amount_update(self) -> None:
        if not self._update_pending:
            self._update_pending = True
            self._loop.call_soon(self._update_buffered_amount)

    def _update_buffered_amount(self) -> None:
        # "as of the last time the event loop reached step 1": run between iterations.  The
        # messages at the front have reached the socket once the bytes still waiting in the
        # session and transport are covered by the messages behind them.
        self._update_pending = False
        session = self._session
        if session is None or self.ready_state == CLOSED or not self._in_flight:
            return
        transport = session.transport
        if transport is None or transport.is_closing():
            # The transport is going: what it still holds may be sent or dropped (an abort).
            # Stop here; the close task settles the count (all sent if the close was clean).
            return
        pending = session.buffered_amount
        in_flight = self._in_flight
        while in_flight and self._in_flight_total - in_flight[0] >= pending:
            size = in_flight.popleft()
            self._in_flight_total -= size
            self._buffered_amount -= size
        if not in_flight:
            return
        # Bytes still wait: look again when the transport drains below its limit, or soon.
        self._update_pending = True
        if session.has_buffer_space():
            self._loop.call_later(BUFFERED_AMOUNT_POLL, self._update_buffered_amount)
        else:
            session.wait_for_buffer_space().add_done_callback(self._buffer_space_freed)

    def _buffer_space_freed(self, waiter: Any) -> None:
        if not waiter.cancelled():
            waiter.exception()  # retrieved: a rejection only means the connection is closing
        self._loop.call_soon(self._update_buffered_amount)

    # ----------------------------------------------------------------- closing

    # WebSockets §"close(code, reason)" and §"close the WebSocket"
    def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Start the closing handshake with an optional code (1000 or 3000-4999, else
        :class:`~websocketstream.InvalidAccessError`) and reason (at most 123 UTF-8 bytes,
        else :class:`~websocketstream.DOMSyntaxError`; a reason alone sends code 1000).

        While connecting, the connection is failed instead: ``error`` then ``close``
        (``was_clean`` False, code 1006) follow.  Does nothing once closing started.
        """
        code, reason = validate_close_code_and_reason(code, reason)
        state = self.ready_state
        if state in (CLOSING, CLOSED):
            return
        if state == CONNECTING:
            # "Fail the WebSocket connection" (the close steps follow in later tasks).
            self._close_requested = True
            assert self._connector is not None
            self._connector.fail()
            return
        self._close_requested = True
        session = self._session
        assert session is not None
        session.close(code, reason)  # does nothing if the closing handshake already started

    # ----------------------------------------------------------------- feedback (tasks)

    # WebSockets §"handle connection establishment" (a queued task)
    def _handle_connection_establishment(self) -> None:
        if self.ready_state != CONNECTING:
            return  # close() failed the connection first (as Chromium): no open event
        session = self._session
        assert session is not None
        self._open_reported = True
        self._extensions = session.connection.extensions
        self._protocol = session.connection.subprotocol
        self._fire(Event("open"))

    # WebSockets §"handle a WebSocket message" (a queued task)
    def _handle_a_websocket_message(self, data: str | bytes) -> None:
        if self.ready_state != OPEN:
            return
        if type(data) is str:
            data_for_event: Any = data
        elif self._binary_type == "blob":
            data_for_event = blob_from_bytes(data)  # type: ignore[arg-type]
        else:
            data_for_event = data
        self._fire(MessageEvent("message", data=data_for_event, origin=self._url.origin))

    # WebSockets §"the WebSocket closing handshake is started" (a queued task)
    def _the_closing_handshake_is_started(self) -> None:
        self._closing_reported = True

    # WebSockets §"handle connection close" (a queued task)
    def _handle_connection_close(
        self, was_clean: bool, code: int, reason: str, failed: bool
    ) -> None:
        if self.ready_state == CLOSED:
            return
        if was_clean:
            # Our data preceded the Close frame the peer answered: all of it was sent.
            self._buffered_amount -= self._in_flight_total
            self._in_flight.clear()
            self._in_flight_total = 0
        failed_by_close = self._close_requested and not self._open_reported
        self._close_reported = True
        # Nothing more comes from the connection: let go of it, so that no reference cycle
        # (socket -> session -> handler -> socket) outlives the close.
        self._session = None
        self._connector = None
        if failed or failed_by_close:
            self._fire(Event("error"))
        self._fire(CloseEvent("close", was_clean=was_clean, code=code, reason=reason))

    def _fire(self, event: Event) -> None:
        # Fire an event, then the microtask checkpoint the HTML event loop performs after
        # each task (promise reactions the listeners caused run before the next event).
        fire_an_event(self, event)
        perform_microtask_checkpoint(self._loop)
