"""Reference Autobahn echo client built on the `websockets` package (test-only).

It exists to prove that the harness in ../run.py works before the project's own
client (clients/wss_echo.py) does; it follows the calling convention described
in run.py's docstring:

    python websockets_echo.py URL AGENT

For each case it connects to URL/runCase?case=N&agent=AGENT with
permessage-deflate offered, echoes every message back (text as text, binary as
binary) until the server closes, and finally asks the server to write its
reports (URL/updateReports?agent=AGENT).  Each case is bounded by
AUTOBAHN_CASE_TIMEOUT seconds (default 60).

websockets (17.4) fails a connection with 1002 when a Close frame arrives in
the middle of a fragmented message (case 7.1.5); that is websockets' own
behaviour, recorded as such for this agent in expected.json.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

# websockets refuses messages of more than 4096 fragments (a DoS guard, read
# from the environment when websockets is imported); cases 9.3.* and 9.4.*
# send 4 MiB in fragments of 64 bytes, i.e. 65536 fragments.
os.environ.setdefault("WEBSOCKETS_MAX_FRAGMENTS", str(2**20))

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, WebSocketException


def _connect(uri: str) -> connect:
    return connect(
        uri,
        compression="deflate",  # permessage-deflate, default parameters
        max_size=None,  # cases 9.* send messages of up to 16 MiB
        max_queue=None,
        ping_interval=None,  # the suite's own pings are the only ones wanted
        open_timeout=10,
        close_timeout=5,
    )


async def _text_of(uri: str) -> str:
    async with _connect(uri) as ws:
        message = await ws.recv()
    return message if isinstance(message, str) else message.decode()


async def _echo_case(uri: str) -> None:
    try:
        async with _connect(uri) as ws:
            async for message in ws:
                await ws.send(message)  # str -> text frame, bytes -> binary
    except (ConnectionClosed, InvalidHandshake, WebSocketException, OSError):
        # Failing the connection is the expected outcome of many cases; the
        # server records the verdict, the client only has to move on.
        pass


async def main(url: str, agent: str) -> int:
    case_timeout = float(os.environ.get("AUTOBAHN_CASE_TIMEOUT", "60"))
    count = int(await _text_of(f"{url}/getCaseCount"))
    print(f"websockets_echo: {count} cases, agent {agent!r}", flush=True)
    for case in range(1, count + 1):
        started = time.monotonic()
        try:
            async with asyncio.timeout(case_timeout):
                await _echo_case(f"{url}/runCase?case={case}&agent={agent}")
        except TimeoutError:
            print(f"websockets_echo: case #{case} timed out after {case_timeout:g} s", flush=True)
        elapsed = time.monotonic() - started
        if elapsed > 5:
            print(f"websockets_echo: case #{case} took {elapsed:.1f} s", flush=True)
    async with _connect(f"{url}/updateReports?agent={agent}") as ws:
        await ws.wait_closed()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} URL AGENT")
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
