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

The opening handshake, in order: the request head is read (bounded; ``open_timeout`` for the
whole handshake), then ``origins`` (403), ``max_connections`` (503), the route of a
:func:`~.routing.route` handler (404), ``process_request`` (may answer with any
:class:`~.http.Response` instead of upgrading), ``select_subprotocol``, ``process_response``
(may add headers to the 101 response, or replace it by another response), and the upgrade.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Iterable, Sequence, Set
from types import TracebackType
from typing import Any, Final, TypeAlias, TypedDict, Unpack

from .._promise import get_loop
from ..endpoint import StreamEndpoint
from ..protocol.connection import CONNECTING, DEFAULT_MAX_SIZE, OPEN, ServerConnection
from ..protocol.handshake import HandshakeRequest
from ..session import DEFAULT_CLOSE_TIMEOUT, DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, Session
from .http import Address, Request, Response, address_of
from .routing import Router

__all__ = [
    "DEFAULT_OPEN_TIMEOUT",
    "Handler",
    "ProcessRequest",
    "ProcessResponse",
    "SelectSubprotocol",
    "Server",
    "ServerOptions",
    "ServerWebSocketStream",
    "echo_handler",
    "serve",
    "unix_serve",
]

logger = logging.getLogger("websocketstream.server")

#: Seconds a client has to complete the opening handshake (slowloris protection).
DEFAULT_OPEN_TIMEOUT: Final = 10.0

Handler: TypeAlias = Callable[["ServerWebSocketStream"], Awaitable[None]]
#: ``process_request(connection, request)``: None to go on with the upgrade, or a
#: :class:`Response` to send instead (401, a health check's 200, a redirect); may be async.
ProcessRequest: TypeAlias = Callable[
    ["ServerWebSocketStream", Request], "Response | Awaitable[Response | None] | None"
]
#: ``process_response(connection, request, response)``: ``response`` is the 101 about to be
#: sent; add headers to ``response.headers`` (Set-Cookie), or return another response.
ProcessResponse: TypeAlias = Callable[
    ["ServerWebSocketStream", Request, Response], "Response | None"
]
#: ``select_subprotocol(connection, offered)``: one of the offered subprotocols, or None.
SelectSubprotocol: TypeAlias = Callable[["ServerWebSocketStream", Sequence[str]], "str | None"]


class ServerWebSocketStream(StreamEndpoint):
    """The server's end of one connection, with the same stream API as the client.

    ``opened`` resolves as soon as the handshake is accepted. ``request`` is the client's
    upgrade request (``path``, ``query``, ``headers``, ``remote_address``, ``protocols``);
    ``params`` holds the path parameters of a :func:`~.routing.route` pattern.
    """

    def __init__(self, server: Server, readable_strategy: Any, writable_strategy: Any) -> None:
        super().__init__(readable_strategy, writable_strategy)
        self._server = server
        self._request: Request | None = None
        self._route: Handler | None = None
        #: Path parameters of the matched route pattern (empty without routing).
        self.params: dict[str, str] = {}
        #: Broadcast messages skipped because this connection's buffer was full.
        self.broadcast_skipped = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def request(self) -> Request:
        """The client's upgrade request (available to every hook and to the handler)."""
        if self._request is None:
            raise RuntimeError("the request has not been received yet")
        return self._request

    @property
    def remote_address(self) -> Address:
        """The client's address: ``(host, port)``, or a path over a Unix socket."""
        return self.request.remote_address

    def session_opened(self) -> None:
        """Accepted: make the streams, then start the handler."""
        super().session_opened()
        server = self._server
        server._connections.add(self)
        logger.debug("connection opened: %s %s", self.remote_address, self.request.target)
        self._task = get_loop().create_task(self._run_handler())
        server._tasks.add(self._task)
        self._task.add_done_callback(server._tasks.discard)

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        """Closed: leave ``server.connections`` and the server's sessions, then settle the
        streams."""
        server = self._server
        server._connections.discard(self)
        # Here rather than in a reaction to ``session.closed`` (resolved right after this):
        # a closure per connection, kept while it is open.
        server._sessions.discard(self._session)
        if self._request is not None and logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "connection closed: %s %s (code %d, clean: %s)",
                self.remote_address,
                self.request.target,
                code,
                was_clean,
            )
        super().session_closed(was_clean, code, reason)

    def _send_now(self, message: str | bytes) -> bool | None:
        """Send ``message`` at once, past the writable stream (for :func:`broadcast`): True
        if sent, False if the connection's write buffer is full, None if it is not open."""
        session = self._session
        if session is None or session.connection.state is not OPEN:
            return None
        if not session.has_buffer_space():
            return False
        session.send(message)
        return True

    def _fail(self, code: int, reason: str) -> None:
        # Out of ``connections`` at once: its Close may wait behind a full buffer.
        self._server._connections.discard(self)
        session = self._session
        if session is not None:
            session.fail(code, reason)

    async def _run_handler(self) -> None:
        session = self._session
        assert session is not None
        handler = self._route if self._route is not None else self._server._handler
        try:
            await handler(self)
        except asyncio.CancelledError:
            session.fail(1001, "server shutting down")
            raise
        except Exception:  # logged with its traceback, and the peer is told (1011)
            logger.exception(
                "handler failed for %s from %s", self._request_target(), self.remote_address
            )
            session.fail(1011, "internal error")
            return
        self.close(1000)  # "closed normally": 1000, as the module says
        try:
            await self.closed
        except Exception as exc:
            # Raising the stored error gave it a traceback holding this frame (and self): drop
            # it, so the connection is freed by reference counting alone.
            exc.__traceback__ = None

    def _request_target(self) -> str:
        return self._request.target if self._request is not None else "?"

    def __repr__(self) -> str:
        target = self._request_target()
        return f"ServerWebSocketStream({target!r})"


async def echo_handler(ws: ServerWebSocketStream) -> None:
    """A handler that sends every message back as it came (text as text, binary as binary)."""
    info = await ws.opened
    try:
        await info.readable.pipe_to(info.writable)
    except Exception as exc:
        # The connection's stored error: raising it here gave it a traceback that holds this
        # frame (and so the connection); drop it, so the connection is freed by refcounting.
        exc.__traceback__ = None


class ServerOptions(TypedDict, total=False):
    """The options :func:`serve` and :func:`unix_serve` hand to :class:`Server` as they are
    (defaults and meaning: ``Server`` and docs/defaults.md)."""

    protocols: Iterable[str]
    select_subprotocol: SelectSubprotocol | None
    process_request: ProcessRequest | None
    process_response: ProcessResponse | None
    origins: Iterable[str | None] | None
    max_connections: int | None
    compression: str | None
    max_size: int | None
    open_timeout: float | None
    close_timeout: float | None
    ping_interval: float | None
    ping_timeout: float | None
    readable_strategy: Any
    writable_strategy: Any


class Server:
    """A listening WebSocket server; see :func:`serve`."""

    def __init__(
        self,
        handler: Handler,
        *,
        protocols: Iterable[str] = (),
        select_subprotocol: SelectSubprotocol | None = None,
        process_request: ProcessRequest | None = None,
        process_response: ProcessResponse | None = None,
        origins: Iterable[str | None] | None = None,
        max_connections: int | None = None,
        compression: str | None = "deflate",
        max_size: int | None = DEFAULT_MAX_SIZE,
        open_timeout: float | None = DEFAULT_OPEN_TIMEOUT,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        ping_interval: float | None = DEFAULT_PING_INTERVAL,
        ping_timeout: float | None = DEFAULT_PING_TIMEOUT,
        readable_strategy: Any = None,
        writable_strategy: Any = None,
    ) -> None:
        if not callable(handler):
            raise TypeError("handler must be an async callable taking the connection")
        if isinstance(protocols, str):
            raise TypeError("protocols must be a sequence of str, not a str")
        if compression not in ("deflate", None):
            raise ValueError(f"unsupported compression {compression!r}")
        if max_connections is not None and max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._handler = handler
        self._protocols = tuple(protocols)
        self._select_subprotocol = select_subprotocol
        self._process_request = process_request
        self._process_response = process_response
        if isinstance(origins, str):
            raise TypeError("origins must be a collection of str (or None), not a str")
        self._origins = frozenset(origins) if origins is not None else None
        self._max_connections = max_connections
        self._compression = compression
        self._max_size = max_size
        self._open_timeout = open_timeout
        self._close_timeout = close_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._readable_strategy = readable_strategy
        self._writable_strategy = writable_strategy
        self._server: asyncio.Server | None = None
        self._sessions: set[Session] = set()
        self._connections: set[ServerWebSocketStream] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing: asyncio.Task[None] | None = None
        self._unix_path: str | None = None
        self._port: int | None = None
        self._stopped: asyncio.Future[None] = get_loop().create_future()

    # ----------------------------------------------------------------- connections

    @property
    def connections(self) -> Set[ServerWebSocketStream]:
        """The open connections: a live, read-only view (copy it to iterate while awaiting)."""
        return self._connections

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
        self._sessions.add(session)  # until session_closed()
        return session

    # ----------------------------------------------------------------- the handshake

    def _on_request(self, session: Session, handshake: HandshakeRequest) -> None:
        endpoint = session.handler
        assert isinstance(endpoint, ServerWebSocketStream)
        transport = session.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        if self._unix_path is not None and not peer:
            peer = self._unix_path
        request = Request.from_handshake(handshake, address_of(peer))
        endpoint._request = request
        response = self._check_request(endpoint, request)
        if response is None and self._process_request is not None:
            try:
                result = self._process_request(endpoint, request)
            except Exception:
                logger.exception("process_request failed for %s", request.target)
                response = Response(500, body="Internal Server Error\n")
            else:
                if inspect.isawaitable(result):
                    task = get_loop().create_task(self._finish(session, endpoint, result))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                    return
                response = result
        self._respond(session, endpoint, response)

    def _check_request(self, endpoint: ServerWebSocketStream, request: Request) -> Response | None:
        origins = self._origins
        if origins is not None:
            origin = request.headers.get("Origin")
            if origin not in origins:
                return Response(403, body="Forbidden origin\n")
        if self._max_connections is not None and len(self._connections) >= self._max_connections:
            return Response(503, [("Retry-After", "1")], "Too many connections\n")
        handler = self._handler
        if isinstance(handler, Router):
            try:
                resolved = handler.resolve(request.path)
            except UnicodeDecodeError:
                return Response(400, body="Invalid path\n")
            if resolved is None:
                return Response(404, body="Not Found\n")
            endpoint._route, endpoint.params = resolved
        return None

    async def _finish(
        self,
        session: Session,
        endpoint: ServerWebSocketStream,
        pending: Awaitable[Response | None],
    ) -> None:
        try:
            response = await pending
        except Exception:
            logger.exception("process_request failed for %s", endpoint.request.target)
            response = Response(500, body="Internal Server Error\n")
        self._respond(session, endpoint, response)
        session.handshake_answered()

    def _respond(
        self, session: Session, endpoint: ServerWebSocketStream, response: Response | None
    ) -> None:
        connection = session.connection
        assert isinstance(connection, ServerConnection)
        if connection.state is not CONNECTING:
            return  # the client left (or open_timeout expired) meanwhile
        request = endpoint.request
        if response is not None and not isinstance(response, Response):
            logger.error("process_request returned %r, not a Response or None", response)
            response = Response(500, body="Internal Server Error\n")
        if response is None:
            try:
                subprotocol = self._choose_subprotocol(endpoint, request)
                upgrade = Response(101)
                if self._process_response is not None:
                    replaced = self._process_response(endpoint, request, upgrade)
                    if replaced is not None:
                        upgrade = replaced
                if upgrade.status == 101:
                    connection.accept(subprotocol, upgrade.headers)
                    session.accepted()
                    return
                response = upgrade
            except Exception:
                logger.exception("the upgrade of %s failed", request.target)
                response = Response(500, body="Internal Server Error\n")
        try:
            connection.reject(response.status, response.body, response.headers)
        except ValueError:
            logger.exception("invalid response to %s: %r", request.target, response)
            connection.reject(500, "Internal Server Error\n")

    def _choose_subprotocol(self, endpoint: ServerWebSocketStream, request: Request) -> str | None:
        if self._select_subprotocol is not None:
            return self._select_subprotocol(endpoint, request.protocols)
        for name in request.protocols:
            if name in self._protocols:
                return name
        return None

    # ----------------------------------------------------------------- listening

    @property
    def sockets(self) -> tuple[Any, ...]:
        """The listening sockets."""
        return tuple(self._server.sockets) if self._server is not None else ()

    @property
    def port(self) -> int:
        """The port of the first listening socket (handy with ``port=0``); 0 for a Unix
        socket. Still known after :meth:`close`."""
        if self._port is None:
            sockets = self.sockets
            name = sockets[0].getsockname() if sockets else None
            self._port = int(name[1]) if isinstance(name, tuple) else 0
        return self._port

    async def start(
        self,
        host: str | None,
        port: int,
        *,
        ssl: ssl_module.SSLContext | None = None,
        reuse_port: bool = False,
        backlog: int = 100,
    ) -> None:
        """Start listening on TCP."""
        self._server = await get_loop().create_server(
            self._make_session,
            host,
            port,
            ssl=ssl,
            reuse_port=reuse_port or None,
            backlog=backlog,
            ssl_handshake_timeout=self._open_timeout if ssl is not None else None,
        )
        _ = self.port  # remembered

    async def start_unix(
        self, path: str, *, ssl: ssl_module.SSLContext | None = None, backlog: int = 100
    ) -> None:
        """Start listening on a Unix socket at ``path``."""
        self._unix_path = os.fspath(path)
        self._server = await get_loop().create_unix_server(
            self._make_session,
            path,
            ssl=ssl,
            backlog=backlog,
            ssl_handshake_timeout=self._open_timeout if ssl is not None else None,
        )

    # ----------------------------------------------------------------- closing

    def close(
        self,
        code: int = 1001,
        reason: str = "server shutting down",
        *,
        timeout: float | None = None,
    ) -> asyncio.Task[None]:
        """Close gracefully: stop accepting, start the closing handshake (``code``, 1001
        "going away" by default) on every open connection, drop the ones still in their
        opening handshake, wait up to ``timeout`` seconds (``close_timeout`` by default) for
        them to close, then abort the rest and cancel the handlers still running.

        Returns a task to await (or not); :meth:`serve_forever` and :meth:`wait_closed`
        return once it is done. Calling it again returns the same task.
        """
        if self._closing is None:
            if timeout is None:
                timeout = self._close_timeout
            self._closing = get_loop().create_task(self._close(code, reason, timeout))
        return self._closing

    async def _close(self, code: int, reason: str, timeout: float | None) -> None:
        if self._server is not None:
            self._server.close()  # stop accepting
        sessions = list(self._sessions)
        for session in sessions:
            if session.connection.state is OPEN:
                session.close(code, reason)
            else:
                session.abort()
        waiting = [s.closed for s in sessions if not s.closed.done()]
        if waiting:
            _, pending = await asyncio.wait(waiting, timeout=timeout)
            if pending:
                logger.info("closing: %d connection(s) did not close in time", len(pending))
                for session in sessions:
                    session.abort()
                await asyncio.gather(*pending, return_exceptions=True)
        # Handlers see their connection closed; one loop iteration to finish, then cancelled.
        await asyncio.sleep(0)
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        if self._unix_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._unix_path)
        if not self._stopped.done():
            self._stopped.set_result(None)

    async def wait_closed(self) -> None:
        """Wait until :meth:`close` is done (the server and every connection are closed)."""
        if self._closing is not None:
            await asyncio.shield(self._closing)
        elif self._server is not None:
            await self._server.wait_closed()

    async def serve_forever(self) -> None:
        """Serve until :meth:`close` is done (then return), or until cancelled (then close)."""
        if self._server is None:
            raise RuntimeError("the server is not listening")
        try:
            await asyncio.shield(self._stopped)
        except asyncio.CancelledError:
            await asyncio.shield(self.close())
            raise

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def serve(
    handler: Handler,
    host: str | None = "127.0.0.1",
    port: int = 0,
    *,
    ssl: ssl_module.SSLContext | None = None,
    reuse_port: bool = False,
    backlog: int = 100,
    **options: Unpack[ServerOptions],
) -> Server:
    """Start a :class:`Server` on ``host``:``port`` (``port=0`` picks a free port).

    ``handler`` runs once per accepted connection (a :func:`~.routing.route` dispatches on the
    path). ``ssl``: a server ``SSLContext`` (wss). ``process_request(connection, request)``:
    return a :class:`~.http.Response` to answer instead of upgrading (sync or async).
    ``process_response(connection, request, response)``: add headers to the 101 response, or
    return another response. ``origins``: the allowed Origin values (``None`` in it allows
    requests without Origin); others get 403. ``protocols``: subprotocols the server speaks
    (the first the client offers is chosen), or ``select_subprotocol(connection, offered)``.
    ``max_connections``: past it, 503. ``reuse_port``: SO_REUSEPORT, so several processes
    share the port. ``open_timeout``: seconds for the whole opening handshake (10 by
    default; a client that has not completed it by then is disconnected). The rest are the
    client's options (``compression``, ``max_size``, ``close_timeout``, ``ping_interval``,
    ``ping_timeout``, ``readable_strategy``, ``writable_strategy``); see docs/defaults.md.
    """
    server = Server(handler, **options)
    await server.start(host, port, ssl=ssl, reuse_port=reuse_port, backlog=backlog)
    return server


async def unix_serve(
    handler: Handler,
    path: str,
    *,
    ssl: ssl_module.SSLContext | None = None,
    backlog: int = 100,
    **options: Unpack[ServerOptions],
) -> Server:
    """Like :func:`serve`, on a Unix socket at ``path`` (removed again by ``close()``)."""
    server = Server(handler, **options)
    await server.start_unix(path, ssl=ssl, backlog=backlog)
    return server
