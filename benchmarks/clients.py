"""Client benchmarks: WebSocketStream beside websockets, aiohttp, picows and plain TCP.

``websocket`` is this library's classic event-based ``WebSocket`` on the same session layer:
no receive backpressure (its ``slow_rss`` shows what that costs: listeners that do not finish
hold every message), sends paced with ``buffered_amount``.

One fast local server (``peer_server.py``, picows) runs in its own process; every (client,
scenario) pair runs in a fresh subprocess.  The clients take turns in ``--repeat`` rounds (so a
slow spell of the shared machine touches them all alike); the tables show medians, the ratios of
WebSocketStream to each peer, and the CPU time each client spent on the measured part.
Compression is off for every client.

Scenarios:

========== ===============================================================
echo_bin   round trips/s, 64-byte binary messages, one in flight
echo_text  round trips/s, 64-character text messages, one in flight
recv_msgs  messages/s received, 500k x 64 B (``--scale`` shrinks counts)
recv_mb    MB/s received, 1 GiB in 1 MiB messages
send_msgs  messages/s sent, 500k x 64 B, until the server has counted them
send_mb    MB/s sent, 1 GiB in 1 MiB messages
slow_rss   MiB of RSS growth while the server floods 200 MiB and the app sleeps
========== ===============================================================

Two references that are not WebSocket clients: ``tcp``, a plain asyncio socket moving the
same bytes (recv_mb, send_mb), and ``premasked`` (send_mb), a raw socket writing one
pre-masked frame over and over: no work per byte, so the most any WebSocket client can send
to this server on this machine.

Usage: ``python benchmarks/clients.py [--repeat 5] [--scale 1.0] [--clients ...]
[--scenarios ...] [--json FILE]`` (``make bench-clients``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLIENTS = ("websocketstream", "websocket", "websockets", "aiohttp", "picows", "tcp", "premasked")
SCENARIOS = ("echo_bin", "echo_text", "recv_msgs", "recv_mb", "send_msgs", "send_mb", "slow_rss")
MIB = 1 << 20
MAX_SIZE = 4 * MIB
SLOW_TOTAL_MIB = 200
SLOW_SECONDS = 2.0


def _counts(scale: float) -> dict[str, int]:
    return {
        "echo": max(1000, int(20_000 * scale)),
        "small": max(10_000, int(500_000 * scale)),
        "big": max(16, int(1024 * scale)),
    }


_cpu_start = 0.0


def _start_clock() -> float:
    """Start timing the measured part: returns ``perf_counter()`` and notes the process's
    CPU time, so the run also reports how much CPU the client spent on the work."""
    global _cpu_start
    _cpu_start = time.process_time()
    return time.perf_counter()


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB


async def _sample_rss_growth(seconds: float) -> float:
    base = _rss_mib()
    peak = base
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        await asyncio.sleep(0.05)
        peak = max(peak, _rss_mib())
    return peak - base


# ------------------------------------------------------------------ websocketstream


def _load_mask_accelerator() -> None:
    """Pay the masking accelerator's one-time import (NumPy, about 0.1 s, done lazily by the
    first large frame since ``import websocketstream`` stopped loading it) before the clock, as
    every other client's imports are: the scenarios measure steady-state throughput, not
    start-up (docs/performance.md)."""
    with contextlib.suppress(ImportError):
        import numpy  # noqa: F401


async def run_websocketstream(scenario: str, base: str, n: dict[str, int]) -> float:
    from websocketstream import WebSocketStream

    async def open_(path: str) -> tuple[Any, Any, Any]:
        wss = WebSocketStream(base + path, compression=None, max_size=MAX_SIZE)
        info = await wss.opened
        return wss, info.readable.get_reader(), info.writable.get_writer()

    if scenario in ("echo_bin", "echo_text"):
        wss, reader, writer = await open_("/echo")
        payload: str | bytes = b"x" * 64 if scenario == "echo_bin" else "x" * 64
        count = n["echo"]
        t0 = _start_clock()
        for _ in range(count):
            writer.write(payload)
            await reader.read()
        result = count / (time.perf_counter() - t0)
    elif scenario in ("recv_msgs", "recv_mb"):
        count, size = (n["small"], 64) if scenario == "recv_msgs" else (n["big"], MIB)
        t0 = _start_clock()
        wss, reader, writer = await open_(f"/flood?count={count}&size={size}")
        got = 0
        while True:
            value, _ = await reader.read()
            if type(value) is str:
                break
            got += 1
        elapsed = time.perf_counter() - t0
        assert got == count
        result = count / elapsed if scenario == "recv_msgs" else count * size / elapsed / 1e6
    elif scenario in ("send_msgs", "send_mb"):
        count, size = (n["small"], 64) if scenario == "send_msgs" else (n["big"], MIB)
        wss, reader, writer = await open_("/sink")
        payload = b"x" * size
        _load_mask_accelerator()
        t0 = _start_clock()
        for _ in range(count):
            if writer.desired_size <= 0:
                await writer.ready
            writer.write(payload)
        writer.write("end")
        value, _ = await reader.read()
        elapsed = time.perf_counter() - t0
        assert int(value.split()[0]) == count
        result = count / elapsed if scenario == "send_msgs" else count * size / elapsed / 1e6
    else:  # slow_rss
        wss, reader, writer = await open_(f"/flood?count={SLOW_TOTAL_MIB}&size={MIB}")
        await reader.read()
        result = await _sample_rss_growth(SLOW_SECONDS)
    wss.close()
    return result


# ------------------------------------------------------------------ websocket (classic)


async def run_websocket(scenario: str, base: str, n: dict[str, int]) -> float:
    from websocketstream import WebSocket

    loop = asyncio.get_running_loop()

    async def open_(path: str, onmessage: Callable[[Any], Any]) -> Any:
        # The listener is set before the loop runs: messages are dispatched as they arrive.
        ws = WebSocket(base + path, compression=None, max_size=MAX_SIZE)
        ws.binary_type = "arraybuffer"
        ws.onmessage = onmessage
        opened = loop.create_future()
        ws.onopen = lambda event: opened.set_result(None)
        await opened
        return ws

    done = loop.create_future()
    if scenario in ("echo_bin", "echo_text"):
        payload: str | bytes = b"x" * 64 if scenario == "echo_bin" else "x" * 64
        count = n["echo"]
        left = count

        def on_echo(event: Any) -> None:
            nonlocal left
            left -= 1
            if left:
                ws.send(payload)
            else:
                done.set_result(None)

        ws = await open_("/echo", on_echo)
        t0 = _start_clock()
        ws.send(payload)
        await done
        result = count / (time.perf_counter() - t0)
    elif scenario in ("recv_msgs", "recv_mb"):
        count, size = (n["small"], 64) if scenario == "recv_msgs" else (n["big"], MIB)
        got = 0

        def on_flood(event: Any) -> None:
            nonlocal got
            if type(event.data) is str:
                done.set_result(None)
            else:
                got += 1

        t0 = _start_clock()
        ws = await open_(f"/flood?count={count}&size={size}", on_flood)
        await done
        elapsed = time.perf_counter() - t0
        assert got == count
        result = count / elapsed if scenario == "recv_msgs" else count * size / elapsed / 1e6
    elif scenario in ("send_msgs", "send_mb"):
        count, size = (n["small"], 64) if scenario == "send_msgs" else (n["big"], MIB)
        ws = await open_("/sink", lambda event: done.set_result(event.data))
        payload = b"x" * size
        _load_mask_accelerator()
        high, low = max(4 * size, MIB), max(size, 256 * 1024)
        t0 = _start_clock()
        for _ in range(count):
            if ws.buffered_amount > high:  # pace with buffered_amount (no send backpressure)
                while ws.buffered_amount > low:
                    await asyncio.sleep(0)
            ws.send(payload)
        ws.send("end")
        value = await done
        elapsed = time.perf_counter() - t0
        assert int(value.split()[0]) == count
        result = count / elapsed if scenario == "send_msgs" else count * size / elapsed / 1e6
    else:  # slow_rss: listeners that never finish (an app asleep) hold every message
        asleep = asyncio.Event()

        async def sleepy(event: Any) -> None:
            await asleep.wait()

        ws = await open_(f"/flood?count={SLOW_TOTAL_MIB}&size={MIB}", sleepy)
        result = await _sample_rss_growth(SLOW_SECONDS)
        asleep.set()
    ws.close()
    return result


# ------------------------------------------------------------------ websockets


async def run_websockets(scenario: str, base: str, n: dict[str, int]) -> float:
    from websockets.asyncio.client import connect

    def open_(path: str) -> Any:
        return connect(base + path, compression=None, max_size=MAX_SIZE)

    if scenario in ("echo_bin", "echo_text"):
        payload: str | bytes = b"x" * 64 if scenario == "echo_bin" else "x" * 64
        count = n["echo"]
        async with open_("/echo") as ws:
            t0 = _start_clock()
            for _ in range(count):
                await ws.send(payload)
                await ws.recv()
            return count / (time.perf_counter() - t0)
    if scenario in ("recv_msgs", "recv_mb"):
        count, size = (n["small"], 64) if scenario == "recv_msgs" else (n["big"], MIB)
        t0 = _start_clock()
        async with open_(f"/flood?count={count}&size={size}") as ws:
            got = 0
            while True:
                message = await ws.recv()
                if isinstance(message, str):
                    break
                got += 1
            elapsed = time.perf_counter() - t0
        assert got == count
        return count / elapsed if scenario == "recv_msgs" else count * size / elapsed / 1e6
    if scenario in ("send_msgs", "send_mb"):
        count, size = (n["small"], 64) if scenario == "send_msgs" else (n["big"], MIB)
        payload = b"x" * size
        async with open_("/sink") as ws:
            t0 = _start_clock()
            for _ in range(count):
                await ws.send(payload)
            await ws.send("end")
            reply = await ws.recv()
            elapsed = time.perf_counter() - t0
        assert int(str(reply).split()[0]) == count
        return count / elapsed if scenario == "send_msgs" else count * size / elapsed / 1e6
    async with open_(f"/flood?count={SLOW_TOTAL_MIB}&size={MIB}") as ws:
        await ws.recv()
        return await _sample_rss_growth(SLOW_SECONDS)


# ------------------------------------------------------------------ aiohttp


async def run_aiohttp(scenario: str, base: str, n: dict[str, int]) -> float:
    import aiohttp

    async with aiohttp.ClientSession() as session:

        def open_(path: str) -> Any:
            return session.ws_connect(base + path, max_msg_size=MAX_SIZE, compress=0)

        if scenario in ("echo_bin", "echo_text"):
            count = n["echo"]
            async with open_("/echo") as ws:
                t0 = _start_clock()
                if scenario == "echo_bin":
                    payload = b"x" * 64
                    for _ in range(count):
                        await ws.send_bytes(payload)
                        await ws.receive()
                else:
                    text = "x" * 64
                    for _ in range(count):
                        await ws.send_str(text)
                        await ws.receive()
                return count / (time.perf_counter() - t0)
        if scenario in ("recv_msgs", "recv_mb"):
            count, size = (n["small"], 64) if scenario == "recv_msgs" else (n["big"], MIB)
            t0 = _start_clock()
            async with open_(f"/flood?count={count}&size={size}") as ws:
                got = 0
                while True:
                    msg = await ws.receive()
                    if msg.type != aiohttp.WSMsgType.BINARY:
                        break
                    got += 1
                elapsed = time.perf_counter() - t0
            assert got == count
            return count / elapsed if scenario == "recv_msgs" else count * size / elapsed / 1e6
        if scenario in ("send_msgs", "send_mb"):
            count, size = (n["small"], 64) if scenario == "send_msgs" else (n["big"], MIB)
            payload = b"x" * size
            async with open_("/sink") as ws:
                t0 = _start_clock()
                for _ in range(count):
                    await ws.send_bytes(payload)
                await ws.send_str("end")
                msg = await ws.receive()
                elapsed = time.perf_counter() - t0
            assert int(msg.data.split()[0]) == count
            return count / elapsed if scenario == "send_msgs" else count * size / elapsed / 1e6
        async with open_(f"/flood?count={SLOW_TOTAL_MIB}&size={MIB}") as ws:
            await ws.receive()
            return await _sample_rss_growth(SLOW_SECONDS)


# ------------------------------------------------------------------ picows


async def run_picows(scenario: str, base: str, n: dict[str, int]) -> float:
    import picows

    loop = asyncio.get_running_loop()

    class Listener(picows.WSListener):
        def __init__(self) -> None:
            self.messages: deque[Any] = deque()
            self.arrived = asyncio.Event()
            self.can_write = asyncio.Event()
            self.can_write.set()

        def pause_writing(self) -> None:
            self.can_write.clear()

        def resume_writing(self) -> None:
            self.can_write.set()

        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            if frame.msg_type == picows.WSMsgType.TEXT:
                self.messages.append(frame.get_payload_as_utf8_text())
            elif frame.msg_type == picows.WSMsgType.BINARY:
                self.messages.append(frame.get_payload_as_bytes())
            else:
                return
            self.arrived.set()

        async def recv(self) -> Any:
            while not self.messages:
                self.arrived.clear()
                await self.arrived.wait()
            return self.messages.popleft()

    async def open_(path: str) -> tuple[Any, Listener]:
        transport, listener = await picows.ws_connect(
            Listener, base + path, max_frame_size=MAX_SIZE
        )
        assert isinstance(listener, Listener)
        return transport, listener

    del loop
    if scenario in ("echo_bin", "echo_text"):
        transport, listener = await open_("/echo")
        msg_type = picows.WSMsgType.BINARY if scenario == "echo_bin" else picows.WSMsgType.TEXT
        payload = b"x" * 64
        count = n["echo"]
        t0 = _start_clock()
        for _ in range(count):
            transport.send(msg_type, payload)
            await listener.recv()
        result = count / (time.perf_counter() - t0)
    elif scenario in ("recv_msgs", "recv_mb"):
        count, size = (n["small"], 64) if scenario == "recv_msgs" else (n["big"], MIB)
        t0 = _start_clock()
        transport, listener = await open_(f"/flood?count={count}&size={size}")
        got = 0
        while True:
            message = await listener.recv()
            if isinstance(message, str):
                break
            got += 1
        elapsed = time.perf_counter() - t0
        assert got == count
        result = count / elapsed if scenario == "recv_msgs" else count * size / elapsed / 1e6
    elif scenario in ("send_msgs", "send_mb"):
        count, size = (n["small"], 64) if scenario == "send_msgs" else (n["big"], MIB)
        transport, listener = await open_("/sink")
        payload = b"x" * size
        binary = picows.WSMsgType.BINARY
        t0 = _start_clock()
        for _ in range(count):
            if not listener.can_write.is_set():
                await listener.can_write.wait()
            transport.send(binary, payload)
        transport.send(picows.WSMsgType.TEXT, b"end")
        reply = await listener.recv()
        elapsed = time.perf_counter() - t0
        assert int(reply.split()[0]) == count
        result = count / elapsed if scenario == "send_msgs" else count * size / elapsed / 1e6
    else:
        transport, listener = await open_(f"/flood?count={SLOW_TOTAL_MIB}&size={MIB}")
        await listener.recv()
        result = await _sample_rss_growth(SLOW_SECONDS)
    transport.disconnect()
    return result


# ------------------------------------------------------------------ plain TCP


async def run_tcp(scenario: str, base: str, n: dict[str, int]) -> float:
    if scenario not in ("recv_mb", "send_mb"):
        raise NotImplementedError
    host, _, port = base.removeprefix("ws://").partition(":")
    tcp_port = int(port) + 1
    total = n["big"] * MIB
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    class Counter(asyncio.Protocol):
        def __init__(self) -> None:
            self.received = 0
            self.can_write = asyncio.Event()
            self.can_write.set()

        def data_received(self, data: bytes) -> None:
            self.received += len(data)
            if scenario == "send_mb" and data.endswith(b"ok\n") and not done.done():
                done.set_result(None)

        def pause_writing(self) -> None:
            self.can_write.clear()

        def resume_writing(self) -> None:
            self.can_write.set()

        def connection_lost(self, exc: Exception | None) -> None:
            if not done.done():
                done.set_result(None)

    t0 = _start_clock()
    transport, protocol = await loop.create_connection(Counter, host, tcp_port)
    if scenario == "recv_mb":
        transport.write(f"flood {total}\n".encode())
        await done
        assert protocol.received == total
    else:
        transport.write(f"sink {total}\n".encode())
        chunk = b"x" * MIB
        for _ in range(n["big"]):
            if not protocol.can_write.is_set():
                await protocol.can_write.wait()
            transport.write(chunk)
        await done
        transport.close()
    return total / (time.perf_counter() - t0) / 1e6


# ------------------------------------------------------------------ pre-masked frames


async def run_premasked(scenario: str, base: str, n: dict[str, int]) -> float:
    """The floor for send_mb: a raw socket that writes one pre-built masked 1 MiB frame over
    and over (one masking key reused, so not a conforming client).  It does no work per
    byte, so it shows how fast this server can take WebSocket frames on this machine."""
    if scenario != "send_mb":
        raise NotImplementedError
    import base64
    import struct

    host, _, port = base.removeprefix("ws://").partition(":")
    loop = asyncio.get_running_loop()

    class Raw(asyncio.Protocol):
        def __init__(self) -> None:
            self.data = b""
            self.arrived = asyncio.Event()
            self.can_write = asyncio.Event()
            self.can_write.set()

        def data_received(self, data: bytes) -> None:
            self.data += data
            self.arrived.set()

        def pause_writing(self) -> None:
            self.can_write.clear()

        def resume_writing(self) -> None:
            self.can_write.set()

        async def until(self, done: Callable[[bytes], bool]) -> None:
            while not done(self.data):
                self.arrived.clear()
                await self.arrived.wait()

    def frame(opcode: int, payload: bytes) -> bytes:
        key = os.urandom(4)
        mask = (key * (len(payload) // 4 + 1))[: len(payload)]
        length = len(payload)
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(
            length, "big"
        )
        if length < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0xFF, length)
        return head + key + masked

    transport, raw = await loop.create_connection(Raw, host, int(port))
    key = base64.b64encode(os.urandom(16)).decode()
    transport.write(
        f"GET /sink HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    await raw.until(lambda d: b"\r\n\r\n" in d)
    raw.data = raw.data.partition(b"\r\n\r\n")[2]
    count = n["big"]
    data = frame(0x2, b"x" * MIB)
    t0 = _start_clock()
    for _ in range(count):
        if not raw.can_write.is_set():
            await raw.can_write.wait()
        transport.write(data)
    transport.write(frame(0x1, b"end"))
    await raw.until(lambda d: len(d) >= 2 and len(d) >= 2 + d[1])
    elapsed = time.perf_counter() - t0
    assert int(raw.data[2:].split()[0]) == count
    transport.close()
    return count * MIB / elapsed / 1e6


RUNNERS: dict[str, Callable[[str, str, dict[str, int]], Awaitable[float]]] = {
    "websocketstream": run_websocketstream,
    "websocket": run_websocket,
    "websockets": run_websockets,
    "aiohttp": run_aiohttp,
    "picows": run_picows,
    "tcp": run_tcp,
    "premasked": run_premasked,
}

UNITS = {
    "echo_bin": "round trips/s",
    "echo_text": "round trips/s",
    "recv_msgs": "msgs/s",
    "recv_mb": "MB/s",
    "send_msgs": "msgs/s",
    "send_mb": "MB/s",
    "slow_rss": "MiB RSS growth (lower is better)",
}


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


Run = tuple[float, float]  # (the scenario's figure, client CPU seconds for the measured part)


def _run_one(client: str, scenario: str, base: str, scale: float) -> Run | None:
    cmd = [sys.executable, __file__, "--one", client, scenario, base, str(scale)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        sys.stderr.write(f"{client}/{scenario} failed:\n{proc.stderr[-2000:]}\n")
        return None
    value = json.loads(proc.stdout.strip().splitlines()[-1])
    return None if value is None else (float(value[0]), float(value[1]))


async def _measure(client: str, scenario: str, base: str, scale: float) -> Run:
    value = await RUNNERS[client](scenario, base, _counts(scale))
    return value, time.process_time() - _cpu_start


def _work(scenario: str, scale: float) -> tuple[float, str]:
    """How much work one run of ``scenario`` does, and the unit the CPU table uses for it."""
    n = _counts(scale)
    if scenario.endswith("_mb"):
        return n["big"] * MIB / 1e9, "ms/GB"
    if scenario.startswith("echo"):
        return n["echo"] / 1e3, "us/round trip"
    return n["small"] / 1e3, "us/msg"


def _format(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _ratio(scenario: str, ours: float | None, theirs: float | None, lower_is_better: bool) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    if lower_is_better:
        return f"{theirs / max(ours, 0.1):.2f}x"
    return f"{ours / theirs:.2f}x"


def _table(
    title: str,
    rows_in: dict[str, dict[str, float | None]],
    units: dict[str, str],
    clients: list[str],
    lower_is_better: Callable[[str], bool],
) -> None:
    peers = [c for c in clients if c != "websocketstream"]
    header = ["scenario", "unit", *clients] + [f"wss/{p}" for p in peers]
    rows = []
    for scenario, by_client in rows_in.items():
        ours = by_client.get("websocketstream")
        ratios = [
            _ratio(scenario, ours, by_client.get(p), lower_is_better(scenario)) for p in peers
        ]
        rows.append(
            [scenario, units[scenario], *(_format(by_client.get(c)) for c in clients), *ratios]
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(title)
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink message counts")
    parser.add_argument("--clients", nargs="*", default=list(CLIENTS), choices=CLIENTS)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS), choices=SCENARIOS)
    parser.add_argument("--json", help="also write the medians to this file")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        client, scenario, base, scale = args.one
        try:
            run: Run | None = asyncio.run(_measure(client, scenario, base, float(scale)))
        except NotImplementedError:
            run = None
        print(json.dumps(run))
        return

    port = _free_port_pair()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "peer_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    results: dict[str, dict[str, float | None]] = {}
    cpu: dict[str, dict[str, float | None]] = {}
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError("the benchmark server did not start")
        base = f"ws://127.0.0.1:{port}"
        for scenario in args.scenarios:
            runs: dict[str, list[Run]] = {client: [] for client in args.clients}
            # Rounds: every client once per round, so slow drifts of the shared machine
            # touch all clients alike instead of whichever happened to run then.
            for _ in range(args.repeat):
                for client in args.clients:
                    one = _run_one(client, scenario, base, args.scale)
                    if one is not None:
                        runs[client].append(one)
            work, _ = _work(scenario, args.scale)
            results[scenario] = {}
            cpu[scenario] = {}
            for client, got in runs.items():
                values = [v for v, _ in got]
                results[scenario][client] = statistics.median(values) if values else None
                cpu[scenario][client] = (
                    statistics.median(c for _, c in got) * 1e3 / work if got else None
                )
                if values:
                    print(
                        f"{scenario:10} {client:16} {_format(statistics.median(values)):>14}"
                        f"  (min {_format(min(values))}, max {_format(max(values))})",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        server.terminate()
        server.wait()

    _table(
        "Throughput (median of the rounds)",
        results,
        UNITS,
        args.clients,
        lambda scenario: scenario == "slow_rss",
    )
    print("(ratios: WebSocketStream / peer; for slow_rss, peer growth / ours: >1 is better)")
    cpu_rows = {s: v for s, v in cpu.items() if s != "slow_rss"}
    if cpu_rows:
        print()
        _table(
            "Client CPU for the measured part (median; lower is better)",
            cpu_rows,
            {s: _work(s, args.scale)[1] for s in cpu_rows},
            args.clients,
            lambda _: True,
        )
        print("(ratios: peer CPU / ours: >1 means WebSocketStream spends less)")
    if args.json:
        Path(args.json).write_text(json.dumps({"throughput": results, "cpu": cpu}, indent=2))


if __name__ == "__main__":
    main()
