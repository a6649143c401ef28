"""``wsstream connect`` to a wss:// server: verification on by default, off with --insecure."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import pytest
import trustme

from websocketstream.server import echo_handler, serve

from .helpers import LINGER, run_cli_async


@pytest.fixture
async def tls_echo() -> AsyncIterator[str]:
    """An echo server whose certificate no system store trusts."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    async with await serve(echo_handler, ssl=context) as server:
        yield f"wss://127.0.0.1:{server.port}/"


async def test_an_untrusted_certificate_exits_1_with_one_line(tls_echo: str) -> None:
    code, out, err = await run_cli_async("connect", tls_echo, input=b"hello\n")
    assert code == 1
    assert out == b""
    text = err.decode()
    assert text.startswith("wsstream: error: ")
    assert text.count("\n") == 1


async def test_insecure_skips_verification(tls_echo: str) -> None:
    code, out, err = await run_cli_async("connect", "-k", *LINGER, tls_echo, input=b"hi\n")
    assert code == 0, err
    assert out == b"hi\n"


async def test_insecure_is_ignored_for_ws_urls() -> None:
    async with await serve(echo_handler) as server:
        url = f"ws://127.0.0.1:{server.port}/"
        code, out, err = await run_cli_async("connect", "-k", *LINGER, url, input=b"x\n")
    assert (code, out) == (0, b"x\n"), err
