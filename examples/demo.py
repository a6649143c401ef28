"""The MDN WebSocketStream example, against the library's own embedded echo server.

Connects, writes "ping", prints each message received and pings again, for a few rounds, then
closes cleanly.  Run it with ``make demo`` (or ``python examples/demo.py``).
"""

from __future__ import annotations

import asyncio

from websocketstream import WebSocketStream
from websocketstream.server import echo_handler, serve

ROUNDS = 5


async def main() -> None:
    async with await serve(echo_handler, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        print(f"echo server listening on {url}")

        wss = WebSocketStream(url)
        info = await wss.opened
        print(f"opened: protocol={info.protocol!r} extensions={info.extensions!r}")
        reader = info.readable.get_reader()
        writer = info.writable.get_writer()

        writer.write("ping")  # no await needed: the write is already under way
        for n in range(1, ROUNDS + 1):
            value, done = await reader.read()
            if done:
                break
            print(f"received #{n}: {value}")
            if n < ROUNDS:
                await asyncio.sleep(0.1)
                writer.write("ping")

        wss.close(close_code=1000, reason="demo done")
        closed = await wss.closed
        print(f"closed cleanly: code={closed.close_code} reason={closed.reason!r}")


if __name__ == "__main__":
    asyncio.run(main())
