"""What every ``wsstream`` command shares: exit codes, one-line errors, running a coroutine.

Exit codes: :data:`EXIT_CODES_HELP` (shown by every ``--help``, and in ``docs/cli.md``).
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn

import click

__all__ = [
    "EXIT_CLOSED_IN_ERROR",
    "EXIT_CONNECT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandFailed",
    "describe",
    "rss_mib",
    "run",
]

EXIT_OK = 0
EXIT_CONNECT_FAILED = 1
EXIT_USAGE = 2
EXIT_CLOSED_IN_ERROR = 3
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """Exit codes:
  0    closed cleanly (1000, 1001 or no code), or the server was stopped
  1    could not connect (refused, DNS, TLS, proxy, HTTP status), or listen
  2    bad usage (option, URL, header, input that is not UTF-8 in line mode)
  3    the connection ended in error (unclean, or another close code)
  130  interrupted (Ctrl-C)"""


class CommandFailed(Exception):
    """Raised inside a command to stop it with one line on stderr and an exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe(exc: BaseException) -> str:
    """One line for an error: ``str(exc)``, then its cause's type and one-line summary.

    ``WebSocketError``s chain the real cause (an ``OSError``, an ``ssl`` error, a
    ``TimeoutError``, an HTTP status...) as ``__cause__``.  The cause's summary is left out
    when the message already says it (its text, or an ``OSError``'s strerror), its type never.
    """
    message = _first_line(str(exc)) or type(exc).__name__
    cause = exc.__cause__
    if cause is None:
        return message
    summary = _first_line(str(cause))
    strerror = cause.strerror if isinstance(cause, OSError) else None
    if not summary or summary in message or (strerror and strerror in message):
        return f"{message} ({type(cause).__name__})"
    return f"{message} ({type(cause).__name__}: {summary})"


def fail(exc: BaseException, exit_code: int) -> NoReturn:
    """Print ``wsstream: error: <one line>`` on stderr and exit with ``exit_code``."""
    click.echo(f"wsstream: error: {describe(exc)}", err=True)
    sys.exit(exit_code)


def run(main: Coroutine[Any, Any, int]) -> NoReturn:
    """Run a command's coroutine, map its failures to one line and an exit code, exit."""
    try:
        code = asyncio.run(main)
    except CommandFailed as exc:
        click.echo(f"wsstream: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("wsstream: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code)


def rss_mib() -> float:
    """This process's resident set size in MiB (Linux ``/proc``; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except OSError:  # not Linux: the peak, which is what "stays flat" needs anyway
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
