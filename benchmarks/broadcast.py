"""Broadcast benchmark: 64-byte messages to many clients (deliveries per second).

    python benchmarks/broadcast.py                      # all scenarios (needs redis-server)
    python benchmarks/broadcast.py --clients 1000 --messages 200 --scenarios local,slow

Scenarios (each server and the client load run in processes of their own, on loopback):

* ``local``: one server, ``--clients`` connections; the server calls ``broadcast()`` for each
  message; beside it the ``websockets`` library's server and its ``broadcast()``.
* ``slow``: ``--slow-messages`` messages, without and then with one client that never reads
  (a 4 KiB receive buffer): the others must not slow down; the slow one's skipped messages
  are counted.
* ``redis``: two server processes, half the clients on each; one publishes through a
  ``RedisBroadcaster`` (one Redis subscription per process), each server broadcasts what it
  receives to its clients; deliveries/s and the latency from publish to a client's receipt
  (p50, p99). Starts its own ``redis-server`` on a free port.

Clients count frames on raw sockets (no client library cost). Compression is off on both
servers. Figures depend on the machine: run it by hand, not in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

MESSAGE_SIZE = 64
FRAME_SIZE = MESSAGE_SIZE + 2  # a server's unmasked text frame with a 7-bit length
UPGRADE = (
    b"GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


def stamped() -> str:
    """A 64-byte text message carrying the time it was made."""
    return f"{time.time():.6f}".ljust(MESSAGE_SIZE, ".")


# ----------------------------------------------------------------- server role


async def run_server(impl: str, redis_url: str | None, small_buffers: bool) -> None:
    done = asyncio.Event()
    if impl == "ours":
        from websocketstream.server import (
            RedisBroadcaster,
            ServerWebSocketStream,
            broadcast,
            serve,
        )

        async def hold(ws: ServerWebSocketStream) -> None:
            await ws.opened
            await done.wait()

        server: Any = await serve(hold, compression=None, open_timeout=None, backlog=2048)
        port = server.port
        connections = server.connections

        def send(message: str) -> int:
            return broadcast(connections, message).skipped

        def buffered() -> int:
            return max((ws._session.buffered_amount for ws in connections), default=0)

    else:
        from websockets.asyncio.server import broadcast as ws_broadcast
        from websockets.asyncio.server import serve as ws_serve

        async def ws_hold(ws: Any) -> None:
            await done.wait()

        server = await ws_serve(ws_hold, "127.0.0.1", 0, compression=None, backlog=2048)
        port = server.sockets[0].getsockname()[1]

        def send(message: str) -> int:
            ws_broadcast(server.connections, message)
            return 0

        def buffered() -> int:
            sizes = [ws.transport.get_write_buffer_size() for ws in server.connections]
            return max(sizes, default=0)

    if small_buffers:
        # Accepted sockets inherit the listener's send buffer: a small one makes a client
        # that does not read fill up after ~1,300 messages instead of ~60,000.
        for sock in server.sockets:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    skipped = 0
    hub: Any = None
    relay: asyncio.Task[None] | None = None
    if redis_url is not None:
        from websocketstream.server import RedisBroadcaster

        hub = RedisBroadcaster(redis_url)
        subscription = hub.subscribe("bench")
        await subscription.ready()

        async def relay_messages() -> None:
            nonlocal skipped
            async for message in subscription:
                assert isinstance(message, str)
                skipped += send(message)

        relay = asyncio.create_task(relay_messages())
    print(f"port {port}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        command, count = line[0], int(line[1])
        if command == "broadcast":
            for i in range(count):
                skipped += send(stamped())
                if i % 8 == 7:
                    await asyncio.sleep(0)  # let the transports write
        elif command == "publish":
            for _ in range(count):
                await hub.publish("bench", stamped())
        elif command == "skipped":
            print(f"skipped {skipped} buffered {buffered()}", flush=True)
            continue
        print("sent", flush=True)
    done.set()
    if relay is not None:
        relay.cancel()
        await hub.aclose()
    server.close()


# ----------------------------------------------------------------- load role


class Counter(asyncio.Protocol):
    def __init__(self, load: Load, latency: bool) -> None:
        self.load = load
        self.latency = latency
        self.head = b""
        self.upgraded = asyncio.get_running_loop().create_future()
        self.pending = b""
        self.frames = 0

    def data_received(self, data: bytes) -> None:
        if not self.upgraded.done():
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            data = self.head[end + 4 :]
            self.upgraded.set_result(None)
        data = self.pending + data
        whole = len(data) // FRAME_SIZE
        self.pending = data[whole * FRAME_SIZE :]
        if self.latency:
            now = time.time()
            for k in range(whole):
                start = k * FRAME_SIZE + 2
                sent = float(data[start : start + 17])
                self.load.latencies.append(now - sent)
        self.frames += whole
        self.load.received(whole)


class Load:
    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.total = 0
        self.first = 0.0
        self.last = 0.0
        self.finished = asyncio.get_running_loop().create_future()
        self.latencies: list[float] = []

    def received(self, frames: int) -> None:
        if not self.total and frames:
            self.first = time.perf_counter()
        self.total += frames
        self.last = time.perf_counter()
        if self.total >= self.expected and not self.finished.done():
            self.finished.set_result(time.perf_counter())


async def run_load(ports: list[int], clients: int, messages: int, slow: int, latency: bool) -> None:
    loop = asyncio.get_running_loop()
    fast = clients - slow
    load = Load(fast * messages)
    protocols: list[Counter] = []
    slow_socks: list[socket.socket] = []
    for i in range(clients):
        port = ports[i % len(ports)]
        if i < slow:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", port))
            sock.sendall(UPGRADE)
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(4096)
            slow_socks.append(sock)  # and never read again
            continue
        transport, protocol = await loop.create_connection(
            lambda: Counter(load, latency), "127.0.0.1", port
        )
        protocols.append(protocol)
        transport.write(UPGRADE)
        await protocol.upgraded
    print("ready", flush=True)
    sys.stdin.readline()  # wait for the go
    print("go", flush=True)
    # Done when every fast client has every message, or when nothing more arrives for 3 s
    # (a server that skipped messages for fast clients too): the count then tells.
    seen = -1
    while not load.finished.done() and load.total != seen:
        seen = load.total
        await asyncio.wait([load.finished], timeout=3)
    end = load.finished.result() if load.finished.done() else load.last
    elapsed = end - load.first
    line = f"deliveries {load.total} seconds {elapsed:.4f} expected {load.expected}"
    if latency and load.latencies:
        q = statistics.quantiles(load.latencies, n=100)
        line += f" p50 {q[49] * 1000:.2f} p99 {q[98] * 1000:.2f}"
    print(line, flush=True)


# ----------------------------------------------------------------- orchestration


def spawn(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def expect(process: subprocess.Popen[str], word: str) -> str:
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"process ended while waiting for {word!r}")
        if line.startswith(word):
            return line.strip()


def tell(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def one_run(
    impl: str,
    clients: int,
    messages: int,
    *,
    slow: int = 0,
    redis_url: str | None = None,
    small_buffers: bool = False,
) -> dict[str, float]:
    small = ["--small-buffers"] if small_buffers else []
    servers = [spawn("server", impl, *small, *(["--redis", redis_url] if redis_url else []))]
    if redis_url:
        servers.append(spawn("server", impl, "--redis", redis_url))
    try:
        ports = [expect(s, "port").split()[1] for s in servers]
        load = spawn(
            "load",
            ",".join(ports),
            str(clients),
            str(messages),
            str(slow),
            *(["--latency"] if redis_url else []),
        )
        expect(load, "ready")
        tell(load, "go")
        expect(load, "go")
        command = f"publish {messages}" if redis_url else f"broadcast {messages}"
        tell(servers[0], command)
        result = expect(load, "deliveries").split()
        skipped = buffered = 0
        for server in servers:
            tell(server, "skipped 0")
            answer = expect(server, "skipped").split()
            skipped += int(answer[1])
            buffered = max(buffered, int(answer[3]))
        load.kill()
        figures = {"deliveries": float(result[1]), "seconds": float(result[3])}
        figures["per_second"] = figures["deliveries"] / figures["seconds"]
        figures["missing"] = float(result[5]) - figures["deliveries"]
        figures["skipped"] = skipped
        figures["buffered"] = buffered
        if "p99" in result:
            figures["p50_ms"] = float(result[result.index("p50") + 1])
            figures["p99_ms"] = float(result[result.index("p99") + 1])
        return figures
    finally:
        for server in servers:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(30)


def start_redis() -> tuple[subprocess.Popen[bytes], str, str]:
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    directory = tempfile.mkdtemp()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.02)
    return process, f"redis://127.0.0.1:{port}", directory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--slow-messages", type=int, default=2000, help="enough to fill it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scenarios", default="local,slow,redis")
    options = parser.parse_args()
    scenarios = options.scenarios.split(",")
    rows: list[tuple[str, dict[str, float]]] = []

    def best(name: str, rounds: int = options.rounds, **kwargs: Any) -> None:
        runs = [one_run(**kwargs) for _ in range(rounds)]
        median = sorted(runs, key=lambda r: r["per_second"])[len(runs) // 2]
        rows.append((name, median))
        extra = "".join(f", {k} {median[k]:.2f}" for k in ("p50_ms", "p99_ms") if k in median)
        print(
            f"{name:<44} {median['per_second'] / 1000:8.0f}k deliveries/s"
            f" (fast clients missed {median['missing']:.0f};"
            f" skipped {median['skipped']:.0f}, largest write buffer"
            f" {median['buffered']:.0f} B{extra})",
            flush=True,
        )

    c, m = options.clients, options.messages
    print(f"{c} clients, {m} messages of {MESSAGE_SIZE} B, median of {options.rounds} runs")
    if "local" in scenarios:
        best("websocketstream broadcast()", impl="ours", clients=c, messages=m)
        best("websockets broadcast()", impl="websockets", clients=c, messages=m)
    if "slow" in scenarios:
        s = options.slow_messages
        print(f"slow: {s} messages, 1 run each, 8 KiB socket send buffers")
        best(
            "websocketstream, no slow client",
            1,
            impl="ours",
            clients=c,
            messages=s,
            small_buffers=True,
        )
        best(
            "websocketstream, 1 slow client of all",
            1,
            impl="ours",
            clients=c,
            messages=s,
            small_buffers=True,
            slow=1,
        )
        best(
            "websockets, 1 slow client of all",
            1,
            impl="websockets",
            clients=c,
            messages=s,
            small_buffers=True,
            slow=1,
        )
    if "redis" in scenarios:
        process, url, directory = start_redis()
        try:
            best(
                "websocketstream, 2 processes through Redis",
                impl="ours",
                clients=c,
                messages=m,
                redis_url=url,
            )
        finally:
            process.terminate()
            process.wait()
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "server":
        redis = sys.argv[sys.argv.index("--redis") + 1] if "--redis" in sys.argv else None
        asyncio.run(run_server(sys.argv[2], redis, "--small-buffers" in sys.argv))
    elif len(sys.argv) > 1 and sys.argv[1] == "load":
        ports = [int(p) for p in sys.argv[2].split(",")]
        asyncio.run(
            run_load(
                ports, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), "--latency" in sys.argv
            )
        )
    else:
        main()
