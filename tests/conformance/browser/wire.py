"""A scripted WebSocket server on loopback that records exactly what it sees.

Every scenario's server side is an ``async def script(server: ScriptedServer)``: it accepts
TCP connections, reads the opening handshake, answers it (correctly or not), sends frames built
by hand here (never by the code under test) and reads the client's frames.  Everything the
server observes is appended to :attr:`ScriptedServer.log` as JSON-ready lists, so a trace taken
with Chromium and one taken with our client compare with ``==``:

``["request", {"protocol": ..., "extensions": ...}]``  the upgrade request (selected headers)
``["frame", opcode, fin, rsv1, payload]``               a frame (text as str, binary as hex;
                                                         Close as ``[code, reason]``)
``["unmasked"]``                                        a client frame without a mask
``["eof"]`` / ``["reset"]`` / ``["timeout"]``           the end of TCP, or nothing in time
``["tcp", n]``                                          the n-th TCP connection (n > 1 only)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = [
    "BINARY",
    "CLOSE",
    "CONT",
    "PING",
    "PONG",
    "TEXT",
    "Peer",
    "Script",
    "ScriptedServer",
    "accept_key",
    "close_payload",
    "frame",
]

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
#: How long a script waits for the client by default (seconds).
WAIT = 5.0


def accept_key(key: str) -> str:
    """RFC 6455 §4.2.2: the Sec-WebSocket-Accept value for a Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv1: bool = False,
    rsv2: bool = False,
    rsv3: bool = False,
    mask: bytes | None = None,
    length: int | None = None,
) -> bytes:
    """One frame, written out by hand (``length`` overrides the announced payload length)."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | (0x20 if rsv2 else 0)
    first |= (0x10 if rsv3 else 0) | opcode
    n = len(payload) if length is None else length
    mask_bit = 0x80 if mask is not None else 0
    if n < 126:
        head = struct.pack("!BB", first, mask_bit | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, n)
    if mask is not None:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += mask
    return head + payload


def close_payload(code: int | None = None, reason: str | bytes = b"") -> bytes:
    """A Close frame's body: no code gives an empty body."""
    if code is None:
        return b""
    raw = reason.encode() if isinstance(reason, str) else reason
    return struct.pack("!H", code) + raw


def _describe(opcode: int, payload: bytes) -> Any:
    if opcode == TEXT:
        try:
            return payload.decode()
        except UnicodeDecodeError:
            return {"hex": payload.hex()}
    if opcode == CLOSE:
        if len(payload) >= 2:
            reason = payload[2:].decode("utf-8", "replace")
            return [struct.unpack("!H", payload[:2])[0], reason]
        return [None, payload.hex()]
    return {"hex": payload.hex()} if len(payload) <= 64 else {"len": len(payload)}


class Peer:
    """One TCP connection accepted by the server, with the script's operations."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        log: list[list[Any]],
        index: int,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self._log = log
        self.index = index
        self.request_headers: dict[str, str] = {}
        self.ended = False
        #: RSV1 of the last frame read (compressed, under permessage-deflate).
        self.last_rsv1 = False
        #: FIN of the last frame read.
        self.last_fin = True

    def record(self, *entry: Any) -> None:
        """Append one observation (prefixed with the connection number after the first)."""
        item = list(entry)
        if self.index > 1:
            item = [f"#{self.index}", *item]
        self._log.append(item)

    # ---------------------------------------------------------------- handshake

    async def read_request(self) -> dict[str, str] | None:
        """Read the upgrade request; record its protocol and extension offers."""
        try:
            head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), WAIT)
        except (asyncio.IncompleteReadError, ConnectionError):
            self._end("eof")
            return None
        lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                value = value.strip()
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.request_headers = headers
        self.record(
            "request",
            {
                "protocol": headers.get("sec-websocket-protocol"),
                "extensions": headers.get("sec-websocket-extensions"),
            },
        )
        return headers

    async def handshake(
        self,
        *,
        status: str = "101 Switching Protocols",
        protocol: str | None = None,
        extensions: str | None = None,
        accept: str | None = None,
        upgrade: str | None = "websocket",
        connection: str | None = "Upgrade",
        extra: str = "",
        body: bytes = b"",
    ) -> bool:
        """Read the request and answer it; ``False`` when the client went away first."""
        if await self.read_request() is None:
            return False
        self.answer(
            status=status,
            protocol=protocol,
            extensions=extensions,
            accept=accept,
            upgrade=upgrade,
            connection=connection,
            extra=extra,
            body=body,
        )
        return True

    def answer(
        self,
        *,
        status: str = "101 Switching Protocols",
        protocol: str | None = None,
        extensions: str | None = None,
        accept: str | None = None,
        upgrade: str | None = "websocket",
        connection: str | None = "Upgrade",
        extra: str = "",
        body: bytes = b"",
    ) -> None:
        """Answer the request read by :meth:`read_request`."""
        key = self.request_headers.get("sec-websocket-key", "")
        lines = [f"HTTP/1.1 {status}"]
        if upgrade is not None:
            lines.append(f"Upgrade: {upgrade}")
        if connection is not None:
            lines.append(f"Connection: {connection}")
        lines.append(f"Sec-WebSocket-Accept: {accept_key(key) if accept is None else accept}")
        if protocol is not None:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        if extensions is not None:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        if body:
            lines.append(f"Content-Length: {len(body)}")
        response = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
        self.send_raw(response.encode() + body)

    # ---------------------------------------------------------------- frames

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are."""
        if not self.writer.is_closing():
            self.writer.write(data)

    def send(self, opcode: int, payload: bytes | str = b"", **options: Any) -> None:
        """Write one unmasked frame (options as :func:`frame`)."""
        raw = payload.encode() if isinstance(payload, str) else payload
        self.send_raw(frame(opcode, raw, **options))

    def send_close(self, code: int | None = None, reason: str | bytes = b"") -> None:
        """Write a Close frame."""
        self.send(CLOSE, close_payload(code, reason))

    async def drain(self) -> None:
        """Wait until the written bytes are handed to the kernel."""
        with contextlib.suppress(ConnectionError):
            await self.writer.drain()

    async def recv(self, timeout: float = WAIT) -> tuple[int, bytes] | None:
        """Read and record one frame; ``None`` at EOF, reset or timeout (also recorded)."""
        if self.ended:
            return None
        try:
            head = await asyncio.wait_for(self.reader.readexactly(2), timeout)
            opcode = head[0] & 0x0F
            n = head[1] & 0x7F
            if n == 126:
                n = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            mask = await self.reader.readexactly(4) if head[1] & 0x80 else None
            payload = await self.reader.readexactly(n)
        except TimeoutError:
            self.record("timeout")
            return None
        except asyncio.IncompleteReadError:
            self._end("eof")
            return None
        except ConnectionError:
            self._end("reset")
            return None
        self.last_rsv1 = bool(head[0] & 0x40)
        self.last_fin = bool(head[0] & 0x80)
        if mask is None:
            self.record("unmasked")
        else:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.record(
            "frame", opcode, bool(head[0] & 0x80), bool(head[0] & 0x40), _describe(opcode, payload)
        )
        return opcode, payload

    async def recv_until_close(self, timeout: float = WAIT) -> tuple[int, bytes] | None:
        """Read frames until a Close frame (returned), EOF or timeout (``None``)."""
        while True:
            got = await self.recv(timeout)
            if got is None or got[0] == CLOSE:
                return got

    async def echo_until_close(self, timeout: float = WAIT) -> tuple[int, bytes] | None:
        """Echo data frames as they came (fragments too) until a Close frame; return it."""
        while True:
            got = await self.recv(timeout)
            if got is None or got[0] == CLOSE:
                return got
            if got[0] in (CONT, TEXT, BINARY):
                self.send(got[0], got[1], fin=self.last_fin, rsv1=self.last_rsv1)

    async def expect_eof(self, timeout: float = WAIT) -> None:
        """Record frames until the client ends TCP (``eof``/``reset``) or ``timeout``."""
        while not self.ended:
            if await self.recv(timeout) is None:
                return

    def _end(self, how: str) -> None:
        if not self.ended:
            self.ended = True
            self.record(how)

    # ---------------------------------------------------------------- TCP

    def close_tcp(self) -> None:
        """Close our side (FIN after the written bytes)."""
        self.writer.close()

    def reset(self) -> None:
        """Drop TCP with a reset (SO_LINGER 0), losing unsent bytes."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Script = Callable[["ScriptedServer"], Awaitable[None]]


class ScriptedServer:
    """``async with ScriptedServer(script) as server``: ``server.port``, then ``server.log``.

    The script runs as a task; :meth:`accept` hands it the next TCP connection.  Leaving the
    context waits for the script (bounded), then closes every connection.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.log: list[list[Any]] = []
        self.port = 0
        self._pending: asyncio.Queue[Peer] = asyncio.Queue()
        self._peers: list[Peer] = []
        self._server: asyncio.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        try:
            await self.script(self)
        except Exception as exc:
            self.error = exc
            self.log.append(["script-error", repr(exc)])

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = Peer(reader, writer, self.log, len(self._peers) + 1)
        self._peers.append(peer)
        if peer.index > 1:
            peer.record("tcp", peer.index)
        await self._pending.put(peer)

    async def accept(self, timeout: float = WAIT) -> Peer | None:
        """The next TCP connection, or ``None`` (recorded as ``no-connection``)."""
        try:
            return await asyncio.wait_for(self._pending.get(), timeout)
        except TimeoutError:
            self.log.append(["no-connection"])
            return None

    def connections(self) -> int:
        """How many TCP connections arrived so far."""
        return len(self._peers)

    async def wait(self, timeout: float) -> None:
        """Wait for the script to finish (at most ``timeout`` seconds)."""
        assert self._task is not None
        done, _ = await asyncio.wait({self._task}, timeout=timeout)
        if not done:
            self._task.cancel()
            self.log.append(["script-unfinished"])
            await asyncio.gather(self._task, return_exceptions=True)

    async def __aexit__(self, *exc: object) -> None:
        await self.wait(15.0)
        if self._pending.qsize():
            self.log.append(["unaccepted", self._pending.qsize()])
        for peer in self._peers:
            peer.writer.transport.abort()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
