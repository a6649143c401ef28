"""The MDN WebSocketStream example, against the library's own embedded echo server.

Connects, writes "ping", prints each message received and pings again, for a few rounds, then
closes cleanly (its code is :func:`websocketstream.cli.demo.mdn_ping`, which ``wsstream demo``
runs too).  Then the same with the classic event-based ``WebSocket``, in a few lines.  Run it
with ``make demo`` (or ``python examples/demo.py``).
"""

from __future__ import annotations

import asyncio

from websocketstream import CloseEvent, MessageEvent, WebSocket
from websocketstream.cli.demo import mdn_ping
from websocketstream.server import echo_handler, serve

ROUNDS = 5


async def main() -> None:
    async with await serve(echo_handler, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        print(f"echo server listening on {url}")
        await mdn_ping(url, rounds=ROUNDS)

        await classic(url)


async def classic(url: str) -> None:
    """The classic WebSocket: the same exchange, driven by events."""
    print("\nthe classic WebSocket:")
    ws = WebSocket(url)
    done = asyncio.Event()
    received = 0

    def onmessage(event: MessageEvent) -> None:
        nonlocal received
        received += 1
        print(f"message #{received}: {event.data}")
        if received < ROUNDS:
            ws.send("ping")
        else:
            ws.close(1000, "demo done")

    def onclose(event: CloseEvent) -> None:
        print(f"close: was_clean={event.was_clean} code={event.code}")
        done.set()

    ws.onopen = lambda event: ws.send("ping")
    ws.onmessage = onmessage
    ws.onclose = onclose
    await done.wait()


if __name__ == "__main__":
    asyncio.run(main())
