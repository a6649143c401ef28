"""``wsstream demo``: the MDN WebSocketStream example, then backpressure made visible.

:func:`mdn_ping` is the MDN example (also run by ``examples/demo.py``); :func:`backpressure`
pairs a server that sends as fast as it may with a client that reads slowly, and shows live
that the sender is held back and memory stays flat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from .. import ReadableStreamDefaultReader, WebSocketCloseInfo, WebSocketStream
from ..server import ServerWebSocketStream, echo_handler, serve
from ._common import EXIT_CODES_HELP, EXIT_OK, rss_mib, run

__all__ = ["BackpressureStats", "backpressure", "demo", "mdn_ping"]


async def mdn_ping(
    url: str, *, rounds: int = 5, delay: float = 0.1, emit: Callable[[str], None] = print
) -> WebSocketCloseInfo:
    """The MDN WebSocketStream example: write "ping", print each message received, ping
    again, ``rounds`` times, then close cleanly.  Returns how the connection closed."""
    wss = WebSocketStream(url)
    info = await wss.opened
    emit(f"opened: protocol={info.protocol!r} extensions={info.extensions!r}")
    reader = info.readable.get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)  # a default reader: no mode given
    writer = info.writable.get_writer()

    writer.write("ping")  # no await needed: the write is already under way
    for n in range(1, rounds + 1):
        value, done = await reader.read()
        if done:
            break
        emit(f"received #{n}: {value!s}")
        if n < rounds:
            await asyncio.sleep(delay)
            writer.write("ping")

    wss.close(close_code=1000, reason="demo done")
    closed = await wss.closed
    emit(f"closed cleanly: code={closed.close_code} reason={closed.reason!r}")
    return closed


@dataclass
class BackpressureStats:
    """What the live view shows (updated by the sender and the reader)."""

    message_size: int
    sent: int = 0
    received: int = 0
    started: float = field(default_factory=time.monotonic)
    rss_start: float = field(default_factory=rss_mib)
    rss_now: float = 0.0
    rss_peak: float = 0.0

    @property
    def in_flight(self) -> int:
        """Bytes the sender has handed to its socket that the reader has not read yet."""
        return (self.sent - self.received) * self.message_size

    def sample(self) -> None:
        """Measure RSS now."""
        self.rss_now = rss_mib()
        self.rss_peak = max(self.rss_peak, self.rss_now)

    def table(self) -> Table:
        """The live view."""
        table = Table(title="backpressure: a fast sender, a slow reader", min_width=60)
        table.add_column("", style="bold")
        table.add_column("value", justify="right")
        elapsed = time.monotonic() - self.started
        table.add_row("seconds", f"{elapsed:.1f}")
        table.add_row("messages sent (server, as fast as allowed)", f"{self.sent:,}")
        table.add_row("messages received (client, slowly)", f"{self.received:,}")
        table.add_row("bytes in flight (socket buffers, queues)", f"{self.in_flight:,}")
        table.add_row(
            "process RSS now / at start (MiB)", f"{self.rss_now:.1f} / {self.rss_start:.1f}"
        )
        table.add_row("process RSS peak (MiB)", f"{self.rss_peak:.1f}")
        return table


async def backpressure(
    seconds: float,
    *,
    message_size: int = 64 * 1024,
    read_interval: float = 0.02,
    console: Console | None = None,
) -> BackpressureStats:
    """Serve a sender that writes ``message_size``-byte messages as fast as its writable lets
    it, connect a reader that takes one every ``read_interval`` seconds, and show the figures
    live for ``seconds``.  Returns the final figures."""
    console = console or Console()
    stats = BackpressureStats(message_size)
    payload = b"\x00" * message_size

    async def fast_sender(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        writer = info.writable.get_writer()
        try:
            while True:
                await writer.ready  # the only pacing: the writable's backpressure
                await writer.write(payload)
                stats.sent += 1
        except Exception:  # the client closed: the demo is over
            return

    async with await serve(fast_sender, compression=None) as server:
        wss = WebSocketStream(f"ws://127.0.0.1:{server.port}/", compression=None)
        info = await wss.opened
        deadline = asyncio.get_running_loop().time() + seconds
        stats.sample()
        with Live(stats.table(), console=console, refresh_per_second=8) as live:
            async for _ in info.readable:
                stats.received += 1
                stats.sample()
                live.update(stats.table())
                if asyncio.get_running_loop().time() >= deadline:
                    break
                await asyncio.sleep(read_interval)  # the slow reader
        console.line()
        wss.close(close_code=1000, reason="demo done")
        await wss.closed
    return stats


EPILOG = f"""
\b
Examples:
  wsstream demo                  # 5 seconds of the live view
  wsstream demo --seconds 20 --message-size 1048576

\b
{EXIT_CODES_HELP}
"""


@click.command(epilog=EPILOG)
@click.option(
    "--seconds",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="How long the backpressure view runs.",
)
@click.option(
    "--message-size",
    default=64 * 1024,
    show_default=True,
    type=click.IntRange(1, 16 * 1024 * 1024),
    help="Bytes per message the fast sender writes.",
)
@click.option(
    "--read-interval",
    default=0.02,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds the slow reader waits between messages.",
)
def demo(seconds: float, message_size: int, read_interval: float) -> None:
    """The MDN WebSocketStream example, then a live view of backpressure.

    First the MDN "ping" example runs against an embedded echo server.  Then an embedded
    server sends messages as fast as its writable lets it while a client reads one every
    --read-interval seconds: the sender is held back by the reader (through the TCP socket),
    so the bytes in flight stay bounded and the process's memory stays flat.
    """
    run(_demo(seconds, message_size, read_interval))


async def _demo(seconds: float, message_size: int, read_interval: float) -> int:
    console = Console(highlight=False)
    console.rule("the MDN WebSocketStream example")
    async with await serve(echo_handler) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        console.print(f"echo server listening on {url}")
        await mdn_ping(url, rounds=3, emit=console.print)
    console.rule("backpressure")
    stats = await backpressure(
        seconds, message_size=message_size, read_interval=read_interval, console=console
    )
    growth = stats.rss_peak - stats.rss_start
    console.print(
        f"The reader took {stats.received:,} messages; the sender was held to {stats.sent:,} "
        f"({stats.in_flight:,} bytes in flight at the end) and RSS grew by {growth:.1f} MiB."
    )
    return EXIT_OK
