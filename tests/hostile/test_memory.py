"""Memory per connection: nothing big is allocated before data flows (no receive buffer per
session, deflate contexts made on first use), and a closed connection is freed."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import pytest

from tests.client.helpers import wait
from websocketstream import WebSocketStream
from websocketstream.server import ServerWebSocketStream, echo_handler

from .peers import run_measured, running

IDLE_SCRIPT = r"""
import asyncio, gc, json, sys
from websocketstream import WebSocketStream
from websocketstream.server import echo_handler, serve

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

async def main(count, compression):
    server = await serve(echo_handler, "127.0.0.1", 0, compression=compression)
    url = f"ws://127.0.0.1:{server.port}/"
    # Warm up (imports, the shared receive buffer, first-use caches).
    warm = WebSocketStream(url, compression=compression)
    info = await warm.opened
    writer = info.writable.get_writer()
    reader = info.readable.get_reader()
    await writer.write("warm" * 100)
    await reader.read()
    warm.close()
    await warm.closed
    gc.collect()
    before = rss()
    figures = []
    for _ in range(2):
        clients = []
        for _ in range(count):
            wss = WebSocketStream(url, compression=compression)
            await wss.opened
            clients.append(wss)
        gc.collect()
        opened = rss()
        for wss in clients:
            wss.close()
        for wss in clients:
            await wss.closed
        del clients, wss
        await asyncio.sleep(0.1)
        gc.collect()
        figures.append((opened, rss()))
    server.close()
    await server.wait_closed()
    print(json.dumps({"before": before, "rounds": figures}))

asyncio.run(main(int(sys.argv[1]), None if sys.argv[2] == "none" else sys.argv[2]))
"""

COUNT = 300


@pytest.mark.parametrize("compression", ["none", "deflate"])
async def test_idle_connections_cost_a_few_kib(compression: str) -> None:
    # Both ends live in the measured process: the figure is per client + server connection,
    # about 22 KiB on CPython 3.11 (the server's echo pipe and its pending read included).
    # Bounds leave room for the allocator and other Pythons; they fail for a buffer or a
    # compressor allocated per idle connection, down to ~16 KiB spread over the two ends.
    result = await run_measured(IDLE_SCRIPT, str(COUNT), compression)
    (opened, closed), (opened_again, closed_again) = result["rounds"]
    growth = opened - result["before"]
    per_pair = growth / COUNT
    print(f"{compression}: {per_pair / 1024:.1f} KiB per client+server pair, {result}")
    assert per_pair < (40 if compression == "none" else 48) * 1024
    # Closed connections are freed: a second round reuses their memory instead of adding
    # as much again (the allocator keeps freed memory, so RSS itself stays up).
    assert opened_again - max(opened, closed) < growth / 3 + 2**20
    assert closed_again - closed < growth / 3 + 2**20


def cyclic_garbage_of_ours() -> list[object]:
    """Run the cyclic GC; the objects of this package it found unreachable (what reference
    counting did not free)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return [o for o in gc.garbage if type(o).__module__.startswith("websocketstream")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize("compression", [None, "deflate"])
@pytest.mark.parametrize("closer", ["client", "server"])
async def test_a_closed_connection_is_freed_by_reference_counting(
    compression: str | None, closer: str
) -> None:
    # No reference cycles on the per-connection path: with the cyclic GC off, the client's
    # WebSocketStream, both Sessions and Connections, and the server's endpoint die once the
    # connection is closed and the application dropped its references; and nothing of ours
    # (streams, controllers, readers, writers, pipes, promises, errors) is left for the cyclic
    # GC.  (asyncio's own transport refers to itself, in CPython 3.11; not ours.)
    server_refs: list[weakref.ref[Any]] = []
    handler_done = asyncio.Event()

    async def handler(ws: ServerWebSocketStream) -> None:
        server_refs.append(weakref.ref(ws))
        server_refs.append(weakref.ref(ws._session))
        server_refs.append(weakref.ref(ws._session.connection))  # type: ignore[union-attr]
        if closer == "server":
            info = await ws.opened
            reader = info.readable.get_reader()
            await reader.read()
            reader.release_lock()
        else:
            await echo_handler(ws)
        handler_done.set()

    async with running(handler, compression=compression) as server:
        gc.collect()
        gc.disable()
        try:
            wss = WebSocketStream(f"ws://127.0.0.1:{server.port}/", compression=compression)
            info = await wait(wss.opened)
            writer = info.writable.get_writer()
            await wait(writer.write("hello" * 100))
            if closer == "client":
                reader = info.readable.get_reader()
                assert await wait(reader.read()) == ("hello" * 100, False)
                wss.close(1000)
            await wait(wss.closed)
            await wait(handler_done.wait())
            session = wss._session
            assert session is not None
            client_refs: list[weakref.ref[Any]] = [
                weakref.ref(wss),
                weakref.ref(session),
                weakref.ref(session.connection),
            ]
            writer.release_lock()
            del wss, info, writer, session
            if closer == "client":
                reader.release_lock()
                del reader
            for _ in range(10):  # the server's handler task finishes
                await asyncio.sleep(0)
            alive = [ref() for ref in client_refs + server_refs if ref() is not None]
            assert not alive, alive
            assert not cyclic_garbage_of_ours()
        finally:
            gc.enable()


async def test_large_frame_buffers_are_released_when_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reusable large-frame buffers (up to 4 MiB each way) exist while large messages flow;
    # an idle connection gives them back.
    import websocketstream.session as session_module

    monkeypatch.setattr(session_module, "BUFFER_IDLE_TIME", 0.05)
    async with running(echo_handler, max_size=4 * 2**20, compression=None) as server:
        wss = WebSocketStream(
            f"ws://127.0.0.1:{server.port}/", max_size=4 * 2**20, compression=None
        )
        info = await wait(wss.opened)
        writer = info.writable.get_writer()
        reader = info.readable.get_reader()
        for _ in range(3):
            await wait(writer.write(bytes(2 * 2**20)))
            assert len((await wait(reader.read())).value) == 2 * 2**20
        session = wss._session
        assert session is not None
        connection = session.connection
        assert connection.holds_large_buffers()
        released = asyncio.Event()

        def check() -> None:
            if connection.holds_large_buffers():
                asyncio.get_running_loop().call_later(0.05, check)
            else:
                released.set()

        check()
        await wait(released.wait())
        # And they come back for the next large message.
        await wait(writer.write(bytes(2 * 2**20)))
        assert len((await wait(reader.read())).value) == 2 * 2**20
        wss.close()
        await wait(wss.closed)


async def test_a_connection_read_with_async_for_leaves_nothing_to_the_cyclic_gc() -> None:
    # The async iterator's read requests and futures point at each other while a read waits:
    # once settled they let go, so iterating a connection to its end leaves no cycle of ours.
    async with running(echo_handler) as server:
        gc.collect()
        gc.disable()
        try:
            wss = WebSocketStream(f"ws://127.0.0.1:{server.port}/")
            info = await wait(wss.opened)
            writer = info.writable.get_writer()
            await wait(writer.write("hello"))
            writer.release_lock()
            received: list[str | bytes] = []
            async for message in info.readable:  # waits for the echo: a pending read
                received.append(message)
                wss.close(1000)
            assert received == ["hello"]
            await wait(wss.closed)
            del wss, info, writer
            for _ in range(10):
                await asyncio.sleep(0)
            assert not cyclic_garbage_of_ours()
        finally:
            gc.enable()
