"""``wsstream connect`` on a terminal (a pseudo-terminal): typed lines, printed messages,
Ctrl-D closing cleanly, the close code at the end."""

from __future__ import annotations

import os
import select
import subprocess
from collections.abc import Iterator

import pytest

from .helpers import Server, cli_env, wsstream


class Terminal:
    """``wsstream ARGS`` with stdin, stdout and stderr on one pseudo-terminal."""

    def __init__(self, *args: str) -> None:
        master, slave = os.openpty()
        self.master = master
        self.process = subprocess.Popen(
            wsstream(*args), stdin=slave, stdout=slave, stderr=slave, env=cli_env()
        )
        os.close(slave)
        self.seen = b""

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def expect(self, needle: str, timeout: float = 30) -> str:
        """Read the terminal until ``needle`` appears; return everything seen so far."""
        while needle.encode() not in self.seen:
            ready, _, _ = select.select([self.master], [], [], timeout)
            if not ready:
                raise AssertionError(f"{needle!r} not seen in {self.seen.decode()!r}")
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: the command exited and the terminal is gone
                data = b""
            if not data:
                raise AssertionError(f"{needle!r} not seen before exit: {self.seen.decode()!r}")
            self.seen += data
        return self.seen.decode()

    def wait(self) -> int:
        code = self.process.wait(timeout=30)
        os.close(self.master)
        return code


@pytest.fixture(scope="module")
def echo() -> Iterator[Server]:
    with Server() as server:
        yield server


def test_typed_lines_are_sent_and_ctrl_d_closes_cleanly(echo: Server) -> None:
    terminal = Terminal("connect", echo.url)
    terminal.expect("Ctrl-D closes")
    terminal.type(b"hello there\n")
    terminal.expect("< hello there")
    terminal.type(b"\x04")  # Ctrl-D at the start of a line: end of input
    screen = terminal.expect("closed: code=1000")
    assert terminal.wait() == 0
    assert f"connected to {echo.url}" in screen


def test_binary_messages_are_shown_as_size_and_hex(echo: Server) -> None:
    terminal = Terminal("connect", "--binary", echo.url)
    terminal.expect("Ctrl-D closes")
    terminal.type(b"hi\n")
    terminal.expect("< binary, 2 bytes: 68 69")
    terminal.type(b"\x04")
    terminal.expect("closed: code=")
    assert terminal.wait() == 0


def test_the_server_going_away_ends_the_session_with_its_code() -> None:
    with Server() as server:
        terminal = Terminal("connect", server.url)
        terminal.expect("Ctrl-D closes")
    # The server was stopped (SIGTERM): it closed the connection with 1001.
    terminal.expect("closed: code=1001")
    assert terminal.wait() == 0
