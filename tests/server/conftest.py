"""Fixtures for the server tests: the client tests' loop-exception recorder and helpers."""

from __future__ import annotations

from tests.client.conftest import loop_exceptions, no_proxy_environment, tls

__all__ = ["loop_exceptions", "no_proxy_environment", "tls"]
