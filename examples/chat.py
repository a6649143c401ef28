"""A chat server with rooms.

    python examples/chat.py --port 8001                                    # one process
    python examples/chat.py --port 8001 --redis redis://127.0.0.1:6379     # several processes

A client of ``ws://127.0.0.1:8001/chat/lobby`` receives every text message any client sends
to ``/chat/lobby`` (its own included), on every server started with the same ``--redis``.
Without ``--redis`` the rooms live in this process (``LocalBroadcaster``). A client too slow
to keep up is closed with 4013 rather than let its backlog grow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from websocketstream import WebSocketError
from websocketstream.server import (
    Broadcaster,
    BroadcastOverflow,
    LocalBroadcaster,
    RedisBroadcaster,
    ServerWebSocketStream,
    route,
    serve,
)


async def chat(ws: ServerWebSocketStream, hub: Broadcaster) -> None:
    """One client in one room: what it sends goes to the room; what the room says, to it."""
    room = ws.params["room"]
    info = await ws.opened
    writer = info.writable.get_writer()
    async with hub.subscribe(room) as subscription:  # before reading: our own come back too

        async def forward() -> None:
            try:
                async for message in subscription:
                    await writer.write(message)
            except BroadcastOverflow:
                ws.close(4013, "too slow for this room")

        forwarding = asyncio.create_task(forward())
        try:
            async for message in info.readable:
                if isinstance(message, str):
                    await hub.publish(room, message)
        except WebSocketError:
            pass  # the client left without a closing handshake
        finally:
            forwarding.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await forwarding


async def main(host: str, port: int, redis_url: str | None) -> None:
    hub: Broadcaster = RedisBroadcaster(redis_url) if redis_url else LocalBroadcaster()

    async def room(ws: ServerWebSocketStream) -> None:
        await chat(ws, hub)

    async with hub, await serve(route({"/chat/{room}": room}), host, port) as server:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.close)
        print(f"listening on ws://{host}:{server.port}/chat/{{room}}", flush=True)
        await server.serve_forever()


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument("--redis", metavar="URL", help="share rooms through this Redis server")
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_arguments()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main(arguments.host, arguments.port, arguments.redis))
