"""The project's Autobahn echo client, built on ``WebSocketStream`` (see ../run.py).

    python wss_echo.py URL AGENT

For each case it opens URL/runCase?case=N&agent=AGENT (permessage-deflate offered, as
browsers do), pipes the readable into the writable, so every message goes back as it came,
until the connection closes, then asks the server to write its reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time

from websocketstream import WebSocketError, WebSocketStream

OPTIONS = {
    "compression": "deflate",
    "max_size": None,  # cases 9.* send messages of up to 16 MiB
    "open_timeout": 10.0,
    "close_timeout": 5.0,
    "ping_interval": None,  # the suite's own pings are the only ones wanted
}


async def text_of(url: str) -> str:
    """The first message sent on ``url``."""
    wss = WebSocketStream(url, **OPTIONS)  # type: ignore[arg-type]
    info = await wss.opened
    value, _ = await info.readable.get_reader().read()
    wss.close()
    with contextlib.suppress(WebSocketError):
        await wss.closed
    return value if isinstance(value, str) else value.decode()


async def echo_case(url: str) -> None:
    """Echo every message of one case until the connection ends."""
    wss = WebSocketStream(url, **OPTIONS)  # type: ignore[arg-type]
    try:
        info = await wss.opened
    except WebSocketError:
        return
    with contextlib.suppress(Exception):
        await info.readable.pipe_to(info.writable)
    with contextlib.suppress(Exception):
        await wss.closed


async def main(url: str, agent: str) -> int:
    """Run every case, then update the reports."""
    case_timeout = float(os.environ.get("AUTOBAHN_CASE_TIMEOUT", "60"))
    count = int(await text_of(f"{url}/getCaseCount"))
    print(f"wss_echo: {count} cases, agent {agent!r}", flush=True)
    for case in range(1, count + 1):
        started = time.monotonic()
        try:
            async with asyncio.timeout(case_timeout):
                await echo_case(f"{url}/runCase?case={case}&agent={agent}")
        except TimeoutError:
            print(f"wss_echo: case #{case} timed out after {case_timeout:g} s", flush=True)
        elapsed = time.monotonic() - started
        if elapsed > 5:
            print(f"wss_echo: case #{case} took {elapsed:.1f} s", flush=True)
    wss = WebSocketStream(f"{url}/updateReports?agent={agent}", **OPTIONS)  # type: ignore[arg-type]
    with contextlib.suppress(WebSocketError):
        await wss.opened
        await wss.closed
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
