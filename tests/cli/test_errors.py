"""One line per error: the message, then the chained cause's type and first line."""

from __future__ import annotations

import signal
import subprocess

from websocketstream import WebSocketError
from websocketstream.cli._common import describe

from .helpers import Server, cli_env, wsstream


def _chained(error: BaseException, cause: BaseException) -> BaseException:
    try:
        raise error from cause
    except BaseException as exc:
        return exc


def test_the_cause_is_named_after_the_message() -> None:
    cause = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
    error = _chained(WebSocketError("connection refused by 127.0.0.1:9"), cause)
    assert describe(error) == (
        f"{error} (ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9))"
    )


def test_a_cause_the_message_already_says_is_not_repeated() -> None:
    error = _chained(WebSocketError("timed out after 10 s"), TimeoutError("timed out after 10 s"))
    assert describe(error) == f"{error} (TimeoutError)"
    error = _chained(
        ValueError("could not resolve host 'x.invalid': Name or service not known"),
        OSError(-2, "Name or service not known"),
    )
    assert describe(error) == (
        "could not resolve host 'x.invalid': Name or service not known (OSError)"
    )


def test_only_the_first_line_of_each_is_kept() -> None:
    error = _chained(ValueError("first\nsecond"), OSError("cause one\ncause two"))
    assert describe(error) == "first (OSError: cause one)"


def test_an_error_without_a_message_is_named_by_its_type() -> None:
    assert describe(TimeoutError()) == "TimeoutError"
    error = _chained(RuntimeError("stopped"), TimeoutError())
    assert describe(error) == "stopped (TimeoutError)"


def test_sigint_closes_the_connection_and_exits_130() -> None:
    with Server() as server:
        process = subprocess.Popen(
            wsstream("connect", server.url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(),
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"ready?\n")
        process.stdin.flush()
        assert process.stdout.readline() == b"ready?\n"  # connected, and streaming
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == b"wsstream: interrupted\n"
    assert b"closed: code=1000 reason='interrupted'" in server.stderr


def test_an_implicit_context_is_not_a_cause() -> None:
    try:
        try:
            raise KeyError("internal")
        except KeyError:
            raise RuntimeError("what the user sees") from None
    except RuntimeError as exc:
        assert describe(exc) == "what the user sees"
    try:
        try:
            raise KeyError("internal")
        except KeyError:
            raise RuntimeError("what the user sees")  # noqa: B904
    except RuntimeError as exc:
        assert describe(exc) == "what the user sees"
