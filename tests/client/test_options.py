"""Options with a chosen meaning: ``ssl=False`` is refused, URL credentials become
``Authorization: Basic``."""

from __future__ import annotations

import base64
import ssl

import pytest

from websocketstream import WebSocketStream

from .conftest import TLS
from .helpers import connect, wait
from .servers import WptServer


@pytest.mark.parametrize("scheme", ["ws", "wss"])
async def test_ssl_false_is_a_type_error(wpt: WptServer, scheme: str) -> None:
    url = wpt.url("/echo").replace("ws://", f"{scheme}://")
    with pytest.raises(TypeError, match=r"ssl=False is not supported.*CERT_NONE"):
        WebSocketStream(url, ssl=False)
    assert wpt.log.tcp_connections == 0


async def test_no_verification_is_an_explicit_context(tls: TLS) -> None:
    # What ssl=False means elsewhere, spelled out (docs/recipes.md, "TLS").
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    async with WptServer(ssl_context=tls.server_context) as srv:
        wss, _ = await connect(srv.url("/echo"), ssl=context)
        wss.close()
        await wait(wss.closed)


def _basic(userinfo: str) -> str:
    return "Basic " + base64.b64encode(userinfo.encode()).decode()


@pytest.mark.parametrize(
    ("userinfo", "expected"),
    [
        ("user:secret", "user:secret"),
        ("user", "user:"),
        ("us%40er:p%3Aw%20d", "us@er:p:w d"),  # percent-decoded
        ("j%C3%BCrgen:pw", "jürgen:pw"),  # UTF-8
    ],
)
async def test_url_credentials_become_basic_authorization(
    wpt: WptServer, userinfo: str, expected: str
) -> None:
    url = wpt.url("/echo").replace("ws://", f"ws://{userinfo}@")
    wss, _ = await connect(url)
    assert wpt.log.last.headers["authorization"] == _basic(expected)
    wss.close()
    await wait(wss.closed)


async def test_an_explicit_authorization_header_wins(wpt: WptServer) -> None:
    url = wpt.url("/echo").replace("ws://", "ws://user:secret@")
    wss, _ = await connect(url, headers={"Authorization": "Bearer token"})
    assert wpt.log.last.headers["authorization"] == "Bearer token"
    wss.close()
    await wait(wss.closed)


async def test_no_credentials_no_authorization(wpt: WptServer) -> None:
    wss, _ = await connect(wpt.url("/echo"))
    assert "authorization" not in wpt.log.last.headers
    wss.close()
    await wait(wss.closed)
