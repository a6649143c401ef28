"""Memory after a mass close: this project's echo server beside the ``websockets`` library's.

Each server runs in its own process on 127.0.0.1 (port 0) and answers commands on stdin
(its RSS, a full ``gc.collect()``, ``malloc_trim(0)``).  This process opens N idle WebSocket
connections and closes them all from the client side (a Close frame, then the server's Close
and the end of TCP), waits until the server has let them all go, then reads the server's RSS:
right after the close, after a full collection (and how many objects it freed: what reference
counting could not), and after ``malloc_trim(0)``.

Usage: ``python benchmarks/after_close.py [--count 5000] [--impl ours,websockets]``.
Loopback only; a single run on a shared machine: read the figures as orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import subprocess
import sys

SERVER_SCRIPT = r"""
import asyncio, ctypes, gc, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

async def main():
    if sys.argv[1] == "ours":
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
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = line.strip().decode()
        if command == "rss":
            print(f"{rss():.1f} {len(server.connections)}", flush=True)
        elif command == "gc":
            collected = gc.collect()
            print(f"{rss():.1f} {collected}", flush=True)
        elif command == "trim":
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            print(f"{rss():.1f} 0", flush=True)

asyncio.run(main())
"""

UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)
#: A Close frame with code 1000, masked with an all-zero key.
CLOSE = b"\x88\x82\x00\x00\x00\x00\x03\xe8"


async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The closing handshake as a client: a masked Close 1000, then read until the end."""
    writer.write(CLOSE)
    with contextlib.suppress(ConnectionError):
        while await reader.read(4096):
            pass
    writer.close()


async def measure(impl: str, count: int) -> dict[str, float]:
    """Open ``count`` idle connections to ``impl``'s server, close them, read its memory."""
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SERVER_SCRIPT,
        impl,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert server.stdin is not None and server.stdout is not None
    stdin, stdout = server.stdin, server.stdout

    async def ask(command: str) -> tuple[float, int]:
        stdin.write(command.encode() + b"\n")
        await stdin.drain()
        rss, number = (await stdout.readline()).split()
        return float(rss), int(number)

    try:
        port = int(await stdout.readline())
        base, _ = await ask("rss")
        clients = []
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(UPGRADE)
            await reader.readuntil(b"\r\n\r\n")
            clients.append((reader, writer))
        peak, _ = await ask("rss")
        await asyncio.gather(*(close(reader, writer) for reader, writer in clients))
        clients.clear()
        while (await ask("rss"))[1]:  # until the server let every connection go
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # lingering closes end, late callbacks run
        after, _ = await ask("rss")
        collected_rss, collected = await ask("gc")
        trimmed, _ = await ask("trim")
    finally:
        server.kill()
        await server.wait()
    return {
        "base": base,
        "peak": peak,
        "after": after,
        "collected": collected,
        "after_gc": collected_rss,
        "after_trim": trimmed,
    }


async def run(impls: list[str], count: int) -> None:
    """Measure each implementation in turn and print one row each."""
    print(f"{count} idle connections opened, then closed by the clients; server RSS in MiB")
    header = "impl        base    open   closed  gc-freed objects   after gc  after trim"
    print(header)
    for impl in impls:
        m = await measure(impl, count)
        print(
            f"{impl:<10} {m['base']:6.1f} {m['peak']:7.1f} {m['after']:8.1f}"
            f"  {m['collected']:>8,.0f} ({m['collected'] / count:4.1f}/conn)"
            f" {m['after_gc']:8.1f} {m['after_trim']:10.1f}"
        )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--impl", default="ours,websockets")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = min(args.count, hard - 200)
    asyncio.run(run(args.impl.split(","), count))


if __name__ == "__main__":
    main()
