"""What the WritableStream write fast paths (writable.py) must keep: the moment the reaction to
the sink's write is queued (at once for an already settled promise, as upon_promise does), the
order of the settlements it makes, the identity of ``writer.ready``, the context author code
runs in, and the default size algorithm being as good as any other."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pytest

from tests.streams.helpers import flush_callbacks, pending
from websocketstream._promise import (
    new_promise,
    promise_resolved_with,
    queue_microtask,
    upon_fulfillment,
    upon_rejection,
)
from websocketstream.streams.strategies import CountQueuingStrategy
from websocketstream.streams.writable import WritableStream, create_writable_stream

_var: contextvars.ContextVar[str] = contextvars.ContextVar("_var", default="unset")


async def _started(ws: WritableStream) -> Any:
    writer = ws.get_writer()
    await flush_callbacks()  # start() done
    return writer


@pytest.mark.parametrize("returns", ["nothing", "fulfilled promise"])
async def test_sink_write_reaction_is_queued_at_once(returns: str) -> None:
    # As in JavaScript: the sink's write runs synchronously inside write(); its (settled)
    # promise's reaction is queued then, between the microtasks queued before and after write(),
    # and it resolves the write promise, then the ready promise, in that order.
    log: list[str] = []
    fulfilled = promise_resolved_with(None)

    def write(chunk: Any, controller: Any) -> Any:
        log.append(f"sink write {chunk}")
        return fulfilled if returns == "fulfilled promise" else None

    writer = await _started(WritableStream({"write": write}))
    done = new_promise()
    queue_microtask(lambda: log.append("before"))
    written = writer.write("a")
    ready = writer.ready
    assert not ready.done()  # high-water mark 1: backpressure
    queue_microtask(lambda: log.append("after"))
    upon_fulfillment(ready, lambda _: log.append("ready"))
    upon_fulfillment(written, lambda _: log.append("write resolved"))
    upon_fulfillment(written, done.set_result)
    await done
    assert log == ["sink write a", "before", "after", "write resolved", "ready"]
    assert writer.ready is ready  # the same promise, now fulfilled
    assert ready.done()


async def test_internal_sink_returning_a_shared_fulfilled_promise_keeps_the_order() -> None:
    # The endpoint's sink returns one fulfilled promise for every write.
    log: list[str] = []
    fulfilled = promise_resolved_with(None)

    def write(chunk: Any) -> asyncio.Future[Any]:
        log.append(f"sink write {chunk}")
        return fulfilled

    ws = create_writable_stream(
        lambda: None, write, lambda: promise_resolved_with(None), lambda r: fulfilled, 2
    )
    writer = await _started(ws)
    ready = writer.ready
    first = writer.write("a")
    assert writer.ready is ready  # desired size 1 - 1 = 0 ... of 2: no backpressure yet
    second = writer.write("b")  # queued behind "a", which is in flight
    assert writer.ready is not ready  # backpressure: a new pending ready promise
    pending_ready = writer.ready
    assert not pending_ready.done()
    queue_microtask(lambda: log.append("after writes"))
    for name, p in (("a", first), ("b", second), ("ready", pending_ready)):
        upon_fulfillment(p, lambda _, name=name: log.append(f"{name} resolved"))  # type: ignore[misc]
    await second
    await flush_callbacks()
    # "a"'s reaction, queued inside write("a"), runs first: it resolves "a", releases the
    # backpressure (one chunk left of two) and writes "b", whose reaction is queued after the
    # settlements it made.
    assert log == [
        "sink write a",
        "sink write b",
        "after writes",
        "a resolved",
        "ready resolved",
        "b resolved",
    ]
    assert writer.ready is pending_ready


async def test_ready_identity_across_writes_below_the_high_water_mark() -> None:
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, controller: Any) -> Any:
        f = pending()
        futures.append(f)
        return f

    writer = await _started(WritableStream({"write": write}, {"high_water_mark": 3}))
    ready = writer.ready
    assert ready.done()
    writer.write("a")
    writer.write("b")
    assert writer.ready is ready
    assert writer.desired_size == 1
    writer.write("c")
    assert writer.desired_size == 0
    blocked = writer.ready
    assert blocked is not ready and not blocked.done()
    futures[0].set_result(None)
    await flush_callbacks()
    assert writer.ready is blocked and blocked.done()
    assert writer.desired_size == 1


async def test_sink_write_settling_later_resolves_in_order() -> None:
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, controller: Any) -> Any:
        f = pending()
        futures.append(f)
        return f

    writer = await _started(WritableStream({"write": write}))
    log: list[str] = []
    writes = [writer.write(c) for c in "abc"]
    for c, w in zip("abc", writes, strict=True):
        upon_fulfillment(w, lambda _, c=c: log.append(c))  # type: ignore[misc]
    for _ in "abc":
        await flush_callbacks()
        futures[-1].set_result(None)
    await asyncio.gather(*writes)
    assert log == ["a", "b", "c"]
    assert len(futures) == 3


async def test_cancelled_sink_write_future_errors_the_stream_with_cancelled_error() -> None:
    # upon_promise treats a cancelled future as rejected with CancelledError; so does the
    # bound reaction.
    sink_future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ws = create_writable_stream(
        lambda: None,
        lambda chunk: sink_future,
        lambda: promise_resolved_with(None),
        lambda r: promise_resolved_with(None),
    )
    writer = await _started(ws)
    written = writer.write("a")
    reasons: list[BaseException] = []
    upon_rejection(written, reasons.append)
    sink_future.cancel()
    await flush_callbacks()
    assert len(reasons) == 1 and isinstance(reasons[0], asyncio.CancelledError)
    assert ws._state == "errored"
    assert isinstance(ws._stored_error, asyncio.CancelledError)


async def test_sink_write_runs_in_the_context_of_the_write_that_queued_it() -> None:
    # The second chunk's sink write runs from the first write's reaction, in a copy of the
    # context current when that reaction was added (inside the first write() call).
    seen: list[tuple[str, str]] = []
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, controller: Any) -> Any:
        seen.append((chunk, _var.get()))
        f = pending()
        futures.append(f)
        return f

    writer = await _started(WritableStream({"write": write}, {"high_water_mark": 4}))
    token = _var.set("first")
    first = writer.write("a")
    _var.reset(token)
    second = writer.write("b")  # queued: written once "a" is done
    futures[0].set_result(None)
    await first
    await flush_callbacks()
    futures[1].set_result(None)
    await second
    assert seen == [("a", "first"), ("b", "first")]


@pytest.mark.parametrize("strategy", ["default", "count", "custom"])
async def test_default_size_is_the_same_as_any_size_function(strategy: str) -> None:
    sizes: list[Any] = []

    def size(chunk: Any) -> int:
        sizes.append(chunk)
        return 1

    strategies: dict[str, Any] = {
        "default": {"high_water_mark": 2},
        "count": CountQueuingStrategy(high_water_mark=2),
        "custom": {"high_water_mark": 2, "size": size},
    }
    futures: list[asyncio.Future[Any]] = []

    def write(chunk: Any, controller: Any) -> Any:
        f = pending()
        futures.append(f)
        return f

    writer = await _started(WritableStream({"write": write}, strategies[strategy]))
    desired = []
    for c in "abc":
        writer.write(c)
        desired.append(writer.desired_size)
    assert desired == [1, 0, -1]
    assert sizes == (list("abc") if strategy == "custom" else [])
    assert len(futures) == 1  # one write in flight at a time
    writer.close()
    with pytest.raises(TypeError):
        await writer.write("d")  # closing: rejected (the slow path)
    assert sizes == (list("abcd") if strategy == "custom" else [])
