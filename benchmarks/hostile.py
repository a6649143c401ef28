"""Hostile peers against this project's server and the ``websockets`` library's, side by side.

Each server runs in its own process (an echo server on 127.0.0.1, port 0); this process
attacks it over loopback and reads the server's RSS and open fds from ``/proc``.  Probes:

* ``slowloris``: N handshakes sent one byte a second; how many the server drops and when.
* ``idle``: N idle WebSocket connections; server memory per connection, with and without
  permessage-deflate offered; RSS once they closed, what the cyclic GC then frees (what
  reference counting did not), and RSS after that collection and after ``malloc_trim(0)``.
* ``churn``: N connect / echo / close cycles (50 at a time); fds and RSS before and after.
* ``pingflood``: Pings as fast as the server takes them, Pongs never read, for a few seconds.
* ``fragments``: a message of endless empty (or 1-byte) continuation frames.

Usage: ``python benchmarks/hostile.py [--probes slowloris,idle,...] [--quick]``.  Loopback
only; every probe is bounded in time (about 4 minutes for the full run, with both servers).
Single runs on a shared machine: read the figures as orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import struct
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

MiB = 2**20
KEY = b"\x11\x22\x33\x44"
UPGRADE = (
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
)
DEFLATE = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"

SERVER_SCRIPT = r"""
import asyncio, ctypes, gc, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
impl = sys.argv[1]

async def main():
    if impl == "ours":
        from websocketstream.server import echo_handler, serve
        server = await serve(echo_handler, "127.0.0.1", 0)
        port = server.port
    else:
        from websockets.asyncio.server import serve
        async def echo(ws):
            async for message in ws:
                await ws.send(message)
        server = await serve(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # Commands on stdin: "gc" runs a full collection (answers how many objects it freed:
    # what reference counting did not), "trim" gives the allocator's free memory back.
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while command := (await reader.readline()).strip():
        if command == b"gc":
            print(gc.collect(), flush=True)
        elif command == b"trim":
            print(ctypes.CDLL("libc.so.6").malloc_trim(0), flush=True)

asyncio.run(main())
"""


def raise_fd_limit() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class ServerProcess:
    """One echo server (``ours`` or ``websockets``) in a subprocess."""

    def __init__(self, impl: str) -> None:
        self.impl = impl
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_SCRIPT, impl],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the servers log the connections the probes abort
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def rss(self) -> int:
        with open(f"/proc/{self.proc.pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def command(self, name: str) -> int:
        """Run a command in the server (``gc``: a full collection, how many objects it freed;
        ``trim``: ``malloc_trim(0)``)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# ----------------------------------------------------------------------------- raw frames


def frame(opcode: int, payload: bytes = b"", *, fin: bool = True) -> bytes:
    """A masked client frame."""
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    masked = bytes(b ^ KEY[i & 3] for i, b in enumerate(payload))
    return head + KEY + masked


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    return b0 & 0x0F, await reader.readexactly(n)


async def open_ws(
    port: int, deflate: bool = False
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(UPGRADE.format(extra=DEFLATE if deflate else "").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(head[:40])
    return reader, writer


async def read_close(reader: asyncio.StreamReader) -> int | None:
    """Frames until the server's Close; its code (None on EOF/reset)."""
    try:
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 8:
                return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


def kib(n: float) -> str:
    return f"{n / 1024:,.1f} KiB"


def mib(n: float) -> str:
    return f"{n / MiB:+,.1f} MiB"


# ----------------------------------------------------------------------------- probes


async def slowloris(server: ServerProcess, count: int, duration: float) -> dict[str, Any]:
    request = UPGRADE.format(extra="").encode()
    conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    before = server.rss()
    for start in range(0, count, 200):
        batch = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", server.port) for _ in range(200)),
            return_exceptions=True,
        )
        conns += [c for c in batch if not isinstance(c, BaseException)]
        del start
    begin = time.monotonic()
    dropped_at: list[float] = []
    alive = list(range(len(conns)))
    offset = 0
    peak = server.rss()

    async def watch(i: int) -> None:
        reader = conns[i][0]
        with contextlib.suppress(ConnectionError):
            while await reader.read(4096):
                pass
        dropped_at.append(time.monotonic() - begin)

    watchers = [asyncio.ensure_future(watch(i)) for i in alive]
    while time.monotonic() - begin < duration and len(dropped_at) < len(conns):
        for _, writer in conns:
            if not writer.is_closing() and offset < len(request):
                with contextlib.suppress(ConnectionError, RuntimeError):
                    writer.write(request[offset : offset + 1])
        offset += 1
        peak = max(peak, server.rss())
        await asyncio.sleep(1.0)
    for _, writer in conns:
        writer.transport.abort()
    await asyncio.gather(*watchers, return_exceptions=True)
    dropped = [t for t in dropped_at if t < duration]
    return {
        "connections": len(conns),
        "dropped": len(dropped),
        "last drop": f"{max(dropped):.1f} s" if dropped else "-",
        "RSS peak": mib(peak - before),
    }


async def idle(server: ServerProcess, count: int, deflate: bool) -> dict[str, Any]:
    # Warm up: one connection with a message each way.
    reader, writer = await open_ws(server.port, deflate)
    writer.write(frame(1, b"warm" * 64))
    await read_frame(reader)
    writer.write(frame(8, b"\x03\xe8"))
    await read_close(reader)
    writer.close()
    await asyncio.sleep(0.5)
    fds = server.fds()
    before = server.rss()
    conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    failed = 0
    for _ in range(0, count, 100):
        batch = await asyncio.gather(
            *(open_ws(server.port, deflate) for _ in range(100)), return_exceptions=True
        )
        conns += [c for c in batch if not isinstance(c, BaseException)]
        failed += sum(isinstance(c, BaseException) for c in batch)
    await asyncio.sleep(1.0)
    opened = server.rss()
    for _, writer in conns:
        writer.transport.abort()
    deadline = time.monotonic() + 30
    while server.fds() > fds and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(0.5)
    after = server.rss()
    # What reference counting left to the cyclic GC, and what the allocator keeps.
    freed = server.command("gc")
    collected = server.rss()
    server.command("trim")
    trimmed = server.rss()
    return {
        "connections": len(conns),
        "failed": failed,
        "per connection": kib((opened - before) / max(len(conns), 1)),
        "RSS open": mib(opened - before),
        "RSS after close": mib(after - before),
        "cyclic GC then frees": f"{freed} objects ({freed / max(len(conns), 1):.1f} each)",
        "RSS after it": mib(collected - before),
        "after malloc_trim": mib(trimmed - before),
    }


async def churn(server: ServerProcess, count: int, workers: int = 50) -> dict[str, Any]:
    fds = server.fds()
    before = server.rss()
    peak = before
    done = 0
    failures = 0

    async def cycle() -> None:
        reader, writer = await open_ws(server.port)
        writer.write(frame(1, b"hello"))
        opcode, payload = await read_frame(reader)
        assert (opcode, payload) == (1, b"hello")
        writer.write(frame(8, b"\x03\xe8"))
        await read_close(reader)
        with contextlib.suppress(ConnectionError):
            await reader.read()
        writer.close()

    async def worker(n: int) -> None:
        nonlocal done, failures
        for _ in range(n):
            try:
                await asyncio.wait_for(cycle(), 10)
            except Exception:
                failures += 1
            done += 1

    start = time.monotonic()
    tasks = [asyncio.ensure_future(worker(count // workers)) for _ in range(workers)]
    while not all(t.done() for t in tasks):
        peak = max(peak, server.rss())
        await asyncio.sleep(0.5)
    elapsed = time.monotonic() - start
    await asyncio.sleep(1.0)
    return {
        "cycles": done,
        "failures": failures,
        "time": f"{elapsed:.1f} s",
        "fds before/after": f"{fds}/{server.fds()}",
        "RSS peak": mib(peak - before),
        "RSS after": mib(server.rss() - before),
    }


async def pingflood(server: ServerProcess, duration: float) -> dict[str, Any]:
    _reader, writer = await open_ws(server.port)
    before = server.rss()
    peak = before
    chunk = frame(9, b"p" * 125) * 1000
    sent = 0
    blocked = False
    start = time.monotonic()
    while time.monotonic() - start < duration:
        writer.write(chunk)
        sent += len(chunk)
        try:
            await asyncio.wait_for(writer.drain(), 2.0)
        except TimeoutError:
            blocked = True
            break
        except ConnectionError:
            break
        peak = max(peak, server.rss())
    peak = max(peak, server.rss())
    writer.transport.abort()
    return {
        "sent": f"{sent / MiB:,.0f} MiB",
        "held back": "yes" if blocked else "no",
        "RSS peak": mib(peak - before),
    }


async def fragments(server: ServerProcess, size: int, limit: float) -> dict[str, Any]:
    reader, writer = await open_ws(server.port)
    before = server.rss()
    peak = before
    writer.write(frame(1, b"x", fin=False))
    chunk = frame(0, b"y" * size, fin=False) * 1000
    start = time.monotonic()
    closed_at = 0.0

    async def wait_close() -> int | None:
        nonlocal closed_at
        code = await read_close(reader)
        closed_at = time.monotonic() - start
        return code

    closing = asyncio.ensure_future(wait_close())
    sent = 0
    with contextlib.suppress(ConnectionError):
        while not closing.done() and time.monotonic() - start < limit:
            writer.write(chunk)
            sent += len(chunk)
            await writer.drain()
            if sent % (8 * len(chunk)) == 0:
                peak = max(peak, server.rss())
    code = None
    with contextlib.suppress(TimeoutError):
        code = await asyncio.wait_for(closing, max(0.1, limit - (time.monotonic() - start)))
    peak = max(peak, server.rss())
    writer.transport.abort()
    closing.cancel()
    return {
        "close code": code if code is not None else f"none within {limit:.0f} s",
        "Close after": f"{closed_at:.2f} s" if code is not None else "-",
        "sent": f"{sent / MiB:,.1f} MiB",
        "RSS peak": mib(peak - before),
    }


# ----------------------------------------------------------------------------- main


Probe = Callable[[ServerProcess], Awaitable[dict[str, Any]]]


async def run(probes: list[str], quick: bool) -> None:
    hard = raise_fd_limit()
    scale = 10 if quick else 1
    idle_count = min(10_000 // scale, hard - 500)
    table: dict[str, Probe] = {
        "slowloris": lambda s: slowloris(s, 2000 // scale, 15.0 if quick else 40.0),
        "idle": lambda s: idle(s, idle_count, False),
        "idle-deflate": lambda s: idle(s, idle_count, True),
        "churn": lambda s: churn(s, 20_000 // scale),
        "pingflood": lambda s: pingflood(s, 8.0),
        "fragments-empty": lambda s: fragments(s, 0, 20.0),
        "fragments-1-byte": lambda s: fragments(s, 1, 20.0),
    }
    names = [n for n in table if any(n.startswith(p) for p in probes)]
    for name in names:
        print(f"\n## {name}")
        for impl in ("ours", "websockets"):
            server = ServerProcess(impl)
            try:
                result = await table[name](server)
            finally:
                server.stop()
            figures = ", ".join(f"{k}: {v}" for k, v in result.items())
            print(f"{impl:>10}: {figures}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--probes",
        default="slowloris,idle,churn,pingflood,fragments",
        help="comma-separated probe names (prefixes)",
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the connections")
    args = parser.parse_args()
    asyncio.run(run(args.probes.split(","), args.quick))


if __name__ == "__main__":
    main()
