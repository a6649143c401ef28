"""Small helpers shared by the WebSocketStream tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest

from websocketstream import WebSocketError, WebSocketOpenInfo, WebSocketStream

T = TypeVar("T")

#: Bound on any single await that could hang.
TIMEOUT = 5.0


async def wait(aw: Awaitable[T], timeout: float = TIMEOUT) -> T:
    """Await with a bound."""
    return await asyncio.wait_for(aw, timeout)


async def connect(url: str, **kwargs: Any) -> tuple[WebSocketStream, WebSocketOpenInfo]:
    """Construct a WebSocketStream and await ``opened``."""
    wss = WebSocketStream(url, **kwargs)
    return wss, await wait(wss.opened)


async def rejects(aw: Awaitable[Any], kind: type[BaseException] = WebSocketError) -> Any:
    """Assert that ``aw`` fails with ``kind`` (exactly that class); return the error."""
    with pytest.raises(BaseException) as info:
        await wait(aw)
    assert type(info.value) is kind, f"expected {kind.__name__}, got {info.value!r}"
    return info.value
