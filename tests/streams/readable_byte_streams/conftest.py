"""Fixtures for the readable byte stream tests."""

from __future__ import annotations

import pytest

from tests.streams.readable_streams.rs_utils import WPTError, make_error


@pytest.fixture
def error1() -> WPTError:
    """WPT's ``error1``."""
    return make_error("error1")


@pytest.fixture
def error2() -> WPTError:
    """WPT's ``error2``."""
    return make_error("error2")
