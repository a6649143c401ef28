"""Logging: the ``websocketstream`` logger hierarchy, silent unless the application asks."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys

import pytest

from websocketstream import ReadableStreamDefaultReader, WebSocketError, WebSocketStream

from .helpers import connect, rejects, wait
from .servers import RawConnection, RawServer, WptServer, encode_frame


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == name]


async def test_client_connection_opened_and_closed_at_debug(
    wpt: WptServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="websocketstream")
    wss, _ = await connect(wpt.url("/echo"), compression=None)
    wss.close(close_code=1000, reason="bye")
    await wait(wss.closed)
    where = f"ws://127.0.0.1:{wpt.port}/echo"
    records = _records(caplog, "websocketstream.client")
    assert records[0] == (logging.DEBUG, f"connecting to {where}")
    level, message = records[1]
    assert level == logging.DEBUG
    assert message.startswith(f"connection to {where} opened (peer ('127.0.0.1', {wpt.port})")
    assert records[2] == (
        logging.DEBUG,
        f"connection to {where} closed (clean, code 1000, reason 'bye')",
    )
    assert len(records) == 3


async def test_failure_to_connect_at_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="websocketstream")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        wss = WebSocketStream(f"ws://127.0.0.1:{port}/")
        error = await rejects(wss.opened, WebSocketError)
    assert _records(caplog, "websocketstream.client") == [(logging.INFO, error.message)]


async def test_protocol_violation_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="websocketstream")

    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(1, b"x", rsv=2))
        await conn.read_until_close()

    async with RawServer(script) as srv:
        _, info = await connect(srv.url("/"))
        reader = info.readable.get_reader()
        assert isinstance(reader, ReadableStreamDefaultReader)
        await rejects(reader.read(), WebSocketError)
    [(level, message)] = _records(caplog, "websocketstream.protocol")
    assert level == logging.WARNING
    assert message == (
        f"client connection with ('127.0.0.1', {srv.port}) failed: "
        "Invalid reserved bit (close code 1002)"  # the reason we send (Chromium's wording)
    )


async def test_message_over_max_size_at_info(
    wpt: WptServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="websocketstream")
    _, info = await connect(wpt.url("/send?size=1001&text=1"), max_size=1000)
    reader = info.readable.get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)
    await rejects(reader.read(), WebSocketError)
    [(level, message)] = _records(caplog, "websocketstream.protocol")
    assert level == logging.INFO
    assert message.endswith("failed: message too big (close code 1009)")


_SCRIPT = """
import logging, sys
import websocketstream
if sys.argv[1] == "configured":
    logging.basicConfig(format="%(name)s %(levelname)s %(message)s")
for name in ("client", "server", "protocol"):
    logging.getLogger("websocketstream." + name).error("from %s", name)
"""


@pytest.mark.parametrize("configured", [False, True])
def test_nothing_printed_unless_configured(configured: bool) -> None:
    # Without a handler of the application's, even ERROR records stay silent (the package's
    # NullHandler keeps them from logging's last-resort handler); with one, they are seen.
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, "configured" if configured else "silent"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == ""
    if configured:
        assert result.stderr.splitlines() == [
            "websocketstream.client ERROR from client",
            "websocketstream.server ERROR from server",
            "websocketstream.protocol ERROR from protocol",
        ]
    else:
        assert result.stderr == ""


_FAILING_HANDLER = """
import asyncio, logging, sys
from websocketstream import WebSocketStream, ServerWebSocketStream, serve
if sys.argv[1] == "configured":
    logging.basicConfig(format="%(name)s %(levelname)s %(message)s")


async def handler(ws: ServerWebSocketStream) -> None:
    await ws.opened
    raise RuntimeError("boom")


async def main() -> None:
    async with await serve(handler) as server:
        wss = WebSocketStream(f"ws://127.0.0.1:{server.port}/")
        await wss.opened
        print((await wss.closed).close_code)


asyncio.run(main())
"""


@pytest.mark.parametrize("configured", [False, True])
def test_a_failing_handler_prints_only_when_configured(configured: bool) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FAILING_HANDLER, "configured" if configured else "silent"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == "1011\n"
    if configured:
        assert result.stderr.startswith("websocketstream.server ERROR handler failed for / from")
        assert "RuntimeError: boom" in result.stderr
    else:
        assert result.stderr == ""
