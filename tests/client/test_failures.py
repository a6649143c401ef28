"""Diagnosable failures: every way a connection can fail names its cause.

The error stays browser-shaped (a ``WebSocketError`` rejecting ``opened`` and ``closed``), its
message names the cause in one line, and the real error is chained as ``__cause__``.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from python_socks import ProxyConnectionError
from python_socks import ProxyError as SocksProxyError

from websocketstream import (
    InvalidHandshake,
    InvalidStatus,
    ProxyError,
    ReadableStreamDefaultReader,
    WebSocketError,
    WebSocketStream,
)

from .conftest import TLS
from .helpers import connect, rejects, wait
from .servers import GUID, RawConnection, RawServer, Script, WptServer, silent_script


async def failure(url: str, **options: Any) -> WebSocketError:
    """Connect, expect ``opened`` and ``closed`` to reject with one error; return it."""
    wss = WebSocketStream(url, **options)
    error: WebSocketError = await rejects(wss.opened, WebSocketError)
    # As Chromium: opened's error has no close code, closed's has 1006; both name the cause.
    closed: WebSocketError = await rejects(wss.closed, WebSocketError)
    assert (error.close_code, closed.close_code) == (None, 1006)
    assert error.reason == closed.reason == ""
    assert closed.message == error.message
    assert closed.__cause__ is error.__cause__
    assert "\n" not in str(error)
    return error


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens (bound, so nobody else takes it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# Network


async def test_connection_refused(closed_port: int) -> None:
    error = await failure(f"ws://127.0.0.1:{closed_port}/chat")
    assert error.message == (
        f"WebSocket connection to ws://127.0.0.1:{closed_port}/chat failed: "
        f"connection refused by 127.0.0.1:{closed_port}"
    )
    assert isinstance(error.__cause__, ConnectionRefusedError)


async def test_dns_failure() -> None:
    error = await failure("ws://no-such-host.invalid/")
    assert isinstance(error.__cause__, socket.gaierror)
    assert "could not resolve host 'no-such-host.invalid'" in str(error)


async def test_open_timeout() -> None:
    async with RawServer(silent_script) as srv:
        error = await failure(srv.url("/"), open_timeout=0.2)
    assert isinstance(error.__cause__, TimeoutError)
    assert error.message.endswith(
        "failed: opening handshake not complete within open_timeout (0.2 s)"
    )


async def test_server_closes_during_the_handshake() -> None:
    async def script(conn: RawConnection) -> None:
        await conn.read_request()

    async with RawServer(script) as srv:
        error = await failure(srv.url("/"))
    assert type(error.__cause__) is InvalidHandshake
    assert error.message.endswith("failed: connection closed during the opening handshake")


async def test_invalid_accept_header() -> None:
    async def script(conn: RawConnection) -> None:
        await conn.read_request()
        conn.send(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n"
        )
        await conn.wait_eof()

    async with RawServer(script) as srv:
        error = await failure(srv.url("/"))
    assert type(error.__cause__) is InvalidHandshake
    assert error.message.endswith("failed: missing or wrong Sec-WebSocket-Accept")


def test_guid_is_the_rfc_one() -> None:  # the helper above relies on the real handshake
    assert GUID.endswith("C5AB0DC85B11")


# HTTP status


async def test_http_404(wpt: WptServer) -> None:
    error = await failure(wpt.url("/no-such-handler"))
    assert error.message == (
        f"WebSocket connection to ws://127.0.0.1:{wpt.port}/no-such-handler failed: "
        "server answered HTTP 404 Not Found"
    )
    cause = error.__cause__
    assert isinstance(cause, InvalidStatus)
    assert cause.status == 404
    assert cause.body == b"Not Found\n"
    assert cause.header("Content-Length") == "10"


def _status_script(head: bytes, body: bytes) -> Script:
    async def script(conn: RawConnection) -> None:
        await conn.read_request()
        conn.send(head + b"\r\n" + body)
        await conn.wait_eof()

    return script


async def test_http_403_with_headers_and_body() -> None:
    body = b'{"error": "no token"}'
    head = (
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n" % len(body)
    )
    async with RawServer(_status_script(head, body)) as srv:
        error = await failure(srv.url("/"))
    assert error.message.endswith("failed: server answered HTTP 403 Forbidden")
    cause = error.__cause__
    assert isinstance(cause, InvalidStatus)
    assert (cause.status, cause.body) == (403, body)
    assert ("content-type", "application/json") in cause.headers


async def test_http_301_is_not_followed() -> None:
    head = b"HTTP/1.1 301 Moved Permanently\r\nLocation: ws://example.invalid/\r\n"
    head += b"Content-Length: 0\r\n"
    async with RawServer(_status_script(head, b"")) as srv:
        error = await failure(srv.url("/old"))
        assert srv.log.tcp_connections == 1
    assert error.message.endswith(
        "failed: server answered HTTP 301 Moved Permanently "
        "(redirect to ws://example.invalid/: redirects are not followed)"
    )
    cause = error.__cause__
    assert isinstance(cause, InvalidStatus)
    assert cause.header("location") == "ws://example.invalid/"


async def test_the_body_kept_is_bounded() -> None:
    body = b"x" * (InvalidStatus.MAX_BODY * 20)
    head = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: %d\r\n" % len(body)
    async with RawServer(_status_script(head, body)) as srv:
        error = await failure(srv.url("/"))
    cause = error.__cause__
    assert isinstance(cause, InvalidStatus)
    assert cause.body == body[: InvalidStatus.MAX_BODY]


async def test_body_until_the_server_closes() -> None:
    async def script(conn: RawConnection) -> None:
        await conn.read_request()
        conn.send(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nlater")
        await conn.writer.drain()
        conn.writer.close()

    async with RawServer(script) as srv:
        error = await failure(srv.url("/"))
    cause = error.__cause__
    assert isinstance(cause, InvalidStatus)
    assert (cause.status, cause.body) == (503, b"later")


# TLS


async def test_untrusted_certificate(tls: TLS) -> None:
    async with WptServer(ssl_context=tls.server_context) as srv:
        error = await failure(srv.url("/echo"))
    assert isinstance(error.__cause__, ssl.SSLCertVerificationError)
    assert f"failed: TLS certificate of 127.0.0.1:{srv.port} not trusted: " in str(error)


async def test_wss_to_a_plain_server(wpt: WptServer) -> None:
    url = wpt.url("/echo").replace("ws://", "wss://")
    error = await failure(url)
    # OpenSSL sees the plain server's HTTP 400 answer, or the server resets the connection.
    assert isinstance(error.__cause__, ssl.SSLError | ConnectionResetError)
    assert f"failed: TLS handshake with 127.0.0.1:{wpt.port} failed" in str(error)
    assert "is it a TLS (wss://) server?" in str(error)


# Proxies


async def test_proxy_down(wpt: WptServer, closed_port: int) -> None:
    error = await failure(wpt.url("/echo"), proxy=f"http://127.0.0.1:{closed_port}")
    cause = error.__cause__
    assert isinstance(cause, ProxyError)
    assert cause.proxy == f"http://127.0.0.1:{closed_port}"
    assert isinstance(cause.__cause__, ProxyConnectionError)
    assert error.message.endswith(
        f"failed: proxy http://127.0.0.1:{closed_port} unreachable: connection refused"
    )
    assert wpt.log.tcp_connections == 0


@pytest.fixture
async def auth_proxy() -> AsyncIterator[int]:
    """An HTTP CONNECT proxy on 127.0.0.1 that wants ``user:secret``; yields its port."""
    import pproxy

    server = pproxy.Server("http://127.0.0.1:0#user:secret")
    listener = await server.start_server({"rserver": [], "verbose": lambda _: None, "authtime": 0})
    yield listener.sockets[0].getsockname()[1]
    listener.close()
    await wait(listener.wait_closed())


async def test_proxy_refuses_the_password(wpt: WptServer, auth_proxy: int) -> None:
    error = await failure(wpt.url("/echo"), proxy=f"http://user:wrong@127.0.0.1:{auth_proxy}")
    cause = error.__cause__
    assert isinstance(cause, ProxyError)
    assert isinstance(cause.__cause__, SocksProxyError)
    assert "wrong" not in str(error)  # the password is not shown
    assert f"failed: proxy http://user:***@127.0.0.1:{auth_proxy} refused the tunnel" in str(error)
    assert wpt.log.tcp_connections == 0


# Not a failure to connect: closing while connecting, and a message over max_size


async def test_close_while_connecting() -> None:
    async with RawServer(silent_script) as srv:
        wss = WebSocketStream(srv.url("/"))
        wss.close()
        error = await rejects(wss.opened, WebSocketError)
        await rejects(wss.closed, WebSocketError)
    assert error.__cause__ is None
    assert error.message.endswith(
        "failed: close() was called before the opening handshake completed"
    )


async def test_message_over_max_size(wpt: WptServer) -> None:
    wss, info = await connect(wpt.url("/send?size=1001&text=1"), max_size=1000)
    reader = info.readable.get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)
    error = await rejects(reader.read(), WebSocketError)
    assert (error.close_code, error.reason) == (1009, "message too big")
    assert error.message == (
        "WebSocket connection failed: a received message is larger than max_size "
        "(1000 bytes); sent close code 1009"
    )
    assert await rejects(wss.closed, WebSocketError) is error
