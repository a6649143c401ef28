"""The project's Autobahn echo server, built on ``websocketstream.serve`` (see ../run_server.py).

    python wss_echo_server.py [PORT]

Listens on 127.0.0.1:PORT (default 0: a free port), accepts permessage-deflate, and sends
every message back as it came (``echo_handler``: text as text, binary as binary).  Once it
listens it prints one line, ``listening on ws://127.0.0.1:PORT``, and serves until SIGTERM or
SIGINT.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from websocketstream.server import echo_handler, serve

OPTIONS: dict[str, Any] = {
    "compression": "deflate",
    "max_size": 64 * 1024 * 1024,  # cases 9.* send messages of up to 16 MiB
    "close_timeout": 5.0,
}


async def main(port: int) -> int:
    """Serve until told to stop."""
    async with await serve(echo_handler, "127.0.0.1", port, **OPTIONS) as server:
        print(f"listening on ws://127.0.0.1:{server.port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)))
