"""Fixtures shared by the streams tests (helpers live in ``tests/streams/helpers.py``)."""

from __future__ import annotations

import pytest


class Error1(Exception):
    """The WPT tests' ``error1``."""


class Error2(Exception):
    """The WPT tests' ``error2``."""


@pytest.fixture
def error1() -> Error1:
    """A fresh ``error1`` (compared by identity)."""
    return Error1("error1")


@pytest.fixture
def error2() -> Error2:
    """A fresh ``error2`` (compared by identity)."""
    return Error2("error2")
