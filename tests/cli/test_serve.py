"""``wsstream serve``: echo, broadcast, a process per connection, stopping, exit codes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from websocketstream import WebSocketStream

from .helpers import LINGER, Server, cli_env, run_cli, wsstream


def test_the_url_is_the_first_line_and_sigterm_exits_0() -> None:
    with Server() as server:
        assert server.url.startswith("ws://127.0.0.1:")
    assert b"serving (echo)" in server.stderr


def test_sigint_stops_the_server_with_0() -> None:
    process = subprocess.Popen(
        wsstream("serve", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith(b"ws://")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert b"server stopped" in err


def test_a_port_in_use_exits_1_with_one_line() -> None:
    with Server() as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        result = run_cli("serve", "--port", port)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("wsstream: error: cannot listen: ")
    assert err.count("\n") == 1


async def _send_and_receive(url: str, message: str) -> str:
    async with WebSocketStream(url) as wss:
        info = await wss.opened
        await info.writable.get_writer().write(message)
        result = await info.readable.get_reader().read()
        assert isinstance(result.value, str)
        return result.value


async def test_echo_answers_each_message() -> None:
    with Server("--echo") as server:
        assert await _send_and_receive(server.url, "ping") == "ping"


async def test_broadcast_sends_each_message_to_every_client() -> None:
    with Server("--broadcast") as server:
        async with WebSocketStream(server.url) as a, WebSocketStream(server.url) as b:
            a_info, b_info = await a.opened, await b.opened
            a_reader, b_reader = aiter(a_info.readable), aiter(b_info.readable)
            b_writer = b_info.writable.get_writer()
            # b's own copy tells b that both are in the room before the real message.
            await b_writer.write("b joined")
            assert await anext(b_reader) == "b joined"
            assert await anext(a_reader) == "b joined"
            await a_info.writable.get_writer().write(b"binary too")
            assert await anext(b_reader) == b"binary too"
            assert await anext(a_reader) == b"binary too"


UPPER = "import sys\nfor line in sys.stdin:\n    print(line.upper(), end='', flush=True)\n"


async def test_exec_bridges_messages_to_lines_of_a_process() -> None:
    command = f'{sys.executable} -c "{UPPER}"'
    with Server("--exec", command) as server:
        assert await _send_and_receive(server.url, "shout") == "SHOUT"
        assert await _send_and_receive(server.url, "again") == "AGAIN"  # a process each


async def test_exec_process_exit_closes_with_1000() -> None:
    command = f"{sys.executable} -c \"print('hello'); print('bye')\""
    with Server("--exec", command) as server:
        wss = WebSocketStream(server.url)
        info = await wss.opened
        received = [message async for message in info.readable]
        end = await wss.closed
    assert received == ["hello", "bye"]
    assert (end.close_code, end.reason) == (1000, "")


PID_THEN_WAIT = (
    "import os, sys, time\nprint(os.getpid(), flush=True)\nsys.stdin.read()\ntime.sleep(60)\n"
)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def test_exec_client_close_terminates_the_process() -> None:
    command = f'{sys.executable} -c "{PID_THEN_WAIT}"'
    with Server("--exec", command) as server:
        wss = WebSocketStream(server.url)
        info = await wss.opened
        # A reader, not a dropped iterator (which would cancel the readable, closing early).
        result = await info.readable.get_reader().read()
        assert isinstance(result.value, str)
        pid = int(result.value)
        assert not _gone(pid)
        wss.close(close_code=1000)
        await wss.closed
        # The server terminates the process as the client leaves: no event reaches this test
        # process when a grandchild exits, so poll (bounded).
        for _ in range(200):
            if _gone(pid):
                break
            await asyncio.sleep(0.05)
        assert _gone(pid)


def test_exec_with_an_empty_command_is_bad_usage() -> None:
    result = run_cli("serve", "--exec", "  ")
    assert result.returncode == 2
    assert "empty command" in result.stderr.decode()


@pytest.mark.parametrize("option", ["--port=-1", "--port=70000", "--bogus"])
def test_bad_options_exit_2(option: str) -> None:
    assert run_cli("serve", option).returncode == 2


def test_unix_socket_serve_and_connect(tmp_path: Path) -> None:
    path = str(tmp_path / "ws.sock")
    process = subprocess.Popen(
        wsstream("serve", "--unix", path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().decode().strip() == f"unix:{path}"
        result = run_cli(
            "connect", *LINGER, "--unix", path, "ws://localhost/", input=b"over unix\n"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"over unix\n"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert not os.path.exists(path)  # the server removes its socket when it stops


def test_connect_to_a_missing_unix_socket_exits_1(tmp_path: Path) -> None:
    result = run_cli("connect", "--unix", str(tmp_path / "nobody.sock"), "ws://localhost/")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("wsstream: error: ")
