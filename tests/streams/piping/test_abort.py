"""WPT streams/piping/abort.any.js: the pipe's abort signal."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.streams.helpers import (
    assert_rejects,
    flush_callbacks,
    recording_readable_stream,
    recording_writable_stream,
)
from tests.streams.piping._util import readable_of
from websocketstream.dom import AbortController, AbortError, AbortSignal


@pytest.mark.parametrize("bad", [1, "abort", object(), {"aborted": True}])
async def test_non_signal_rejects(bad: Any) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    await assert_rejects(rs.pipe_to(ws, signal=bad), TypeError)
    assert not rs.locked
    assert not ws.locked


async def test_already_aborted_signal_rejects_and_aborts_both() -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    signal = AbortSignal.abort()
    reason = await assert_rejects(rs.pipe_to(ws, signal=signal), AbortError)
    assert reason is signal.reason
    assert rs.events_without_pulls == ["cancel", reason]
    assert ws.events == ["abort", reason]
    assert not rs.locked
    assert not ws.locked


async def test_already_aborted_with_custom_reason(error1: Exception) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    await assert_rejects(rs.pipe_to(ws, signal=AbortSignal.abort(error1)), error1)
    assert rs.events_without_pulls == ["cancel", error1]
    assert ws.events == ["abort", error1]


async def test_abort_later_rejects_pipe() -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    controller = AbortController()
    pipe = rs.pipe_to(ws, signal=controller.signal)
    await flush_callbacks()
    controller.abort()
    reason = await assert_rejects(pipe, AbortError)
    assert rs.events_without_pulls == ["cancel", reason]
    assert ws.events == ["abort", reason]


@pytest.mark.parametrize(
    ("prevent_abort", "prevent_cancel"), [(True, False), (False, True), (True, True)]
)
async def test_prevent_options_with_abort(prevent_abort: bool, prevent_cancel: bool) -> None:
    rs = recording_readable_stream()
    ws = recording_writable_stream()
    controller = AbortController()
    pipe = rs.pipe_to(
        ws, signal=controller.signal, prevent_abort=prevent_abort, prevent_cancel=prevent_cancel
    )
    await flush_callbacks()
    controller.abort("why")
    await assert_rejects(pipe, "why")
    assert ws.events == ([] if prevent_abort else ["abort", "why"])
    assert rs.events_without_pulls == ([] if prevent_cancel else ["cancel", "why"])
    assert not rs.locked
    assert not ws.locked


async def test_abort_waits_for_pending_write(error1: Exception) -> None:
    write_future = asyncio.get_running_loop().create_future()
    rs = recording_readable_stream()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    controller = AbortController()
    pipe = rs.pipe_to(ws, signal=controller.signal)
    rs.controller.enqueue("a")
    await flush_callbacks()
    controller.abort(error1)
    await flush_callbacks()
    assert ws.events == ["write", "a"], "shutdown waits for the write in progress"
    assert not pipe.done()
    write_future.set_result(None)
    await assert_rejects(pipe, error1)
    assert ws.events == ["write", "a", "abort", error1]


async def test_abort_after_pipe_finished_is_noop() -> None:
    controller = AbortController()
    ws = recording_writable_stream()
    await readable_of("a").pipe_to(ws, signal=controller.signal)
    controller.abort()
    await flush_callbacks()
    assert ws.events == ["write", "a", "close"]


async def test_abort_rejection_from_actions_rejects_pipe(
    error1: Exception, error2: Exception
) -> None:
    def abort(reason: Any) -> None:
        raise error2

    rs = recording_readable_stream()
    ws = recording_writable_stream({"abort": abort})
    controller = AbortController()
    pipe = rs.pipe_to(ws, signal=controller.signal)
    await flush_callbacks()
    controller.abort(error1)
    await assert_rejects(pipe, error2)


async def test_abort_after_source_closed_resolves_pipe() -> None:
    # Shutdown already began (close propagation): the abort algorithm is a no-op.
    close_future = asyncio.get_running_loop().create_future()
    ws = recording_writable_stream({"close": lambda: close_future})
    controller = AbortController()
    pipe = readable_of().pipe_to(ws, signal=controller.signal)
    await flush_callbacks()
    controller.abort()
    close_future.set_result(None)
    await pipe


async def test_chunks_stay_in_source_with_prevent_cancel() -> None:
    rs = readable_of("a", "b", "c", close=False)
    ws = recording_writable_stream(strategy={"high_water_mark": 1})
    controller = AbortController()
    write_future = asyncio.get_running_loop().create_future()
    ws = recording_writable_stream({"write": lambda chunk, c: write_future})
    pipe = rs.pipe_to(ws, signal=controller.signal, prevent_cancel=True)
    await flush_callbacks()
    controller.abort()
    write_future.set_result(None)
    await assert_rejects(pipe, AbortError)
    reader = rs.get_reader()
    rest = [(await reader.read()).value for _ in range(2)]
    assert rest == ["b", "c"]
