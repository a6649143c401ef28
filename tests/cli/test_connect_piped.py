"""``wsstream connect`` with stdin/stdout redirected: framing, backpressure, exit codes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator

import pytest

from websocketstream.server import ServerWebSocketStream, serve

from .helpers import LINGER, Server, cli_env, run_cli, run_cli_async, wsstream

MIB = 1 << 20


@pytest.fixture(scope="module")
def echo() -> Iterator[Server]:
    with Server() as server:
        yield server


def test_lines_round_trip_through_an_echo_server(echo: Server) -> None:
    lines = "".join(f"line {n} é\n" for n in range(2000)).encode()
    result = run_cli("connect", *LINGER, echo.url, input=lines)
    assert result.returncode == 0, result.stderr
    assert result.stdout == lines
    assert result.stderr == b""


def test_a_last_line_without_newline_is_a_message_written_with_one(echo: Server) -> None:
    result = run_cli("connect", *LINGER, echo.url, input=b"one\ntwo")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"one\ntwo\n"


def test_empty_input_closes_cleanly(echo: Server) -> None:
    result = run_cli("connect", "--linger", "0", echo.url, input=b"")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_binary_chunks_round_trip_exactly(echo: Server) -> None:
    data = os.urandom(3 * MIB + 17)  # not UTF-8, no line structure
    result = run_cli("connect", "--binary", *LINGER, echo.url, input=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout == data


def test_input_that_is_not_utf8_needs_binary(echo: Server) -> None:
    result = run_cli("connect", echo.url, input=b"fine\n\xff\xfe\n")
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        "wsstream: error: line 2 of stdin is not UTF-8: use --binary"
    )


def _transfer(url: str, size: int) -> tuple[int, int, int]:
    """Pipe ``size`` bytes through ``wsstream connect --binary``: (exit status, bytes out,
    the command's peak RSS in KiB, measured by wait4 on that very process)."""
    process = subprocess.Popen(
        wsstream("connect", "--binary", *LINGER, url),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=cli_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout
    chunk = b"\x00" * MIB

    def feed() -> None:
        for _ in range(size // MIB):
            stdin.write(chunk)
        stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    received = 0
    while data := stdout.read(MIB):
        received += len(data)
    feeder.join()
    stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, received, usage.ru_maxrss


def test_a_large_piped_transfer_runs_in_flat_memory(echo: Server) -> None:
    small_code, small_out, small_rss = _transfer(echo.url, 2 * MIB)
    large_code, large_out, large_rss = _transfer(echo.url, 256 * MIB)
    assert (small_code, small_out) == (0, 2 * MIB)
    assert (large_code, large_out) == (0, 256 * MIB)
    # 128 times the data; the peak RSS may grow by a few buffers, not by the data.
    assert large_rss - small_rss < 24 * 1024, (small_rss, large_rss)


def test_a_refused_connection_exits_1_with_one_line() -> None:
    result = run_cli("connect", "ws://127.0.0.1:9/")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("wsstream: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("connect", "not a url"), "invalid"),
        (("connect", "ftp://127.0.0.1/"), "scheme"),
        (("connect", "-H", "no colon", "ws://127.0.0.1:9/"), "Name: value"),
        (("connect",), "Missing argument"),
        (("connect", "--nope", "ws://127.0.0.1:9/"), "No such option"),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...], needle: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert needle.lower() in result.stderr.decode().lower()
    assert "Traceback" not in result.stderr.decode()


@pytest.fixture
async def closing_server() -> AsyncIterator[str]:
    """A server that answers the first message by closing with 4001 "bye"."""

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        # A reader, not a dropped iterator (which would cancel the readable: a 1000 close).
        await info.readable.get_reader().read()
        ws.close(close_code=4001, reason="bye")

    async with await serve(handler) as server:
        yield f"ws://127.0.0.1:{server.port}/"


async def test_a_close_code_other_than_normal_exits_3(closing_server: str) -> None:
    code, out, err = await run_cli_async("connect", closing_server, input=b"hello\n")
    assert code == 3
    assert out == b""
    assert err.decode() == "wsstream: closed with code 4001 'bye'\n"


@pytest.fixture
async def dropping_server() -> AsyncIterator[str]:
    """A raw server that accepts the handshake, then drops TCP without a Close frame."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        guid = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        accept = base64.b64encode(hashlib.sha1(key + guid).digest())
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"


async def test_an_unclean_close_exits_3_with_one_line(dropping_server: str) -> None:
    code, _, err = await run_cli_async("connect", "--linger", "0", dropping_server)
    assert code == 3
    text = err.decode()
    assert text.startswith("wsstream: error: ")
    assert text.count("\n") == 1


@pytest.fixture
async def slow_feed() -> AsyncIterator[str]:
    """A server that sends "one", stays silent longer than the default linger, sends "two",
    then closes with 1000."""

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        writer = info.writable.get_writer()
        await writer.write("one")
        await asyncio.sleep(1.5)  # the silence under test, not a synchronisation
        await writer.write("two")
        ws.close(close_code=1000)

    async with await serve(handler) as server:
        yield f"ws://127.0.0.1:{server.port}/"


async def test_linger_inf_receives_until_the_server_closes(slow_feed: str) -> None:
    code, out, err = await run_cli_async("connect", "--linger", "inf", slow_feed)
    assert (code, out) == (0, b"one\ntwo\n"), err
