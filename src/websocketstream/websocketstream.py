"""``WebSocketStream``: the WHATWG promise- and stream-based WebSocket client.

Example::

    async with WebSocketStream("ws://127.0.0.1:8765/") as wss:
        info = await wss.opened
        writer = info.writable.get_writer()
        await writer.write("ping")
        async for message in info.readable:
            print(message)
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from ._promise import get_loop, reject_promise
from .dom.abort import AbortSignal
from .dom.exceptions import DOMSyntaxError
from .endpoint import StreamEndpoint
from .net import ProxySetting, SSLSetting, check_proxy_setting, check_ssl_setting, open_transport
from .protocol.connection import DEFAULT_MAX_SIZE, ClientConnection
from .protocol.state import CONNECTING
from .session import DEFAULT_CLOSE_TIMEOUT, Session
from .url import get_url_record, validate_protocols

__all__ = ["DEFAULT_OPEN_TIMEOUT", "HeadersLike", "WebSocketStream"]

#: Seconds allowed for TCP, proxy, TLS and the opening handshake together.
DEFAULT_OPEN_TIMEOUT = 10.0

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]


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


class WebSocketStream(StreamEndpoint):
    """``WebSocketStream(url, *, protocols=(), signal=None, **extensions)``.

    Connects at once (a running event loop is needed).  ``opened`` resolves with the
    readable and writable streams; ``closed`` with the close code and reason.  URL and
    protocol errors raise :class:`~websocketstream.DOMSyntaxError` here; ``protocols`` given
    as a plain string raises :class:`TypeError`.

    Keyword-only extensions (not in the standard): ``headers`` (extra handshake headers),
    ``ssl`` (an :class:`ssl.SSLContext` for ``wss:``), ``proxy`` (``True``: from the
    environment; ``None``: direct; or a proxy URL), ``compression`` (``"deflate"`` or
    ``None``), ``max_size`` (bytes per received message, ``None`` for no limit),
    ``open_timeout``, ``close_timeout`` (seconds; ``None`` waits forever),
    ``ping_interval``/``ping_timeout`` (keepalive; off by default) and
    ``readable_strategy``/``writable_strategy`` (queuing strategies of the two streams,
    count strategies with high-water mark 1 by default), ``unix_socket`` (connect to the
    Unix socket at this path instead of the URL's host; no proxy).
    """

    def __init__(
        self,
        url: str,
        *,
        protocols: Iterable[str] = (),
        signal: AbortSignal | None = None,
        headers: HeadersLike | None = None,
        ssl: SSLSetting = None,
        proxy: ProxySetting = True,
        compression: str | None = "deflate",
        max_size: int | None = DEFAULT_MAX_SIZE,
        open_timeout: float | None = DEFAULT_OPEN_TIMEOUT,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        ping_interval: float | None = None,
        ping_timeout: float | None = None,
        readable_strategy: Any = None,
        writable_strategy: Any = None,
        unix_socket: str | None = None,
    ) -> None:
        loop = get_loop()
        # WebSockets §"new WebSocketStream(url, options)"
        url_record = get_url_record(url)
        protocol_list = validate_protocols(protocols, allow_string=False)
        if signal is not None and not isinstance(signal, AbortSignal):
            raise TypeError("signal must be an AbortSignal")
        if compression not in ("deflate", None):
            raise DOMSyntaxError(f"compression must be 'deflate' or None, not {compression!r}")
        check_ssl_setting(url_record, ssl)
        check_proxy_setting(proxy)
        self._open_timeout = _check_timeout("open_timeout", open_timeout)
        self._close_timeout = _check_timeout("close_timeout", close_timeout)
        self._ping_interval = _check_timeout("ping_interval", ping_interval)
        self._ping_timeout = _check_timeout("ping_timeout", ping_timeout)
        max_size = _check_max_size(max_size)
        super().__init__(readable_strategy, writable_strategy)
        self._url = url_record
        # The handshake request is built now, so bad headers raise here.
        self._connection = ClientConnection(
            host=url_record.host,
            port=url_record.port,
            resource=url_record.resource_name,
            secure=url_record.secure,
            protocols=protocol_list,
            headers=_headers_list(headers),
            compression=compression,
            max_size=max_size,
        )
        self._ssl = ssl
        self._proxy = proxy
        self._unix_socket = unix_socket
        self._signal = signal
        self._connect_task: asyncio.Task[None] | None = None
        if signal is not None:
            if signal.aborted:
                self._close_requested = True
                self._handshake_aborted = True
                self._reject_both(signal.reason)
                return
            signal._add_algorithm(self._on_abort)
        self._connect_task = loop.create_task(self._establish_a_websocket_connection())
        self._connect_task.add_done_callback(self._connect_task_done)

    @property
    def url(self) -> str:
        """The serialized URL record (``http:`` became ``ws:``, ``https:`` became ``wss:``)."""
        return self._url.href

    def __repr__(self) -> str:
        return f"WebSocketStream({self._url.href!r})"

    # ----------------------------------------------------------------- connecting

    async def _establish_a_websocket_connection(self) -> None:
        # WebSockets §"establish a WebSocket connection": TCP (+ proxy, TLS), then the
        # handshake; any failure is "fail the WebSocket connection" (closed, code 1006).
        try:
            async with asyncio.timeout(self._open_timeout):
                _, session = await open_transport(
                    self._make_session,
                    self._url,
                    ssl=self._ssl,
                    proxy=self._proxy,
                    unix_socket=self._unix_socket,
                )
                await asyncio.shield(session.handshake_done)
        except (OSError, TimeoutError, ConnectionError, ValueError):
            if self._session is not None:
                self._session.abort()
            else:
                self.session_closed(False, 1006, "")
        except asyncio.CancelledError:
            if self._session is not None:
                self._session.abort()
            else:
                self.session_closed(False, 1006, "")
            raise

    def _connect_task_done(self, task: asyncio.Task[None]) -> None:
        error = None if task.cancelled() else task.exception()
        if error is not None:
            # Not one of the expected failures the task handles itself: a bug somewhere.
            # Make it visible, and still fail the connection rather than leave it hanging.
            get_loop().call_exception_handler(
                {
                    "message": "WebSocketStream: unexpected error while connecting",
                    "exception": error,
                }
            )
            if self._session is not None:
                self._session.abort()
        # A task cancelled before its first step (close() or an abort right after the
        # constructor) never runs its except clauses: report the failed connection here.
        if self._session is None and not self._closed_reported:
            self.session_closed(False, 1006, "")

    def _make_session(self) -> Session:
        session = Session(
            self._connection,
            self,
            backpressure=True,  # "Apply backpressure to the WebSocket" before connecting
            close_timeout=self._close_timeout,
            ping_interval=self._ping_interval,
            ping_timeout=self._ping_timeout,
        )
        self._attach(session)
        return session

    def _fail_the_websocket_connection(self) -> None:
        session = self._session
        task = self._connect_task
        if task is not None and not task.done() and (session is None or session.transport is None):
            # Still in TCP, the proxy or TLS (the session exists from the start of the TLS
            # handshake, before it has a transport): stop there, or the upgrade request would
            # still be sent once TLS completes.
            task.cancel()
        if session is not None:
            session.abort()

    def _on_abort(self) -> None:
        # The abort steps added to ``signal`` by the constructor.
        if self._ready_state is not CONNECTING:
            return
        # The spec fails the connection first, but its close steps run in a later task; here
        # failing can report the close at once (during TLS), so the promises are rejected
        # with the signal's reason and the close steps silenced first.
        assert self._signal is not None
        self._handshake_aborted = True
        self._reject_both(self._signal.reason)
        self._fail_the_websocket_connection()
        self._close_requested = True

    def _reject_both(self, reason: Any) -> None:
        reject_promise(self._opened_promise, reason)  # a non-exception reason is wrapped there
        reject_promise(self._closed_promise, reason)

    # ----------------------------------------------------------------- async with

    async def __aenter__(self) -> WebSocketStream:
        await self.opened
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
        if exc_type is None:
            await self.closed
        else:
            with contextlib.suppress(Exception):  # the body's exception is the one to see
                await self.closed
