"""The fast local server the client benchmarks talk to (run in its own process).

WebSocket paths (picows, the fastest Python server, no compression):

* ``/echo``: every message back as it came.
* ``/flood?count=N&size=S``: N binary messages of S bytes as fast as the client takes them
  (the server obeys its transport's flow control), then a text message ``"done"``.
* ``/sink``: counts messages and bytes; on the text message ``"end"`` answers ``"<count> <bytes>"``.

Plain TCP (the baseline) on the next port: the client sends one line, ``flood N`` (the server
sends N bytes, then closes) or ``sink N`` (the server reads N bytes, then answers ``ok``).

Usage: ``python benchmarks/peer_server.py PORT`` (prints ``ready`` when both listen).
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import parse_qs, urlsplit

import picows


class _Listener(picows.WSListener):
    def __init__(self, path: str, query: dict[str, list[str]]) -> None:
        self.path = path
        self.query = query
        self.count = 0
        self.nbytes = 0
        self.transport: picows.WSTransport | None = None
        self.can_write = asyncio.Event()
        self.can_write.set()

    def on_ws_connected(self, transport: picows.WSTransport) -> None:
        self.transport = transport
        if self.path == "/flood":
            count = int(self.query["count"][0])
            size = int(self.query["size"][0])
            asyncio.get_running_loop().create_task(self._flood(count, size))

    def pause_writing(self) -> None:
        self.can_write.clear()

    def resume_writing(self) -> None:
        self.can_write.set()

    async def _flood(self, count: int, size: int) -> None:
        assert self.transport is not None
        payload = b"x" * size
        send = self.transport.send
        for _ in range(count):
            if not self.can_write.is_set():
                await self.can_write.wait()
            send(picows.WSMsgType.BINARY, payload)
        send(picows.WSMsgType.TEXT, b"done")

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        msg_type = frame.msg_type
        if msg_type == picows.WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code(), frame.get_close_message())
            transport.disconnect()
            return
        if msg_type == picows.WSMsgType.PING:
            transport.send_pong(frame.get_payload_as_bytes())
            return
        if self.path == "/echo":
            transport.send(msg_type, frame.get_payload_as_memoryview())
        elif self.path == "/sink":
            if msg_type == picows.WSMsgType.TEXT and frame.get_payload_as_bytes() == b"end":
                transport.send(picows.WSMsgType.TEXT, f"{self.count} {self.nbytes}".encode())
            else:
                self.count += 1
                self.nbytes += frame.payload_size


def _listener_factory(request: picows.WSUpgradeRequest) -> picows.WSListener:
    parts = urlsplit(request.path.decode() if isinstance(request.path, bytes) else request.path)
    return _Listener(parts.path, parse_qs(parts.query))


class _TcpPeer(asyncio.Protocol):
    def __init__(self) -> None:
        self.line = b""
        self.remaining = -1
        self.transport: asyncio.Transport | None = None
        self.can_write = asyncio.Event()
        self.can_write.set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def pause_writing(self) -> None:
        self.can_write.clear()

    def resume_writing(self) -> None:
        self.can_write.set()

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.remaining >= 0:
            self.remaining -= len(data)
            if self.remaining <= 0:
                self.transport.write(b"ok\n")
            return
        self.line += data
        if b"\n" not in self.line:
            return
        command, _, rest = self.line.partition(b"\n")
        verb, size = command.split()
        if verb == b"flood":
            asyncio.get_running_loop().create_task(self._flood(int(size)))
        else:
            self.remaining = int(size) - len(rest)
            if self.remaining <= 0:
                self.transport.write(b"ok\n")

    async def _flood(self, total: int) -> None:
        assert self.transport is not None
        chunk = b"x" * (1 << 20)
        sent = 0
        while sent < total:
            if not self.can_write.is_set():
                await self.can_write.wait()
            n = min(len(chunk), total - sent)
            self.transport.write(chunk if n == len(chunk) else chunk[:n])
            sent += n
        self.transport.close()


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    ws_server = await picows.ws_create_server(
        _listener_factory, "127.0.0.1", port, max_frame_size=64 << 20
    )
    tcp_server = await loop.create_server(_TcpPeer, "127.0.0.1", port + 1)
    print("ready", flush=True)
    async with ws_server, tcp_server:
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
