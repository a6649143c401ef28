"""Ping flood with the Pongs never read: while the transport's write buffer is above its high
mark, Pongs wait (one, for the latest Ping) and a further Ping stops reading, so the flooder
is held back by TCP and memory stays bounded, on both ends.  Measured in a subprocess."""

from __future__ import annotations

import pytest

from .peers import run_measured

FLOOD_SCRIPT = r"""
import asyncio, json, struct, sys
from tests.client.servers import RawServer
from websocketstream import WebSocketStream
from websocketstream.server import echo_handler, serve
from tests.hostile.peers import RawClient, KEY
from tests.client.servers import encode_frame

LIMIT = 256 * 2**20  # the flooder gives up here: the attack was not held back

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

async def flood(writer, frame):
    # Send Pings (never reading) until the peer stops taking them for 2 s.
    chunk = frame * 1000
    sent = 0
    peak = rss()
    while sent < LIMIT:
        writer.write(chunk)
        sent += len(chunk)
        try:
            await asyncio.wait_for(writer.drain(), 2.0)
        except asyncio.TimeoutError:
            break
        peak = max(peak, rss())
    return sent, max(peak, rss())

async def main(side):
    before = rss()
    if side == "server":
        server = await serve(echo_handler, "127.0.0.1", 0)
        client = await RawClient.connect(server.port)
        sent, peak = await flood(client.writer, encode_frame(9, b"p" * 125, mask=KEY))
        client.close()
        server.close()
        await server.wait_closed()
    else:
        done = asyncio.get_running_loop().create_future()
        async def script(conn):
            await conn.handshake()
            done.set_result(await flood(conn.writer, encode_frame(9, b"p" * 125)))
            conn.abort()
        raw = await RawServer(script).start()
        wss = WebSocketStream(raw.url(), compression=None)
        await wss.opened  # the application never reads
        sent, peak = await done
        try:
            await asyncio.wait_for(wss.closed, 5)
        except Exception:
            pass
        await raw.stop()
    print(json.dumps({"sent": sent, "before": before, "peak": peak}))

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.parametrize("side", ["server", "client"])
async def test_ping_flood_with_pongs_never_read_is_held_back(side: str) -> None:
    result = await run_measured(FLOOD_SCRIPT, side)
    print(side, result)
    # Held back: the flooder could not push more than socket buffers and a few reads' worth.
    assert result["sent"] < 64 * 2**20
    assert result["peak"] - result["before"] < 48 * 2**20
