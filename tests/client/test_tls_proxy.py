"""wss:// with a ``trustme`` CA, and connections through an HTTP CONNECT proxy (``pproxy``)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import pytest

from websocketstream import WebSocketError, WebSocketStream

from .conftest import TLS, Proxy
from .helpers import rejects, wait
from .servers import OwnServer, WptServer


@pytest.fixture(params=["websockets", "own"])
async def tls_server(
    request: pytest.FixtureRequest, tls: TLS
) -> AsyncIterator[WptServer | OwnServer]:
    cls = WptServer if request.param == "websockets" else OwnServer
    async with cls(ssl_context=tls.server_context) as srv:
        yield srv


async def _echo_round_trip(wss: WebSocketStream, text: str = "secure") -> None:
    info = await wait(wss.opened)
    await wait(info.writable.get_writer().write(text))
    assert await wait(info.readable.get_reader().read()) == (text, False)
    wss.close(close_code=1000)
    assert (await wait(wss.closed)).close_code == 1000


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_wss_with_a_trusted_ca(
    tls_server: WptServer | OwnServer, tls: TLS, host: str
) -> None:
    url = tls_server.url("/echo", host=host)
    assert url.startswith("wss://")
    wss = WebSocketStream(url, ssl=tls.client_context)
    await _echo_round_trip(wss)


async def test_https_url_becomes_wss(tls_server: WptServer | OwnServer, tls: TLS) -> None:
    wss = WebSocketStream(f"https://127.0.0.1:{tls_server.port}/echo", ssl=tls.client_context)
    assert wss.url == tls_server.url("/echo")
    await _echo_round_trip(wss)


async def test_wss_with_the_default_context_fails(tls_server: WptServer | OwnServer) -> None:
    # The default context does not trust the test CA: "fail the WebSocket connection".
    wss = WebSocketStream(tls_server.url("/echo"))
    error = await rejects(wss.opened, WebSocketError)
    assert error.close_code is None  # never opened: no close code (the Standard, Chromium)
    assert (await rejects(wss.closed, WebSocketError)).close_code == 1006
    assert tls_server.log.connections == []


async def test_wss_with_the_wrong_hostname_fails(wpt: WptServer, tls: TLS) -> None:
    other = tls.ca.issue_cert("example.invalid")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    other.configure_cert(context)
    async with WptServer(ssl_context=context) as srv:
        wss = WebSocketStream(srv.url("/echo"), ssl=tls.client_context)
        assert (await rejects(wss.opened, WebSocketError)).close_code is None
        await rejects(wss.closed, WebSocketError)


async def test_ssl_context_for_a_ws_url_is_refused(wpt: WptServer, tls: TLS) -> None:
    with pytest.raises(TypeError):
        WebSocketStream(wpt.url("/echo"), ssl=tls.client_context)
    assert wpt.log.tcp_connections == 0


# HTTP CONNECT proxy


async def test_http_connect_proxy(server: WptServer | OwnServer, proxy: Proxy) -> None:
    wss = WebSocketStream(server.url("/echo"), proxy=proxy.url)
    await _echo_round_trip(wss)
    assert len(proxy.tunnels) == 1
    assert f"127.0.0.1:{server.port}" in proxy.tunnels[0]


async def test_http_connect_proxy_with_tls(
    tls_server: WptServer | OwnServer, tls: TLS, proxy: Proxy
) -> None:
    wss = WebSocketStream(tls_server.url("/echo"), ssl=tls.client_context, proxy=proxy.url)
    await _echo_round_trip(wss)
    assert len(proxy.tunnels) == 1


async def test_proxy_from_the_environment(
    wpt: WptServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    wss = WebSocketStream(wpt.url("/echo"), proxy=True)
    await _echo_round_trip(wss)
    assert len(proxy.tunnels) == 1


async def test_proxy_from_the_environment_is_the_default(
    wpt: WptServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    wss = WebSocketStream(wpt.url("/echo"))
    await _echo_round_trip(wss)
    assert len(proxy.tunnels) == 1


async def test_no_proxy_bypasses_the_environment_proxy(
    wpt: WptServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    wss = WebSocketStream(wpt.url("/echo"))
    await _echo_round_trip(wss)
    assert proxy.tunnels == []


async def test_proxy_none_connects_directly(
    wpt: WptServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    wss = WebSocketStream(wpt.url("/echo"), proxy=None)
    await _echo_round_trip(wss)
    assert proxy.tunnels == []


async def test_unreachable_proxy_fails_the_connection(wpt: WptServer, proxy: Proxy) -> None:
    port = proxy.port
    await proxy.stop()
    wss = WebSocketStream(wpt.url("/echo"), proxy=f"http://127.0.0.1:{port}")
    assert (await rejects(wss.opened, WebSocketError)).close_code is None
    await rejects(wss.closed, WebSocketError)
    assert wpt.log.tcp_connections == 0


async def test_proxy_to_a_closed_port_fails_the_connection(proxy: Proxy) -> None:
    wss = WebSocketStream("ws://127.0.0.1:1/echo", proxy=proxy.url)
    assert (await rejects(wss.opened, WebSocketError)).close_code is None
    await rejects(wss.closed, WebSocketError)


async def test_bad_proxy_url_raises_at_the_call(wpt: WptServer) -> None:
    from websocketstream import DOMSyntaxError

    with pytest.raises(DOMSyntaxError):
        WebSocketStream(wpt.url("/echo"), proxy="ftp://127.0.0.1:21")
    with pytest.raises(TypeError):
        WebSocketStream(wpt.url("/echo"), proxy=8080)  # type: ignore[arg-type]
    assert wpt.log.tcp_connections == 0


async def test_close_while_connecting_to_the_proxy(wpt: WptServer, proxy: Proxy) -> None:
    wss = WebSocketStream(wpt.url("/echo"), proxy=proxy.url)
    wss.close()
    await rejects(wss.opened, WebSocketError)
    await rejects(wss.closed, WebSocketError)
    assert wpt.log.tcp_connections == 0


@pytest.mark.parametrize("scheme", ["socks5", "socks5h", "socks4"])
async def test_socks_proxy(wpt: WptServer, scheme: str) -> None:
    proxy = await Proxy("socks4" if scheme == "socks4" else "socks5").start()
    try:
        url = f"{scheme}://127.0.0.1:{proxy.port}"
        wss = WebSocketStream(wpt.url("/echo", host="localhost"), proxy=url)
        await _echo_round_trip(wss)
        assert len(proxy.tunnels) == 1
    finally:
        await proxy.stop()
