"""Fixtures for the hostile-peer tests: the client tests' loop-exception recorder and raw
server factory."""

from __future__ import annotations

from tests.client.conftest import loop_exceptions, no_proxy_environment, raw_server

__all__ = ["loop_exceptions", "no_proxy_environment", "raw_server"]
