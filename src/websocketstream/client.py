"""Connecting a client, shared by ``WebSocketStream`` and ``WebSocket`` (api layer).

:func:`client_options` validates the keyword extensions both client constructors accept, with
the same defaults; :class:`ClientConnector` runs WebSockets §"establish a WebSocket connection"
for one :class:`~websocketstream.session.Session`: TCP (through a proxy if one applies), TLS
for ``wss:``, then the opening handshake, all within ``open_timeout``; a second connection to
the same host and port waits while the first is CONNECTING (RFC 6455 §4.1).  Any failure there is
"fail the WebSocket connection": the handler's ``session_closed(False, 1006, "")`` is called
exactly once, by the session if there is one, else by the connector.  One way to connect, fail
and time out, whichever API sits on top.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._promise import get_loop
from .dom.exceptions import DOMSyntaxError
from .dom.websocket_error import WebSocketError
from .failures import connection_failed_error, describe_failure
from .net import ProxySetting, SSLSetting, check_proxy_setting, check_ssl_setting, open_transport
from .protocol.connection import ClientConnection
from .protocol.errors import InvalidStatus
from .session import Session, SessionHandler
from .url import WebSocketURL, basic_authorization

__all__ = [
    "DEFAULT_OPEN_TIMEOUT",
    "ClientConnector",
    "ClientOptions",
    "HeadersLike",
    "client_options",
]

logger = logging.getLogger("websocketstream.client")

#: Seconds allowed for TCP, proxy, TLS and the opening handshake together.
DEFAULT_OPEN_TIMEOUT: Final = 10.0

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """The validated keyword extensions of a client (see ``docs/defaults.md``)."""

    headers: list[tuple[str, str]]
    ssl: SSLSetting
    proxy: ProxySetting
    compression: str | None
    max_size: int | None
    open_timeout: float | None
    close_timeout: float | None
    ping_interval: float | None
    ping_timeout: float | None
    unix_socket: str | None = None


def _check_timeout(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds or None")
    if math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be positive")
    return float(value)


def _check_max_size(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("max_size must be an int (bytes) or None")
    if value <= 0:
        raise ValueError("max_size must be positive")
    return value


def _headers_list(headers: HeadersLike | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: list[tuple[str, str]] = []
    for item in items:
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("headers must be str names and values")
        result.append((name, value))
    return result


def _with_credentials(headers: list[tuple[str, str]], url: WebSocketURL) -> list[tuple[str, str]]:
    # Credentials in the URL become Authorization: Basic, unless the headers set one.
    value = basic_authorization(url)
    if value is None or any(name.lower() == "authorization" for name, _ in headers):
        return headers
    return [*headers, ("Authorization", value)]


def client_options(
    url: WebSocketURL,
    *,
    headers: HeadersLike | None,
    ssl: SSLSetting,
    proxy: ProxySetting,
    compression: str | None,
    max_size: Any,
    open_timeout: Any,
    close_timeout: Any,
    ping_interval: Any,
    ping_timeout: Any,
    unix_socket: Any = None,
) -> ClientOptions:
    """Check a client's keyword extensions at the call, before anything is sent."""
    if unix_socket is not None and not isinstance(unix_socket, str):
        raise TypeError(f"unix_socket must be a str path or None, not {type(unix_socket).__name__}")
    if compression not in ("deflate", None):
        raise DOMSyntaxError(f"compression must be 'deflate' or None, not {compression!r}")
    check_ssl_setting(url, ssl)
    check_proxy_setting(proxy)
    return ClientOptions(
        headers=_with_credentials(_headers_list(headers), url),
        ssl=ssl,
        proxy=proxy,
        compression=compression,
        max_size=_check_max_size(max_size),
        open_timeout=_check_timeout("open_timeout", open_timeout),
        close_timeout=_check_timeout("close_timeout", close_timeout),
        ping_interval=_check_timeout("ping_interval", ping_interval),
        ping_timeout=_check_timeout("ping_timeout", ping_timeout),
        unix_socket=unix_socket,
    )


_CONNECTING: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[Any, ...], tuple[asyncio.Lock, list[int]]]
] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _connecting_lock(url: WebSocketURL, unix_socket: Any) -> AsyncIterator[None]:
    """RFC 6455 §4.1: one connection per host and port in the CONNECTING state at a time; a
    second waits until the first is established or has failed (as Chromium does)."""
    locks = _CONNECTING.setdefault(get_loop(), {})
    key = (url.hostname.lower(), url.port, unix_socket)
    lock, users = locks.setdefault(key, (asyncio.Lock(), [0]))
    users[0] += 1
    try:
        async with lock:
            yield
    finally:
        users[0] -= 1
        if not users[0]:
            del locks[key]


class ClientConnector:
    """Connects one client session for ``handler`` (see the module docstring).

    The handshake request is built here, so bad headers raise in the constructor.
    ``on_session`` is called with the session as soon as it exists (before its transport);
    ``backpressure`` is the session's initial read pacing (WebSocketStream: True, the
    readable pulls; WebSocket: False, every message is handed over as it arrives).
    """

    def __init__(
        self,
        url: WebSocketURL,
        protocols: tuple[str, ...],
        options: ClientOptions,
        handler: SessionHandler,
        *,
        on_session: Callable[[Session], None],
        backpressure: bool,
    ) -> None:
        self._url = url
        self._options = options
        # Both lead back to the endpoint, which holds this connector: dropped once connecting
        # is over, so a closed connection is freed by reference counting alone.
        self._handler: SessionHandler | None = handler
        self._on_session: Callable[[Session], None] | None = on_session
        self._backpressure = backpressure
        self.connection = ClientConnection(
            host=url.host,
            port=url.port,
            resource=url.resource_name,
            secure=url.secure,
            protocols=protocols,
            headers=options.headers,
            compression=options.compression,
            max_size=options.max_size,
        )
        self.session: Session | None = None
        self._task: asyncio.Task[None] | None = None
        self._reported = False
        # Why the connection failed before opening (chained to the WebSocketError), and
        # whether the application ended it (close() or an abort signal).
        self._cause: BaseException | None = None
        self._failed_by_application = False

    def start(self) -> None:
        """Start connecting (a task on the running loop)."""
        self._task = get_loop().create_task(self._establish_a_websocket_connection())
        self._task.add_done_callback(self._connect_task_done)

    # WebSockets §"establish a WebSocket connection": TCP (+ proxy, TLS), then the
    # handshake; any failure is "fail the WebSocket connection" (closed, code 1006).
    async def _establish_a_websocket_connection(self) -> None:
        options = self._options
        timeout = asyncio.timeout(options.open_timeout)
        try:
            async with (
                timeout,
                _connecting_lock(self._url, options.unix_socket),
            ):
                _, session = await open_transport(
                    self._make_session,
                    self._url,
                    ssl=options.ssl,
                    proxy=options.proxy,
                    unix_socket=options.unix_socket,
                )
                # Waited for, not awaited: its rejection is not raised here, so its traceback
                # does not hold this frame (and through it the session and the API object).
                handshake = session.handshake_done
                await asyncio.wait((handshake,))
            if handshake.exception() is not None:
                self._failed()  # the session has reported the close already
        except (OSError, ValueError) as exc:  # ssl.SSLError, ProxyError, TimeoutError: OSErrors
            if timeout.expired():
                self._cause = TimeoutError(
                    f"opening handshake not complete within open_timeout "
                    f"({options.open_timeout:g} s)"
                )
            elif self._cause is None:
                # Kept without its traceback: its frames would hold this connector.
                self._cause = exc.with_traceback(None)
            self._failed()
        except asyncio.CancelledError:
            self._failed()
            raise

    def _failed(self) -> None:
        if self.session is not None:
            self.session.abort()
        else:
            self._report_failure()

    def _report_failure(self) -> None:
        # No session (nothing connected): the connector reports the close, once.
        handler = self._handler
        if not self._reported and handler is not None:
            self._reported = True
            handler.session_closed(False, 1006, "")

    def _connect_task_done(self, task: asyncio.Task[None]) -> None:
        error = None if task.cancelled() else task.exception()
        if error is not None:
            # Not one of the expected failures the task handles itself: a bug somewhere.
            # Make it visible, and still fail the connection rather than leave it hanging.
            get_loop().call_exception_handler(
                {
                    "message": "WebSocket client: unexpected error while connecting",
                    "exception": error,
                }
            )
            if self.session is not None:
                self.session.abort()
        # A task cancelled before its first step (a close() or an abort right after the
        # constructor) never runs its except clauses: report the failed connection here.
        if self.session is None:
            self._report_failure()
        self._handler = None
        self._on_session = None

    def _make_session(self) -> Session:
        options = self._options
        handler = self._handler
        on_session = self._on_session
        assert handler is not None and on_session is not None, "connecting is over"
        session = Session(
            self.connection,
            handler,
            backpressure=self._backpressure,
            close_timeout=options.close_timeout,
            ping_interval=options.ping_interval,
            ping_timeout=options.ping_timeout,
        )
        self.session = session
        on_session(session)
        return session

    def fail(self) -> None:
        """Fail the connection while it is not established (close() or an abort signal)."""
        self._failed_by_application = True
        session = self.session
        task = self._task
        if task is not None and not task.done() and (session is None or session.transport is None):
            # Still in TCP, the proxy or TLS (the session exists from the start of the TLS
            # handshake, before it has a transport): stop there, or the upgrade request would
            # still be sent once TLS completes.
            task.cancel()
        if session is not None:
            session.abort()

    def where(self) -> str:
        """The URL without credentials, for messages and logs."""
        return f"{self._url.origin}{self._url.resource_name}"

    def opening_error(self, code: int | None, reason: str) -> WebSocketError:
        """The ``WebSocketError`` for a connection that never opened: its message names the
        cause in one line and ``__cause__`` is the real error (a network or TLS error caught
        while connecting, the server's answer, the end of the TCP connection)."""
        cause = self._cause
        session = self.session
        handshake_error = self.connection.handshake_error
        if cause is None and session is not None:
            if isinstance(handshake_error, InvalidStatus) or session.lost_error is None:
                cause = handshake_error
            else:
                cause = session.lost_error
        url = self._url
        if cause is None:
            summary = (
                "close() was called before the opening handshake completed"
                if self._failed_by_application
                else "closed before the opening handshake completed"
            )
            error = connection_failed_error(self.where(), summary, code, reason)
        else:
            in_tls = url.secure and session is not None and session.transport is None
            summary = describe_failure(cause, url.hostname, url.port, in_tls=in_tls)
            error = connection_failed_error(self.where(), summary, code, reason)
            error.__cause__ = cause
        logger.info("%s", error.message)
        return error
