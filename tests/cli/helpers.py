"""Running ``wsstream`` as a subprocess, as a user would."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from types import TracebackType

#: After end of input, ``connect`` waits for this much silence before closing: generous, so
#: that an echo's last replies arrive even on a loaded machine (the tests compare outputs).
LINGER = ("--linger", "2")

PROXY_VARIABLES = ("ws_proxy", "wss_proxy", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


def cli_env() -> dict[str, str]:
    """The environment for the command: no proxy variables (loopback only), no colour."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.lower() not in PROXY_VARIABLES and name not in ("FORCE_COLOR", "NO_COLOR")
    }
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    return env


def wsstream(*args: str) -> list[str]:
    """The command line for ``python -m websocketstream ARGS``."""
    return [sys.executable, "-m", "websocketstream", *args]


def run_cli(
    *args: str, input: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run ``wsstream ARGS`` to completion with ``input`` on stdin."""
    return subprocess.run(
        wsstream(*args),
        input=input,
        capture_output=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )


class Server:
    """``wsstream serve --port 0 ARGS`` in a subprocess; the URL is its first stdout line.

    Leaving the ``with`` block stops it with SIGTERM and checks that it exited with 0.
    """

    def __init__(self, *args: str) -> None:
        self.args: Sequence[str] = args
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.stderr = b""

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            wsstream("serve", "--port", "0", *self.args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(),
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().decode().strip()
        if not self.url.startswith("ws://"):
            self.process.kill()
            _, err = self.process.communicate()
            raise AssertionError(f"the server did not start: {err.decode()}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _, self.stderr = self.process.communicate(timeout=30)
        if exc_type is None:
            assert self.process.returncode == 0, self.stderr.decode()


async def run_cli_async(
    *args: str, input: bytes = b"", timeout: float = 60
) -> tuple[int, bytes, bytes]:
    """Run ``wsstream ARGS`` from a test that serves on this loop: (exit code, out, err)."""
    process = await asyncio.create_subprocess_exec(
        *wsstream(*args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    out, err = await asyncio.wait_for(process.communicate(input), timeout)
    assert process.returncode is not None
    return process.returncode, out, err
