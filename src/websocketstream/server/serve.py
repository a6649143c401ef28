"""A WebSocket server whose connections have the WebSocketStream stream API.

Example: an echo server::

    async def echo(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        await info.readable.pipe_to(info.writable)

    async with await serve(echo, "127.0.0.1", 8765) as server:
        await server.serve_forever()

Each accepted connection is a :class:`ServerWebSocketStream` (``opened``, ``closed``,
``close()``, plus ``request``); the handler runs as a task.  When it returns, the connection is
closed normally; when it raises, the connection fails with code 1011.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Final

from .._promise import get_loop
from ..endpoint import StreamEndpoint
from ..protocol.connection import DEFAULT_MAX_SIZE, OPEN, ServerConnection
from ..protocol.handshake import HandshakeRequest
from ..session import DEFAULT_CLOSE_TIMEOUT, Session

__all__ = ["Handler", "Server", "ServerWebSocketStream", "echo_handler", "serve"]

#: Seconds a client has to complete the opening handshake (slowloris protection).
DEFAULT_OPEN_TIMEOUT: Final = 10.0

Handler = Callable[["ServerWebSocketStream"], Awaitable[None]]
#: ``process_request(request)`` returns None to go on, or an HTTP error status to refuse.
RequestFilter = Callable[[HandshakeRequest], int | None]
#: ``select_protocol(offered)`` returns one of the offered subprotocols, or None.
ProtocolSelector = Callable[[Sequence[str]], str | None]


class ServerWebSocketStream(StreamEndpoint):
    """The server's end of one connection, with the same stream API as the client.

    ``opened`` resolves as soon as the handshake is accepted; ``request`` is the client's
    upgrade request (``target``, ``headers``, ``protocols``, ``extensions``).
    """

    def __init__(self, server: Server, readable_strategy: Any, writable_strategy: Any) -> None:
        super().__init__(readable_strategy, writable_strategy)
        self._server = server
        self.request: HandshakeRequest | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def remote_address(self) -> Any:
        """The peer's address, as the socket reports it."""
        session = self._session
        if session is None or session.transport is None:
            return None
        return session.transport.get_extra_info("peername")

    def session_opened(self) -> None:
        """Accepted: make the streams, then start the handler."""
        super().session_opened()
        self._task = get_loop().create_task(self._run_handler())
        self._server._tasks.add(self._task)
        self._task.add_done_callback(self._server._tasks.discard)

    async def _run_handler(self) -> None:
        session = self._session
        assert session is not None
        try:
            await self._server._handler(self)
        except asyncio.CancelledError:
            session.fail(1001, "server shutting down")
            raise
        except Exception as exc:  # reported, and the peer is told (1011)
            get_loop().call_exception_handler(
                {"message": "WebSocket handler failed", "exception": exc, "protocol": session}
            )
            session.fail(1011, "internal error")
            return
        self.close(1000)  # "closed normally": 1000, as the module says
        with contextlib.suppress(Exception):
            await self.closed

    def __repr__(self) -> str:
        target = self.request.target if self.request is not None else "?"
        return f"ServerWebSocketStream({target!r})"


async def echo_handler(ws: ServerWebSocketStream) -> None:
    """A handler that sends every message back as it came (text as text, binary as binary)."""
    info = await ws.opened
    with contextlib.suppress(Exception):
        await info.readable.pipe_to(info.writable)


class Server:
    """A listening WebSocket server; see :func:`serve`."""

    def __init__(
        self,
        handler: Handler,
        *,
        protocols: Iterable[str] = (),
        select_protocol: ProtocolSelector | None = None,
        process_request: RequestFilter | None = None,
        compression: str | None = "deflate",
        max_size: int | None = DEFAULT_MAX_SIZE,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        ping_interval: float | None = None,
        ping_timeout: float | None = None,
        readable_strategy: Any = None,
        writable_strategy: Any = None,
        open_timeout: float | None = DEFAULT_OPEN_TIMEOUT,
    ) -> None:
        self._handler = handler
        self._open_timeout = open_timeout
        self._protocols = tuple(protocols)
        self._select_protocol = select_protocol
        self._process_request = process_request
        self._compression = compression
        self._max_size = max_size
        self._close_timeout = close_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._readable_strategy = readable_strategy
        self._writable_strategy = writable_strategy
        self._server: asyncio.Server | None = None
        self._sessions: set[Session] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def _make_session(self) -> Session:
        endpoint = ServerWebSocketStream(self, self._readable_strategy, self._writable_strategy)
        session = Session(
            ServerConnection(compression=self._compression, max_size=self._max_size),
            endpoint,
            backpressure=True,
            close_timeout=self._close_timeout,
            ping_interval=self._ping_interval,
            ping_timeout=self._ping_timeout,
            on_request=self._on_request,
        )
        endpoint._attach(session)
        if self._open_timeout is not None:
            # The whole opening handshake must be over in time (slowloris): abort otherwise.
            timer = get_loop().call_later(self._open_timeout, session.abort)
            session.handshake_done.add_done_callback(lambda _: timer.cancel())
        self._sessions.add(session)
        session.closed.add_done_callback(lambda _: self._sessions.discard(session))
        return session

    def _choose_protocol(self, offered: Sequence[str]) -> str | None:
        if self._select_protocol is not None:
            return self._select_protocol(offered)
        for name in offered:
            if name in self._protocols:
                return name
        return None

    def _on_request(self, session: Session, request: HandshakeRequest) -> None:
        connection = session.connection
        assert isinstance(connection, ServerConnection)
        endpoint = session.handler
        assert isinstance(endpoint, ServerWebSocketStream)
        endpoint.request = request
        status = self._process_request(request) if self._process_request is not None else None
        if status is not None:
            connection.reject(status)
            return
        connection.accept(self._choose_protocol(request.protocols))
        session.accepted()

    @property
    def sockets(self) -> tuple[Any, ...]:
        """The listening sockets."""
        return tuple(self._server.sockets) if self._server is not None else ()

    @property
    def port(self) -> int:
        """The port of the first listening socket (handy with ``port=0``)."""
        return int(self.sockets[0].getsockname()[1])

    async def start(
        self, host: str | None, port: int, *, ssl: ssl_module.SSLContext | None = None
    ) -> None:
        """Start listening."""
        loop = get_loop()
        self._server = await loop.create_server(self._make_session, host, port, ssl=ssl)

    def close(self) -> None:
        """Stop listening, close every connection with 1001 (going away) and cancel the
        handlers still running (so that :meth:`wait_closed` returns)."""
        if self._server is not None:
            self._server.close()
        for session in list(self._sessions):
            if session.connection.state is OPEN:
                session.fail(1001, "server shutting down")
            else:
                session.abort()
        for task in list(self._tasks):
            task.cancel()

    async def wait_closed(self) -> None:
        """Wait until the server and every connection are closed."""
        if self._server is not None:
            await self._server.wait_closed()
        sessions = [s.closed for s in self._sessions]
        if sessions:
            await asyncio.gather(*sessions, return_exceptions=True)
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def serve_forever(self) -> None:
        """Serve until cancelled."""
        assert self._server is not None
        await self._server.serve_forever()

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
        await self.wait_closed()


async def serve(
    handler: Handler,
    host: str | None = "127.0.0.1",
    port: int = 0,
    *,
    ssl: ssl_module.SSLContext | None = None,
    **options: Any,
) -> Server:
    """Start a :class:`Server` on ``host``:``port`` (``port=0`` picks a free port).

    ``options``: ``protocols`` (subprotocols the server speaks; the first the client offers
    is chosen), ``select_protocol``, ``process_request``, ``compression``, ``max_size``,
    ``open_timeout`` (seconds for the whole opening handshake, 10 by default; a client that
    has not completed it by then is disconnected), ``close_timeout``, ``ping_interval``,
    ``ping_timeout``, ``readable_strategy``, ``writable_strategy``.
    """
    server = Server(handler, **options)
    await server.start(host, port, ssl=ssl)
    return server
