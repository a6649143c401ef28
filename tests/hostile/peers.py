"""Hostile peers on loopback: a raw-socket client for our server, servers to attack, and
measurements taken in a subprocess (RSS, fds)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from tests.client.helpers import wait
from tests.client.servers import Frame, encode_frame, read_frame
from websocketstream.server import Server, serve

#: A fixed masking key: hostile clients need not be random.
KEY = b"\x01\x02\x03\x04"

UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@contextlib.asynccontextmanager
async def running(handler: Any, **options: Any) -> AsyncIterator[Server]:
    """Our server on 127.0.0.1, port 0."""
    options.setdefault("host", "127.0.0.1")
    options.setdefault("port", 0)
    server = await serve(handler, **options)
    try:
        yield server
    finally:
        server.close()
        await wait(server.wait_closed())


class RawClient:
    """A raw TCP client that did the opening handshake (no extensions)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(UPGRADE)
        head = await wait(reader.readuntil(b"\r\n\r\n"))
        assert head.startswith(b"HTTP/1.1 101"), head
        return cls(reader, writer)

    def frame(self, opcode: int, payload: bytes = b"", *, fin: bool = True) -> bytes:
        """A masked frame, as a client sends it."""
        return encode_frame(opcode, payload, fin=fin, mask=KEY)

    async def read_until_close(self) -> Frame | None:
        """Read frames until the server's Close (returned) or EOF/reset (None)."""
        try:
            while True:
                frame = await read_frame(self.reader)
                if frame.opcode == 8:
                    return frame
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def wait_eof(self) -> bytes:
        """Read until the server ends TCP; returns what came (raises on a reset)."""
        data = bytearray()
        while chunk := await self.reader.read(65536):
            data += chunk
        return bytes(data)

    def close(self) -> None:
        self.writer.transport.abort()


async def run_measured(script: str, *args: str, timeout: float = 120.0) -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter; it prints one JSON object as its last line."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode == 0, err.decode()
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result
