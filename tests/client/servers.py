"""Test servers on 127.0.0.1 (ephemeral ports) emulating the web-platform-tests' handlers.

Three kinds:

* :class:`WptServer` runs the WPT handlers (``websockets/handlers/*_wsh.py``) on the independent
  ``websockets`` package's asyncio server, with full control of Close frames and the transport.
* :class:`OwnServer` runs the same core handlers on this project's ``websocketstream.server``.
* :class:`RawServer` runs a script over plain asyncio streams (hand-made bytes: malicious or
  carefully timed servers); :func:`encode_frame` / :func:`read_frame` speak the wire format.

Every server keeps a :class:`ServerLog`: TCP connections, and per WebSocket connection the path,
the messages and the Close frame the server received (what the client put on the wire).

Handlers, by path (query parameters as in WPT):

``/echo``                     echo text/binary; subprotocol ``echo`` if offered; ends after
                              echoing ``"Goodbye"``; the client's Close is echoed with the same
                              code and reason (1005 → empty body)
``/echo_exit``                no echo; on ``"Goodbye"`` the server closes (1000)
``/remote-close``             ``?code=&reason=&abrupt=1``: send Close at once (no code → empty
                              body); ``abrupt=1``: a Ping, then drop TCP
``/passive-close-abort``      echo, but on the client's Close drop TCP without replying
``/delayed-passive-close``    echo, but answer the client's Close after ``close_delay`` s
``/handshake_sleep``          sleep ``handshake_sleep`` s inside the opening handshake
``/protocol_array``           select the first offered subprotocol and send it as text
``/send-backpressure``        no deflate; one empty binary message, then 16 x 1 MiB, then the
                              seconds taken, as text
``/receive-backpressure``     no deflate; do not read for ``receive_delay`` s, then echo the
                              size of each message as text
``/404``                      (any unknown path) the handshake is refused with HTTP 404
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import ssl
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from websockets.asyncio.server import ServerConnection as WsServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from websocketstream.server import Response as OwnResponse
from websocketstream.server import Server as OwnServerImpl
from websocketstream.server import ServerWebSocketStream
from websocketstream.server import serve as own_serve

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MiB = 1024 * 1024


# ----------------------------------------------------------------------------- logs


@dataclass
class ConnLog:
    """What one server-side WebSocket connection saw."""

    path: str
    messages: list[str | bytes] = field(default_factory=list)
    #: The upgrade request's headers (names lowercased) as received.
    headers: dict[str, str] = field(default_factory=dict)
    #: The Close frame the server received: (code, reason); 1005 for an empty body.
    close_rcvd: tuple[int, str] | None = None
    #: The raw body of that Close frame.
    close_body: bytes | None = None
    #: Set when the server received the client's Close frame.
    close_received: asyncio.Event = field(default_factory=asyncio.Event)
    #: Set when the server's side of the TCP connection is gone.
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def saw_close(self, body: bytes) -> None:
        if self.close_body is not None:
            return
        self.close_body = body
        if len(body) >= 2:
            self.close_rcvd = (
                int.from_bytes(body[:2], "big"),
                body[2:].decode("utf-8", "replace"),
            )
        else:
            self.close_rcvd = (1005, "")
        self.close_received.set()


@dataclass
class ServerLog:
    """What a test server saw."""

    #: TCP connections accepted.
    tcp_connections: int = 0
    connections: list[ConnLog] = field(default_factory=list)
    #: Set at each new WebSocket connection (handshake request parsed).
    new_connection: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, path: str) -> ConnLog:
        log = ConnLog(path)
        self.connections.append(log)
        self.new_connection.set()
        return log

    @property
    def last(self) -> ConnLog:
        assert self.connections, "the server saw no WebSocket connection"
        return self.connections[-1]

    async def wait_connection(self, timeout: float = 5.0) -> ConnLog:
        await asyncio.wait_for(self.new_connection.wait(), timeout)
        return self.last


def _split(path: str) -> tuple[str, dict[str, str]]:
    base, _, query = path.partition("?")
    return base, {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


# ----------------------------------------------------------------------------- websockets


class _WptConnection(WsServerConnection):
    """websockets' server connection, with hooks for the passive-close handlers."""

    toolkit: WptServer  # set on the per-server subclass
    log: ConnLog | None = None
    mode = ""
    _close_handled = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.toolkit.log.tcp_connections += 1
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self.log is not None:
            self.log.done.set()

    def data_received(self, data: bytes) -> None:
        self._note_close()
        super().data_received(data)

    def _note_close(self) -> None:
        close = self.protocol.close_rcvd
        if close is not None and self.log is not None and self.log.close_body is None:
            self.log.saw_close(close.serialize() if close.code != 1005 else b"")

    def send_data(self) -> None:
        self._note_close()
        if self.protocol.close_rcvd is not None and not self._close_handled:
            if self.mode == "passive-close-abort" and self.protocol.close_rcvd_then_sent:
                # The Close reply is queued: drop it, and the TCP connection with it.
                self._close_handled = True
                self.protocol.data_to_send()
                self.transport.abort()
                return
            if self.mode == "delayed-passive-close" and self.protocol.close_rcvd_then_sent:
                self._close_handled = True
                pending = self.protocol.data_to_send()
                self.loop.call_later(self.toolkit.close_delay, self._write_later, pending)
                return
        super().send_data()

    def _write_later(self, pending: list[bytes]) -> None:
        if self.transport.is_closing():
            return
        for data in pending:
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
            else:
                self.transport.close()


class WptServer:
    """The WPT handlers on ``websockets``' asyncio server (see the module docstring)."""

    NO_DEFLATE = ("/send-backpressure", "/receive-backpressure")

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        close_delay: float = 0.3,
        handshake_sleep: float = 2.0,
        receive_delay: float = 0.5,
        send_backpressure_size: int = MiB,
        max_size: int | None = None,
        compression: str | None = "deflate",
    ) -> None:
        self.ssl_context = ssl_context
        self.close_delay = close_delay
        self.handshake_sleep = handshake_sleep
        self.receive_delay = receive_delay
        self.send_backpressure_size = send_backpressure_size
        self.max_size = max_size
        self.compression = compression
        self.log = ServerLog()
        self.port = 0
        self._server: Any = None
        self._shutdown = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    kind = "websockets"

    @property
    def scheme(self) -> str:
        return "wss" if self.ssl_context is not None else "ws"

    def url(self, path: str = "/echo", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    async def start(self) -> WptServer:
        conn_class = type("Conn", (_WptConnection,), {"toolkit": self})
        self._server = await ws_serve(
            self._handler,
            "127.0.0.1",
            0,
            ssl=self.ssl_context,
            select_subprotocol=self._select_subprotocol,
            process_request=self._process_request,
            compression=self.compression,
            ping_interval=None,
            max_size=self.max_size,
            max_queue=None if self.max_size is None else 16,
            close_timeout=2,
            create_connection=conn_class,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._shutdown.set()
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            for connection in list(self._server.connections):
                connection.transport.abort()  # no closing handshakes: the tests are over
            self._server.close()
            await asyncio.wait_for(self._server.wait_closed(), 5)

    async def __aenter__(self) -> WptServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # handshake hooks

    async def _process_request(
        self, connection: WsServerConnection, request: Request
    ) -> Response | None:
        path, _ = _split(request.path)
        assert isinstance(connection, _WptConnection)
        connection.log = self.log.add(request.path)
        connection.log.headers = {k.lower(): v for k, v in request.headers.raw_items()}
        connection.mode = path.strip("/")
        if path.startswith("/handshake_sleep"):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._shutdown.wait(), self.handshake_sleep)
        if path in self.NO_DEFLATE:
            del request.headers["Sec-WebSocket-Extensions"]
        if not hasattr(self, "_h_" + path.strip("/").replace("-", "_")):
            return connection.respond(404, "Not Found\n")
        return None

    def _select_subprotocol(
        self, connection: WsServerConnection, offered: Any
    ) -> Any:  # Subprotocol | None
        assert connection.request is not None
        path, _ = _split(connection.request.path)
        if path == "/protocol_array":
            return offered[0] if offered else None
        if "echo" in offered:
            return "echo"
        return None

    async def _handler(self, ws: WsServerConnection) -> None:
        assert isinstance(ws, _WptConnection) and ws.request is not None and ws.log is not None
        path, params = _split(ws.request.path)
        handler = getattr(self, "_h_" + path.strip("/").replace("-", "_"))
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await handler(ws, params, ws.log)
        except ConnectionClosed:
            pass
        finally:
            self._tasks.discard(task)

    # handlers

    async def _h_echo(self, ws: _WptConnection, params: dict[str, str], log: ConnLog) -> None:
        async for message in ws:
            log.messages.append(message)
            await ws.send(message)
            if message == "Goodbye":
                return  # websockets closes with 1000

    _h_passive_close_abort = _h_echo
    _h_delayed_passive_close = _h_echo

    async def _h_echo_exit(self, ws: _WptConnection, params: dict[str, str], log: ConnLog) -> None:
        async for message in ws:
            log.messages.append(message)
            if message == "Goodbye":
                break
        await ws.close()

    async def _h_handshake_sleep(
        self, ws: _WptConnection, params: dict[str, str], log: ConnLog
    ) -> None:
        await self._h_echo(ws, params, log)

    async def _h_protocol_array(
        self, ws: _WptConnection, params: dict[str, str], log: ConnLog
    ) -> None:
        await ws.send(ws.subprotocol or "")
        await ws.wait_closed()

    async def _h_remote_close(
        self, ws: _WptConnection, params: dict[str, str], log: ConnLog
    ) -> None:
        if params.get("abrupt") == "1":
            ws.protocol.send_ping(b"")
            ws.send_data()
            ws.transport.abort()
            return
        code = int(params["code"]) if "code" in params else None
        reason = params.get("reason", "") if code is not None else ""
        ws.protocol.send_close(code, reason)
        ws.send_data()
        await ws.wait_closed()

    async def _h_send_backpressure(
        self, ws: _WptConnection, params: dict[str, str], log: ConnLog
    ) -> None:
        count = int(params.get("count", "16"))
        await ws.send(b"")
        start = time.monotonic()
        for _ in range(count):
            await ws.send(bytes(self.send_backpressure_size))
        await ws.send(str(time.monotonic() - start))
        await ws.wait_closed()

    async def _h_receive_backpressure(
        self, ws: _WptConnection, params: dict[str, str], log: ConnLog
    ) -> None:
        ws.transport.pause_reading()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._shutdown.wait(), self.receive_delay)
        ws.transport.resume_reading()
        async for message in ws:
            log.messages.append(len(message))  # type: ignore[arg-type]
            await ws.send(str(len(message)))

    async def _h_flood(self, ws: _WptConnection, params: dict[str, str], log: ConnLog) -> None:
        # Send ``count`` binary messages of ``size`` bytes as fast as the client takes them;
        # ``log.messages`` gets the running total of bytes whose send() returned.
        size = int(params.get("size", str(MiB)))
        count = int(params.get("count", "200"))
        chunk = bytes(size)
        sent = 0
        for _ in range(count):
            await ws.send(chunk)
            sent += size
            log.messages[:] = [sent]  # type: ignore[list-item]
        await ws.wait_closed()

    async def _h_send(self, ws: _WptConnection, params: dict[str, str], log: ConnLog) -> None:
        # ``?size=&count=&text=1``: send ``count`` messages of ``size`` bytes ("a"s if text).
        size = int(params.get("size", "0"))
        message: str | bytes = "a" * size if params.get("text") else bytes(size)
        for _ in range(int(params.get("count", "1"))):
            await ws.send(message)
        await ws.wait_closed()

    async def _h_never_read(self, ws: _WptConnection, params: dict[str, str], log: ConnLog) -> None:
        # Accept, then never read again (until the server stops).
        ws.transport.pause_reading()
        await self._shutdown.wait()


# ----------------------------------------------------------------------------- own server


class OwnServer:
    """The core WPT handlers on this project's server (``websocketstream.server.serve``).

    Differences from :class:`WptServer`: the session answers a Close frame itself, echoing
    only the status code (RFC 6455 §5.5.1), so ``/echo`` does not echo the client's reason.
    """

    kind = "own"

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, **options: Any) -> None:
        self.ssl_context = ssl_context
        self.options = options
        self.log = ServerLog()
        self.port = 0
        self.server: OwnServerImpl | None = None
        #: The server-side endpoints, in connection order.
        self.endpoints: list[ServerWebSocketStream] = []
        #: The upgrade requests, in order.
        self.requests: list[Any] = []

    @property
    def scheme(self) -> str:
        return "wss" if self.ssl_context is not None else "ws"

    def url(self, path: str = "/echo", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    async def start(self) -> OwnServer:
        self.server = await own_serve(
            self._handler,
            "127.0.0.1",
            0,
            ssl=self.ssl_context,
            select_subprotocol=self._select_protocol,
            process_request=self._process_request,
            **self.options,
        )
        self.port = self.server.port
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await asyncio.wait_for(self.server.wait_closed(), 5)

    async def __aenter__(self) -> OwnServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _process_request(self, ws: ServerWebSocketStream, request: Any) -> OwnResponse | None:
        self.log.tcp_connections += 1
        self.requests.append(request)
        path, _ = _split(request.target)
        if not hasattr(self, "_h_" + path.strip("/").replace("-", "_")):
            return OwnResponse(404)
        return None

    def _select_protocol(self, ws: ServerWebSocketStream, offered: Any) -> str | None:
        # The request is not passed: protocol_array and echo both pick from the offer.
        if not offered:
            return None
        return "echo" if "echo" in offered else offered[0]

    async def _handler(self, ws: ServerWebSocketStream) -> None:
        assert ws.request is not None
        log = self.log.add(ws.request.target)
        self.endpoints.append(ws)
        path, params = _split(ws.request.target)

        def note(fut: asyncio.Future[Any]) -> None:
            if not fut.cancelled() and fut.exception() is None:
                info = fut.result()
                body = b""
                if info.close_code != 1005:
                    body = info.close_code.to_bytes(2, "big") + info.reason.encode()
                log.saw_close(body)
            log.done.set()

        ws.closed.add_done_callback(note)
        handler = getattr(self, "_h_" + path.strip("/").replace("-", "_"))
        await handler(ws, params, log)

    async def _h_echo(
        self, ws: ServerWebSocketStream, params: dict[str, str], log: ConnLog
    ) -> None:
        info = await ws.opened
        reader = info.readable.get_reader()
        writer = info.writable.get_writer()
        with contextlib.suppress(Exception):
            while True:
                value, done = await reader.read()
                if done:
                    break
                log.messages.append(value)
                await writer.write(value)
                if value == "Goodbye":
                    ws.close(1000)
                    break
        with contextlib.suppress(Exception):
            await ws.closed

    async def _h_echo_exit(
        self, ws: ServerWebSocketStream, params: dict[str, str], log: ConnLog
    ) -> None:
        info = await ws.opened
        reader = info.readable.get_reader()
        with contextlib.suppress(Exception):
            while True:
                value, done = await reader.read()
                if done:
                    break
                log.messages.append(value)
                if value == "Goodbye":
                    break
        ws.close(1000)
        with contextlib.suppress(Exception):
            await ws.closed

    async def _h_protocol_array(
        self, ws: ServerWebSocketStream, params: dict[str, str], log: ConnLog
    ) -> None:
        info = await ws.opened
        writer = info.writable.get_writer()
        await writer.write(info.protocol)
        with contextlib.suppress(Exception):
            await ws.closed

    async def _h_remote_close(
        self, ws: ServerWebSocketStream, params: dict[str, str], log: ConnLog
    ) -> None:
        await ws.opened
        code = int(params["code"]) if "code" in params else None
        reason = params.get("reason", "") if code is not None else ""
        ws.close(code, reason)
        with contextlib.suppress(Exception):
            await ws.closed


# ----------------------------------------------------------------------------- raw server


def encode_frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = None,
    length: int | None = None,
) -> bytes:
    """One frame as bytes; ``length`` overrides the payload length in the header."""
    n = len(payload) if length is None else length
    head = bytearray([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    if n < 126:
        head.append(mask_bit | n)
    elif n < 1 << 16:
        head.append(mask_bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", n)
    if mask is not None:
        head += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(head) + payload


def close_body(code: int | None, reason: str = "") -> bytes:
    return b"" if code is None else code.to_bytes(2, "big") + reason.encode()


@dataclass
class Frame:
    fin: bool
    opcode: int
    payload: bytes

    @property
    def close(self) -> tuple[int, str]:
        if len(self.payload) < 2:
            return (1005, "")
        return int.from_bytes(self.payload[:2], "big"), self.payload[2:].decode("utf-8", "replace")


async def read_frame(reader: asyncio.StreamReader, head: bytes = b"") -> Frame:
    """Read one (client, masked) frame; raises ``asyncio.IncompleteReadError`` at EOF.

    ``head``: the frame's first two bytes, if they were read already.
    """
    b0, b1 = head or await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    key = await reader.readexactly(4) if b1 & 0x80 else None
    payload = await reader.readexactly(n)
    if key is not None:
        payload = _unmask(payload, key)
    return Frame(bool(b0 & 0x80), b0 & 0x0F, payload)


def _unmask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    repeated = int.from_bytes(key * ((n + 3) // 4), "little") & ((1 << (8 * n)) - 1) if n else 0
    return (int.from_bytes(payload, "little") ^ repeated).to_bytes(n, "little")


class RawConnection:
    """One raw TCP connection handed to a :class:`RawServer` script."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: ServerLog
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.server_log = log
        self.log: ConnLog | None = None
        self.request_head = b""

    async def read_request(self) -> dict[str, str]:
        """Read the upgrade request; returns its headers (lowercased names)."""
        self.request_head = await self.reader.readuntil(b"\r\n\r\n")
        lines = self.request_head.decode("latin-1").split("\r\n")
        self.log = self.server_log.add(lines[0].split(" ")[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        return headers

    async def handshake(self, extra: bytes = b"", *, protocol: str | None = None) -> None:
        """Read the request and accept it (no extensions); ``extra`` is sent right after."""
        headers = await self.read_request()
        key = headers["sec-websocket-key"]
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        response = (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
        )
        if protocol is not None:
            response += f"Sec-WebSocket-Protocol: {protocol}\r\n"
        self.writer.write(response.encode() + b"\r\n" + extra)
        await self.writer.drain()

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    async def send_frame(self, opcode: int, payload: bytes = b"", **kwargs: Any) -> None:
        self.writer.write(encode_frame(opcode, payload, **kwargs))
        await self.writer.drain()

    async def read_frame(self, head: bytes = b"") -> Frame:
        frame = await read_frame(self.reader, head)
        if frame.opcode == 8 and self.log is not None:
            self.log.saw_close(frame.payload)
        return frame

    async def read_until_close(self, head: bytes = b"") -> Frame | None:
        """Read frames until the client's Close (returned) or EOF (None)."""
        try:
            while True:
                frame = await self.read_frame(head)
                head = b""
                if frame.opcode == 8:
                    return frame
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def wait_eof(self) -> None:
        """Read (and drop) everything until the client closes TCP."""
        with contextlib.suppress(ConnectionError):
            while await self.reader.read(65536):
                pass

    def abort(self) -> None:
        self.writer.transport.abort()


Script = Callable[[RawConnection], Awaitable[None]]


class RawServer:
    """An asyncio stream server running ``script(conn)`` for each TCP connection."""

    kind = "raw"

    def __init__(self, script: Script, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.ssl_context = ssl_context
        self.log = ServerLog()
        self.port = 0
        self.errors: list[BaseException] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        scheme = "wss" if self.ssl_context is not None else "ws"
        return f"{scheme}://{host}:{self.port}{path}"

    async def start(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.log.tcp_connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        conn = RawConnection(reader, writer, self.log)
        try:
            await self.script(conn)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        except BaseException as exc:  # reported by the fixture: a broken test server
            self.errors.append(exc)
        finally:
            self._tasks.discard(task)
            if conn.log is not None:
                conn.log.done.set()
            writer.transport.abort()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._server is not None:
            self._server.close()
            await asyncio.wait_for(self._server.wait_closed(), 5)
        assert not self.errors, f"the raw test server failed: {self.errors!r}"

    async def __aenter__(self) -> RawServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def silent_script(conn: RawConnection) -> None:
    """Accept TCP, then never answer (read and drop whatever comes)."""
    await conn.wait_eof()


def random_payload(n: int) -> bytes:
    return os.urandom(n)
