"""WPT ``websockets/Create-*.any.js`` and ``constructor.any.js`` (+ ``constructor/``): the
constructor's URL and protocol checks, the options mapping (whatwg/websockets PR 76) and the
keyword extensions shared with WebSocketStream."""

from __future__ import annotations

import base64
import ssl
from typing import Any

import pytest

from tests.client.conftest import Proxy
from tests.client.servers import OwnServer, WptServer
from websocketstream import DOMSyntaxError, WebSocket

from .helpers import Trace, open_socket, wait

AnyServer = WptServer | OwnServer


async def closed_quietly(ws: WebSocket) -> None:
    """Close a socket whose outcome the test does not check, and wait for its close event."""
    trace = Trace(ws)
    ws.close()
    await trace.wait_closed()


# --- Create-invalid-urls, Create-url-with-space, Create-non-absolute-url --------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ws://foo bar.com/",
        "wss://foo bar.com/",
        "ftp://127.0.0.1/",
        "mailto:example@example.org",
        "about:blank",
        "ws://127.0.0.1/#",
        "ws://127.0.0.1/#test",
        "#test",
        "test",
        "?",
        "",
    ],
)
async def test_invalid_url_is_a_syntax_error(url: str) -> None:
    # Relative URLs ("test", "?", "#test") have no document to resolve against in Python:
    # a SyntaxError (docs/deviations.md).
    with pytest.raises(DOMSyntaxError) as info:
        WebSocket(url)
    assert info.value.name == "SyntaxError"


async def test_url_that_is_not_a_str_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        WebSocket(None)  # type: ignore[arg-type]


# --- Create-http-urls ----------------------------------------------------------------------------


async def test_http_url_becomes_ws(server: AnyServer) -> None:
    ws, _ = await open_socket(f"http://127.0.0.1:{server.port}/echo")
    assert ws.url == f"ws://127.0.0.1:{server.port}/echo"
    await closed_quietly(ws)


async def test_https_url_becomes_wss() -> None:
    ws = WebSocket("https://127.0.0.1:1/path?q")
    assert ws.url == "wss://127.0.0.1:1/path?q"
    await closed_quietly(ws)


async def test_url_is_serialized(server: AnyServer) -> None:
    ws = WebSocket(f"WS://LOCALHOST:{server.port}/a b?c d")
    assert ws.url == f"ws://localhost:{server.port}/a%20b?c%20d"
    await closed_quietly(ws)


# --- Create-valid-url*.any.js --------------------------------------------------------------------


async def test_valid_url_opens_and_closes_cleanly(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    assert ws.ready_state == WebSocket.OPEN
    ws.close()
    event = await trace.wait_closed()
    assert event.was_clean
    assert ws.ready_state == WebSocket.CLOSED


@pytest.mark.parametrize(
    "protocols", ["echo", ["echo"], ("echo", "chat"), ["chat", "echo"]], ids=repr
)
async def test_valid_url_protocol_is_selected(server: AnyServer, protocols: Any) -> None:
    ws = WebSocket(server.url("/echo"), protocols)
    assert ws.protocol == ""  # Create-valid-url-protocol-empty: "" before open
    trace = Trace(ws)
    seen: list[str] = []
    ws.onopen = lambda event: seen.append(ws.protocol)
    await trace.wait_open()
    assert seen == ["echo"]
    await closed_quietly(ws)


async def test_protocol_array_offers_them_in_order(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/protocol_array"), ["foobar", "foobar2"])
    assert ws.protocol == "foobar"
    assert await trace.wait_messages(1) == ["foobar"]
    assert wpt.log.last.headers["sec-websocket-protocol"] == "foobar, foobar2"
    await closed_quietly(ws)


async def test_no_protocol_offered_sends_no_header(wpt: WptServer) -> None:
    ws, _ = await open_socket(wpt.url("/echo"))
    assert "sec-websocket-protocol" not in wpt.log.last.headers
    assert ws.protocol == ""
    await closed_quietly(ws)


# --- Create-extensions-empty ---------------------------------------------------------------------


async def test_extensions_empty_without_compression(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"), compression=None)
    assert ws.extensions == ""
    seen: list[str] = []
    ws.onopen = lambda event: seen.append(ws.extensions)
    await Trace(ws).wait_open()
    assert seen == [""]
    await closed_quietly(ws)


async def test_extensions_set_when_open(server: AnyServer) -> None:
    ws = WebSocket(server.url("/echo"))
    assert ws.extensions == ""
    await Trace(ws).wait_open()
    assert ws.extensions.startswith("permessage-deflate")
    await closed_quietly(ws)


# --- Create-protocols-repeated*, Create-*-protocol-string, protocol with space --------------------


@pytest.mark.parametrize(
    "protocols",
    [
        ["echo", "echo"],
        ["echo", "eCho"],
        "ec ho",
        ["echo", "ec ho"],
        "\u0080echo",
        "/echo",
        "",
        ["echo", ""],
    ],
    ids=repr,
)
async def test_bad_protocols_are_a_syntax_error(protocols: Any) -> None:
    with pytest.raises(DOMSyntaxError):
        WebSocket("ws://127.0.0.1:1/", protocols)


@pytest.mark.parametrize("protocols", [[1], [b"echo"], 42, b"echo"], ids=repr)
async def test_protocols_of_the_wrong_type_are_a_type_error(protocols: Any) -> None:
    with pytest.raises(TypeError):
        WebSocket("ws://127.0.0.1:1/", protocols)


# --- constructor.any.js, constructor/option-bag, constructor/third-param-ignored ------------------


async def test_options_mapping_with_protocols(wpt: WptServer) -> None:
    # whatwg/websockets PR 76: {"protocols": [...]} as the second argument.
    ws, trace = await open_socket(wpt.url("/protocol_array"), {"protocols": ["foobar", "x"]})
    assert ws.protocol == "foobar"
    assert await trace.wait_messages(1) == ["foobar"]
    await closed_quietly(ws)


async def test_options_mapping_with_one_protocol_string(server: AnyServer) -> None:
    ws, _ = await open_socket(server.url("/echo"), {"protocols": "echo"})
    assert ws.protocol == "echo"
    await closed_quietly(ws)


@pytest.mark.parametrize("options", [{}, {"protocols": None}, {"other": 1}, None], ids=repr)
async def test_empty_options_request_no_protocol(wpt: WptServer, options: Any) -> None:
    ws, _ = await open_socket(wpt.url("/echo"), options)
    assert "sec-websocket-protocol" not in wpt.log.last.headers
    await closed_quietly(ws)


async def test_options_mapping_is_validated_like_a_list() -> None:
    with pytest.raises(DOMSyntaxError):
        WebSocket("ws://127.0.0.1:1/", {"protocols": ["a", "A"]})


async def test_a_third_positional_argument_is_a_type_error() -> None:
    # JavaScript ignores surplus arguments; Python does not (docs/deviations.md).
    with pytest.raises(TypeError):
        WebSocket("ws://127.0.0.1:1/", [], {})  # type: ignore[call-arg]


def test_constructor_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="loop"):
        WebSocket("ws://127.0.0.1:1/")


# --- the keyword extensions (the same as WebSocketStream's) ---------------------------------------


async def test_extra_headers_are_sent(wpt: WptServer) -> None:
    ws, _ = await open_socket(wpt.url("/echo"), headers={"X-Test": "yes"})
    assert wpt.log.last.headers["x-test"] == "yes"
    await closed_quietly(ws)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"compression": "gzip"}, DOMSyntaxError),
        ({"open_timeout": -1}, ValueError),
        ({"close_timeout": "soon"}, TypeError),
        ({"max_size": 0}, ValueError),
        ({"ping_interval": float("nan")}, ValueError),
        ({"ssl": ssl.create_default_context()}, TypeError),
        ({"proxy": "ftp://proxy"}, DOMSyntaxError),
        ({"headers": {"X": 1}}, TypeError),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else v.__name__,
)
async def test_bad_extensions_raise_at_the_call(kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        WebSocket("ws://127.0.0.1:1/", **kwargs)


async def test_wss_with_tls(tls: Any) -> None:
    async with WptServer(ssl_context=tls.server_context) as srv:
        ws, trace = await open_socket(srv.url("/echo"), ssl=tls.client_context)
        assert ws.url.startswith("wss://")
        ws.send("over tls")
        assert await trace.wait_messages(1) == ["over tls"]
        await closed_quietly(ws)


async def test_wss_with_an_untrusted_certificate_fails(tls: Any) -> None:
    async with WptServer(ssl_context=tls.server_context) as srv:
        trace = Trace(WebSocket(srv.url("/echo")))
        event = await trace.wait_closed()
        assert trace.types == ["error", "close"]
        assert (event.was_clean, event.code) == (False, 1006)


async def test_through_an_http_connect_proxy(server: AnyServer, proxy: Proxy) -> None:
    ws, trace = await open_socket(server.url("/echo"), proxy=proxy.url)
    ws.send("via proxy")
    assert await trace.wait_messages(1) == ["via proxy"]
    assert len(proxy.tunnels) == 1
    assert f"127.0.0.1:{server.port}" in proxy.tunnels[0]
    await closed_quietly(ws)


async def test_proxy_from_the_environment_is_the_default(
    wpt: WptServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    ws, _ = await open_socket(wpt.url("/echo"))
    assert len(proxy.tunnels) == 1
    await closed_quietly(ws)


# --- opening-handshake/001-002: the request ------------------------------------------------------


async def test_opening_handshake_request_headers(wpt: WptServer) -> None:
    ws, _ = await open_socket(wpt.url("/echo?x=1"), "echo")
    headers = wpt.log.last.headers
    assert wpt.log.last.path == "/echo?x=1"
    assert headers["upgrade"].lower() == "websocket"
    assert "upgrade" in headers["connection"].lower()
    assert headers["sec-websocket-version"] == "13"
    assert len(base64.b64decode(headers["sec-websocket-key"])) == 16
    assert headers["sec-websocket-protocol"] == "echo"
    assert headers["sec-websocket-extensions"].startswith("permessage-deflate")
    assert headers["host"] == f"127.0.0.1:{wpt.port}"
    await closed_quietly(ws)


async def test_over_a_unix_socket() -> None:
    import os
    import tempfile

    from websocketstream.server import echo_handler, unix_serve

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "ws.sock")
        server = await unix_serve(echo_handler, path)
        try:
            ws, trace = await open_socket("ws://localhost/", unix_socket=path)
            ws.send("over unix")
            assert await trace.wait_messages(1) == ["over unix"]
            await closed_quietly(ws)
        finally:
            await wait(server.close())


async def test_unix_socket_that_does_not_exist_fails() -> None:
    trace = Trace(WebSocket("ws://localhost/", unix_socket="/nonexistent/ws.sock"))
    event = await trace.wait_closed()
    assert trace.types == ["error", "close"]
    assert event.code == 1006


async def test_unix_socket_must_be_a_str() -> None:
    with pytest.raises(TypeError):
        WebSocket("ws://localhost/", unix_socket=3)  # type: ignore[arg-type]
