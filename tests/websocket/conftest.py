"""Fixtures for the classic WebSocket tests: the client tests' servers and loop recorder."""

from __future__ import annotations

from tests.client.conftest import (
    loop_exceptions,
    no_proxy_environment,
    own,
    proxy,
    raw_server,
    server,
    tls,
    wpt,
)

__all__ = [
    "loop_exceptions",
    "no_proxy_environment",
    "own",
    "proxy",
    "raw_server",
    "server",
    "tls",
    "wpt",
]
