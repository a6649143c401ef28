"""permessage-deflate on and off, and ``max_size``."""

from __future__ import annotations

import pytest

from websocketstream import WebSocketCloseInfo, WebSocketError
from websocketstream.protocol.headers import parse_extensions

from .helpers import connect, rejects, wait
from .servers import MiB, OwnServer, WptServer

AnyServer = WptServer | OwnServer


def offered_extensions(server: AnyServer) -> str:
    if isinstance(server, WptServer):
        return server.log.last.headers.get("sec-websocket-extensions", "")
    request = server.requests[-1]
    offers = parse_extensions(", ".join(request.headers.get_all("sec-websocket-extensions")))
    return ", ".join(name for name, _ in offers)


async def test_deflate_is_offered_and_negotiated_by_default(server: AnyServer) -> None:
    wss, info = await connect(server.url("/echo"))
    assert info.extensions.startswith("permessage-deflate")
    assert "permessage-deflate" in offered_extensions(server)
    wss.close()
    await wait(wss.closed)


async def test_compression_none_sends_no_offer(server: AnyServer) -> None:
    wss, info = await connect(server.url("/echo"), compression=None)
    assert info.extensions == ""
    assert offered_extensions(server) == ""
    if isinstance(server, WptServer):
        assert "sec-websocket-extensions" not in server.log.last.headers
    wss.close()
    await wait(wss.closed)


async def test_deflate_refused_by_the_server(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/send-backpressure?count=0"))
    assert "permessage-deflate" in wpt.log.last.headers["sec-websocket-extensions"]
    assert info.extensions == ""
    reader = info.readable.get_reader()
    assert await wait(reader.read()) == (b"", False)
    wss.close()
    await wait(wss.closed)


@pytest.mark.parametrize("compression", ["deflate", None])
@pytest.mark.parametrize("kind", ["text", "binary"])
async def test_large_compressible_message_round_trip(
    server: AnyServer, compression: str | None, kind: str
) -> None:
    size = MiB - 100  # within both sides' default max_size
    pattern = "websocketstream " * (size // 16)
    message: str | bytes = pattern if kind == "text" else pattern.encode()
    wss, info = await connect(server.url("/echo"), compression=compression)
    assert ("permessage-deflate" in info.extensions) == (compression is not None)
    writer = info.writable.get_writer()
    reader = info.readable.get_reader()
    for _ in range(3):  # the compression context carries over between messages
        await wait(writer.write(message))
        value, _ = await wait(reader.read())
        assert type(value) is type(message)
        assert value == message
    wss.close()
    assert await wait(wss.closed) == WebSocketCloseInfo(1005, "")


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_max_size_exceeded_by_the_server_fails_the_connection(
    wpt: WptServer, compression: str | None
) -> None:
    # Compressed, the 1001 "a"s are a few bytes on the wire: the limit applies after inflating.
    wss, info = await connect(
        wpt.url("/send?size=1001&text=1"), max_size=1000, compression=compression
    )
    error = await rejects(info.readable.get_reader().read(), WebSocketError)
    # A limit of the library's own, not the Standard's: the error reports the 1009 sent ...
    assert (error.close_code, error.reason) == (1009, "message too big")
    assert "max_size (1000 bytes)" in error.message
    assert await rejects(wss.closed, WebSocketError) is error
    # ... as the Close frame on the wire does.
    log = wpt.log.last
    await wait(log.close_received.wait())
    assert log.close_rcvd is not None and log.close_rcvd[0] == 1009


async def test_message_of_exactly_max_size_is_accepted(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/send?size=1000&count=2"), max_size=1000)
    reader = info.readable.get_reader()
    assert await wait(reader.read()) == (bytes(1000), False)
    assert await wait(reader.read()) == (bytes(1000), False)
    wss.close()
    await wait(wss.closed)


async def test_max_size_none_accepts_large_messages(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/send?size=3145728"), max_size=None, compression=None)
    value, _ = await wait(info.readable.get_reader().read())
    assert value == bytes(3 * MiB)
    wss.close()
    await wait(wss.closed)


async def test_default_max_size_is_1_MiB(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url(f"/send?size={MiB + 1}"), compression=None)
    error = await rejects(info.readable.get_reader().read(), WebSocketError)
    assert error.close_code == 1009
    await wait(wpt.log.last.close_received.wait())
    assert wpt.log.last.close_rcvd is not None
    assert wpt.log.last.close_rcvd[0] == 1009
    await rejects(wss.closed, WebSocketError)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
async def test_invalid_max_size_raises_at_the_call(wpt: WptServer, value: object) -> None:
    from websocketstream import WebSocketStream

    with pytest.raises((TypeError, ValueError)):
        WebSocketStream(wpt.url("/echo"), max_size=value)  # type: ignore[arg-type]
    assert wpt.log.tcp_connections == 0
