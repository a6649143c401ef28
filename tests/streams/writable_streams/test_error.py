"""WPT streams/writable-streams/error.any.js."""

from __future__ import annotations

from typing import Any

from tests.streams.helpers import assert_rejects
from websocketstream.streams.writable import WritableStream


def stream_and_controller() -> tuple[WritableStream, Any]:
    holder: list[Any] = []
    ws = WritableStream({"start": holder.append})
    return ws, holder[0]


async def test_controller_error_errors_the_stream(error1: Exception) -> None:
    ws = WritableStream({"start": lambda c: c.error(error1)})
    await assert_rejects(ws.get_writer().closed, error1, "closed")


async def test_controller_error_on_erroring_stream_does_not_raise(error1: Exception) -> None:
    ws, controller = stream_and_controller()
    abort = ws.abort()
    assert ws._state == "erroring"
    controller.error(error1)
    await abort


async def test_surplus_calls_to_controller_error_are_noop(
    error1: Exception, error2: Exception
) -> None:
    ws, controller = stream_and_controller()
    controller.error(error1)
    controller.error(error2)
    await assert_rejects(ws.get_writer().closed, error1, "the first controller.error() wins")


async def test_controller_error_on_errored_stream_does_not_raise(error1: Exception) -> None:
    ws, controller = stream_and_controller()
    await ws.abort()
    assert ws._state == "errored"
    controller.error(error1)


async def test_controller_error_on_closed_stream_does_not_raise(error1: Exception) -> None:
    ws, controller = stream_and_controller()
    await ws.get_writer().close()
    assert ws._state == "closed"
    controller.error(error1)
