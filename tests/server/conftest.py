"""Fixtures for the server tests: the client tests' loop-exception recorder and helpers, and
a real redis-server."""

from __future__ import annotations

from tests.client.conftest import loop_exceptions, no_proxy_environment, tls
from tests.server.redis_server import redis_server

__all__ = ["loop_exceptions", "no_proxy_environment", "redis_server", "tls"]
