"""The MDN WebSocketStream example, against the library's own embedded echo server.

Connects, writes "ping", prints each message received and pings again, for a few rounds, then
closes cleanly.  Run it with ``make demo`` (or ``python examples/demo.py``).  The example's
code is :func:`websocketstream.cli.demo.mdn_ping`, which ``wsstream demo`` runs too.
"""

from __future__ import annotations

import asyncio

from websocketstream.cli.demo import mdn_ping
from websocketstream.server import echo_handler, serve


async def main() -> None:
    async with await serve(echo_handler, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        print(f"echo server listening on {url}")
        await mdn_ping(url, rounds=5)


if __name__ == "__main__":
    asyncio.run(main())
