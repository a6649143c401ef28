"""WPT ``websockets/binaryType-wrong-value.any.js``, ``Create-valid-url-binaryType-blob`` and
``interfaces/WebSocket/binary/*``: ``binary_type`` and the type of binary ``data``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client.servers import OwnServer, RawConnection, WptServer, encode_frame
from websocketstream import Blob, MessageEvent, WebSocket

from .helpers import Trace, open_socket

AnyServer = WptServer | OwnServer


async def test_default_is_blob_and_wrong_values_are_ignored(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    assert ws.binary_type == "blob"
    for wrong in ("notBlobOrArrayBuffer", "Blob", "ArrayBuffer", "", None, 42, b"blob"):
        ws.binary_type = wrong
        assert ws.binary_type == "blob"
    ws.binary_type = "arraybuffer"
    assert ws.binary_type == "arraybuffer"
    ws.binary_type = "wrong"
    assert ws.binary_type == "arraybuffer"
    ws.binary_type = "blob"
    assert ws.binary_type == "blob"
    trace = Trace(ws)
    await trace.wait_open()
    assert ws.binary_type == "blob"  # Create-valid-url-binaryType-blob
    ws.close()
    await trace.wait_closed()


@pytest.mark.parametrize("size", [0, 1, 65000])
async def test_blob_binary_type_gives_a_blob(server: AnyServer, size: int) -> None:
    # binary/001.html, 002.html.
    ws, trace = await open_socket(server.url("/echo"))
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    ws.send(payload)
    [data] = await trace.wait_messages(1)
    assert isinstance(data, Blob)
    assert data.size == size
    assert data.type == ""
    assert await data.bytes() == payload
    ws.close()


@pytest.mark.parametrize("size", [0, 1, 65000])
async def test_arraybuffer_binary_type_gives_bytes(server: AnyServer, size: int) -> None:
    # binary/004.html, 005.html.
    ws, trace = await open_socket(server.url("/echo"))
    ws.binary_type = "arraybuffer"
    ws.send(bytes(size))
    [data] = await trace.wait_messages(1)
    assert type(data) is bytes
    assert len(data) == size
    ws.close()


async def test_text_is_str_whatever_the_binary_type(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.send("text")
    ws.binary_type = "arraybuffer"
    ws.send("more")
    assert await trace.wait_messages(2) == ["text", "more"]
    ws.close()


async def test_the_type_is_chosen_when_the_event_is_dispatched(raw_server: Any) -> None:
    # Both messages have arrived when the first is dispatched; its listener switches the
    # binary type, so the second is already "arraybuffer".
    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(2, b"first") + encode_frame(2, b"second"))
        frame = await conn.read_until_close()
        assert frame is not None
        await conn.send_frame(8, frame.payload)

    srv = await raw_server(script)
    ws = WebSocket(srv.url())

    def switch(event: MessageEvent) -> None:
        ws.binary_type = "arraybuffer"

    ws.onmessage = switch
    trace = Trace(ws)
    first, second = await trace.wait_messages(2)
    assert isinstance(first, Blob)
    assert await first.bytes() == b"first"
    assert second == b"second"
    ws.close()
    await trace.wait_closed()
