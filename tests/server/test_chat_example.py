"""``examples/chat.py`` (issue #11 item 6), run as a user would: one process with the
in-process broadcaster, and two server processes on different ports sharing rooms through a
real redis-server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from tests.client.helpers import wait
from tests.server.redis_server import RedisServer

CHAT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "chat.py")


@contextlib.asynccontextmanager
async def chat_server(*arguments: str) -> AsyncIterator[int]:
    """Start examples/chat.py on a free port; yield the port; stop it with SIGTERM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, CHAT, "--port", "0", *arguments, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = (await wait(process.stdout.readline(), 30)).decode()
        match = re.search(r"ws://127\.0\.0\.1:(\d+)/chat/\{room\}", line)
        assert match is not None, line
        yield int(match.group(1))
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        assert await wait(process.wait(), 30) == 0  # a graceful stop


async def receive_exactly(client: ClientConnection, expected: list[str]) -> None:
    assert [await wait(client.recv()) for _ in expected] == expected


async def test_chat_example_in_one_process() -> None:
    async with chat_server() as port:
        lobby = f"ws://127.0.0.1:{port}/chat/lobby"
        async with (
            ws_connect(lobby, ping_interval=None) as ann,
            ws_connect(lobby, ping_interval=None) as bob,
            ws_connect(f"ws://127.0.0.1:{port}/chat/other", ping_interval=None) as eve,
        ):
            await ann.send("hello from ann")  # all three are subscribed: one process
            await receive_exactly(ann, ["hello from ann"])  # its own included
            await receive_exactly(bob, ["hello from ann"])
            await eve.send("elsewhere")
            await receive_exactly(eve, ["elsewhere"])  # rooms are apart
            await bob.send("hi ann")
            await receive_exactly(ann, ["hi ann"])


async def test_chat_example_two_processes_share_rooms_through_redis(
    redis_server: RedisServer,
) -> None:
    async with (
        chat_server("--redis", redis_server.url) as first,
        chat_server("--redis", redis_server.url) as second,
    ):
        assert first != second
        async with ws_connect(f"ws://127.0.0.1:{first}/chat/lobby", ping_interval=None) as ann:
            # A message is published only once its sender's subscription is live: so once
            # ann reads her own, she hears everything said from then on.
            await ann.send("ann here")
            await receive_exactly(ann, ["ann here"])
            async with (
                ws_connect(f"ws://127.0.0.1:{second}/chat/lobby", ping_interval=None) as bob,
                ws_connect(f"ws://127.0.0.1:{second}/chat/other", ping_interval=None) as eve,
            ):
                await bob.send("bob here")
                await receive_exactly(bob, ["bob here"])  # ann's came before bob joined
                await receive_exactly(ann, ["bob here"])  # across processes
                said = [f"ann {i}" for i in range(50)]
                for text in said:
                    await ann.send(text)
                await receive_exactly(bob, said)  # in order, once each
                await receive_exactly(ann, said)
                await eve.send("only other")
                await receive_exactly(eve, ["only other"])
