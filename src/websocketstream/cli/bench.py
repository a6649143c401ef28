"""``wsstream bench``: a small client benchmark, WebSocketStream beside the peers installed.

A built-in benchmark (the full one, ``benchmarks/clients.py``, lives in a checkout and needs
a picows server): one ``wsstream serve --echo`` in a subprocess, and each client in turn,
in ``--repeat`` rounds, through the same scenarios.  The peers (websockets, aiohttp, picows)
run when they are importable; ``pip install websocketstream[bench]`` installs them.
Compression is off for every client.
"""

from __future__ import annotations

import asyncio
import importlib.util
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import click
from rich.console import Console
from rich.table import Table

from .. import WebSocketStream
from ._common import EXIT_CODES_HELP, EXIT_CONNECT_FAILED, EXIT_OK, CommandFailed, run

__all__ = ["CLIENTS", "SCENARIOS", "bench"]

MIB = 1 << 20


class Client(Protocol):
    """One client library, reduced to what the scenarios need."""

    async def send(self, payload: bytes) -> None:
        """Send a binary message, waiting only as long as the client's backpressure says."""

    async def recv(self) -> object:
        """The next message."""

    async def close(self) -> None:
        """Close the connection."""


class _WebSocketStreamClient:
    def __init__(self, wss: Any, reader: Any, writer: Any) -> None:
        self.wss, self.reader, self.writer = wss, reader, writer

    @classmethod
    async def open(cls, url: str) -> Client:
        wss = WebSocketStream(url, compression=None, max_size=4 * MIB)
        info = await wss.opened
        return cls(wss, info.readable.get_reader(), info.writable.get_writer())

    async def send(self, payload: bytes) -> None:
        writer = self.writer
        if writer.desired_size <= 0:
            await writer.ready
        writer.write(payload)

    async def recv(self) -> object:
        return (await self.reader.read()).value

    async def close(self) -> None:
        self.wss.close()
        await self.wss.closed


class _WebsocketsClient:
    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, url: str) -> Client:
        from websockets.asyncio.client import connect  # noqa: PLC0415 (optional peer)

        return cls(await connect(url, compression=None, max_size=4 * MIB))

    async def send(self, payload: bytes) -> None:
        await self.ws.send(payload)

    async def recv(self) -> object:
        return await self.ws.recv()

    async def close(self) -> None:
        await self.ws.close()


class _AiohttpClient:
    def __init__(self, session: Any, ws: Any) -> None:
        self.session, self.ws = session, ws

    @classmethod
    async def open(cls, url: str) -> Client:
        import aiohttp  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415

        session = aiohttp.ClientSession()
        return cls(session, await session.ws_connect(url, max_msg_size=4 * MIB, compress=0))

    async def send(self, payload: bytes) -> None:
        await self.ws.send_bytes(payload)

    async def recv(self) -> object:
        return (await self.ws.receive()).data

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()


class _PicowsClient:
    def __init__(self, transport: Any, listener: Any) -> None:
        self.transport, self.listener = transport, listener

    @classmethod
    async def open(cls, url: str) -> Client:
        import picows  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415

        class Listener(picows.WSListener):  # type: ignore[misc,unused-ignore]
            def __init__(self) -> None:
                self.messages: deque[bytes] = deque()
                self.arrived = asyncio.Event()
                self.can_write = asyncio.Event()
                self.can_write.set()

            def pause_writing(self) -> None:
                self.can_write.clear()

            def resume_writing(self) -> None:
                self.can_write.set()

            def on_ws_frame(self, transport: Any, frame: Any) -> None:
                if frame.msg_type == picows.WSMsgType.BINARY:
                    self.messages.append(frame.get_payload_as_bytes())
                    self.arrived.set()

        transport, listener = await picows.ws_connect(Listener, url, max_frame_size=4 * MIB)
        client = cls(transport, listener)
        client.binary = picows.WSMsgType.BINARY
        return client

    binary: Any = None

    async def send(self, payload: bytes) -> None:
        if not self.listener.can_write.is_set():
            await self.listener.can_write.wait()
        self.transport.send(self.binary, payload)

    async def recv(self) -> object:
        listener = self.listener
        while not listener.messages:
            listener.arrived.clear()
            await listener.arrived.wait()
        return listener.messages.popleft()

    async def close(self) -> None:
        self.transport.disconnect()


Opener = Callable[[str], Awaitable[Client]]
#: client name -> (the module that must be importable, how to connect)
CLIENTS: dict[str, tuple[str, Opener]] = {
    "websocketstream": ("websocketstream", _WebSocketStreamClient.open),
    "websockets": ("websockets", _WebsocketsClient.open),
    "aiohttp": ("aiohttp", _AiohttpClient.open),
    "picows": ("picows", _PicowsClient.open),
}


@dataclass(frozen=True)
class Scenario:
    """A measurement: ``count`` messages of ``size`` bytes; ``pipelined`` or one in flight."""

    title: str
    unit: str
    count: int
    size: int
    pipelined: bool


SCENARIOS = {
    "echo_rtt": Scenario("echo round trips, 64 B, one in flight", "round trips/s", 5000, 64, False),
    "echo_msgs": Scenario("64 B messages through the echo, pipelined", "msgs/s", 50_000, 64, True),
    "echo_mb": Scenario("1 MiB messages through the echo, pipelined", "MB/s", 200, MIB, True),
}


async def _measure(open_client: Opener, url: str, scenario: Scenario, scale: float) -> float:
    count = max(10, int(scenario.count * scale))
    payload = b"x" * scenario.size
    client = await open_client(url)
    try:
        started = time.perf_counter()
        if scenario.pipelined:

            async def send_all() -> None:
                for _ in range(count):
                    await client.send(payload)

            sender = asyncio.create_task(send_all())
            for _ in range(count):
                await client.recv()
            await sender
        else:
            for _ in range(count):
                await client.send(payload)
                await client.recv()
        elapsed = time.perf_counter() - started
    finally:
        await client.close()
    if scenario.unit == "MB/s":
        return count * scenario.size / elapsed / 1e6
    return count / elapsed


def _start_server() -> tuple[subprocess.Popen[bytes], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "websocketstream", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert server.stdout is not None
    url = server.stdout.readline().decode().strip()
    if not url.startswith("ws://"):
        server.kill()
        server.wait()
        raise CommandFailed("the benchmark's echo server did not start", EXIT_CONNECT_FAILED)
    return server, url


def _format(value: float) -> str:
    if value >= 100_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


EPILOG = f"""
\b
Examples:
  wsstream bench                                # every installed client, 3 rounds
  wsstream bench --clients websocketstream,websockets --scale 0.2 --repeat 1
  pip install 'websocketstream[bench]'          # to compare with websockets, aiohttp, picows

\b
{EXIT_CODES_HELP}
"""


@click.command(epilog=EPILOG)
@click.option(
    "--clients",
    default=",".join(CLIENTS),
    show_default=True,
    help="Comma-separated clients to run (those not installed are skipped).",
)
@click.option(
    "--scenarios",
    default=",".join(SCENARIOS),
    show_default=True,
    help="Comma-separated scenarios: " + ", ".join(SCENARIOS) + ".",
)
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 50))
@click.option(
    "--scale", default=1.0, show_default=True, type=click.FloatRange(0.001, 100), help="Counts x."
)
def bench(clients: str, scenarios: str, repeat: int, scale: float) -> None:
    """A small client benchmark: WebSocketStream, and websockets, aiohttp and picows when they
    are importable, through one echo server (`wsstream serve` in a subprocess).

    Each client runs each scenario --repeat times, taking turns (each round starting with
    another client), and the table shows the medians.  The figures include the echo
    server's own cost (it is this package's server, in pure Python); a checkout's
    benchmarks/clients.py runs the full suite against a fast compiled server.
    """
    chosen = [name.strip() for name in clients.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in CLIENTS]
    if unknown:
        raise click.BadParameter(f"unknown client {unknown[0]!r}", param_hint="--clients")
    picked = [name.strip() for name in scenarios.split(",") if name.strip()]
    bad = [name for name in picked if name not in SCENARIOS]
    if bad:
        raise click.BadParameter(f"unknown scenario {bad[0]!r}", param_hint="--scenarios")
    run(_bench(chosen, picked, repeat, scale))


async def _bench(chosen: list[str], picked: list[str], repeat: int, scale: float) -> int:
    console = Console(highlight=False)
    installed = [name for name in chosen if importlib.util.find_spec(CLIENTS[name][0])]
    skipped = [name for name in chosen if name not in installed]
    if skipped:
        console.print(f"[dim]not installed, skipped: {', '.join(skipped)}[/]")
    server, url = _start_server()
    results: dict[tuple[str, str], list[float]] = {}
    try:
        with console.status("measuring...") as status:
            for round_number in range(1, repeat + 1):
                # Each round starts with another client: no client always runs first.
                shift = (round_number - 1) % len(installed)
                order = installed[shift:] + installed[:shift]
                for scenario_name in picked:
                    for name in order:
                        status.update(f"round {round_number}/{repeat}: {name} {scenario_name}")
                        value = await _measure(
                            CLIENTS[name][1], url, SCENARIOS[scenario_name], scale
                        )
                        results.setdefault((name, scenario_name), []).append(value)
    finally:
        server.terminate()
        await asyncio.to_thread(server.wait)
    table = Table(title=f"clients through one echo server, median of {repeat}")
    table.add_column("scenario")
    table.add_column("unit")
    for name in installed:
        table.add_column(name, justify="right")
    for scenario_name in picked:
        scenario = SCENARIOS[scenario_name]
        row = [scenario_name, scenario.unit]
        row += [_format(statistics.median(results[name, scenario_name])) for name in installed]
        table.add_row(*row)
    console.print(table)
    for scenario_name in picked:
        console.print(f"[dim]{scenario_name}: {SCENARIOS[scenario_name].title}[/]")
    return EXIT_OK
