"""WPT streams/readable-streams/bad-underlying-sources.any.js."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.streams.readable import ReadableStream, ReadResult

from .rs_utils import with_controller


async def test_start_getter_that_throws(error1: Exception) -> None:
    class Source:
        @property
        def start(self) -> Any:
            raise error1

    with pytest.raises(type(error1)) as info:
        ReadableStream(Source())
    assert info.value is error1


async def test_start_that_throws(error1: Exception) -> None:
    def start(c: Any) -> None:
        raise error1

    with pytest.raises(type(error1)) as info:
        ReadableStream({"start": start})
    assert info.value is error1


async def test_pull_getter_that_throws(error1: Exception) -> None:
    class Source:
        @property
        def pull(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        ReadableStream(Source())


async def test_pull_not_a_method() -> None:
    with pytest.raises(TypeError):
        ReadableStream({"pull": "potato"})


async def test_pull_that_throws_errors_the_stream(error1: Exception) -> None:
    def pull(c: Any) -> None:
        raise error1

    reader = ReadableStream({"pull": pull}).get_reader()
    await assert_rejects(reader.closed, error1)


async def test_pull_that_throws_after_enqueue_errors_the_stream(error1: Exception) -> None:
    def pull(c: Any) -> None:
        c.enqueue("a")
        raise error1

    reader = ReadableStream({"pull": pull}).get_reader()
    await assert_rejects(reader.closed, error1)
    await assert_rejects(reader.read(), error1)


async def test_cancel_getter_that_throws(error1: Exception) -> None:
    class Source:
        @property
        def cancel(self) -> Any:
            raise error1

    with pytest.raises(type(error1)):
        ReadableStream(Source())


async def test_cancel_that_throws_rejects_cancel(error1: Exception) -> None:
    def cancel(reason: Any) -> None:
        raise error1

    await assert_rejects(ReadableStream({"cancel": cancel}).cancel(), error1)


async def test_enqueue_after_close_in_start_throws() -> None:
    def start(c: Any) -> None:
        c.close()
        c.enqueue("a")

    with pytest.raises(TypeError):
        ReadableStream({"start": start})


async def test_enqueue_after_close_in_pull_errors_nothing_but_rejects_pull() -> None:
    def pull(c: Any) -> None:
        c.close()
        c.enqueue("a")  # raises: the pull future rejects, but the stream is already closed

    reader = ReadableStream({"pull": pull}).get_reader()
    await reader.closed
    assert await reader.read() == ReadResult(None, True)


async def test_enqueue_after_error_throws(error1: Exception) -> None:
    def start(c: Any) -> None:
        c.error(error1)
        with pytest.raises(TypeError):
            c.enqueue("a")

    rs = ReadableStream({"start": start})
    await assert_rejects(rs.get_reader().closed, error1)


async def test_close_after_error_throws(error1: Exception) -> None:
    _, c = with_controller()
    c.error(error1)
    with pytest.raises(TypeError):
        c.close()


async def test_close_after_close_throws() -> None:
    _, c = with_controller()
    c.close()
    with pytest.raises(TypeError):
        c.close()


async def test_close_after_enqueue_and_close_throws() -> None:
    _, c = with_controller()
    c.enqueue("a")
    c.close()
    with pytest.raises(TypeError):
        c.close()


async def test_error_after_close_is_a_noop(error1: Exception) -> None:
    rs, c = with_controller()
    c.close()
    c.error(error1)
    await rs.get_reader().closed


async def test_error_after_error_keeps_the_first(error1: Exception, error2: Exception) -> None:
    rs, c = with_controller()
    c.error(error1)
    c.error(error2)
    await assert_rejects(rs.get_reader().closed, error1)


async def test_error_in_start_then_start_rejects(error1: Exception, error2: Exception) -> None:
    async def start(c: Any) -> None:
        c.error(error1)
        raise error2

    rs = ReadableStream({"start": start})
    await assert_rejects(rs.get_reader().closed, error1)


async def test_cancel_called_even_when_pull_pending() -> None:
    loop = asyncio.get_running_loop()
    cancelled: list[Any] = []
    ReadableStream({"pull": lambda c: loop.create_future(), "cancel": cancelled.append})
    rs = ReadableStream({"pull": lambda c: loop.create_future(), "cancel": cancelled.append})
    await flush_callbacks()
    await rs.cancel("r")
    assert cancelled == ["r"]
