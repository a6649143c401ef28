"""A client flooding while the server's async ``process_request`` is pending: the server stops
reading until it has answered (RFC 6455 §4.1: a client waits for the answer before it sends
more), so the flood waits in the kernel's buffers instead of growing ours without bound; what
the client sent early is still delivered once the upgrade completes."""

from __future__ import annotations

import asyncio

from tests.client.helpers import wait
from tests.client.servers import encode_frame, read_frame
from websocketstream.server import Request, Response, ServerWebSocketStream, echo_handler

from .peers import KEY, UPGRADE, running


async def test_server_pauses_reading_while_an_async_process_request_is_pending() -> None:
    entered = asyncio.Event()
    release = asyncio.Event()
    pending: list[ServerWebSocketStream] = []

    async def process_request(
        connection: ServerWebSocketStream, request: Request
    ) -> Response | None:
        pending.append(connection)
        entered.set()
        await release.wait()
        return None

    async with running(echo_handler, process_request=process_request) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        messages = [f"early {i}".encode() for i in range(1000)]
        writer.write(UPGRADE + b"".join(encode_frame(1, m, mask=KEY) for m in messages))
        await wait(entered.wait())
        session = pending[0]._session
        assert session is not None and session.transport is not None
        assert not session.transport.is_reading()
        release.set()
        head = await wait(reader.readuntil(b"\r\n\r\n"))
        assert head.startswith(b"HTTP/1.1 101")
        echoed = [(await wait(read_frame(reader))).payload for _ in messages]
        assert echoed == messages
        assert session.transport.is_reading()
        writer.transport.abort()
