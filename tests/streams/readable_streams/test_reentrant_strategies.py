"""WPT streams/readable-streams/reentrant-strategies.any.js: size() calling back into the
stream while an enqueue is in progress."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.readable import ReadableStream, ReadResult

from .rs_utils import read_all


def stream_with_size(size: Any, extra: dict[str, Any] | None = None, hwm: float = 1) -> Any:
    holder: dict[str, Any] = {}

    def start(c: Any) -> None:
        holder["c"] = c

    source = {"start": start, **(extra or {})}
    rs = ReadableStream(source, {"size": lambda chunk: size(holder, chunk), "high_water_mark": hwm})
    holder["rs"] = rs
    return rs, holder["c"], holder


async def test_enqueue_inside_size() -> None:
    calls = [0]

    def size(h: dict[str, Any], chunk: Any) -> int:
        calls[0] += 1
        if calls[0] < 2:
            h["c"].enqueue("b")
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    c.close()
    assert await read_all(rs) == ["b", "a"]


async def test_close_inside_size_does_not_crash() -> None:
    def size(h: dict[str, Any], chunk: Any) -> int:
        h["c"].close()
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    assert await read_all(rs) == [], "the chunk is queued on a closed stream: unreadable"


async def test_close_request_inside_size() -> None:
    calls = [0]

    def size(h: dict[str, Any], chunk: Any) -> int:
        calls[0] += 1
        if calls[0] == 2:
            h["c"].close()
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    c.enqueue("b")
    assert await read_all(rs) == ["a", "b"]


async def test_error_inside_size(error1: Exception) -> None:
    def size(h: dict[str, Any], chunk: Any) -> int:
        h["c"].error(error1)
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    await assert_rejects(rs.get_reader().read(), error1)


async def test_desired_size_inside_size() -> None:
    seen = []

    def size(h: dict[str, Any], chunk: Any) -> int:
        seen.append(h["c"].desired_size)
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    c.close()
    assert seen == [1]
    assert await read_all(rs) == ["a"]


async def test_cancel_inside_size(error1: Exception) -> None:
    state: dict[str, Any] = {}

    def cancel(reason: Any) -> None:
        assert reason is error1
        with pytest.raises(TypeError):
            state["c"].enqueue(None)

    def size(h: dict[str, Any], chunk: Any) -> int:
        state["cancel"] = h["rs"].cancel(error1)
        return 1

    rs, c, _ = stream_with_size(size, {"cancel": cancel}, hwm=math.inf)
    state["c"] = c
    c.enqueue("a")
    reader = rs.get_reader()
    await reader.closed
    await state["cancel"]


async def test_read_inside_size() -> None:
    state: dict[str, Any] = {"calls": 0}

    def size(h: dict[str, Any], chunk: Any) -> int:
        state["read"] = state["reader"].read()
        state["calls"] += 1
        return 1

    rs, c, _ = stream_with_size(size, hwm=0)
    state["reader"] = rs.get_reader()
    c.enqueue("a")
    await flush_callbacks()
    assert not state["read"].done()
    c.enqueue("b")
    assert state["calls"] == 1, "size() is not called for a chunk that goes to a read"
    assert await state["read"] == ReadResult("b", False), "see whatwg/streams#794"
    assert state["calls"] == 1
    assert await state["reader"].read() == ReadResult("a", False)


async def test_get_reader_inside_size() -> None:
    state: dict[str, Any] = {}

    def size(h: dict[str, Any], chunk: Any) -> int:
        state["reader"] = h["rs"].get_reader()
        return 1

    _, c, _ = stream_with_size(size)
    c.enqueue("a")
    assert await state["reader"].read() == ReadResult("a", False)


async def test_tee_inside_size() -> None:
    state: dict[str, Any] = {}

    def size(h: dict[str, Any], chunk: Any) -> int:
        state["branches"] = h["rs"].tee()
        return 1

    rs, c, _ = stream_with_size(size)
    c.enqueue("a")
    assert rs.locked
    c.close()
    b1, b2 = state["branches"]
    assert await read_all(b1) == ["a"]
    assert await read_all(b2) == ["a"]
