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

import contextlib
import logging
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from ._promise import get_loop, reject_promise
from .client import DEFAULT_OPEN_TIMEOUT, ClientConnector, HeadersLike, client_options
from .dom.abort import AbortSignal
from .dom.websocket_error import WebSocketError
from .endpoint import StreamEndpoint
from .net import ProxySetting, SSLSetting
from .protocol.connection import DEFAULT_MAX_SIZE
from .protocol.state import CONNECTING
from .session import DEFAULT_CLOSE_TIMEOUT, DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT
from .url import get_url_record, validate_protocols

__all__ = ["DEFAULT_OPEN_TIMEOUT", "HeadersLike", "WebSocketStream"]

logger = logging.getLogger("websocketstream.client")


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
    ``ping_interval``/``ping_timeout`` (keepalive: a Ping every 20 s, and no Pong
    within 20 s fails the connection with 1011; ``None`` turns either off) and
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
        ping_interval: float | None = DEFAULT_PING_INTERVAL,
        ping_timeout: float | None = DEFAULT_PING_TIMEOUT,
        readable_strategy: Any = None,
        writable_strategy: Any = None,
        unix_socket: str | None = None,
    ) -> None:
        get_loop()  # a running loop is needed
        # WebSockets §"new WebSocketStream(url, options)"
        url_record = get_url_record(url)
        protocol_list = validate_protocols(protocols, allow_string=False)
        if signal is not None and not isinstance(signal, AbortSignal):
            raise TypeError("signal must be an AbortSignal")
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
        super().__init__(readable_strategy, writable_strategy)
        self._url = url_record
        # "Apply backpressure to the WebSocket" before connecting: the readable pulls.
        self._connector = ClientConnector(
            url_record, protocol_list, options, self, on_session=self._attach, backpressure=True
        )
        self._signal = signal
        if signal is not None:
            if signal.aborted:
                self._close_requested = True
                self._handshake_aborted = True
                self._reject_both(signal.reason)
                return
            signal._add_algorithm(self._on_abort)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("connecting to %s", self._connector.where())
        self._connector.start()

    @property
    def url(self) -> str:
        """The serialized URL record (``http:`` became ``ws:``, ``https:`` became ``wss:``)."""
        return self._url.href

    def __repr__(self) -> str:
        return f"WebSocketStream({self._url.href!r})"

    # ----------------------------------------------------------------- connecting

    def session_opened(self) -> None:
        """The handshake succeeded: log it (DEBUG), then resolve ``opened``."""
        if logger.isEnabledFor(logging.DEBUG):
            connection = self._connector.connection
            logger.debug(
                "connection to %s opened (peer %s, protocol %r, extensions %r)",
                self._connector.where(),
                self._peer(),
                connection.subprotocol,
                connection.extensions,
            )
        super().session_opened()

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        """The connection ended: settle the promises and streams, then log it (DEBUG)."""
        opened = self._was_ever_connected
        super().session_closed(was_clean, code, reason)
        if opened and logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "connection to %s closed (%s, code %d, reason %r)",
                self._connector.where(),
                "clean" if was_clean else "unclean",
                code,
                reason,
            )

    def _peer(self) -> Any:
        session = self._session
        transport = session.transport if session is not None else None
        return transport.get_extra_info("peername") if transport is not None else None

    def _fail_the_websocket_connection(self) -> None:
        self._connector.fail()

    def _opening_failed_error(self, code: int | None, reason: str) -> WebSocketError:
        return self._connector.opening_error(code, reason)

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
